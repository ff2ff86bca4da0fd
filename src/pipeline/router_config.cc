#include "pipeline/router_config.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <thread>

namespace s3proc {

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
    spec.memory_budget = budget;
    // Not for exec: its command may wait on anything (a network call), and it runs in a process
    // of its own that the kernel schedules.
    if (name != "exec") spec.processing_slots = slots;
    return spec;
  };
  std::vector<RoutingRule> rules;
  for (const RouteRule& r : config.routes) rules.push_back({r.glob, spec_for(r.processor)});
  return ProcessorRouter::Create(rules, spec_for(config.default_processor));
}

}  // namespace s3proc
