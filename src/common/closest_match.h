#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace s3proc {

// The closest of `candidates` to `word` (by edit distance) when it is close enough to be a
// likely typo, else "": for the "did you mean" of settings, commands and options.
std::string ClosestMatch(std::string_view word, const std::vector<std::string_view>& candidates);

}  // namespace s3proc
