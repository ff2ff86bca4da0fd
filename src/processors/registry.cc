#include "processors/registry.h"

#include "common/processor_names.h"
#include "processors/budgeted_processor.h"
#include "processors/csv_processor.h"
#include "processors/json_processor.h"
#include "processors/ndjson_processor.h"
#include "processors/passthrough_processor.h"

namespace s3proc {
namespace {

Result<std::unique_ptr<Processor>> CreateUnwrapped(const ProcessorSpec& spec) {
  if (spec.name == "exec") {
    ExecOptions options{spec.exec_argv, spec.exec_input_mode, spec.exec_timeout, spec.exec_env,
                        spec.exec_max_output_bytes};
    options.network = spec.exec_network;
    S3PROC_ASSIGN_OR_RETURN(std::unique_ptr<ExecProcessor> exec,
                            ExecProcessor::Create(std::move(options)));
    return std::unique_ptr<Processor>(std::move(exec));
  }
  if (!spec.exec_argv.empty()) {
    return Status::InvalidArgument("processor '" + spec.name +
                                   "' takes no command; a command is for processor 'exec'");
  }
  if (spec.record_rules.any() && spec.name != "json" && spec.name != "ndjson" &&
      spec.name != "csv") {
    return Status::InvalidArgument("processor '" + spec.name +
                                   "' takes no schema or filter; they are for json, ndjson and "
                                   "csv");
  }
  if (spec.name == "json") {
    JsonProcessorOptions options;
    options.rules = spec.record_rules;
    options.max_document_bytes = spec.max_document_bytes;
    return std::unique_ptr<Processor>(std::make_unique<JsonProcessor>(options));
  }
  if (spec.name == "ndjson") {
    return std::unique_ptr<Processor>(std::make_unique<NdjsonProcessor>(
        NdjsonProcessor::kDefaultMaxLineBytes, spec.record_rules));
  }
  if (spec.name == "csv") {
    return std::unique_ptr<Processor>(
        std::make_unique<CsvProcessor>(CsvProcessor::kDefaultMaxRecordBytes, spec.record_rules));
  }
  if (spec.name == "passthrough") {
    return std::unique_ptr<Processor>(std::make_unique<PassthroughProcessor>());
  }
  return Status::InvalidArgument(UnknownProcessorMessage(spec.name));
}

}  // namespace

Result<std::unique_ptr<Processor>> CreateProcessor(const ProcessorSpec& spec) {
  S3PROC_ASSIGN_OR_RETURN(std::unique_ptr<Processor> processor, CreateUnwrapped(spec));
  // passthrough copies bytes: a .gz input is copied compressed, as stored.
  if (spec.gzip_max_decompressed_bytes != 0 && spec.name != "passthrough") {
    processor = std::make_unique<GzipInputProcessor>(std::move(processor),
                                                     spec.gzip_max_decompressed_bytes);
  }
  // Outermost, so that one reservation covers the whole call, .gz steps included.
  if (spec.memory_budget != nullptr) {
    processor = std::make_unique<BudgetedProcessor>(std::move(processor), spec.memory_budget,
                                                    spec.processing_slots);
  }
  return processor;
}

}  // namespace s3proc
