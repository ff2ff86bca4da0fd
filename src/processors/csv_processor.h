#pragma once

#include <algorithm>
#include <cstddef>
#include <string>

#include "processors/processor.h"

namespace s3proc {

// "csv": RFC 4180 CSV in (see CsvReader for exactly what is accepted), NDJSON out.
//
// The first record is the header. Each following record becomes one line
//   {"<header 1>":"<value 1>","<header 2>":"<value 2>",...}\n
// with members in column order and every value a JSON string (no type guessing). A file with
// only a header gives an empty output. No "_s3proc" metadata is added (a column may use that
// name freely).
//
// Rejected: an empty file ("empty input: no header row"); an empty or duplicate header name;
// a row whose field count differs from the header's ("row 7 (line 9) has 3 fields, header has
// 4"; the header is row 1); and everything CsvReader rejects (bad quoting, invalid UTF-8, a
// record over max_record_bytes).
//
// Streaming: memory is bounded by max_record_bytes plus fixed buffers, whatever the file size;
// one record costs about 4x its size (its fields, and its JSON line with room to grow).
// Thread-safe: all per-call state is on the stack.
class CsvProcessor : public Processor {
 public:
  static constexpr size_t kDefaultMaxRecordBytes = 64 * 1024 * 1024;

  explicit CsvProcessor(size_t max_record_bytes = kDefaultMaxRecordBytes)
      : max_record_bytes_(max_record_bytes) {}

  Status Process(const std::string& input_path, const std::string& output_path,
                 const ProcessContext& context) override;
  std::string name() const override { return "csv"; }
  uint64_t WorkingMemory(const ProcessContext& context) const override {
    return kBufferedWorkingMemory + 4 * std::min<uint64_t>(context.source_size, max_record_bytes_);
  }
  std::string content_type(std::string_view /*source_key*/) const override {
    return "application/x-ndjson";
  }

 private:
  size_t max_record_bytes_;
};

}  // namespace s3proc
