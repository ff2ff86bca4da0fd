#include "config/config_loader.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "config/setting_fields.h"

namespace s3proc {

namespace {

std::vector<std::string> SplitWords(std::string_view text, char separator) {
  std::vector<std::string> words;
  std::string word;
  auto flush = [&] {
    if (!word.empty()) words.push_back(std::move(word));
    word.clear();
  };
  for (char c : text) {
    bool is_separator =
        separator == ' ' ? std::isspace(static_cast<unsigned char>(c)) != 0 : c == separator;
    if (is_separator) {
      flush();
    } else {
      word.push_back(c);
    }
  }
  flush();
  return words;
}

// exec_command and exec_env from the environment: a TOML array (so arguments may hold spaces)
// or words (exec_env: names, separated by commas or spaces).
Status ParseEnvList(std::string_view key, const std::string& name, const std::string& text,
                    std::vector<std::string>* out) {
  size_t first = text.find_first_not_of(" \t");
  if (first != std::string::npos && text[first] == '[') {
    RunConfig scratch;
    Status s = MergeTomlText("exec_command = " + text, name, scratch);
    if (!s.ok()) {
      return Status::InvalidArgument(name + ": not a TOML array of strings: " + text);
    }
    *out = scratch.exec_command;
    return Status::Ok();
  }
  std::string words = text;
  if (key == "exec_env") std::replace(words.begin(), words.end(), ',', ' ');
  *out = SplitWords(words, ' ');
  return Status::Ok();
}

}  // namespace

Status MergeEnvironment(const ConfigEnvLookup& env, RunConfig& config, SettingOrigins* origin) {
  for (const auto& setting : RunSettings()) {
    if (!setting.in_env) continue;
    const std::string name = setting.EnvName();
    std::optional<std::string> value = env(name);
    if (!value.has_value() || value->empty()) continue;
    std::vector<std::string> values;
    if (setting.key == "route") {
      values = SplitWords(*value, ',');
    } else if (setting.key == "exec_command" || setting.key == "exec_env") {
      S3PROC_RETURN_IF_ERROR(ParseEnvList(setting.key, name, *value, &values));
    } else {
      values.push_back(*value);
    }
    S3PROC_RETURN_IF_ERROR(config_internal::SetFromText(config, setting.key, values, name));
    if (origin != nullptr) {
      if (setting.key == "route") config_internal::ForgetRouteOrigins(*origin);
      (*origin)[std::string(setting.key)] = name;
    }
  }
  return Status::Ok();
}

Status MergeOverrides(const SettingOverrides& flags, RunConfig& config, SettingOrigins* origin) {
  for (const auto& [key, values] : flags) {
    const SettingInfo* setting = FindSetting(key);
    if (setting == nullptr) return Status::InvalidArgument("unknown setting '" + key + "'");
    S3PROC_RETURN_IF_ERROR(config_internal::SetFromText(config, key, values, setting->FlagName()));
    if (origin != nullptr) {
      if (key == "route") config_internal::ForgetRouteOrigins(*origin);
      (*origin)[key] = setting->FlagName();
    }
  }
  return Status::Ok();
}

std::string DefaultWorkDir(const ConfigEnvLookup& env) {
  std::optional<std::string> state = env("XDG_STATE_HOME");
  if (state && state->starts_with('/')) return *state + "/s3proc";
  std::optional<std::string> home = env("HOME");
  if (home && !home->empty()) return *home + "/.local/state/s3proc";
  return "";
}

Result<RunConfig> LoadRunConfig(const ConfigSources& sources, ConfigPurpose purpose) {
  RunConfig config;
  SettingOrigins origin;

  std::string file = sources.config_file;
  bool must_exist = true;
  if (file.empty()) {
    if (auto from_env = sources.env("S3PROC_CONFIG"); from_env.has_value() && !from_env->empty()) {
      file = *from_env;
    } else {
      file = sources.default_config_file;
      must_exist = false;
    }
  }
  if (!file.empty()) {
    Status s = MergeTomlFile(file, config, &origin);
    if (s.IsNotFound()) {
      if (must_exist) {
        const std::string named_by =
            sources.config_file.empty() ? "S3PROC_CONFIG" : sources.config_file_named_by;
        return Status::InvalidArgument("config file " + file + " does not exist" +
                                       (named_by.empty() ? "" : " (named by " + named_by + ")"));
      }
    } else if (!s.ok()) {
      return s;
    }
  }
  S3PROC_RETURN_IF_ERROR(MergeEnvironment(sources.env, config, &origin));
  S3PROC_RETURN_IF_ERROR(MergeOverrides(sources.flags, config, &origin));
  if (config.work_dir.empty()) config.work_dir = DefaultWorkDir(sources.env);
  S3PROC_RETURN_IF_ERROR(NormalizeAndValidate(config, purpose, &origin));
  return config;
}

}  // namespace s3proc
