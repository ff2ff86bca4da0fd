#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace s3proc {

// A jq program (libjq), compiled once to check it and then run on JSON texts from any thread.
// A compiled copy (libjq's state) serves one run at a time: a run takes a free copy from the
// filter's pool, or compiles one when all are in use (libjq compiles its whole library of
// builtins each time, ~14 ms), and gives it back. So a filter holds as many copies as it ever
// ran at once, which the processing slots bound, not one per worker thread. The libjq adapter:
// the only file that includes jq.h.
class JqFilter {
 public:
  // Compiles `program`. InvalidArgument with jq's own messages when it does not compile.
  static Result<std::shared_ptr<const JqFilter>> Compile(const std::string& program);

  ~JqFilter();

  // Runs the program on one JSON text (valid JSON: callers validate first) and returns each
  // result as compact JSON text, in order (none is a valid answer). Rejected with jq's message
  // for an error the program raises (a type error, error("...")).
  Result<std::vector<std::string>> Run(std::string_view json_text) const;

  const std::string& program() const { return program_; }

  // The most memory libjq's values for a document of n bytes take, so that a caller can
  // reserve it before Run() (as JsonSchema::TreeBytesFor).
  static constexpr uint64_t TreeBytesFor(uint64_t n) { return 32 * n; }

  struct Compiled;  // one compiled copy: libjq's state (jq_filter.cc)

 private:
  JqFilter(std::string program, std::unique_ptr<Compiled> first);

  std::string program_;
  mutable std::mutex mu_;
  mutable std::vector<std::unique_ptr<Compiled>> free_;  // guarded by mu_
};

}  // namespace s3proc
