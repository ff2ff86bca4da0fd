#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace s3proc {

// The exec command's stderr reaches two readers: the local log (all of its last 4 KiB) and the
// reason stored in errors/, which anyone who may read that prefix can read. What is published is
// bounded and holds no local path and no value of the command's environment.

// Where Tail() may start a text it cut.
enum class TailStart { kLine, kCharacter };

// The last `max_bytes` of `text` at most, without trailing newlines; "(empty)" when nothing is
// left. When cut, "..." and then the text from the first whole line (kLine, when one is left) or
// the first whole UTF-8 character.
std::string Tail(std::string_view text, size_t max_bytes, TailStart start);

// `text` with every occurrence of each `known` string (longest first) replaced by its stand-in
// ("<input>", "<home>"), then every other absolute path ("/x/y" after a space, a quote, a
// bracket, '=' or the start) by "<path>".
std::string RedactLocalDetails(std::string text,
                               std::vector<std::pair<std::string, std::string>> known);

}  // namespace s3proc
