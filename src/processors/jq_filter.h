#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace s3proc {

// A jq program (libjq), compiled once to check it and then run on JSON texts from any thread:
// libjq's state is not thread-safe, so each thread compiles its own copy on first use and keeps
// it. The libjq adapter: the only file that includes jq.h.
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

 private:
  JqFilter(std::string program, uint64_t id) : program_(std::move(program)), id_(id) {}

  std::string program_;
  uint64_t id_;  // names this filter's compiled copies in each thread's cache
};

}  // namespace s3proc
