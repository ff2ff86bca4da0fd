#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "config/run_config.h"

namespace s3proc {

// Looks up an environment variable; nullopt when unset or empty. Same type as the aws layer's
// EnvLookup, so one lookup serves both. Injected so tests never touch the real environment.
using ConfigEnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

// The values an integer setting accepts: min..max, and 0 too when `zero_too` (0 then means
// what the setting's help says: "the queue's own").
struct SettingRange {
  int64_t min = 0;
  int64_t max = 0;  // INT32_MAX: no upper bound
  bool zero_too = false;

  bool Contains(int64_t value) const {
    return (zero_too && value == 0) || (value >= min && value <= max);
  }
  // "1..512", "at least 0", "0 or 10..43200": as --help and the error messages say it.
  std::string Text() const;
};

// One setting of RunConfig as each source names it. The TOML key is the RunConfig field name;
// the environment variable is S3PROC_ + the key upper-cased; the flag is "--" + the key with
// '_' turned into '-'. Settings are listed in the order help text shows them.
// How a setting is stored in RunConfig: its type and its member.
enum class SettingKind { kString, kBool, kInt, kUint64, kStringList, kRoutes };

struct SettingField {
  SettingKind kind = SettingKind::kString;
  std::string RunConfig::*str = nullptr;
  bool RunConfig::*boolean = nullptr;
  int RunConfig::*integer = nullptr;
  uint64_t RunConfig::*u64 = nullptr;
  std::vector<std::string> RunConfig::*list = nullptr;
};

// The field of each kind, for the table's rows.
constexpr SettingField Text(std::string RunConfig::*p) { return {SettingKind::kString, p}; }
constexpr SettingField Flag(bool RunConfig::*p) { return {SettingKind::kBool, nullptr, p}; }
constexpr SettingField Int(int RunConfig::*p) { return {SettingKind::kInt, nullptr, nullptr, p}; }
constexpr SettingField Bytes(uint64_t RunConfig::*p) {
  return {SettingKind::kUint64, nullptr, nullptr, nullptr, p};
}
constexpr SettingField List(std::vector<std::string> RunConfig::*p) {
  return {SettingKind::kStringList, nullptr, nullptr, nullptr, nullptr, p};
}
constexpr SettingField Routes() { return {SettingKind::kRoutes}; }

// One row per setting: everything else (TOML, environment, flags, validation of ranges, help,
// the docs) is derived from it. Adding a setting is a row, its member in RunConfig, and its use.
struct SettingInfo {
  std::string_view key;   // "bucket" (TOML key and RunConfig field); "route" for [[route]]
  std::string_view help;  // one sentence for --help
  SettingField field;     // where RunConfig keeps it; its kind is its type
  std::string_view value_name = "N";  // its value in --help: NAME, URL, DIR, PREFIX, ...
  bool in_file = true;                // may be set in the TOML file
  bool in_env = true;                 // may be set from S3PROC_<KEY>
  // Integer settings: the values s3proc accepts (validated by NormalizeAndValidate, shown by
  // --help; the Ansible role has no copy: it runs `s3proc config check` on its rendered file).
  std::optional<SettingRange> range;

  // A boolean: the flag takes no value.
  bool is_flag() const { return field.kind == SettingKind::kBool; }
  // exec_command, exec_env and route: the flag may repeat.
  bool is_list() const {
    return field.kind == SettingKind::kStringList || field.kind == SettingKind::kRoutes;
  }

