#include "processors/jq_filter.h"

extern "C" {
#include <jq.h>
#include <jv.h>
}

#include <atomic>
#include <unordered_map>

namespace s3proc {
namespace {

// A jq state that tears itself down.
struct JqState {
  jq_state* jq = nullptr;
  std::vector<std::string> messages;  // what jq reported while compiling
  JqState() : jq(jq_init()) {}
  ~JqState() {
    if (jq != nullptr) jq_teardown(&jq);
  }
  JqState(const JqState&) = delete;
  JqState& operator=(const JqState&) = delete;
};

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
  static_cast<JqState*>(data)->messages.push_back(Text(message));
}

// Compiles `program` into a new state; the messages when it does not compile.
Result<std::unique_ptr<JqState>> CompileState(const std::string& program) {
  auto state = std::make_unique<JqState>();
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

std::atomic<uint64_t> g_next_id{1};

}  // namespace

Result<std::shared_ptr<const JqFilter>> JqFilter::Compile(const std::string& program) {
  S3PROC_RETURN_IF_ERROR(CompileState(program).status());
  return std::shared_ptr<const JqFilter>(new JqFilter(program, g_next_id.fetch_add(1)));
}

JqFilter::~JqFilter() = default;

Result<std::vector<std::string>> JqFilter::Run(std::string_view json_text) const {
  // Each thread's compiled copies, by filter id (ids are never reused, addresses may be).
  thread_local std::unordered_map<uint64_t, std::unique_ptr<JqState>> states;
  auto it = states.find(id_);
  if (it == states.end()) {
    S3PROC_ASSIGN_OR_RETURN(std::unique_ptr<JqState> state, CompileState(program_));
    it = states.emplace(id_, std::move(state)).first;
  }
  jq_state* jq = it->second->jq;

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

}  // namespace s3proc
