#pragma once

#include <cstddef>
#include <string>

#include "common/file_io.h"
#include "common/result.h"

namespace s3proc {

// Reads a file one '\n'-terminated line at a time through a fixed buffer: memory is bounded by
// the buffer plus the longest line (itself bounded by `max_line_bytes`). Not thread-safe.
class LineReader {
 public:
  // Takes ownership of `fd`; `path` is for messages only.
  LineReader(ScopedFd fd, std::string path, size_t max_line_bytes);

  // Sets *line to the next line without its '\n' (a '\r' before it is kept). Returns true,
  // false at end of input, Status::Rejected("line N: longer than M bytes") for an overlong
  // line, or IoError. A final line without '\n' is returned; an empty remainder after the last
  // '\n' is not (so "a\n" is one line, "a\n\n" is two: "a" and "").
  Result<bool> Next(std::string* line);

  // 1-based number of the line last returned.
  size_t line_number() const { return line_number_; }

 private:
  ScopedFd fd_;
  std::string path_;
  size_t max_line_bytes_;
  std::string buffer_;
  size_t begin_ = 0;  // unread data is buffer_[begin_, end_)
  size_t end_ = 0;
  bool eof_ = false;
  size_t line_number_ = 0;
};

}  // namespace s3proc
