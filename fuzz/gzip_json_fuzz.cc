// .gz inputs (zip-bomb-like ones included): the gzip layer in front of the json processor, with a
// 1 MiB decompression limit, ends in OK or Rejected within the limit.
#include <memory>

#include "processor_fuzz.h"
#include "processors/gzip_input_processor.h"
#include "processors/json_processor.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static s3proc::GzipInputProcessor processor(std::make_unique<s3proc::JsonProcessor>(), 1 << 20);
  s3proc::fuzz::CheckProcessor(processor, data, size, "input/fuzz.json.gz",
                               s3proc::fuzz::OutputShape::kOneText);
  return 0;
}
