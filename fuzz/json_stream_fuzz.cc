// Differential: the json processor's two paths must agree on any bytes. In memory (simdjson,
// below 1 MiB by default) and streamed (RapidJSON, for larger documents; here through a buffer
// of 1 to 64 bytes, chosen by the first input byte, so that every token is cut somewhere):
// both write the same output, or both reject. The one known disagreement (json_stream.h) is on
// numbers at the edge of a double's range, where each side's reason names the number.
#include <stdint.h>

#include <string>

#include "fuzz_files.h"
#include "processors/json_processor.h"

namespace {

bool NamesANumber(const s3proc::Status& s) {
  return s.message().find("number") != std::string::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace s3proc;
  if (size == 0) return 0;
  const size_t buffer = 1 + data[0] % 64;
  std::string in = fuzz::WriteScratch("in", data + 1, size - 1);
  std::string out_memory = fuzz::ScratchDir() + "/out-memory";
  std::string out_streamed = fuzz::ScratchDir() + "/out-streamed";
  ProcessContext context;
  context.source_key = "input/fuzz.json";
  context.source_size = size - 1;
  context.processed_at = "2026-11-28T16:04:06Z";

  JsonProcessor in_memory(JsonProcessorOptions{UINT64_MAX, 0});
  JsonProcessor streamed(JsonProcessorOptions{0, buffer});
  Status a = in_memory.Process(in, out_memory, context);
  Status b = streamed.Process(in, out_streamed, context);
  if (!a.ok() && !a.IsRejected()) fuzz::Fail("in memory: " + a.ToString());
  if (!b.ok() && !b.IsRejected()) fuzz::Fail("streamed: " + b.ToString());
  if (a.ok() != b.ok()) {
    if (NamesANumber(a.ok() ? b : a)) return 0;
    fuzz::Fail("in memory " + a.ToString() + ", streamed (buffer " + std::to_string(buffer) + ") " +
               b.ToString());
  }
  if (a.ok() && fuzz::ReadScratch(out_memory) != fuzz::ReadScratch(out_streamed)) {
    fuzz::Fail("the outputs differ (buffer " + std::to_string(buffer) + ")");
  }
  return 0;
}
