#include "processors/processor_router.h"

#include "processors/gzip_input_processor.h"

namespace s3proc {

Result<ProcessorRouter> ProcessorRouter::Create(const std::vector<RoutingRule>& rules,
                                                const ProcessorSpec& default_processor) {
  ProcessorRouter router;
  for (size_t i = 0; i < rules.size(); ++i) {
    std::string where = "routing rule " + std::to_string(i + 1) + " ('" + rules[i].pattern + "')";
    Result<Glob> glob = Glob::Compile(rules[i].pattern);
    if (!glob.ok()) return glob.status().WithContext(where);
    Result<std::unique_ptr<Processor>> processor = CreateProcessor(rules[i].processor);
    if (!processor.ok()) return processor.status().WithContext(where);
    router.routes_.push_back({std::move(glob).value(), std::move(processor).value()});
  }
  Result<std::unique_ptr<Processor>> fallback = CreateProcessor(default_processor);
  if (!fallback.ok()) return fallback.status().WithContext("default processor");
  router.default_ = std::move(fallback).value();
  return router;
}

int ProcessorRouter::RuleIndexFor(std::string_view relative_key) const {
  std::string_view without_gz = relative_key;
  bool gz = IsGzipKey(relative_key);
  if (gz) without_gz.remove_suffix(3);
  for (size_t i = 0; i < routes_.size(); ++i) {
    if (routes_[i].glob.Matches(relative_key) || (gz && routes_[i].glob.Matches(without_gz))) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

Processor& ProcessorRouter::Route(std::string_view relative_key) const {
  int index = RuleIndexFor(relative_key);
  return index < 0 ? *default_ : *routes_[static_cast<size_t>(index)].processor;
}

}  // namespace s3proc
