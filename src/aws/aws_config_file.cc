#include "aws/aws_config_file.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <system_error>

#include "aws/shell_split.h"
#include "common/ascii.h"

namespace s3proc {
namespace {

// Python's str.isspace() for ASCII, which configparser strips and measures indentation with.
bool IsPySpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' ||
         (c >= '\x1c' && c <= '\x1f');
}

std::string_view Strip(std::string_view s) {
  while (!s.empty() && IsPySpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsPySpace(s.back())) s.remove_suffix(1);
  return s;
}

// Python reads the file with universal newlines: "\r\n", "\r" and "\n" all end a line.
std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    size_t end = text.find_first_of("\r\n");
    if (end == std::string_view::npos) {
      lines.push_back(text);
      break;
    }
    lines.push_back(text.substr(0, end));
    size_t next = end + 1;
    if (text[end] == '\r' && next < text.size() && text[next] == '\n') ++next;
    text.remove_prefix(next);
  }
  return lines;
}

// One section while it is read: each property's lines, joined when the file is done.
struct RawSection {
  std::string name;
  std::map<std::string, std::vector<std::string>> options;
};

// configparser.RawConfigParser._read with its defaults (strict, no inline comments, `=` and
// `:` as delimiters, empty lines kept in values, "DEFAULT" as the defaults section).
class IniReader {
 public:
  explicit IniReader(std::string_view origin) : origin_(origin) {}

  Status Read(std::string_view text) {
    int line_number = 0;
    for (std::string_view line : SplitLines(text)) {
      line_number_ = ++line_number;
      S3PROC_RETURN_IF_ERROR(ReadLine(line));
    }
    return Status::Ok();
  }

  // The sections in file order, each with the defaults section's properties it lacks.
  Result<std::vector<AwsConfigSection>> Finish() {
    std::vector<AwsConfigSection> sections;
    for (const RawSection& raw : sections_) {
      AwsConfigSection section{raw.name, {}};
      std::map<std::string, std::vector<std::string>> options = raw.options;
      options.insert(defaults_.options.begin(), defaults_.options.end());  // keeps raw's own
      for (const auto& [key, lines] : options) {
        S3PROC_RETURN_IF_ERROR(Store(section, key, Join(lines)));
      }
      sections.push_back(std::move(section));
    }
    return sections;
  }

 private:
  Status Error(std::string_view what, int line_number = 0) const {
    return Status::InvalidArgument(std::string(origin_) + ":" +
                                   std::to_string(line_number ? line_number : line_number_) + ": " +
                                   std::string(what));
  }

  Status ReadLine(std::string_view line) {
    std::string_view value = Strip(line);
    if (value.empty()) {
      // A blank line belongs to the value being read (trailing ones are dropped at the end).
      if (option_ != nullptr) option_->emplace_back();
      return Status::Ok();
    }
    if (value.front() == '#' || value.front() == ';') return Status::Ok();
    size_t indent = 0;
    while (indent < line.size() && IsPySpace(line[indent])) ++indent;
    if (option_ != nullptr && indent > indent_) {
      option_->emplace_back(value);
      return Status::Ok();
    }
    indent_ = indent;
    size_t close = value.rfind(']');
    if (value.front() == '[' && close != std::string_view::npos && close >= 2) {
      return StartSection(std::string(value.substr(1, close - 1)));
    }
    if (!in_section_) {
      return Error("a property before any [section] header");
    }
    return ReadProperty(value);
  }

  Status StartSection(std::string name) {
    option_ = nullptr;
    in_section_ = true;
    in_defaults_ = name == "DEFAULT";
    if (in_defaults_) return Status::Ok();
    if (!seen_sections_.insert(name).second) {
      return Error("the section [" + name +
                   "] appears a second time; the AWS CLI refuses that too: merge the two");
    }
    sections_.push_back(RawSection{name, {}});
    return Status::Ok();
  }

  Status ReadProperty(std::string_view line) {
    size_t delimiter = line.find_first_of("=:");
    if (delimiter == std::string_view::npos) {
      return Error("expected 'name = value', a [section] header or a comment");
    }
    std::string key = AsciiLower(Strip(line.substr(0, delimiter)));
    if (key.empty()) return Error("a property with no name before its '='");
    RawSection& section = CurrentSection();
    if (section.options.count(key)) {
      return Error("the property " + key + " appears a second time in [" + section.name +
                   "]; the AWS CLI refuses that too: keep one");
    }
    option_ = &section.options[key];
    option_->emplace_back(Strip(line.substr(delimiter + 1)));
    return Status::Ok();
  }

