#include "processors/glob.h"

namespace s3proc {

Result<Glob> Glob::Compile(std::string_view pattern) {
  Glob glob;
  glob.pattern_ = std::string(pattern);
  auto invalid = [&](std::string_view why) {
    return Status::InvalidArgument("invalid glob '" + std::string(pattern) +
                                   "': " + std::string(why));
  };
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    Token token{Kind::kLiteral, c};
    if (c == '\\') {
      if (++i == pattern.size()) return invalid("ends with an unescaped '\\'");
      token.literal = pattern[i];
    } else if (c == '?') {
      token.kind = Kind::kAnyByte;
    } else if (c == '*') {
      token.kind = Kind::kStar;
      if (i + 1 < pattern.size() && pattern[i + 1] == '*') {
        ++i;
        token.kind = Kind::kDoubleStar;
        if (i + 1 < pattern.size() && pattern[i + 1] == '/') {
          ++i;
          token.kind = Kind::kDoubleStarSlash;
        }
      }
    } else if (c == '[') {
      token.kind = Kind::kClass;
      size_t j = i + 1;
      if (j < pattern.size() && (pattern[j] == '!' || pattern[j] == '^')) {
        token.negated = true;
        ++j;
      }
      bool first = true;
      bool closed = false;
      while (j < pattern.size()) {
        unsigned char lo = static_cast<unsigned char>(pattern[j]);
        if (lo == ']' && !first) {
          closed = true;
          break;
        }
        first = false;
        if (lo == '\\' && j + 1 < pattern.size()) lo = static_cast<unsigned char>(pattern[++j]);
        unsigned char hi = lo;
        if (j + 2 < pattern.size() && pattern[j + 1] == '-' && pattern[j + 2] != ']') {
          j += 2;
          hi = static_cast<unsigned char>(pattern[j]);
          if (hi == '\\' && j + 1 < pattern.size()) hi = static_cast<unsigned char>(pattern[++j]);
          if (hi < lo) return invalid("reversed range in a character class");
        }
        token.ranges.emplace_back(lo, hi);
        ++j;
      }
      if (!closed) return invalid("unterminated character class '['");
      i = j;
    }
    glob.tokens_.push_back(std::move(token));
  }
  return glob;
}

bool Glob::MatchesOne(const Token& token, unsigned char c) {
  switch (token.kind) {
    case Kind::kLiteral: return c == static_cast<unsigned char>(token.literal);
    case Kind::kAnyByte: return c != '/';
    case Kind::kClass: {
      if (c == '/') return false;
      bool in = false;
      for (auto [lo, hi] : token.ranges) in = in || (lo <= c && c <= hi);
      return in != token.negated;
    }
    default: return false;
  }
}

bool Glob::Matches(std::string_view text) const {
  // next[j]: do tokens after the current one match text[j..]? Rows are filled from the end.
  const size_t n = text.size();
  std::vector<char> next(n + 1, 0), cur(n + 1, 0);
  next[n] = 1;
  for (size_t t = tokens_.size(); t-- > 0;) {
    const Token& token = tokens_[t];
    bool slash_then_rest = false;  // kDoubleStarSlash: some k >= j has text[k]=='/' && next[k+1]
    for (size_t j = n + 1; j-- > 0;) {
      bool more = j < n;
      unsigned char c = more ? static_cast<unsigned char>(text[j]) : 0;
      switch (token.kind) {
        case Kind::kStar: cur[j] = next[j] || (more && c != '/' && cur[j + 1]); break;
        case Kind::kDoubleStar: cur[j] = next[j] || (more && cur[j + 1]); break;
        case Kind::kDoubleStarSlash:
          slash_then_rest = slash_then_rest || (more && c == '/' && next[j + 1]);
          cur[j] = next[j] || slash_then_rest;
          break;
        default: cur[j] = more && MatchesOne(token, c) && next[j + 1]; break;
      }
    }
    std::swap(cur, next);
  }
  return next[0];
}

bool GlobMatch(std::string_view pattern, std::string_view text) {
  Result<Glob> glob = Glob::Compile(pattern);
  return glob.ok() && glob->Matches(text);
}

}  // namespace s3proc
