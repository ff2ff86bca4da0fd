#pragma once

#include <string>

#include "processors/processor.h"

namespace s3proc {

// "passthrough": copies the input bytes unchanged (after .gz decompression, when the registry
// wraps it; see GzipInputProcessor). Never rejects. Thread-safe.
class PassthroughProcessor : public Processor {
 public:
  Status Process(const std::string& input_path, const std::string& output_path,
                 const ProcessContext& context) override;
  std::string name() const override { return "passthrough"; }
};

}  // namespace s3proc
