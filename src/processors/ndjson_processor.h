#pragma once

#include <algorithm>
#include <cstddef>
#include <memory>
#include <string>

#include "processors/processor.h"
#include "processors/record_rules.h"

namespace s3proc {

// "ndjson": newline-delimited JSON, one strict RFC 8259 value per line (see JsonValidator).
//
// Output: one line per input line, in order, each ending in '\n'. Object lines get the same
// "_s3proc" member as the json processor plus "line": N (1-based); size and sha256 describe the
// whole stored object. Other values are written unchanged. A '\r' before '\n' is kept (it is
// JSON whitespace). A leading UTF-8 byte order mark is accepted and dropped.
//
// Rejected, with "line N: <reason>", if any line is invalid JSON, an object already has
// "_s3proc", the line is empty or blank (only a final '\n' is allowed: "a\n" is fine, "a\n\n"
// is not), or it is longer than max_line_bytes, or, with a schema, a line's value does not
// match it ("line 3: does not match schema event.schema.json: /ts: ..."), or the filter fails
// on it ("line 3: jq: error: ..."). An empty file is rejected too.
//
// With a filter, each line's results are written in its place, one per line (none: the line
// leaves nothing), objects with the metadata member of the line they came from.
// Nothing is written for a rejected file beyond what the caller discards.
//
// Memory is bounded by max_line_bytes (with simdjson's per-line buffers, about 2.5x the longest
// line in all), whatever the file size: the file is read twice, once to hash it (skipped when
// the context carries the hash) and once to validate and write. Thread-safe: all per-call state is
// on the stack.
class NdjsonProcessor : public Processor {
 public:
  static constexpr size_t kDefaultMaxLineBytes = 64 * 1024 * 1024;

  explicit NdjsonProcessor(size_t max_line_bytes = kDefaultMaxLineBytes, RecordRules rules = {})
      : max_line_bytes_(max_line_bytes), rules_(std::move(rules)) {}

  Status Process(const std::string& input_path, const std::string& output_path,
                 const ProcessContext& context) override;
  std::string name() const override { return "ndjson"; }
  uint64_t WorkingMemory(const ProcessContext& context) const override {
    const uint64_t line = std::min<uint64_t>(context.source_size, max_line_bytes_);
    return kBufferedWorkingMemory + 5 * line / 2 + rules_.WorkingMemoryFor(line);
  }
  std::string content_type(std::string_view /*source_key*/) const override {
    return "application/x-ndjson";
  }

 private:
  size_t max_line_bytes_;
  RecordRules rules_;
};

}  // namespace s3proc
