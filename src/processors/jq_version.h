#pragma once

#include <string>

namespace s3proc {

// The jq library s3proc runs filters with, as `s3proc --version` shows it: "jq VERSION with
// Oniguruma VERSION", or "jq VERSION without regular expressions" when the libjq linked cannot
// run test() (a libjq built without Oniguruma). Runs a one-line jq program: not for hot paths.
std::string JqLibraryVersion();

}  // namespace s3proc
