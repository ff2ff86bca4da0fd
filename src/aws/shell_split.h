#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace s3proc {

// Splits `text` into words as Python's shlex.split does (POSIX mode), which is how botocore
// splits a profile header ("profile NAME") and a credential_process command: words end at blanks;
// '...' keeps everything literally; "..." keeps everything but lets a backslash escape `"` and
// `\`; outside quotes a backslash escapes the next character. No variables, globs or pipes.
// Returns nullopt where shlex raises: an unclosed quote or a trailing backslash.
std::optional<std::vector<std::string>> ShellSplit(std::string_view text);

}  // namespace s3proc
