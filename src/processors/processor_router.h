#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "processors/glob.h"
#include "processors/processor.h"
#include "processors/registry.h"

namespace s3proc {

// "Keys matching `pattern` go to `processor`."
struct RoutingRule {
  std::string pattern;  // a Glob on the key relative to the input prefix, e.g. "logs/**.ndjson"
  ProcessorSpec processor;
};

// Chooses the processor for each key: rules are tried in order and the first match wins; a key
// no rule matches goes to the default processor. A rule matches a key that ends in ".gz" when
// its pattern matches the key with or without that suffix, so "*.csv" also takes "a.csv.gz"
// (which the processor then decompresses; see GzipInputProcessor) while "*.gz" can still
// claim all gzip files first.
//
// Every processor is built once, at Create(), and shared: Route() is const and thread-safe,
// and the processors it returns may be used from several threads at once.
class ProcessorRouter {
 public:
  // InvalidArgument when a pattern or a processor spec is invalid, naming the rule
  // ("routing rule 2 ('[a'): invalid glob ...").
  static Result<ProcessorRouter> Create(const std::vector<RoutingRule>& rules,
                                        const ProcessorSpec& default_processor = {});

  // `relative_key` is the key without the input prefix ("a/b.csv" for "input/a/b.csv").
  // The returned processor lives as long as the router.
  Processor& Route(std::string_view relative_key) const;

  // The index of the rule Route() would use, or -1 for the default processor (for logs/tests).
  int RuleIndexFor(std::string_view relative_key) const;

 private:
  struct CompiledRule {
    Glob glob;
    std::unique_ptr<Processor> processor;
  };
  ProcessorRouter() = default;

  std::vector<CompiledRule> routes_;
  std::unique_ptr<Processor> default_;
};

}  // namespace s3proc
