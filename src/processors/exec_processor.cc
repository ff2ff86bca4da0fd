#include "processors/exec_processor.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string_view>
#include <thread>

#include "common/exec_env_names.h"
#include "common/file_io.h"
#include "processors/exec_environment.h"
#include "processors/exec_private_folder.h"
#include "processors/exec_reason.h"
#include "processors/exec_supervisor.h"

namespace s3proc {
namespace {

constexpr size_t kStderrTailBytes = 4096;
// What of it a reason in errors/ holds: enough for a tool's error message.
constexpr size_t kPublishedStderrBytes = 512;
using Clock = std::chrono::steady_clock;

std::string ReplaceAll(std::string s, std::string_view from, std::string_view to) {
  for (size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) {
    s.replace(pos, from.size(), to);
  }
  return s;
}

Status MakePipe(ScopedFd* read_end, ScopedFd* write_end) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return Status::Transient(std::string("pipe: ") + std::strerror(errno));
  }
  *read_end = ScopedFd(fds[0]);
  *write_end = ScopedFd(fds[1]);
  return Status::Ok();
}

// Keeps the last kStderrTailBytes of what it is given.
void AppendTail(std::string& tail, std::string_view data) {
  tail.append(data);
  if (tail.size() > 2 * kStderrTailBytes) tail.erase(0, tail.size() - kStderrTailBytes);
}

std::string SignalDescription(int signal) {
  const char* description = sigdescr_np(signal);  // thread-safe, unlike strsignal
  return description ? description : "unknown signal";
}

bool IsExecutableFile(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

// The executable `command` names: looked up in PATH (as execvp would) unless it holds a '/',
// and made absolute, since the command runs in its private folder. InvalidArgument when PATH has
// no such executable.
Result<std::string> FindExecutable(const std::string& command) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (command.find('/') != std::string::npos) return fs::absolute(command, ec).string();
  const char* path = std::getenv("PATH");
  std::string_view dirs = path != nullptr ? path : "/bin:/usr/bin";  // glibc's default
  bool found_unusable = false;
  for (;;) {
    const size_t colon = dirs.find(':');
    std::string dir(dirs.substr(0, colon));
    std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + command;
    if (IsExecutableFile(candidate)) return fs::absolute(candidate, ec).string();
    found_unusable = found_unusable || ::access(candidate.c_str(), F_OK) == 0;
    if (colon == std::string_view::npos) break;
    dirs.remove_prefix(colon + 1);
  }
  return Status::InvalidArgument("exec processor: cannot run '" + command +
                                 "': " + std::strerror(found_unusable ? EACCES : ENOENT) +
                                 " (looked up in PATH)");
}

Status StartFailure(const std::string& command, int error) {
  std::string what = "exec processor: cannot run '" + command + "': " + std::strerror(error);
  if (error == ENOENT || error == EACCES || error == ENOEXEC || error == ENOTDIR ||
      error == ELOOP || error == ENAMETOOLONG) {
    return Status::InvalidArgument(what);
  }
  if (error == EAGAIN || error == ENOMEM) return Status::Transient(what);
  return Status::Internal(what);
}

// Fails closed: the command did not run, since it would have run with the network.
Status NetworkKept(const std::string& command, int error) {
  return Status::InvalidArgument(
      "exec processor: cannot take the network away from the exec command '" + command +
      "': " + std::strerror(error) +
      " (a seccomp filter was refused); set exec_network = true to run it "
      "with the network");
}

// Where the command's output goes while it runs.
struct CommandOutput {
  OutputFile& stdout_file;
  uint64_t max_bytes;  // 0: no cap
  uint64_t written = 0;
  std::string stderr_tail;  // the last bytes of its stderr, see AppendTail
  bool timed_out = false;
  bool over_cap = false;
};

// Reads what is ready on `fd` (the command's stdout when `is_out`, else its stderr) into
// `output`; closes `fd` at end of file. Stdout past the cap is not written: over_cap is set.
Status ReadReady(ScopedFd& fd, bool is_out, std::string& buffer, CommandOutput& output) {
  S3PROC_ASSIGN_OR_RETURN(size_t got,
                          ReadSome(fd.get(), buffer.data(), buffer.size(), "command output"));
  if (got == 0) {
    fd = ScopedFd();
    return Status::Ok();
  }
  std::string_view data(buffer.data(), got);
  if (!is_out) {
    AppendTail(output.stderr_tail, data);
    return Status::Ok();
  }
  if (output.max_bytes != 0 && output.written + data.size() > output.max_bytes) {
    data = data.substr(0, output.max_bytes - output.written);
    output.over_cap = true;
  }
  output.written += data.size();
  return output.stdout_file.Append(data);
}

