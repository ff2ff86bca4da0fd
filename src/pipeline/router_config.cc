#include "pipeline/router_config.h"

#include <chrono>
#include <memory>

namespace s3proc {

Result<ProcessorRouter> BuildRouter(const RunConfig& config) {
  auto budget = std::make_shared<MemoryBudget>(static_cast<uint64_t>(config.max_memory) << 20);
  auto spec_for = [&config, &budget](const std::string& name) {
    ProcessorSpec spec;
    spec.name = name;
    if (name == "exec") {
      spec.exec_argv = config.exec_command;
      spec.exec_timeout = std::chrono::seconds(config.exec_timeout_seconds);
    }
    spec.gzip_max_decompressed_bytes = config.max_decompressed_bytes;
    spec.memory_budget = budget;
    return spec;
  };
  std::vector<RoutingRule> rules;
  for (const RouteRule& r : config.routes) rules.push_back({r.glob, spec_for(r.processor)});
  return ProcessorRouter::Create(rules, spec_for(config.default_processor));
}

}  // namespace s3proc
