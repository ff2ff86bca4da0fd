#pragma once

#include <string>

#include "processors/processor.h"

namespace s3proc {

// "passthrough": copies the input bytes unchanged; a .gz input stays compressed (the registry
// does not wrap it in a GzipInputProcessor). Never rejects. Thread-safe.
class PassthroughProcessor : public Processor {
 public:
  Status Process(const std::string& input_path, const std::string& output_path,
                 const ProcessContext& context) override;
  std::string name() const override { return "passthrough"; }
  uint64_t WorkingMemory(const ProcessContext& /*context*/) const override {
    return kBufferedWorkingMemory;
  }
  // kGzipContentType for a ".gz" key (its bytes are gzip), else application/octet-stream.
  std::string content_type(std::string_view source_key) const override;
};

}  // namespace s3proc
