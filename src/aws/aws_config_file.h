#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace s3proc {

// Which of the two shared files is being read. They differ only in how sections name a profile:
// the credentials file says `[NAME]`, the config file says `[profile NAME]` (and `[default]`).
enum class AwsConfigFileKind { kCredentials, kConfig };

// One section's properties, keys lower-cased. A nested block such as
//   s3 =
//     addressing_style = path
// is stored as "s3.addressing_style" -> "path" (the nested key as written, not lower-cased).
using AwsProfile = std::map<std::string, std::string>;

// One `[header]` section of a shared file, as Python's configparser (and so botocore's
// raw_config_parse) reads it: `name` is the text between the brackets, unchanged.
struct AwsConfigSection {
  std::string name;
  AwsProfile properties;
};

// The profiles of one shared file (~/.aws/credentials or ~/.aws/config).
struct AwsConfigFile {
  std::map<std::string, AwsProfile> profiles;  // by profile name, as written (case-sensitive)
  // Config file only: the `[sso-session NAME]` sections, by NAME.
  std::map<std::string, AwsProfile> sso_sessions;

  // Returns the profile, or nullptr when the file has no section for it.
  const AwsProfile* Find(std::string_view profile) const;
  // Returns the value of `key` (lower case) in `profile`, or nullopt when either is absent or the
  // value is empty.
  std::optional<std::string> Get(std::string_view profile, std::string_view key) const;
};

// Splits the text of a shared file into its sections exactly as the AWS CLI and botocore do
// (configparser.RawConfigParser, then botocore's nested blocks):
// - a line whose first non-blank character is `#` or `;` is a comment; there are no inline
//   comments: `region = us-east-1 # eu` has the value "us-east-1 # eu";
// - `name = value` or `name: value`, split at the first `=` or `:`; names are lower-cased;
// - a line indented deeper than the property line before it continues that property's value
//   (blank lines inside a value are kept); a value that starts on the next line is a nested
//   block of `key = value` lines;
// - a section or a property repeated within the file is an error, as in the AWS CLI;
// - the properties of a `[DEFAULT]` section are inherited by every other section.
// `origin` names the text in error messages (usually the file's path).
// Returns InvalidArgument, naming origin and line number, for a line that is neither a section
// header, a property, a continuation nor a comment, a property before any section header, a
// repeated section or property, or a nested line without `=`. Never puts a value in a message
// (it may be a secret).
Result<std::vector<AwsConfigSection>> ParseAwsConfigSections(std::string_view text,
                                                             std::string_view origin);

// ParseAwsConfigSections, then the profiles as botocore finds them: in a credentials file every
// section is a profile named as written; in a config file `[default]` and `[profile NAME]` are
// profiles (`NAME` split as a shell would, so `[profile "a b"]` is "a b"; a later section for the
// same profile replaces an earlier one), `[sso-session NAME]` are SSO sessions, and other
// sections (`[services x]`, a bare `[x]`) are ignored.
Result<AwsConfigFile> ParseAwsConfigFile(std::string_view text, AwsConfigFileKind kind,
                                         std::string_view origin);

// Reads and parses the file at `path`.
// Returns NotFound when there is no file at `path`, IoError when it exists but cannot be read,
// or ParseAwsConfigFile's errors.
Result<AwsConfigFile> LoadAwsConfigFile(const std::string& path, AwsConfigFileKind kind);

}  // namespace s3proc
