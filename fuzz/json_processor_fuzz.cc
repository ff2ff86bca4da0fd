#include "processor_fuzz.h"
#include "processors/json_processor.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static s3proc::JsonProcessor processor;
  s3proc::fuzz::CheckProcessor(processor, data, size, "input/fuzz.json",
                               s3proc::fuzz::OutputShape::kOneText);
  return 0;
}
