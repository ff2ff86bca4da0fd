#include "pipeline/router_config.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <thread>

namespace s3proc {

Result<std::vector<RecordRules>> LoadRouteRules(const RunConfig& config) {
  std::vector<RecordRules> loaded;
  std::map<std::string, std::shared_ptr<const JsonSchema>> schemas;  // by path: each read once
  for (size_t i = 0; i < config.routes.size(); ++i) {
    const RouteRule& r = config.routes[i];
    const std::string which = "route " + std::to_string(i + 1) + " ('" + r.glob + "')";
    RecordRules rules;
    if (!r.schema.empty()) {
      if (!schemas.count(r.schema)) {
        Result<std::shared_ptr<const JsonSchema>> schema = JsonSchema::Load(r.schema);
        if (!schema.ok()) return schema.status().WithContext(which);
        schemas[r.schema] = std::move(schema).value();
      }
      rules.schema = schemas[r.schema];
    }
    if (!r.filter.empty()) {
      Result<std::shared_ptr<const JqFilter>> filter = JqFilter::Compile(r.filter);
      if (!filter.ok()) return filter.status().WithContext(which);
      rules.filter = std::move(filter).value();
    }
    rules.skip_empty = r.empty == "skip";
    loaded.push_back(std::move(rules));
  }
  return loaded;
}

Result<ProcessorRouter> BuildRouter(const RunConfig& config) {
  auto budget = std::make_shared<MemoryBudget>(static_cast<uint64_t>(config.max_memory) << 20);
  // One slot per core for the in-process processors: more at once only time-slices.
  auto slots = std::make_shared<ProcessingSlots>(std::max(1u, std::thread::hardware_concurrency()));
  auto spec_for = [&config, &budget, &slots](const std::string& name) {
    ProcessorSpec spec;
    spec.name = name;
    if (name == "exec") {
      spec.exec_argv = config.exec_command;
      spec.exec_timeout = std::chrono::seconds(config.exec_timeout_seconds);
      spec.exec_env = config.exec_env;
      spec.exec_max_output_bytes = config.exec_max_output_bytes;
      spec.exec_network = config.exec_network;
    }
    spec.gzip_max_decompressed_bytes = config.max_decompressed_bytes;
    spec.max_document_bytes = config.max_document_bytes;
    spec.memory_budget = budget;
    // Not for exec: its command may wait on anything (a network call), and it runs in a process
    // of its own that the kernel schedules.
    if (name != "exec") spec.processing_slots = slots;
    return spec;
  };
  S3PROC_ASSIGN_OR_RETURN(std::vector<RecordRules> record_rules, LoadRouteRules(config));
  std::vector<RoutingRule> rules;
  for (size_t i = 0; i < config.routes.size(); ++i) {
    ProcessorSpec spec = spec_for(config.routes[i].processor);
    spec.record_rules = record_rules[i];
    rules.push_back({config.routes[i].glob, std::move(spec)});
  }
  return ProcessorRouter::Create(rules, spec_for(config.default_processor));
}

}  // namespace s3proc
