#include "cli/cli.h"

#include <sys/prctl.h>

#include <cstdlib>
#include <optional>

#include "common/logging.h"
#include "config/config_loader.h"

namespace s3proc {

int RunCli(const std::vector<std::string>& args, const CliIo& io) {
  ParsedCommandLine parsed = ParseCommandLine(args, io.out, io.err);
  if (parsed.exit_code.has_value()) return *parsed.exit_code;
  const Invocation& inv = parsed.invocation;
  // The file alone: it loads its own configuration.
  if (inv.command == CommandKind::kConfigCheck) return ConfigCheckCommand(inv.file, io);

  ConfigSources sources;
  sources.config_file = inv.config_file;
  sources.flags = inv.flags;
  sources.env = io.env;
  sources.default_config_file = io.default_config_file;
  auto config = LoadRunConfig(
      sources, inv.command == CommandKind::kProcess ? ConfigPurpose::kLocal : ConfigPurpose::kS3);
  if (!config.ok()) {
    std::fprintf(io.err, "s3proc: error: %s\n", TextEscaped(config.status().message()).c_str());
    return 2;
  }
  switch (inv.command) {
    case CommandKind::kRun: return RunCommand(*config, io);
    case CommandKind::kStatus: return StatusCommand(*config, inv.json, io);
    case CommandKind::kRedrive: return RedriveCommand(*config, inv, io);
    case CommandKind::kProcess: return ProcessCommand(*config, inv, io);
    case CommandKind::kConfigCheck: break;  // returned above
  }
  return 2;
}

namespace {

// s3proc reads HOME (the AWS files, the default work dir) from what this returns, and takes it
// out of its own process environment: libjq 1.6 reads $HOME/.jq into every filter it compiles,
// so a file there (that any process of the user may write, an exec command included) would
// change what every route's filter does. The exec command gets a HOME of its own.
EnvLookup EnvWithoutProcessHome() {
  const char* home = std::getenv("HOME");
  std::optional<std::string> saved;
  if (home != nullptr && *home != '\0') saved = home;
  ::unsetenv("HOME");
  return [saved, process = ProcessEnvLookup()](std::string_view name) {
    return name == "HOME" ? saved : process(name);
  };
}

}  // namespace

int RunCli(int argc, char** argv) {
  // No other process of the user, the exec command first of all, may trace s3proc or read its
  // memory and environment (/proc/PID/mem, environ), where its credentials are; the exec
  // command's supervisors, forked from s3proc, inherit it. Core dumps, which would hold the
  // same, are off too. A command started by exec gets the usual setting back.
  ::prctl(PR_SET_DUMPABLE, 0);
  std::vector<std::string> args(argv, argv + argc);
  return RunCli(args, CliIo{.env = EnvWithoutProcessHome()});
}

}  // namespace s3proc
