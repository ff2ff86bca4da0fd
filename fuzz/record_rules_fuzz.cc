// A route's declared rules on any record. The bytes are split at their first two NUL bytes into
// a JSON Schema, a jq program and a record (a part that is missing or empty declares nothing).
// What compiles is applied with ApplyRecordRules to the record when it is one the processors
// pass on (one valid JSON text, as JsonValidator says). Checked: a schema or a program that is
// refused is InvalidArgument; applying answers OK or Rejected, never another error, a crash or
// a leak; on OK every result is one JSON text (nlohmann::json, a parser we did not write), and
// without a filter the one result is the record itself.
#include <stddef.h>
#include <stdint.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <thread>

#include "fuzz_files.h"
#include "processors/json_text.h"
#include "processors/record_rules.h"

namespace {

using s3proc::fuzz::Fail;

// The part of `rest` up to its first NUL byte (all of it when there is none); `rest` keeps what
// follows the NUL.
std::string_view NextPart(std::string_view& rest) {
  const size_t nul = rest.find('\0');
  std::string_view part = rest.substr(0, nul);
  rest = nul == std::string_view::npos ? std::string_view() : rest.substr(nul + 1);
  return part;
}

// libjq compiles a program with all its builtins (~15 ms), once to check it and once more in
// each thread that runs it. Inputs that differ only in their schema or record reuse the filter
// of their program (it holds no libjq state: only the thread that runs it does).
class Filters {
 public:
  static constexpr size_t kMaxPrograms = 256;

  // The filter of `program`, or nullptr when it does not compile.
  std::shared_ptr<const s3proc::JqFilter> Compiled(const std::string& program) {
    auto it = filters_.find(program);
    if (it != filters_.end()) return it->second;
    if (filters_.size() >= kMaxPrograms) filters_.clear();
    std::shared_ptr<const s3proc::JqFilter> filter;
    auto compiled = s3proc::JqFilter::Compile(program);
    if (compiled.ok()) {
      filter = *compiled;
    } else if (compiled.status().code() != s3proc::StatusCode::kInvalidArgument) {
      Fail("JqFilter::Compile: " + compiled.status().ToString());
    }
    return filters_[program] = filter;
  }

 private:
  std::map<std::string, std::shared_ptr<const s3proc::JqFilter>> filters_;
};

bool IsValidJsonText(std::string_view text) {
  std::string padded(text);
  padded.resize(text.size() + s3proc::kJsonPadding);
  s3proc::JsonValidator validator;
  return validator.Inspect(padded.data(), text.size(), padded.size()).ok();
}

void CheckApplied(const s3proc::RecordRules& rules, std::string_view record) {
  s3proc::Result<std::vector<std::string>> results = s3proc::ApplyRecordRules(rules, record);
  if (!results.ok()) {
    if (!results.status().IsRejected()) Fail("ApplyRecordRules: " + results.status().ToString());
    return;
  }
  if (!rules.filter && (results->size() != 1 || results->front() != record)) {
    Fail("without a filter the record is not its own result");
  }
  for (const std::string& result : *results) {
    if (!nlohmann::json::accept(result)) Fail("a result is not one JSON text: " + result);
  }
}

}  // namespace

// Two leaks of libjq 1.6's own, not of ours, which LeakSanitizer is told to leave alone:
// - the text of a string literal still open at the end of a program that does not compile
//   (jq -n '"abc' leaks 21 bytes), allocated under jq_parse;
// - a string of the input when a program stops at an error while it walks paths ('type[paths]'
//   on {"b":{"c":1}}: jq itself leaks it too), allocated under jv_parse_sized. Every value jq
//   builds is freed with the state; only the input's own values are left unchecked here (the
//   unit tests, under ASan, run the result paths).
// Telling them from ours needs each allocation's stack down to those functions, which the fast
// unwinder cannot walk through libjq (built without frame pointers); 8 frames reach them, at a
// third of the cost of whole stacks.
extern "C" const char* __lsan_default_suppressions() {
  return "leak:jq_parse\nleak:jv_parse_sized\n";
}
extern "C" const char* __asan_default_options() {
  return "fast_unwind_on_malloc=0:malloc_context_size=8";
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  const std::string_view schema_text = NextPart(rest);
  const std::string_view program = NextPart(rest);
  const std::string_view record = rest;

  s3proc::RecordRules rules;
  if (!schema_text.empty()) {
    auto schema = s3proc::JsonSchema::Parse(schema_text, "fuzz.schema.json");
    if (schema.ok()) {
      rules.schema = *schema;
    } else if (schema.status().code() != s3proc::StatusCode::kInvalidArgument) {
      Fail("JsonSchema::Parse: " + schema.status().ToString());
    }
  }
  static Filters filters;
  if (!program.empty()) rules.filter = filters.Compiled(std::string(program));
  if (!IsValidJsonText(record)) return 0;
  if (!rules.filter) {
    CheckApplied(rules, record);
    return 0;
  }
  // In a thread of its own, as a run's workers are: a thread keeps its compiled copy of every
  // filter it ran until it ends (and LeakSanitizer takes libjq's live stacks, which it points
  // to from their end, for leaks).
  std::thread([&] { CheckApplied(rules, record); }).join();
  return 0;
}