  RawSection& CurrentSection() { return in_defaults_ ? defaults_ : sections_.back(); }

  static std::string Join(const std::vector<std::string>& lines) {
    std::string joined;
    for (size_t i = 0; i < lines.size(); ++i) {
      if (i > 0) joined += '\n';
      joined += lines[i];
    }
    while (!joined.empty() && IsPySpace(joined.back())) joined.pop_back();
    return joined;
  }

  // botocore: a value that starts with a newline is a block of `key = value` lines.
  Status Store(AwsConfigSection& section, const std::string& key, std::string value) {
    if (!value.starts_with('\n')) {
      section.properties[key] = std::move(value);
      return Status::Ok();
    }
    for (std::string_view line : SplitLines(value)) {
      line = Strip(line);
      if (line.empty()) continue;
      size_t eq = line.find('=');
      if (eq == std::string_view::npos) {
        return Status::InvalidArgument(std::string(origin_) + ": in [" + section.name + "], " +
                                       key +
                                       " holds a nested line without '=': write it as "
                                       "'name = value'");
      }
      std::string nested(Strip(line.substr(0, eq)));
      section.properties[key + "." + nested] = std::string(Strip(line.substr(eq + 1)));
    }
    return Status::Ok();
  }

  std::string_view origin_;
  std::vector<RawSection> sections_;
  std::set<std::string> seen_sections_;
  RawSection defaults_{"DEFAULT", {}};
  bool in_section_ = false;   // a header has been seen
  bool in_defaults_ = false;  // properties go to defaults_, not to sections_.back()
  // The value being read; nullptr after a header. Map nodes do not move when sections_ grows.
  std::vector<std::string>* option_ = nullptr;
  size_t indent_ = 0;  // the indentation of the last header or property line
  int line_number_ = 0;
};

// botocore's build_profile_map: "profile NAME" and "sso-session NAME" when the header is two
// shell words (whatever follows the prefix: botocore checks startswith only).
std::optional<std::string> NamedSection(const std::string& header, std::string_view prefix) {
  if (!header.starts_with(prefix)) return std::nullopt;
  std::optional<std::vector<std::string>> words = ShellSplit(header);
  if (!words || words->size() != 2) return std::nullopt;
  return (*words)[1];
}

}  // namespace

const AwsProfile* AwsConfigFile::Find(std::string_view profile) const {
  auto it = profiles.find(std::string(profile));
  return it == profiles.end() ? nullptr : &it->second;
}

std::optional<std::string> AwsConfigFile::Get(std::string_view profile,
                                              std::string_view key) const {
  const AwsProfile* p = Find(profile);
  if (p == nullptr) return std::nullopt;
  auto it = p->find(std::string(key));
  if (it == p->end() || it->second.empty()) return std::nullopt;
  return it->second;
}

Result<std::vector<AwsConfigSection>> ParseAwsConfigSections(std::string_view text,
                                                             std::string_view origin) {
  IniReader reader(origin);
  S3PROC_RETURN_IF_ERROR(reader.Read(text));
  return reader.Finish();
}

Result<AwsConfigFile> ParseAwsConfigFile(std::string_view text, AwsConfigFileKind kind,
                                         std::string_view origin) {
  S3PROC_ASSIGN_OR_RETURN(std::vector<AwsConfigSection> sections,
                          ParseAwsConfigSections(text, origin));
  AwsConfigFile file;
  for (AwsConfigSection& section : sections) {
    if (kind == AwsConfigFileKind::kCredentials) {
      file.profiles[section.name] = std::move(section.properties);
    } else if (auto profile = NamedSection(section.name, "profile")) {
      file.profiles[*profile] = std::move(section.properties);
    } else if (auto session = NamedSection(section.name, "sso-session")) {
      file.sso_sessions[*session] = std::move(section.properties);
    } else if (section.name == "default") {
      file.profiles["default"] = std::move(section.properties);
    }
  }
  return file;
}

Result<AwsConfigFile> LoadAwsConfigFile(const std::string& path, AwsConfigFileKind kind) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return Status::NotFound("no file at " + path);
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status::IoError("cannot read " + path + ": " + std::strerror(errno));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Status::IoError("error reading " + path);
  return ParseAwsConfigFile(text.str(), kind, path);
}

}  // namespace s3proc
