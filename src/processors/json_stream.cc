#include "processors/json_stream.h"

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>

#include "common/file_io.h"

namespace s3proc {
namespace {

// Insitu: RapidJSON hands each decoded string back to the stream (Put) instead of collecting it
// on its own stack, so a string of any length costs nothing; the stream keeps only its first
// bytes, enough to know the metadata member's name. Numbers are not buffered either (no
// full-precision flag), so RapidJSON's stack is never used. Recursive, not iterative: nesting
// costs call stack, a few hundred KiB at the handler's limit of kMaxJsonDepth levels, and
// the iterative mode's stack does arithmetic on a null pointer at its first push (UBSan).
// StopWhenDone: the bytes after the value are checked here, where a NUL byte is not taken for
// the end of input.
constexpr unsigned kParseFlags = rapidjson::kParseInsituFlag |
                                 rapidjson::kParseValidateEncodingFlag |
                                 rapidjson::kParseStopWhenDoneFlag;

bool IsJsonWhitespace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

class Handler;

// RapidJSON's input stream concept over [begin, end) of a file, read through a fixed buffer.
// Peek() and Take() return '\0' at the end of input, as RapidJSON expects, and after an error
// (status() says which); AtEnd() tells the end from a NUL byte in the text.
class FileStream {
 public:
  using Ch = char;

  FileStream(int fd, const std::string& path, uint64_t begin, uint64_t end, std::string& buffer,
             const JsonStreamValidator::ChunkDone& done)
      : fd_(fd), path_(path), end_(end), buffer_(buffer), done_(done), offset_(begin) {}

  void set_handler(const Handler* handler) { handler_ = handler; }

  Ch Peek() { return pos_ < size_ || Refill() ? buffer_[pos_] : '\0'; }
  Ch Take() { return pos_ < size_ || Refill() ? buffer_[pos_++] : '\0'; }
  size_t Tell() const { return offset_ + pos_; }
  bool AtEnd() { return pos_ == size_ && !Refill(); }
  const Status& status() const { return status_; }
  std::string_view chunk() const { return std::string_view(buffer_.data(), size_); }
  uint64_t chunk_offset() const { return offset_; }

  // The insitu "output": the decoded bytes of the string being parsed, of which only the first
  // few are kept, and the count.
  Ch* PutBegin() {
    put_count_ = 0;
    put_previous_ = 0;
    lone_surrogate_ = false;
    return captured_;
  }
  void Put(Ch c) {
    if (put_count_ < sizeof captured_) captured_[put_count_] = c;
    ++put_count_;
    // RapidJSON encodes an escaped low surrogate that follows no high one ("\udc00") as the
    // bytes ED B0..BF xx, which no valid input holds raw (they fail the UTF-8 check): seeing them
    // here means such an escape.
    if (static_cast<unsigned char>(put_previous_) == 0xED &&
        (static_cast<unsigned char>(c) & 0xE0) == 0xA0) {
      lone_surrogate_ = true;
    }
    put_previous_ = c;
  }
  size_t PutEnd(Ch* /*begin*/) { return put_count_; }
  void Flush() {}

  // Whether the string last parsed is `s` (Put's count includes RapidJSON's terminating NUL).
  bool LastStringIs(std::string_view s) const {
    return s.size() < sizeof captured_ && put_count_ == s.size() + 1 &&
           std::memcmp(captured_, s.data(), s.size()) == 0;
  }
  bool lone_surrogate() const { return lone_surrogate_; }

 private:
  bool Refill();

  const int fd_;
  const std::string& path_;
  uint64_t end_;
  std::string& buffer_;
  const JsonStreamValidator::ChunkDone& done_;
  const Handler* handler_ = nullptr;
  uint64_t offset_;  // of buffer_[0]
  size_t pos_ = 0;   // the next byte in buffer_
  size_t size_ = 0;  // bytes in buffer_
  Status status_;
  char captured_[8] = {};
  size_t put_count_ = 0;
  Ch put_previous_ = 0;
  bool lone_surrogate_ = false;
};

// Checks what RapidJSON's grammar leaves to its handler (depth, the range of numbers, lone
// surrogates, the metadata member) and follows where a metadata member would go.
class Handler : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, Handler> {
 public:
  enum class Top { kNone, kObject, kOther };

