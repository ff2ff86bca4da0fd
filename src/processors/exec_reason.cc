#include "processors/exec_reason.h"

#include <algorithm>

namespace s3proc {

namespace {

bool IsContinuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Where an absolute path may start: the character before its '/'.
bool OpensAPath(char before) {
  return before == ' ' || before == '\t' || before == '\n' || before == '\r' || before == '\'' ||
         before == '"' || before == '`' || before == '(' || before == '[' || before == '{' ||
         before == '<' || before == '=' || before == ',';
}

// Where a path ends: a space, a quote, a closing bracket, and ':' (a line number follows).
bool EndsAPath(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\'' || c == '"' || c == '`' ||
         c == ')' || c == ']' || c == '}' || c == '>' || c == ',' || c == ';' || c == ':';
}

std::string ReplaceAll(std::string s, std::string_view from, std::string_view to) {
  if (from.empty()) return s;
  for (size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) {
    s.replace(pos, from.size(), to);
  }
  return s;
}

std::string RedactAbsolutePaths(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const bool starts = text[i] == '/' && (i == 0 || OpensAPath(text[i - 1])) &&
                        i + 1 < text.size() && !EndsAPath(text[i + 1]);
    if (!starts) {
      out.push_back(text[i++]);
      continue;
    }
    while (i < text.size() && !EndsAPath(text[i])) ++i;
    out += "<path>";
  }
  return out;
}

}  // namespace

std::string Tail(std::string_view text, size_t max_bytes, TailStart start) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  std::string out;
  if (text.size() > max_bytes) {
    text = text.substr(text.size() - max_bytes);
    if (size_t newline = text.find('\n'); start == TailStart::kLine &&
                                          newline != std::string_view::npos &&
                                          newline + 1 < text.size()) {
      text = text.substr(newline + 1);
    } else {
      while (!text.empty() && IsContinuation(text.front())) text.remove_prefix(1);
    }
    out = "...";
  }
  out.append(text);
  return out.empty() ? "(empty)" : out;
}

std::string RedactLocalDetails(std::string text,
                               std::vector<std::pair<std::string, std::string>> known) {
  // Longest first, so that a path is replaced whole before a shorter one inside it.
  std::sort(known.begin(), known.end(),
            [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  for (const auto& [secret, stand_in] : known) text = ReplaceAll(std::move(text), secret, stand_in);
  return RedactAbsolutePaths(text);
}

}  // namespace s3proc
