#include "processor_fuzz.h"
#include "processors/csv_processor.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static s3proc::CsvProcessor processor(4096);
  s3proc::fuzz::CheckProcessor(processor, data, size, "input/fuzz.csv",
                               s3proc::fuzz::OutputShape::kLines);
  return 0;
}
