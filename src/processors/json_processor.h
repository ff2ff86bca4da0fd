#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "processors/processor.h"
#include "processors/record_rules.h"

namespace s3proc {

struct JsonProcessorOptions {
  // Documents of at least this many bytes are validated in a stream (JsonStreamValidator),
  // smaller ones in memory, where simdjson is fastest (JsonValidator).
  uint64_t stream_from_bytes = 1 << 20;
  // The streaming path's read buffer (tests make it tiny to cross every boundary).
  size_t stream_buffer_bytes = 256 * 1024;
  // A schema the document must also match (else Rejected, naming the failing paths), and a jq
  // filter whose results are the output: one result is the output document, several are
  // written as NDJSON (one per line, each object enriched), none rejects the document ("the
  // filter produced nothing") unless rules.skip_empty (then the output is empty). Either needs
  // the whole document in memory, so it is loaded whole whatever stream_from_bytes says, and a
  // document of more than max_document_bytes is rejected unread.
  RecordRules rules;
  uint64_t max_document_bytes = kDefaultMaxDocumentBytes;

  static constexpr uint64_t kDefaultMaxDocumentBytes = uint64_t{256} << 20;
};

// "json": one strict RFC 8259 JSON text in, the same text out, enriched.
//
// - A top-level object gets one member added, just after its last member (or inside `{}`):
//     "_s3proc":{"source_key":..., "processed_at":..., "size":N, "sha256":"<hex>",
//                "version":"<S3PROC_VERSION>"}
//   where size and sha256 describe the object as stored (see ProcessContext::source_sha256).
//   Every input byte is kept as is: the document is validated, never re-serialised.
// - Any other top-level value (array, string, number, true/false/null) is written unchanged.
// - A leading UTF-8 byte order mark is accepted and dropped from the output (RFC 8259 8.1).
// - Rejected (Status::Rejected, the reason says why): see JsonValidator in json_text.h, plus an
//   object that already has a "_s3proc" member (we never write duplicate keys).
//
// Memory does not grow with the document: one that is smaller than stream_from_bytes is loaded
// and parsed in memory (about 3x its size: simdjson's tape and strings), a larger one is read
// once through a fixed buffer, validated, hashed and copied as it goes. With a schema, it does:
// every document is loaded and parsed into a tree too (see JsonSchema::TreeBytesFor), up to
// max_document_bytes.
// Thread-safe: all per-call state is on the stack.
class JsonProcessor : public Processor {
 public:
  explicit JsonProcessor(JsonProcessorOptions options = {}) : options_(options) {}

  Status Process(const std::string& input_path, const std::string& output_path,
                 const ProcessContext& context) override;
  std::string name() const override { return "json"; }
  // Fixed buffers; below stream_from_bytes (or up to max_document_bytes with a schema), the
  // document and simdjson's parse of it besides, and with a schema its tree.
  uint64_t WorkingMemory(const ProcessContext& context) const override;
  std::string content_type(std::string_view /*source_key*/) const override {
    return "application/json";
  }

 private:
  JsonProcessorOptions options_;
};

}  // namespace s3proc
