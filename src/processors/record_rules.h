#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "processors/jq_filter.h"
#include "processors/json_schema.h"

namespace s3proc {

// What a route declares about each record its processor reads (a json document, an ndjson
// line, a csv row as the object written for it): a JSON Schema it must match, then a jq filter
// whose results are written instead of it. Shared by every worker: both are thread-safe.
struct RecordRules {
  std::shared_ptr<const JsonSchema> schema;
  std::shared_ptr<const JqFilter> filter;
  // json only: a document the filter gives no result for is an empty output, not a rejection.
  bool skip_empty = false;

  bool any() const { return schema != nullptr || filter != nullptr; }
  // The memory a record of n bytes may take on top of the processor's own: the schema's parse
  // tree and libjq's values.
  uint64_t WorkingMemoryFor(uint64_t n) const {
    return (schema ? JsonSchema::TreeBytesFor(n) : 0) + (filter ? JqFilter::TreeBytesFor(n) : 0);
  }
};

// Checks one record (a valid JSON text) against the schema, then runs the filter: the texts to
// write for it, compact JSON, in order (the record itself, unchanged, without a filter).
// Rejected with the schema's reasons or jq's message.
Result<std::vector<std::string>> ApplyRecordRules(const RecordRules& rules,
                                                  std::string_view record);

}  // namespace s3proc