  std::string EnvName() const;   // "S3PROC_BUCKET"; "S3PROC_ROUTES" for route
  std::string FlagName() const;  // "--bucket"
};

// Every setting, in help order.
const std::vector<SettingInfo>& RunSettings();

// Returns the setting named `key`, or nullptr.
const SettingInfo* FindSetting(std::string_view key);

// `config`'s value of setting `key` as text, for help ("16", "input/", "true", "" when unset,
// "[\"jq\", \".\"]" for lists, "*.csv=csv, *.json=json" for routes).
std::string SettingValueText(const RunConfig& config, std::string_view key);

// Settings given on the command line: setting key -> values. Scalars and booleans hold one value
// ("true"/"false" for booleans); exec_command holds one element per argv element; route holds
// one "GLOB=PROCESSOR" per rule. A list given here replaces the lower sources' list.
using SettingOverrides = std::map<std::string, std::vector<std::string>, std::less<>>;

// What a command needs from the configuration: kS3 commands (run, status, redrive) need a valid
// bucket; kLocal (process) does not.
enum class ConfigPurpose { kS3, kLocal };

struct ConfigSources {
  std::string config_file;  // --config; empty: S3PROC_CONFIG, then default_config_file
  // What named config_file, for the message when it does not exist; empty: say nothing.
  std::string config_file_named_by = "--config";
  SettingOverrides flags;
  ConfigEnvLookup env;  // REQUIRES: callable
  // Read when it exists; its absence is fine (unlike a file named by --config or S3PROC_CONFIG).
  std::string default_config_file = "/etc/s3proc/s3proc.toml";
};

// Builds the RunConfig: RunConfig's defaults < the TOML file < S3PROC_* variables < flags, then
// NormalizeAndValidate(). Returns InvalidArgument with a message that names the file and line,
// the variable or the flag, and says what to fix:
//   "s3proc.toml:7: unknown setting 'bukcet' (did you mean 'bucket'?)"
//   "S3PROC_CONCURRENCY: 'many' is not an integer"
//   "concurrency (from --concurrency) must be between 1 and 512, got 0"
// IoError when a named config file cannot be read (a missing one is InvalidArgument).
Result<RunConfig> LoadRunConfig(const ConfigSources& sources, ConfigPurpose purpose);

// Where the work dir is when none is given: $XDG_STATE_HOME/s3proc (an absolute
// XDG_STATE_HOME only, as the XDG spec says), else $HOME/.local/state/s3proc; "" when neither
// is set (a run then needs an explicit work_dir). LoadRunConfig fills an empty work_dir with it.
std::string DefaultWorkDir(const ConfigEnvLookup& env);

// The steps of LoadRunConfig, public for tests. Each merges one source into `config` and, when
// `origin` is non-null, records for each setting it set where the value came from
// ("s3proc.toml:7", "S3PROC_BUCKET", "--bucket").
using SettingOrigins = std::map<std::string, std::string, std::less<>>;

// `source_name` is the file name used in messages. Unknown keys, wrong types, keys that cannot be
// set from a file (dry_run) and syntax errors are InvalidArgument "<source_name>:<line>: ...".
Status MergeTomlText(std::string_view text, const std::string& source_name, RunConfig& config,
                     SettingOrigins* origin = nullptr);
// Reads `path` and merges it: IoError when it cannot be read (a directory included), NotFound
// when it does not exist.
Status MergeTomlFile(const std::string& path, RunConfig& config, SettingOrigins* origin = nullptr);
Status MergeEnvironment(const ConfigEnvLookup& env, RunConfig& config,
                        SettingOrigins* origin = nullptr);
// InvalidArgument for an unknown key (a bug in the caller) or a value that does not parse.
Status MergeOverrides(const SettingOverrides& flags, RunConfig& config,
                      SettingOrigins* origin = nullptr);

// Normalises prefixes (a missing trailing '/' is added: "input" means "input/") and checks:
// - kS3: bucket set and a valid S3 bucket name (3-63 of a-z 0-9 . -, starting and ending with a
//   letter or digit, no "..", not an IP address);
// - prefixes non-empty, not starting with '/', and no one a prefix of another (overlapping
//   prefixes would make s3proc process its own output or leases);
// - every integer setting within its SettingInfo::range (concurrency 1..512, ...);
// - log_format text|json; endpoint_url empty or http(s)://host; region of [a-z0-9-_];
// - default_processor and every route's processor in kProcessorNames (common/processor_names.h);
//   route globs non-empty; exec used anywhere requires exec_command.
// Returns InvalidArgument naming the setting (and, from `origin`, where it was set).
Status NormalizeAndValidate(RunConfig& config, ConfigPurpose purpose,
                            const SettingOrigins* origin = nullptr);

}  // namespace s3proc