// Reads both pipes with poll(2) until they close, the deadline passes (output.timed_out) or
// stdout passes its cap (output.over_cap), so that a chatty command cannot deadlock.
Status ReadOutput(ScopedFd& out_read, ScopedFd& err_read, Clock::time_point deadline,
                  CommandOutput& output) {
  std::string buffer(64 * 1024, '\0');
  while ((out_read.valid() || err_read.valid()) && !output.over_cap) {
    auto remaining =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (remaining <= 0) {
      output.timed_out = true;
      return Status::Ok();
    }
    pollfd fds[2];
    nfds_t n = 0;
    if (out_read.valid()) fds[n++] = {out_read.get(), POLLIN, 0};
    if (err_read.valid()) fds[n++] = {err_read.get(), POLLIN, 0};
    int ready = ::poll(fds, n, static_cast<int>(std::min<long long>(remaining, 1000)));
    if (ready < 0) {
      if (errno == EINTR) continue;
      return Status::Internal(std::string("poll: ") + std::strerror(errno));
    }
    for (nfds_t i = 0; i < n; ++i) {
      if (fds[i].revents == 0) continue;
      bool is_out = fds[i].fd == out_read.get();
      S3PROC_RETURN_IF_ERROR(ReadReady(is_out ? out_read : err_read, is_out, buffer, output));
    }
  }
  return Status::Ok();
}

