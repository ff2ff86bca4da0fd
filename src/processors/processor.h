#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace s3proc {

// What a processor may know of the object it processes. Nothing here is S3-specific on
// purpose: processors know nothing of S3.
struct ProcessContext {
  std::string source_key;    // the input object's key, e.g. "input/a/b.json"
  uint64_t source_size = 0;  // bytes of the stored object (before any .gz decompression)
  std::string source_etag;   // as stored, may be empty
  std::string processed_at;  // RFC 3339 UTC time of this run, e.g. "2026-11-28T16:04:06Z"
  // Lowercase hex SHA-256 of the stored object's bytes, when the caller already knows it (the
  // .gz layer sets it, and source_size, to describe the compressed bytes). Leave empty
  // otherwise: processors that need it hash `input_path` and use its size.
  std::string source_sha256;
  // Where a processor may put, for the local log only, more than its Status says: a rejection's
  // message is published in errors/, this is not (the exec command's stderr as written). The
  // caller owns it; may be null.
  std::string* local_detail = nullptr;
};

// The working memory of a processor that reads and writes through fixed buffers (json, gzip,
// passthrough): its buffers and parser state, with room to spare.
inline constexpr uint64_t kBufferedWorkingMemory = 1 << 20;

// Turns one local input file into one local output file.
class Processor {
 public:
  virtual ~Processor() = default;

  // Reads `input_path`, writes the result to `output_path` (created or truncated).
  // Returns OK; Status::Rejected with a reason a user can act on ("line 3: invalid JSON: ...")
  // when the content is bad (the caller routes the input, unchanged, to errors/); or another
  // error (kIoError, kTransient, ...) when the processor could not run, so the input stays for a
  // later attempt. On any error the content of `output_path` is unspecified (the caller discards
  // it).
  virtual Status Process(const std::string& input_path, const std::string& output_path,
                         const ProcessContext& context) = 0;

  // The most memory one Process() call may use for the input `context` describes (its key and
  // stored size), beyond what s3proc holds anyway: what admission reserves from the memory
  // budget before it runs (see BudgetedProcessor). An upper bound, not a guess: what grows with
  // something not known in advance (a line, a record, a command) is bounded by the input's size.
  // This default assumes the whole input is held in memory.
  virtual uint64_t WorkingMemory(const ProcessContext& context) const {
    return kBufferedWorkingMemory + context.source_size;
  }

  // The name used in routing rules and logs ("json", "csv", ...).
  virtual std::string name() const = 0;

  // The Content-Type of what Process() writes for the input `source_key` (a ".gz" key's output
  // is gzip: see GzipInputProcessor).
  virtual std::string content_type(std::string_view /*source_key*/) const {
    return "application/octet-stream";
  }
};

}  // namespace s3proc