  explicit Handler(const FileStream& stream) : stream_(stream) {}

  bool Null() { return Scalar(); }
  bool Bool(bool) { return Scalar(); }
  bool Int(int) { return Scalar(); }
  bool Uint(unsigned) { return Scalar(); }
  bool Int64(int64_t) { return Scalar(); }
  bool Uint64(uint64_t) { return Scalar(); }
  bool Double(double d) {
    // RapidJSON refuses exponents past 308 but lets "10e308" overflow to infinity.
    if (!std::isfinite(d)) return FailAt("number too big to be stored in double");
    return Scalar();
  }
  bool String(const char*, rapidjson::SizeType, bool) {
    if (stream_.lone_surrogate()) return FailAt(LoneSurrogate());
    return Scalar();
  }
  bool Key(const char*, rapidjson::SizeType, bool) {
    if (stream_.lone_surrogate()) return FailAt(LoneSurrogate());
    if (depth_ == 1 && top_ == Top::kObject) {
      has_members_ = true;
      if (stream_.LastStringIs(kMetadataMemberName)) return Fail(DuplicateMetadataReason());
    }
    return true;
  }
  bool StartObject() { return Open(Top::kObject); }
  bool StartArray() { return Open(Top::kOther); }
  bool EndObject(rapidjson::SizeType) { return Close(); }
  bool EndArray(rapidjson::SizeType) { return Close(); }

  // See JsonStreamValidator::ChunkDone. Inside a member's value every byte read so far precedes
  // the insertion point; between members, only those up to the end of the last value (or '{').
  uint64_t FinalBefore(uint64_t read) const {
    return top_ == Top::kObject && depth_ <= 1 ? last_value_end_ : read;
  }

  JsonTextInfo Info() const {
    JsonTextInfo info;
    if (top_ != Top::kObject) return info;
    info.is_object = true;
    info.empty_object = !has_members_;
    info.insert_at = last_value_end_;
    return info;
  }
  // Why the handler stopped the parse, and where (no position: the reason stands alone).
  const std::string& reason() const { return reason_; }
  bool positioned() const { return positioned_; }
  uint64_t reason_offset() const { return reason_offset_; }

 private:
  static std::string LoneSurrogate() {
    return "a \\u escape holds a lone UTF-16 surrogate (U+D800..U+DFFF)";
  }
  // Values and brackets are reported once read, so Tell() is just after them.
  bool Scalar() {
    if (depth_ == 0) {
      top_ = Top::kOther;
    } else if (depth_ == 1) {
      ValueEndsAt(stream_.Tell());
    }
    return true;
  }
  bool Open(Top kind) {
    if (depth_ == 0) {
      top_ = kind;
      ValueEndsAt(stream_.Tell());  // an object's metadata goes after '{' until a member
    }
    if (++depth_ > kMaxJsonDepth) return Fail(TooDeepReason());
    return true;
  }
  bool Close() {
    if (--depth_ == 1) ValueEndsAt(stream_.Tell());
    return true;
  }
  void ValueEndsAt(uint64_t offset) {
    if (top_ == Top::kObject) last_value_end_ = offset;
  }
  bool Fail(std::string reason) {
    reason_ = std::move(reason);
    return false;
  }
  bool FailAt(std::string reason) {
    positioned_ = true;
    reason_offset_ = stream_.Tell();
    return Fail(std::move(reason));
  }

