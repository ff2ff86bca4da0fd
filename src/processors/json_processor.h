#pragma once

#include <string>

#include "processors/processor.h"

namespace s3proc {

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
// Memory: the whole file is loaded (simdjson's DOM parser needs it), and simdjson's tape and
// string buffers add about twice that again: budget ~3x the document size, ~768 MiB for a
// 256 MiB document. Use "ndjson" for data that does not fit.
// Thread-safe: all per-call state is on the stack.
class JsonProcessor : public Processor {
 public:
  Status Process(const std::string& input_path, const std::string& output_path,
                 const ProcessContext& context) override;
  std::string name() const override { return "json"; }
  std::string content_type(std::string_view /*source_key*/) const override {
    return "application/json";
  }
};

}  // namespace s3proc
