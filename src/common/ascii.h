#pragma once

#include <string>
#include <string_view>

namespace s3proc {

// `s` with A-Z lowered, every other byte as it is: for protocol names (hosts, header names,
// INI keys), never for user text, whose case and encoding are the user's.
inline std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace s3proc