  const FileStream& stream_;
  Top top_ = Top::kNone;
  size_t depth_ = 0;
  bool has_members_ = false;
  uint64_t last_value_end_ = 0;
  std::string reason_;
  bool positioned_ = false;
  uint64_t reason_offset_ = 0;
};

bool FileStream::Refill() {
  const uint64_t next = offset_ + size_;
  if (!status_.ok() || next >= end_) return false;
  if (size_ != 0) {
    status_ = done_(chunk(), offset_, handler_->FinalBefore(next));
    if (!status_.ok()) return false;
  }
  const size_t want = static_cast<size_t>(std::min<uint64_t>(buffer_.size(), end_ - next));
  Result<size_t> got = ReadSomeAt(fd_, buffer_.data(), want, next, path_);
  if (!got.ok()) {
    status_ = got.status();
    return false;
  }
  offset_ = next;
  pos_ = 0;
  size_ = *got;
  if (size_ == 0) end_ = next;  // the file shrank: the text is what was there
  return size_ != 0;
}

// "line L, column C" of `offset` (1-based, in bytes, counted from `begin`), read again from the
// file: only a rejected document pays for it.
std::string Where(int fd, const std::string& path, uint64_t begin, uint64_t offset) {
  uint64_t line = 1;
  uint64_t line_start = begin;
  char buf[64 * 1024];
  for (uint64_t at = begin; at < offset;) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(sizeof buf, offset - at));
    Result<size_t> got = ReadSomeAt(fd, buf, want, at, path);
    if (!got.ok() || *got == 0) return "byte " + std::to_string(offset - begin + 1);
    for (size_t i = 0; i < *got; ++i) {
      if (buf[i] == '\n') {
        ++line;
        line_start = at + i + 1;
      }
    }
    at += *got;
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(offset - line_start + 1);
}

// RapidJSON's message ("Invalid value.") as the rest of a reason ("invalid value").
std::string ParseErrorText(rapidjson::ParseErrorCode code) {
  std::string text = rapidjson::GetParseError_En(code);
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  if (!text.empty() && text.back() == '.') text.pop_back();
  return text;
}

bool IsControlByteAt(int fd, const std::string& path, uint64_t offset) {
  char c = 0;
  Result<size_t> got = ReadSomeAt(fd, &c, 1, offset, path);
  return got.ok() && *got == 1 && static_cast<unsigned char>(c) < 0x20;
}

}  // namespace

Result<JsonTextInfo> JsonStreamValidator::Validate(int fd, const std::string& path, uint64_t begin,
                                                   uint64_t end, const ChunkDone& done) {
  // No larger than the text: a small document does not pay for a large buffer.
  buffer_.resize(static_cast<size_t>(
      std::max<uint64_t>(1, std::min<uint64_t>(buffer_bytes_, end - std::min(begin, end)))));
  FileStream stream(fd, path, begin, end, buffer_, done);
  Handler handler(stream);
  stream.set_handler(&handler);
  rapidjson::Reader reader;
  rapidjson::ParseResult parsed = reader.Parse<kParseFlags>(stream, handler);
  if (parsed) {
    while (IsJsonWhitespace(stream.Peek())) stream.Take();
  }
  last_chunk_ = stream.chunk();
  last_chunk_offset_ = stream.chunk_offset();
  S3PROC_RETURN_IF_ERROR(stream.status());

  auto rejected_at = [&](uint64_t offset, const std::string& what) {
    return Status::Rejected("invalid JSON: parse error at " + Where(fd, path, begin, offset) +
                            ": " + what);
  };
  if (parsed) {
    if (!stream.AtEnd()) {
      S3PROC_RETURN_IF_ERROR(stream.status());
      return rejected_at(stream.Tell(),
                         ParseErrorText(rapidjson::kParseErrorDocumentRootNotSingular));
    }
    return handler.Info();
  }
  const rapidjson::ParseErrorCode code = parsed.Code();
  if (code == rapidjson::kParseErrorTermination && !handler.reason().empty()) {
    if (!handler.positioned()) return Status::Rejected(handler.reason());
    return rejected_at(handler.reason_offset(), handler.reason());
  }
  const uint64_t offset = parsed.Offset();
  const bool at_end = offset >= end;
  if (code == rapidjson::kParseErrorDocumentEmpty) {
    if (at_end) return Status::Rejected("empty input: no JSON value");
    return rejected_at(offset, ParseErrorText(rapidjson::kParseErrorValueInvalid));
  }
  // RapidJSON names a raw control character an invalid escape, and a NUL byte a missing quote.
  if ((code == rapidjson::kParseErrorStringEscapeInvalid ||
       code == rapidjson::kParseErrorStringMissQuotationMark) &&
      !at_end && IsControlByteAt(fd, path, offset)) {
    return rejected_at(offset, "unescaped control character in a string");
  }
  return rejected_at(offset, ParseErrorText(code));
}

}  // namespace s3proc
