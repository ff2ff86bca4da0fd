#include "aws/aws_config_file.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "common/ascii.h"

namespace s3proc {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (IsBlank(s.front()) || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (IsBlank(s.back()) || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// A `#` or `;` starts a comment on a property line only after whitespace, so that values such as
// secret keys or URLs may contain those characters.
std::string_view StripInlineComment(std::string_view value) {
  for (size_t i = 1; i < value.size(); ++i) {
    if ((value[i] == '#' || value[i] == ';') && IsBlank(value[i - 1])) {
      return Trim(value.substr(0, i));
    }
  }
  if (!value.empty() && (value.front() == '#' || value.front() == ';')) return {};
  return value;
}

class Parser {
 public:
  Parser(AwsConfigFileKind kind, std::string_view origin) : kind_(kind), origin_(origin) {}

  Status ParseLine(std::string_view raw, int line_number) {
    line_number_ = line_number;
    std::string_view line = Trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') return Status::Ok();
    size_t indent = raw.find_first_not_of(" \t");
    // A line indented deeper than the previous property continues it (as in Python's
    // configparser, which the AWS CLI uses): a sub-property when that property's value was
    // empty, otherwise more of its value. Equally indented lines are properties of their own.
    if (has_property_ && indent > property_indent_) return ParseContinuation(line);
    if (line.front() == '[') return ParseSection(line);
    property_indent_ = indent;
    return ParseProperty(line);
  }

  AwsConfigFile Finish() { return std::move(file_); }

 private:
  Status Error(std::string_view what) const {
    return Status::InvalidArgument(std::string(origin_) + ":" + std::to_string(line_number_) +
                                   ": " + std::string(what));
  }

  Status ParseSection(std::string_view line) {
    size_t close = line.find(']');
    if (close == std::string_view::npos) {
      return Error("section header without a closing ']'");
    }
    std::string_view rest = Trim(line.substr(close + 1));
    if (!rest.empty() && rest.front() != '#' && rest.front() != ';') {
      return Error("unexpected text after a section header");
    }
    std::string_view name = Trim(line.substr(1, close - 1));
    has_property_ = false;
    section_ = nullptr;
    in_section_ = true;
    if (kind_ == AwsConfigFileKind::kCredentials) {
      if (!name.empty()) section_ = &file_.profiles[std::string(name)];
      return Status::Ok();
    }
    if (name == "default") {
      section_ = &file_.profiles["default"];
    } else if (name.size() > 7 && name.substr(0, 7) == "profile" && IsBlank(name[7])) {
      std::string_view profile = Trim(name.substr(8));
      if (!profile.empty()) section_ = &file_.profiles[std::string(profile)];
    }
    // Any other section ([sso-session x], [services x], a bare [x]) is not a profile: its
    // properties are checked for syntax and dropped.
    return Status::Ok();
  }

  Status ParseProperty(std::string_view line) {
    if (!in_section_) return Error("property before any section header");
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      return Error("expected 'name = value', a [section] header or a comment");
    }
    std::string key = AsciiLower(Trim(line.substr(0, eq)));
    if (key.empty()) return Error("property with an empty name");
    std::string_view value = StripInlineComment(Trim(line.substr(eq + 1)));
    has_property_ = true;
    property_ = key;
    property_value_empty_ = value.empty();
    if (section_ != nullptr) (*section_)[key] = std::string(value);
    return Status::Ok();
  }

  Status ParseContinuation(std::string_view line) {
    if (property_value_empty_) {
      size_t eq = line.find('=');
      if (eq == std::string_view::npos) {
        return Error("expected 'name = value' in the sub-section '" + property_ + "'");
      }
      std::string key = AsciiLower(Trim(line.substr(0, eq)));
      if (key.empty()) return Error("sub-property with an empty name");
      std::string_view value = StripInlineComment(Trim(line.substr(eq + 1)));
      if (section_ != nullptr) (*section_)[property_ + "." + key] = std::string(value);
      return Status::Ok();
    }
    if (section_ != nullptr) {
      std::string& value = (*section_)[property_];
      value += '\n';
      value += StripInlineComment(line);
    }
    return Status::Ok();
  }

  AwsConfigFileKind kind_;
  std::string_view origin_;
  AwsConfigFile file_;
  AwsProfile* section_ = nullptr;  // nullptr: outside any profile (or in an ignored section)
  bool in_section_ = false;        // a section header has been seen
  bool has_property_ = false;      // a property line has been seen in the current section
  std::string property_;           // the last property's key
  bool property_value_empty_ = false;
  size_t property_indent_ = 0;  // columns of indentation of the last property line
  int line_number_ = 0;
};

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

Result<AwsConfigFile> ParseAwsConfigFile(std::string_view text, AwsConfigFileKind kind,
                                         std::string_view origin) {
  Parser parser(kind, origin);
  int line_number = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    S3PROC_RETURN_IF_ERROR(parser.ParseLine(line, ++line_number));
  }
  return parser.Finish();
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
