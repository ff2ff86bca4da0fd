#pragma once

#include <string>
#include <vector>

#include "cli/commands.h"

namespace s3proc {

// The whole program: parses the command line, loads and validates the configuration (for
// run/status/redrive a bucket is required), runs the command and returns the process exit
// code (see commands.h; 2 for a usage or configuration error, 0 after --help/--version).
// `args[0]` is the program name.
int RunCli(const std::vector<std::string>& args, const CliIo& io);

// RunCli on the real argv, stdout, stderr and environment.
int RunCli(int argc, char** argv);

}  // namespace s3proc
