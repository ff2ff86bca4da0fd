#pragma once

#include <algorithm>
#include <cstddef>
#include <memory>
#include <string>

#include "processors/processor.h"
#include "processors/record_rules.h"

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
// With a schema, each row must match it as the object above, except that a column whose type
// the schema declares ("integer", "number", "boolean", "null") is written as that type when its
// text is one (see AppendTypedCsvValue): "qty": "3" becomes "qty": 3. A row that does not match
// rejects the file: "row 7 (line 9): does not match schema order.schema.json: /qty: ...".
// With a filter, each row's object goes through it and its results are written in its place,
// one per line (none: the row leaves nothing); a jq error rejects the file, naming the row.
//
// Streaming: memory is bounded by max_record_bytes plus fixed buffers, whatever the file size;
// one record costs about 4x its size (its fields, and its JSON line with room to grow), and
// with a schema its parse tree besides (JsonSchema::TreeBytesFor).
// Thread-safe: all per-call state is on the stack.
class CsvProcessor : public Processor {
 public:
  static constexpr size_t kDefaultMaxRecordBytes = 64 * 1024 * 1024;

  explicit CsvProcessor(size_t max_record_bytes = kDefaultMaxRecordBytes, RecordRules rules = {})
      : max_record_bytes_(max_record_bytes), rules_(std::move(rules)) {}

  Status Process(const std::string& input_path, const std::string& output_path,
                 const ProcessContext& context) override;
  std::string name() const override { return "csv"; }
  uint64_t WorkingMemory(const ProcessContext& context) const override {
    const uint64_t record = std::min<uint64_t>(context.source_size, max_record_bytes_);
    return kBufferedWorkingMemory + 4 * record + rules_.WorkingMemoryFor(record);
  }
  std::string content_type(std::string_view /*source_key*/) const override {
    return "application/x-ndjson";
  }

 private:
  size_t max_record_bytes_;
  RecordRules rules_;
};

}  // namespace s3proc
