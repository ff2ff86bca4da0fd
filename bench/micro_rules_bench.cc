// A route's schema and filter on the json processor, as the pipeline calls it (through the
// registry): the 1 KiB documents of bench/run, with the schema and filter that
// bench/declared_vs_plain uses, beside the processor alone. Also what each costs once per run
// and thread: compiling the filter (libjq compiles its builtins with every program).
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <string>

#include "processors/jq_filter.h"
#include "processors/json_schema.h"
#include "processors/registry.h"

namespace s3proc {
namespace {

// bench/run's small_doc: a sensor's readings, about `size` bytes.
std::string SensorDocument(size_t size) {
  std::string doc = R"({"id":5,"device":"sensor-000005","ts":"2026-11-28T16:04:06Z","readings":[)";
  for (int i = 0; doc.size() + 40 < size; ++i) {
    if (i != 0) doc += ",";
    doc += "{\"t\":" + std::to_string(1700000000 + i) + ",\"v\":" + std::to_string(i * 0.25) + "}";
  }
  return doc + "],\"ok\":true}";
}

// bench/declared_vs_plain's SCHEMA and FILTER.
constexpr char kSchema[] = R"({
  "type": "object", "required": ["id", "device", "ts", "readings", "ok"],
  "properties": {
    "id": {"type": "integer", "minimum": 0},
    "device": {"type": "string", "pattern": "^sensor-[0-9]{6}$"},
    "ts": {"type": "string", "minLength": 20},
    "readings": {"type": "array", "items": {
      "type": "object", "required": ["t", "v"], "additionalProperties": false,
      "properties": {"t": {"type": "integer"}, "v": {"type": "number"}}}},
    "ok": {"type": "boolean"}}})";
constexpr char kFilter[] =
    "{id, device, n: (.readings | length), mean: ((.readings | map(.v) | add) / (.readings | "
    "length))}";

// state.range(0): 0 the processor alone, 1 with the schema, 2 with the filter, 3 with both.
void BM_JsonProcessWithRules(benchmark::State& state) {
  char tmpl[] = "/tmp/s3proc-bench-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  const std::string in = dir + "/in.json", out = dir + "/out.json";
  const std::string doc = SensorDocument(1024);
  std::ofstream(in, std::ios::binary) << doc;
  ProcessorSpec spec;
  spec.name = "json";
  if (state.range(0) & 1) spec.record_rules.schema = *JsonSchema::Parse(kSchema, "s.json");
  if (state.range(0) & 2) spec.record_rules.filter = *JqFilter::Compile(kFilter);
  std::unique_ptr<Processor> processor = CreateProcessor(spec).value();
  ProcessContext context;
  context.source_key = "input/device-000005/reading.json";
  context.source_size = doc.size();
  context.processed_at = "2026-11-28T16:04:06Z";
  for (auto _ : state) {
    if (!processor->Process(in, out, context).ok()) state.SkipWithError("rejected");
    state.PauseTiming();
    std::remove(out.c_str());  // a new output file each time, as in the pipeline
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations());
  std::remove(in.c_str());
  rmdir(dir.c_str());
}
BENCHMARK(BM_JsonProcessWithRules)->DenseRange(0, 3);

// Where a schema's time goes, on the same document: 0 an empty schema (nlohmann's parse of the
// document and valijson's setup), 1 the schema without its "pattern", 2 all of it.
void BM_SchemaCheck(benchmark::State& state) {
  std::string schema = kSchema;
  if (state.range(0) == 0) schema = "{}";
  if (state.range(0) == 1) {
    const std::string pattern = R"("pattern": "^sensor-[0-9]{6}$")";
    schema.replace(schema.find(pattern), pattern.size(), R"("minLength": 1)");
  }
  auto parsed = JsonSchema::Parse(schema, "s.json");
  if (!parsed.ok()) {
    state.SkipWithError(parsed.status().ToString().c_str());
    return;
  }
  const std::string doc = SensorDocument(1024);
  for (auto _ : state) {
    if (!(*parsed)->Check(doc).ok()) state.SkipWithError("rejected");
  }
}
BENCHMARK(BM_SchemaCheck)->DenseRange(0, 2);

// The filter alone on the same document (compiled for this thread before the clock starts).
void BM_JqRun(benchmark::State& state) {
  auto filter = *JqFilter::Compile(kFilter);
  const std::string doc = SensorDocument(1024);
  benchmark::DoNotOptimize(filter->Run(doc));
  for (auto _ : state) benchmark::DoNotOptimize(filter->Run(doc));
}
BENCHMARK(BM_JqRun);

// What a worker thread pays the first time it runs a filter: libjq's compile.
void BM_JqCompile(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(JqFilter::Compile(kFilter));
}
BENCHMARK(BM_JqCompile)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace s3proc
