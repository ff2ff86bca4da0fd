#pragma once

#include <chrono>
#include <cstdint>
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
  // After this the command and everything it started are killed and the input is rejected.
  std::chrono::milliseconds timeout = std::chrono::minutes(5);
  // Variables passed from s3proc's environment besides PATH, LANG, LC_* and TZ (exec_env):
  // never AWS_*, S3PROC_*, HOME or TMPDIR (see CheckExecEnvName).
  std::vector<std::string> env_names;
  // Output past this many bytes kills the command and rejects the input (0: no cap).
  uint64_t max_output_bytes = kDefaultMaxOutputBytes;
  // Where each run gets its private folder; empty: the output file's directory (processed/ in
  // the work dir).
  std::string private_folder_parent;
  // exec_network: false (the default) lets the command open only AF_UNIX sockets (DenyNetwork):
  // no TCP or UDP, so neither the instance metadata service (the instance role's credentials)
  // nor anything else on the network. True: the network as s3proc has it.
  bool network = false;

  static constexpr uint64_t kDefaultMaxOutputBytes = 1ull << 30;
};

inline constexpr std::string_view kExecInputPlaceholder = "{input}";

// "exec": runs a user's command; its stdout becomes the output file.
//
// The command gets the least it needs (README.md, "What an exec command can reach"):
//   - an environment built from an allowlist (ExecEnvironment): PATH, LANG, LC_*, TZ, the names
//     in exec_env, HOME and TMPDIR in its private folder, and the facts S3PROC_SOURCE_KEY,
//     S3PROC_SOURCE_SIZE, S3PROC_SOURCE_ETAG, S3PROC_PROCESSED_AT, S3PROC_INPUT_PATH; nothing
//     else of s3proc's (no AWS credentials, profile or endpoint);
//   - a private folder (mode 0700) as HOME and working directory, removed after it;
//   - a process group of its own under a supervisor (SupervisedCommand): when it exits, times
//     out, writes more than max_output_bytes, or s3proc dies, it and everything it started are
//     killed, even what left its process group;
//   - only descriptors 0, 1 and 2, the signal mask and dispositions reset;
//   - unless `network`, no socket but AF_UNIX (DenyNetwork), for it and everything it starts.
// The key reaches the command only through S3PROC_SOURCE_KEY: it is never put in argv or a
// shell string. stdout and stderr are read concurrently with poll(2), so a chatty command
// cannot deadlock; only the last 4 KiB of stderr are kept (raw bytes).
//
// Process() returns OK when the command exits 0; Status::Rejected when it exits non-zero, dies
// of a signal, times out or writes too much, with a reason for errors/ that names the command
// (its file name), how it ended and the last lines of its stderr, at most 512 bytes, with local
// paths and the values of exec_env variables replaced ("command 'jq' exited with code 3;
// stderr: jq: error (at <input>:3): ..."); the whole stderr tail, as written, goes to
// context.local_detail. InvalidArgument when the executable is missing or not executable (a
// configuration error: retrying will not help, and the input is not at fault), and so when the
// network cannot be taken away from the command (it does not run then); Transient when
// the process could not be created (EAGAIN, ENOMEM) or was stopped from outside; IoError when
// the output cannot be written (the command is killed then).
// Thread-safe: each call spawns its own processes and keeps its state on the stack.
class ExecProcessor : public Processor {
 public:
  // InvalidArgument when argv is empty or argv[0] is empty, when the timeout is not positive,
  // when input_mode is kArgument and no element of argv contains {input}, or when env_names
  // holds a name CheckExecEnvName refuses.
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
