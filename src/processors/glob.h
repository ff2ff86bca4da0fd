#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace s3proc {

// A glob pattern for object keys (relative to the input prefix), matched byte by byte:
//   *      any run of bytes except '/' (possibly empty)
//   **     any run of bytes including '/' (possibly empty); "**/" also matches nothing, so
//          "logs/**/a.json" matches "logs/a.json" and "logs/x/y/a.json"
//   ?      one byte except '/'
//   [abc] [a-z] [!a-z] [^a-z]   one byte (never '/') in / not in the set; ']' first is literal
//   \c     the byte c, literally
// Everything else matches itself. The whole key must match. Non-ASCII characters are matched
// byte by byte, so '?' and classes see the bytes of a UTF-8 sequence, not the character.
// Matching is O(pattern x key): no exponential backtracking.
class Glob {
 public:
  // InvalidArgument for an unterminated class ("[a-"), an empty class ("[]"), or a trailing '\'.
  static Result<Glob> Compile(std::string_view pattern);

  bool Matches(std::string_view text) const;
  const std::string& pattern() const { return pattern_; }

 private:
  enum class Kind { kLiteral, kAnyByte, kClass, kStar, kDoubleStar, kDoubleStarSlash };
  struct Token {
    Kind kind;
    char literal = 0;
    bool negated = false;
    std::vector<std::pair<unsigned char, unsigned char>> ranges;  // kClass
  };
  static bool MatchesOne(const Token& token, unsigned char c);

  std::string pattern_;
  std::vector<Token> tokens_;
};

// Convenience: compiles and matches; false when the pattern is invalid.
bool GlobMatch(std::string_view pattern, std::string_view text);

}  // namespace s3proc
