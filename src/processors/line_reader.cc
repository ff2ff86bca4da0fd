#include "processors/line_reader.h"

#include <cstring>

namespace s3proc {
namespace {
constexpr size_t kReadBytes = 256 * 1024;
}  // namespace

LineReader::LineReader(ScopedFd fd, std::string path, size_t max_line_bytes)
    : fd_(std::move(fd)),
      path_(std::move(path)),
      max_line_bytes_(max_line_bytes),
      buffer_(kReadBytes, '\0') {}

Result<bool> LineReader::Next(std::string* line) {
  line->clear();
  for (;;) {
    const char* start = buffer_.data() + begin_;
    const void* nl = std::memchr(start, '\n', end_ - begin_);
    size_t take = nl ? static_cast<const char*>(nl) - start : end_ - begin_;
    if (line->size() + take > max_line_bytes_) {
      return Status::Rejected("line " + std::to_string(line_number_ + 1) + ": longer than " +
                              std::to_string(max_line_bytes_) + " bytes");
    }
    line->append(start, take);
    begin_ += take;
    if (nl) {
      ++begin_;
      ++line_number_;
      return true;
    }
    if (eof_) {
      if (line->empty()) return false;
      ++line_number_;
      return true;
    }
    S3PROC_ASSIGN_OR_RETURN(size_t n, ReadSome(fd_.get(), buffer_.data(), buffer_.size(), path_));
    begin_ = 0;
    end_ = n;
    eof_ = n == 0;
  }
}

}  // namespace s3proc
