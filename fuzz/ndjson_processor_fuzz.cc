#include "processor_fuzz.h"
#include "processors/ndjson_processor.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // A small line limit so the fuzzer reaches the "line too long" path.
  static s3proc::NdjsonProcessor processor(4096);
  s3proc::fuzz::CheckProcessor(processor, data, size, "input/fuzz.ndjson",
                               s3proc::fuzz::OutputShape::kLines);
  return 0;
}
