#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "processors/processor.h"

namespace s3proc {

// How the command gets the input file.
enum class ExecInputMode {
  kStdin,     // the input file is the command's stdin (default)
  kArgument,  // stdin is /dev/null; argv must contain the placeholder {input}
};

struct ExecOptions {
  // The command and its arguments, run directly (never through a shell). argv[0] is looked up
  // in PATH unless it contains a '/'. Every occurrence of "{input}" in any element is replaced
  // by the local input path (in both modes).
  std::vector<std::string> argv;
  ExecInputMode input_mode = ExecInputMode::kStdin;
  // After this the whole process group is killed with SIGKILL and the input is rejected.
  std::chrono::milliseconds timeout = std::chrono::minutes(5);
};

inline constexpr std::string_view kExecInputPlaceholder = "{input}";

// "exec": runs a user's command; its stdout becomes the output file.
//
// The command runs in its own process group, with the signal mask and dispositions reset, every
// descriptor above 2 closed, and the environment of s3proc plus (replacing any inherited ones):
//   S3PROC_SOURCE_KEY, S3PROC_SOURCE_SIZE, S3PROC_SOURCE_ETAG, S3PROC_PROCESSED_AT,
//   S3PROC_INPUT_PATH.
// The key reaches the command only through S3PROC_SOURCE_KEY: it is never put in argv or a
// shell string. stdout and stderr are read concurrently with poll(2), so a chatty command
// cannot deadlock; only the last 4 KiB of stderr are kept (raw bytes).
//
// Process() returns OK when the command exits 0; Status::Rejected when it exits non-zero, dies
// of a signal, or times out, with a reason holding the exit code / signal and the stderr tail
// ("command 'jq' exited with code 3; stderr: ..."); InvalidArgument when the executable is
// missing or not executable (a configuration error: retrying will not help, and the input is
// not at fault); Transient when the process could not be created (EAGAIN, ENOMEM); IoError
// when the output cannot be written (the command is killed then).
// Thread-safe: each call spawns its own process and keeps its state on the stack.
class ExecProcessor : public Processor {
 public:
  // InvalidArgument when argv is empty or argv[0] is empty, when the timeout is not positive,
  // or when input_mode is kArgument and no element of argv contains {input}.
  static Result<std::unique_ptr<ExecProcessor>> Create(ExecOptions options);

  Status Process(const std::string& input_path, const std::string& output_path,
                 const ProcessContext& context) override;
  std::string name() const override { return "exec"; }
  // s3proc's side streams, but what the command holds cannot be known: it may be the whole
  // input (jq holds several times its input), so the input's size counts (the default).

 private:
  explicit ExecProcessor(ExecOptions options) : options_(std::move(options)) {}

  ExecOptions options_;
};

}  // namespace s3proc
