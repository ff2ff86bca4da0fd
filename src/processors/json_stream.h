#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "processors/json_text.h"

namespace s3proc {

// Validates one JSON text read from a file through a fixed buffer, so that memory does not grow
// with the document: the buffer, a few hundred bytes of parser state and nothing else, however
// long the document, its strings or its numbers. RapidJSON's SAX reader does the parsing.
//
// It accepts and rejects what JsonValidator does (json_text.h): strict RFC 8259, valid UTF-8
// (an escaped lone surrogate, "\udc00", included), nesting up to kMaxJsonDepth, numbers within
// the range of a double (integers of any length within it), and rejects a top-level object that
// already has a "_s3proc" member. One difference at the edge of that range, since the two parse
// numbers differently: a zero written with an exponent above 308 ("0e400") is rejected here, and
// a number within a few units of the last place of the largest double may be judged differently.
// Reasons read "invalid JSON: parse error at line L, column C: ..." (lines and columns counted
// in bytes from `begin`), "empty input: no JSON value", or JsonValidator's own texts for depth
// and the metadata member. Not thread-safe; one per Process() call.
class JsonStreamValidator {
 public:
  // Told about each chunk of the file once the validator is done with it, in order, every byte
  // once: `chunk` holds the bytes at [offset, offset + chunk.size()). `final_before` is how far
  // the text is known to precede the metadata member's insertion point: the bytes before it can
  // be written out now; the others may turn out to follow the member (JsonTextInfo::insert_at).
  // An error stops the validation and is returned by Validate.
  using ChunkDone =
      std::function<Status(std::string_view chunk, uint64_t offset, uint64_t final_before)>;

  // REQUIRES: buffer_bytes > 0 (tests use a few bytes to cross every boundary).
  explicit JsonStreamValidator(size_t buffer_bytes) : buffer_bytes_(buffer_bytes) {}

  // Validates the text of `fd` at [begin, end): from after a byte order mark to the size of the
  // file (a file that shrinks meanwhile ends early). `path` is for messages. The result's
  // insert_at is a file offset. Returns Rejected for bad content, IoError when the file cannot
  // be read, or what `done` returned.
  Result<JsonTextInfo> Validate(int fd, const std::string& path, uint64_t begin, uint64_t end,
                                const ChunkDone& done);

  // The chunk last read, still in the buffer after Validate returns: [offset, offset + size()).
  std::string_view last_chunk() const { return last_chunk_; }
  uint64_t last_chunk_offset() const { return last_chunk_offset_; }

 private:
  size_t buffer_bytes_;
  std::string buffer_;
  std::string_view last_chunk_;
  uint64_t last_chunk_offset_ = 0;
};

}  // namespace s3proc
