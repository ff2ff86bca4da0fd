#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"

namespace simdjson::dom {
class parser;
}

namespace s3proc {

// The member name s3proc adds to top-level JSON objects.
inline constexpr std::string_view kMetadataMemberName = "_s3proc";

// Documents nested deeper than this are rejected (simdjson::DEFAULT_MAX_DEPTH).
inline constexpr size_t kMaxJsonDepth = 1024;

// Readable bytes JsonValidator::Inspect needs after the end of a text (simdjson's padding).
inline constexpr size_t kJsonPadding = 64;

// What JsonValidator::Inspect learnt about one valid JSON text.
struct JsonTextInfo {
  bool is_object = false;
  bool empty_object = false;
  // Objects only: the offset just after the last member's value (or just after '{' when the
  // object is empty), where a metadata member can be spliced in. The bytes before and after it
  // are written unchanged, so large documents are never re-serialised.
  size_t insert_at = 0;
};

// Strict RFC 8259 validation of whole JSON texts in memory (JsonStreamValidator, json_stream.h,
// reads large ones from a file instead, with the same rules). Holds a simdjson DOM parser whose
// buffers are reused between calls; NOT thread-safe: keep one per Process() call (on the stack).
//
// What is rejected: empty or whitespace-only text, anything after the value, NaN/Infinity,
// single quotes, comments, trailing commas, unescaped control characters (a NUL byte anywhere),
// invalid UTF-8 (overlongs, surrogates), nesting deeper than kMaxJsonDepth, numbers outside the
// range of a double (e.g. 1e400; RFC 8259 section 6 lets implementations limit range). Integers
// too big for 64 bits (e.g. 30-digit ids) are accepted: simdjson 3.0 refuses them (NUMBER_ERROR),
// so they are re-checked with nlohmann's SAX parser, which also gives positions for the error
// messages. A leading UTF-8 byte order mark is NOT handled here: callers strip it (see
// SkipUtf8Bom).
class JsonValidator {
 public:
  JsonValidator();
  ~JsonValidator();
  JsonValidator(const JsonValidator&) = delete;
  JsonValidator& operator=(const JsonValidator&) = delete;

  // Validates text[0, size). REQUIRES: `capacity - size >= kJsonPadding` readable
  // bytes after the text (simdjson reads past the end). Returns Status::Rejected with a reason
  // ("invalid JSON at line 1, column 5: ...") for bad content, including a top-level object
  // that already has a "_s3proc" member (s3proc will not write duplicate keys). Returns
  // kInternal only when simdjson cannot allocate memory.
  Result<JsonTextInfo> Inspect(const char* text, size_t size, size_t capacity);

 private:
  std::unique_ptr<simdjson::dom::parser> parser_;
};

// The reasons for an object that already has the metadata member, and for nesting deeper than
// kMaxJsonDepth, shared with JsonStreamValidator.
std::string DuplicateMetadataReason();
std::string TooDeepReason();

// Returns the number of bytes of a leading UTF-8 byte order mark (3), or 0.
size_t Utf8BomLength(std::string_view text);

// Makes arbitrary bytes safe to put in a one-line message: printable ASCII kept, anything else
// written as \xNN, cut to `max_bytes` with "..." appended.
std::string SanitizeForMessage(std::string_view bytes, size_t max_bytes = 200);

}  // namespace s3proc
