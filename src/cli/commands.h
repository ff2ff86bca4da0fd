#pragma once

#include <cstdio>

#include "aws/credentials_env.h"
#include "cli/command_line.h"
#include "config/run_config.h"

namespace s3proc {

// Where a command writes and what it may read: injected so tests capture the output and never
// touch the real environment.
struct CliIo {
  FILE* in = stdin;  // `process -`
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

// `s3proc config check FILE`: loads FILE exactly as `run --config FILE` does (LoadRunConfig,
// for run: a bucket is required) but with no S3PROC_* variable and no flag, so that what is
// checked is the file alone. Touches no network and no work dir. Prints "FILE: ok" to io.out
// and returns 0, or "s3proc: error: <message>" to io.err and returns 2.
int ConfigCheckCommand(const std::string& file, const CliIo& io);

}  // namespace s3proc
