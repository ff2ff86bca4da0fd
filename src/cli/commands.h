#pragma once

#include <cstdio>

#include "aws/credentials_env.h"
#include "cli/command_line.h"
#include "config/run_config.h"

namespace s3proc {

// Where a command writes and what it may read: injected so tests capture the output and never
// touch the real environment.
struct CliIo {
  FILE* out = stdout;
  FILE* err = stderr;
  EnvLookup env = ProcessEnvLookup();
  std::string default_config_file = "/etc/s3proc/s3proc.toml";
};

// Each command returns the process exit code: 0 success; 1 when some work is left or failed
// (run: objects left in input/; redrive: conflicts or failures; process: rejected) or a
// run-level error, printed as "s3proc: error: <message>"; 2 for a configuration error found
// while building the S3 parts (region, endpoint).
// REQUIRES: `config` validated for the command's ConfigPurpose.
int RunCommand(const RunConfig& config, const CliIo& io);
int StatusCommand(const RunConfig& config, bool json, const CliIo& io);
int RedriveCommand(const RunConfig& config, const Invocation& invocation, const CliIo& io);
int ProcessCommand(const RunConfig& config, const Invocation& invocation, const CliIo& io);

}  // namespace s3proc
