#include "processors/exec_environment.h"

#include <algorithm>
#include <cstdlib>
#include <string_view>

#include "common/exec_env_names.h"

extern char** environ;

namespace s3proc {

std::vector<std::string> ExecEnvironment(const std::vector<std::string>& passed_names,
                                         const std::string& home, const std::string& tmp,
                                         const std::string& input_path,
                                         const ProcessContext& context) {
  std::vector<std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view entry(*e);
    std::string_view name = entry.substr(0, entry.find('='));
    bool listed = std::find(passed_names.begin(), passed_names.end(), name) != passed_names.end();
    // CheckExecEnvName keeps AWS_* and S3PROC_* out of the list; checked again here because
    // nothing else stands between the credentials and the command.
    if ((IsAlwaysPassedToExec(name) || listed) && CheckExecEnvName(name).ok()) {
      env.emplace_back(entry);
    }
  }
  env.push_back("HOME=" + home);
  env.push_back("TMPDIR=" + tmp);
  env.push_back("S3PROC_SOURCE_KEY=" + context.source_key);
  env.push_back("S3PROC_SOURCE_SIZE=" + std::to_string(context.source_size));
  env.push_back("S3PROC_SOURCE_ETAG=" + context.source_etag);
  env.push_back("S3PROC_PROCESSED_AT=" + context.processed_at);
  env.push_back("S3PROC_INPUT_PATH=" + input_path);
  return env;
}

std::vector<std::pair<std::string, std::string>> PassedValues(
    const std::vector<std::string>& passed_names) {
  std::vector<std::pair<std::string, std::string>> values;
  for (const std::string& name : passed_names) {
    const char* value = std::getenv(name.c_str());
    // A value of a few characters ("1", "yes") would blank out ordinary words.
    if (value != nullptr && std::string_view(value).size() >= 6) {
      values.emplace_back(value, "<$" + name + ">");
    }
  }
  return values;
}

}  // namespace s3proc
