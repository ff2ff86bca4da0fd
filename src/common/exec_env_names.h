#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace s3proc {

// The variables the exec command gets from s3proc's environment whatever exec_env says: the
// search path and the locale (LANG, every LC_*, TZ).
bool IsAlwaysPassedToExec(std::string_view name);

// Checks one name listed in exec_env: a variable name ([A-Za-z_][A-Za-z0-9_]*), never AWS_*
// (the command gets no AWS credentials or settings), S3PROC_* (s3proc's own and the facts it
// gives the command), HOME or TMPDIR (the command's private folder). InvalidArgument saying why.
Status CheckExecEnvName(std::string_view name);

}  // namespace s3proc
