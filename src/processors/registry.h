#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/memory_budget.h"
#include "common/processing_slots.h"
#include "common/result.h"
#include "processors/exec_processor.h"
#include "processors/gzip_input_processor.h"
#include "processors/json_processor.h"
#include "processors/processor.h"
#include "processors/record_rules.h"

namespace s3proc {

// Everything needed to build one processor, as configuration states it.
struct ProcessorSpec {
  std::string name = "json";  // one of kProcessorNames (common/processor_names.h)
  // exec only (InvalidArgument when exec_argv is set for another processor):
  std::vector<std::string> exec_argv;
  ExecInputMode exec_input_mode = ExecInputMode::kStdin;
  std::chrono::milliseconds exec_timeout = std::chrono::minutes(5);
  std::vector<std::string> exec_env;
  uint64_t exec_max_output_bytes = ExecOptions::kDefaultMaxOutputBytes;
  bool exec_network = false;
  // json, ndjson and csv only (InvalidArgument for another processor): the schema every
  // document, line or row must match and the filter that reshapes it.
  RecordRules record_rules;
  // Inputs whose key ends in ".gz" are decompressed first, up to this many bytes (more is
  // Rejected), and the output compressed again (see GzipInputProcessor). 0 turns this off: .gz
  // inputs reach the processor as they are stored, and its output is stored as it writes it.
  uint64_t gzip_max_decompressed_bytes = GzipInputProcessor::kDefaultMaxDecompressedBytes;
  // json with record_rules: the largest document loaded whole (larger: Rejected unread).
  uint64_t max_document_bytes = JsonProcessorOptions::kDefaultMaxDocumentBytes;
  // When set, every Process() call reserves its working memory from this budget first (see
  // BudgetedProcessor); one budget is shared by all the processors of a run.
  std::shared_ptr<MemoryBudget> memory_budget;
  // With memory_budget: at most this many Process() calls at once (see BudgetedProcessor).
  std::shared_ptr<ProcessingSlots> processing_slots;
};

// Builds the processor `spec` names, wrapped in a GzipInputProcessor unless
// gzip_max_decompressed_bytes is 0 or the processor is passthrough (which copies a .gz input
// compressed, as stored), and that in a BudgetedProcessor when spec.memory_budget is set. The
// result is thread-safe: build it once, share it. Returns InvalidArgument for an unknown name
// ("unknown processor 'jsn': expected one of json, ndjson, csv, passthrough, exec"), for exec
// options, a schema or a filter given to another processor, and for what ExecProcessor::Create
// rejects.
Result<std::unique_ptr<Processor>> CreateProcessor(const ProcessorSpec& spec);

}  // namespace s3proc
