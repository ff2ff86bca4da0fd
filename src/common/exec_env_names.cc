#include "common/exec_env_names.h"

#include <cctype>

namespace s3proc {

namespace {

bool StartsWithIgnoringCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  }
  return true;
}

bool IsVariableName(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

}  // namespace

bool IsAlwaysPassedToExec(std::string_view name) {
  return name == "PATH" || name == "LANG" || name == "TZ" || name.starts_with("LC_");
}

Status CheckExecEnvName(std::string_view name) {
  const std::string quoted = "'" + std::string(name) + "'";
  if (!IsVariableName(name)) {
    return Status::InvalidArgument(quoted + " is not a variable name");
  }
  if (StartsWithIgnoringCase(name, "AWS_")) {
    return Status::InvalidArgument(quoted +
                                   ": AWS_* variables never reach the command, which gets no AWS "
                                   "credentials or settings");
  }
  if (StartsWithIgnoringCase(name, "S3PROC_")) {
    return Status::InvalidArgument(quoted + ": S3PROC_* variables are s3proc's own");
  }
  if (name == "HOME" || name == "TMPDIR") {
    return Status::InvalidArgument(quoted + " is set by s3proc: the command's private folder");
  }
  return Status::Ok();
}

}  // namespace s3proc
