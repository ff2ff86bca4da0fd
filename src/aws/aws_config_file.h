#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace s3proc {

// Which of the two shared files is being read. They differ only in how sections name a profile:
// the credentials file says `[NAME]`, the config file says `[profile NAME]` (and `[default]`).
enum class AwsConfigFileKind { kCredentials, kConfig };

// One profile's properties, keys lower-cased. A nested sub-section such as
//   s3 =
//     addressing_style = path
// is stored as "s3.addressing_style" -> "path".
using AwsProfile = std::map<std::string, std::string>;

// The profiles of one shared file (~/.aws/credentials or ~/.aws/config).
struct AwsConfigFile {
  std::map<std::string, AwsProfile> profiles;  // by profile name, as written (case-sensitive)

  // Returns the profile, or nullptr when the file has no section for it.
  const AwsProfile* Find(std::string_view profile) const;
  // Returns the value of `key` (lower case) in `profile`, or nullopt when either is absent or the
  // value is empty.
  std::optional<std::string> Get(std::string_view profile, std::string_view key) const;
};

// Parses the text of a shared file, following the AWS SDKs' profile-file rules:
// - comment lines start with `#` or `;`; on a property line, a `#` or `;` preceded by whitespace
//   starts a comment (so a value may contain `#` or `;` when not preceded by a space);
// - leading and trailing whitespace is ignored; values may contain `=`; a line indented deeper
//   than the property before it continues that property (a sub-property when its value is
//   empty, otherwise a further line of its value);
// - in a config file, `[profile NAME]` and `[default]` are profiles and other sections
//   (`[sso-session x]`, `[services x]`, `[NAME]`) are ignored; in a credentials file every
//   `[NAME]` is a profile;
// - a section repeated later in the file merges into the earlier one (later keys win).
// `origin` names the text in error messages (usually the file's path).
// Returns InvalidArgument, naming origin and line number, for a line that is none of a section
// header, a property, a sub-property or a comment, or a property before any section header.
// Never puts a property's value in an error message (it may be a secret).
Result<AwsConfigFile> ParseAwsConfigFile(std::string_view text, AwsConfigFileKind kind,
                                         std::string_view origin);

// Reads and parses the file at `path`.
// Returns NotFound when there is no file at `path`, IoError when it exists but cannot be read,
// or ParseAwsConfigFile's errors.
Result<AwsConfigFile> LoadAwsConfigFile(const std::string& path, AwsConfigFileKind kind);

}  // namespace s3proc