// Waits for the command to end once its pipes are closed (it may close them early and run
// on), or sets `timed_out` at the deadline.
Status WaitUntil(SupervisedCommand& command, Clock::time_point deadline, bool& timed_out) {
  for (;;) {
    S3PROC_ASSIGN_OR_RETURN(bool ended, command.Ended());
    if (ended) return Status::Ok();
    if (Clock::now() >= deadline) {
      timed_out = true;
      return Status::Ok();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

// Signals that stop a command from outside (a service manager stopping every process of the
// service, the OOM killer, an operator) rather than report on the content: SIGSEGV or SIGABRT
// are the command's own verdict, these are not.
bool StoppedFromOutside(int signal) {
  return signal == SIGTERM || signal == SIGINT || signal == SIGHUP || signal == SIGKILL ||
         signal == SIGQUIT;
}

std::string HowItEnded(int status) {
  return WIFEXITED(status) ? "exited with code " + std::to_string(WEXITSTATUS(status))
                           : "was killed by signal " + std::to_string(WTERMSIG(status)) + " (" +
                                 SignalDescription(WTERMSIG(status)) + ")";
}

// One run's rejection, said twice: for errors/ (the command's file name, its stderr's last lines
// without local paths or exec_env values) and, whole, for the local log.
struct Verdict {
  const std::string& command;  // argv[0] as configured
  std::vector<std::pair<std::string, std::string>> redactions;
  const ProcessContext& context;

  Status Reject(const std::string& what, const std::string& stderr_tail) const {
    if (context.local_detail != nullptr) {
      *context.local_detail = "command '" + command + "' " + what + "; stderr: " +
                              Tail(stderr_tail, kStderrTailBytes, TailStart::kCharacter);
    }
    const std::string name = std::filesystem::path(command).filename().string();
    return Status::Rejected(
        "command '" + RedactLocalDetails(name, redactions) + "' " + what + "; stderr: " +
        Tail(RedactLocalDetails(stderr_tail, redactions), kPublishedStderrBytes, TailStart::kLine));
  }
};

// OK when the command exited 0; kTransient when it was stopped from outside (the input stays for
// the next run); otherwise a rejection saying how it ended. A timeout is judged before this.
Status ExitVerdict(const CommandEnd& end, const Verdict& verdict, const std::string& stderr_tail) {
  if (!end.exited) {
    // The supervisor itself was killed: by a stop sent to every process, or the OOM killer.
    const int status = end.supervisor_status;
    std::string message =
        "the supervisor of command '" + verdict.command + "' " + HowItEnded(status);
    if (WIFSIGNALED(status) && StoppedFromOutside(WTERMSIG(status))) {
      return Status::Transient(message + " (stopped from outside: left for the next run)");
    }
    return Status::Internal(message);
  }
  const int status = end.wait_status;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return Status::Ok();
  if (WIFSIGNALED(status) && StoppedFromOutside(WTERMSIG(status))) {
    return Status::Transient(
        "command '" + verdict.command + "' " + HowItEnded(status) +
        "; stderr: " + Tail(stderr_tail, kStderrTailBytes, TailStart::kCharacter) +
        " (stopped from outside: left for the next run)");
  }
  return verdict.Reject(HowItEnded(status), stderr_tail);
}

std::string DirectoryOf(const std::string& path) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  return dir.empty() ? "." : dir;
}

}  // namespace

Result<std::unique_ptr<ExecProcessor>> ExecProcessor::Create(ExecOptions options) {
  if (options.argv.empty() || options.argv[0].empty()) {
    return Status::InvalidArgument("exec processor: the command (argv) is empty");
  }
  if (options.timeout.count() <= 0) {
    return Status::InvalidArgument("exec processor: the timeout must be positive");
  }
  if (options.input_mode == ExecInputMode::kArgument) {
    bool has_placeholder = false;
    for (const std::string& arg : options.argv) {
      if (arg.find(kExecInputPlaceholder) != std::string::npos) has_placeholder = true;
    }
    if (!has_placeholder) {
      return Status::InvalidArgument(
          "exec processor: input mode 'argument' needs the placeholder {input} in the command, "
          "e.g. [\"jq\", \".\", \"{input}\"]");
    }
  }
  for (const std::string& name : options.env_names) {
    S3PROC_RETURN_IF_ERROR(CheckExecEnvName(name).WithContext("exec processor: exec_env"));
  }
  return std::unique_ptr<ExecProcessor>(new ExecProcessor(std::move(options)));
}

Status ExecProcessor::Process(const std::string& input_path, const std::string& output_path,
                              const ProcessContext& context) {
  const std::string& command = options_.argv[0];
  S3PROC_ASSIGN_OR_RETURN(PrivateFolder home,
                          PrivateFolder::Create(options_.private_folder_parent.empty()
                                                    ? DirectoryOf(output_path)
                                                    : options_.private_folder_parent));
  SupervisedCommandSpec spec;
  S3PROC_ASSIGN_OR_RETURN(spec.executable, FindExecutable(command));
  for (const std::string& arg : options_.argv) {
    spec.argv.push_back(ReplaceAll(arg, kExecInputPlaceholder, input_path));
  }
  spec.env = ExecEnvironment(options_.env_names, home.path(), home.tmp(), input_path, context);
  spec.working_dir = home.path();
  spec.deny_network = !options_.network;

  ScopedFd stdin_fd;
  if (options_.input_mode == ExecInputMode::kStdin) {
    S3PROC_ASSIGN_OR_RETURN(stdin_fd, OpenForRead(input_path));
  } else {
    S3PROC_ASSIGN_OR_RETURN(stdin_fd, OpenForRead("/dev/null"));
  }
  S3PROC_ASSIGN_OR_RETURN(OutputFile out, OutputFile::Create(output_path));
  ScopedFd out_read, out_write, err_read, err_write;
  S3PROC_RETURN_IF_ERROR(MakePipe(&out_read, &out_write));
  S3PROC_RETURN_IF_ERROR(MakePipe(&err_read, &err_write));
  spec.stdin_fd = stdin_fd.get();
  spec.stdout_fd = out_write.get();
  spec.stderr_fd = err_write.get();
  // Destroyed before `home` is: killed and waited for on every way out.
  S3PROC_ASSIGN_OR_RETURN(SupervisedCommand running, SupervisedCommand::Start(spec));
  // Only the command may hold the write ends, so that we see end-of-file when it is done.
  stdin_fd = ScopedFd();
  out_write = ScopedFd();
  err_write = ScopedFd();

  const Clock::time_point deadline = Clock::now() + options_.timeout;
  CommandOutput output{out, options_.max_output_bytes};
  S3PROC_RETURN_IF_ERROR(ReadOutput(out_read, err_read, deadline, output));
  if (!output.timed_out && !output.over_cap) {
    S3PROC_RETURN_IF_ERROR(WaitUntil(running, deadline, output.timed_out));
  }
  S3PROC_ASSIGN_OR_RETURN(
      CommandEnd end, output.timed_out || output.over_cap ? running.KillAndWait() : running.Wait());
  if (end.network_errno != 0) return NetworkKept(command, end.network_errno);
  if (end.exec_errno != 0) return StartFailure(command, end.exec_errno);

  std::vector<std::pair<std::string, std::string>> redactions = PassedValues(options_.env_names);
  redactions.emplace_back(input_path, "<input>");
  redactions.emplace_back(output_path, "<output>");
  redactions.emplace_back(home.path(), "<home>");
  const Verdict verdict{command, std::move(redactions), context};
  if (output.over_cap) {
    return verdict.Reject("wrote more than " + std::to_string(options_.max_output_bytes) +
                              " bytes to stdout (exec_max_output_bytes) and was killed",
                          output.stderr_tail);
  }
  if (output.timed_out) {
    return verdict.Reject("timed out after " + std::to_string(options_.timeout.count()) +
                              " ms and was killed, with every process it started",
                          output.stderr_tail);
  }
  S3PROC_RETURN_IF_ERROR(ExitVerdict(end, verdict, output.stderr_tail));
  return out.Close();
}

}  // namespace s3proc
