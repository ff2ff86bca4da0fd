#include "processors/jq_filter.h"

extern "C" {
#include <jq.h>
#include <jv.h>
}

namespace s3proc {
namespace {}  // namespace

// A jq state that tears itself down.
struct JqFilter::Compiled {
  jq_state* jq = nullptr;
  std::vector<std::string> messages;  // what jq reported while compiling
  Compiled() : jq(jq_init()) {}
  ~Compiled() {
    if (jq != nullptr) jq_teardown(&jq);
  }
  Compiled(const Compiled&) = delete;
  Compiled& operator=(const Compiled&) = delete;
};

namespace {

using Compiled = JqFilter::Compiled;

// The text of a jv, consumed.
std::string Text(jv value) {
  if (jv_get_kind(value) == JV_KIND_STRING) {
    std::string text(jv_string_value(value),
                     static_cast<size_t>(jv_string_length_bytes(jv_copy(value))));
    jv_free(value);
    return text;
  }
  jv dumped = jv_dump_string(value, 0);
  std::string text = jv_string_value(dumped);
  jv_free(dumped);
  return text;
}

void CollectMessage(void* data, jv message) {
  static_cast<Compiled*>(data)->messages.push_back(Text(message));
}

// Compiles `program` into a new state; the messages when it does not compile.
Result<std::unique_ptr<Compiled>> CompileState(const std::string& program) {
  auto state = std::make_unique<Compiled>();
  if (state->jq == nullptr) return Status::Internal("jq: cannot start (out of memory)");
  jq_set_error_cb(state->jq, CollectMessage, state.get());
  if (!jq_compile(state->jq, program.c_str())) {
    std::string why;
    for (const std::string& m : state->messages) why += (why.empty() ? "" : "; ") + m;
    return Status::InvalidArgument("the jq filter does not compile: " +
                                   (why.empty() ? std::string("(no message)") : why));
  }
  jq_set_error_cb(state->jq, nullptr, nullptr);
  return state;
}

// Runs a compiled program on one JSON text.
Result<std::vector<std::string>> RunOn(jq_state* jq, std::string_view json_text) {
  jv input = jv_parse_sized(json_text.data(), static_cast<int>(json_text.size()));
  if (!jv_is_valid(input)) {
    return Status::Rejected("jq could not read the value: " + Text(jv_invalid_get_msg(input)));
  }
  jq_start(jq, input, 0);  // takes `input`
  std::vector<std::string> results;
  for (jv result = jq_next(jq);; result = jq_next(jq)) {
    if (jv_is_valid(result)) {
      results.push_back(Text(jv_dump_string(result, 0)));
      continue;
    }
    if (!jv_invalid_has_msg(jv_copy(result))) {  // the end of the results
      jv_free(result);
      return results;
    }
    jv message = jv_invalid_get_msg(result);
    const bool is_string = jv_get_kind(message) == JV_KIND_STRING;
    std::string text = Text(message);
    // error("...") gives its string; another value is shown as JSON, as jq shows it.
    return Status::Rejected("jq: error: " + text + (is_string ? "" : " (not a string)"));
  }
}

}  // namespace

Result<std::shared_ptr<const JqFilter>> JqFilter::Compile(const std::string& program) {
  S3PROC_ASSIGN_OR_RETURN(std::unique_ptr<Compiled> first, CompileState(program));
  return std::shared_ptr<const JqFilter>(new JqFilter(program, std::move(first)));
}

JqFilter::JqFilter(std::string program, std::unique_ptr<Compiled> first)
    : program_(std::move(program)) {
  free_.push_back(std::move(first));  // the copy that checked the program serves the first run
}

JqFilter::~JqFilter() = default;

Result<std::vector<std::string>> JqFilter::Run(std::string_view json_text) const {
  std::unique_ptr<Compiled> compiled;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!free_.empty()) {
      compiled = std::move(free_.back());
      free_.pop_back();
    }
  }
  if (!compiled) {
    S3PROC_ASSIGN_OR_RETURN(compiled, CompileState(program_));
  }
  Result<std::vector<std::string>> results = RunOn(compiled->jq, json_text);
  std::lock_guard<std::mutex> lock(mu_);
  free_.push_back(std::move(compiled));
  return results;
}

}  // namespace s3proc
