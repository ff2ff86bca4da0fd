#include "cli/commands.h"
#include "common/logging.h"
#include "config/config_loader.h"
#include "pipeline/router_config.h"

namespace s3proc {

int ConfigCheckCommand(const std::string& file, const CliIo& io) {
  ConfigSources sources;
  sources.config_file = file;
  sources.config_file_named_by = "";  // the command line just above says it
  // Not io.env: a variable set where the check runs (an Ansible controller, a shell) must
  // neither fill in nor override what the file says.
  sources.env = [](std::string_view) -> std::optional<std::string> { return std::nullopt; };
  auto config = LoadRunConfig(sources, ConfigPurpose::kS3);
  if (!config.ok()) {
    std::fprintf(io.err, "s3proc: error: %s\n", TextEscaped(config.status().message()).c_str());
    return 2;
  }
  // What the routes declare is part of it: a schema must load and a filter compile as in a run.
  if (auto rules = LoadRouteRules(*config); !rules.ok()) {
    std::fprintf(io.err, "s3proc: error: %s\n", TextEscaped(rules.status().message()).c_str());
    return 2;
  }
  std::fprintf(io.out, "%s: ok\n", file.c_str());
  return 0;
}

}  // namespace s3proc
