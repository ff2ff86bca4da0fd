// The json processor as the pipeline calls it (through the registry, so with the .gz decorator):
// a local file in, a local file out. Files sit in a temp directory; on this machine that is the
// page cache, so the figure is CPU plus the open/read/write/close system calls.
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>

#include "processors/registry.h"

namespace s3proc {
namespace {

// A ~size-byte JSON object shaped like a sensor reading.
std::string JsonDocument(size_t size, bool malformed) {
  std::string doc = "{\"device\":\"sensor-000123\",\"ts\":\"2026-11-28T16:04:06Z\",\"readings\":[";
  int i = 0;
  while (doc.size() + 40 < size) {
    if (i) doc += ",";
    doc += "{\"t\":" + std::to_string(1700000000 + i) + ",\"v\":" + std::to_string(i * 0.25) + "}";
    ++i;
  }
  doc += "],\"ok\":true}";
  if (malformed) doc.insert(doc.rfind(']'), ",");  // a trailing comma: rejected
  return doc;
}

class TempFiles {
 public:
  TempFiles() {
    char tmpl[] = "/tmp/s3proc-bench-XXXXXX";
    dir_ = mkdtemp(tmpl);
  }
  ~TempFiles() {
    std::remove(In().c_str());
    std::remove(Out().c_str());
    rmdir(dir_.c_str());
  }
  std::string In() const { return dir_ + "/in.json"; }
  std::string Out() const { return dir_ + "/out.json"; }

 private:
  std::string dir_;
};

void RunProcessor(benchmark::State& state, const std::string& name, bool malformed) {
  TempFiles files;
  const std::string doc = JsonDocument(static_cast<size_t>(state.range(0)), malformed);
  std::ofstream(files.In(), std::ios::binary) << doc;
  ProcessorSpec spec;
  spec.name = name;
  Result<std::unique_ptr<Processor>> processor = CreateProcessor(spec);
  if (!processor.ok()) {
    state.SkipWithError("CreateProcessor failed");
    return;
  }
  ProcessContext context;
  context.source_key = "input/device-000123/reading.json";
  context.source_size = doc.size();
  context.source_etag = "9b2cf535f27731c974343645a3985328";
  context.processed_at = "2026-11-28T16:04:06Z";
  for (auto _ : state) {
    Status s = (*processor)->Process(files.In(), files.Out(), context);
    if (s.ok() == malformed) state.SkipWithError("unexpected outcome");
    // The pipeline writes each output to a new file and unlinks it after the upload; truncating
    // one file over and over would instead measure ext4 waiting on its writeback.
    state.PauseTiming();
    std::remove(files.Out().c_str());
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(doc.size()));
}

void BM_JsonProcess(benchmark::State& state) { RunProcessor(state, "json", false); }
// 256 MiB: the large-document row (one core's MB/s, docs/benchmarks.md).
BENCHMARK(BM_JsonProcess)->Arg(1 << 10)->Arg(64 << 10)->Arg(1 << 20)->Arg(256 << 20);

void BM_JsonProcessMalformed(benchmark::State& state) { RunProcessor(state, "json", true); }
BENCHMARK(BM_JsonProcessMalformed)->Arg(1 << 10);

void BM_PassthroughProcess(benchmark::State& state) { RunProcessor(state, "passthrough", false); }
BENCHMARK(BM_PassthroughProcess)->Arg(1 << 10)->Arg(1 << 20);

}  // namespace
}  // namespace s3proc
