#pragma once

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "config/config_loader.h"

namespace s3proc {

enum class CommandKind { kRun, kStatus, kRedrive, kProcess, kConfigCheck };

// What the command line asked for, before the configuration is loaded.
struct Invocation {
  CommandKind command = CommandKind::kRun;
  std::string config_file;  // --config; empty: not given
  SettingOverrides flags;   // settings given as flags (see ConfigSources::flags)
  bool json = false;        // status --json
  std::string filter;       // redrive --filter
  std::string file;         // process FILE, config check FILE
  std::string output;       // process --output; empty: stdout
  std::string key;          // process --key; empty: FILE's name
};

struct ParsedCommandLine {
  // Set when the program should exit now with this code: 0 after --help or --version, 2 after a
  // usage error (the message and a hint to --help are already written to `err`).
  std::optional<int> exit_code;
  Invocation invocation;
};

// Parses `args` (args[0] is the program name) with the CLI11 command table: subcommands run,
// status, redrive, process and config check, with help text that documents every setting (flag,
// environment variable, TOML key, default). Help and version go to `out`, errors to `err`. The only
// file that includes CLI11; its exceptions stop here.
ParsedCommandLine ParseCommandLine(const std::vector<std::string>& args, FILE* out, FILE* err);

}  // namespace s3proc
