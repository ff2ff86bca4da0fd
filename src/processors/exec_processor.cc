#include "processors/exec_processor.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

#include "common/file_io.h"

extern char** environ;

namespace s3proc {
namespace {

constexpr size_t kStderrTailBytes = 4096;
using Clock = std::chrono::steady_clock;

std::string ReplaceAll(std::string s, std::string_view from, std::string_view to) {
  for (size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) {
    s.replace(pos, from.size(), to);
  }
  return s;
}

// Owns the spawn attributes and file actions so that every exit path destroys them.
struct SpawnSetup {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  SpawnSetup() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
};

std::vector<std::string> BuildEnvironment(const std::string& input_path,
                                          const ProcessContext& context) {
  std::vector<std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    if (std::string_view(*e).rfind("S3PROC_", 0) == 0) continue;
    env.emplace_back(*e);
  }
  env.push_back("S3PROC_SOURCE_KEY=" + context.source_key);
  env.push_back("S3PROC_SOURCE_SIZE=" + std::to_string(context.source_size));
  env.push_back("S3PROC_SOURCE_ETAG=" + context.source_etag);
  env.push_back("S3PROC_PROCESSED_AT=" + context.processed_at);
  env.push_back("S3PROC_INPUT_PATH=" + input_path);
  return env;
}

std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
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

std::string TailForMessage(std::string tail) {
  if (tail.size() > kStderrTailBytes) {
    tail.erase(0, tail.size() - kStderrTailBytes);
    // Do not start in the middle of a UTF-8 sequence.
    size_t skip = 0;
    while (skip < tail.size() && skip < 3 &&
           (static_cast<unsigned char>(tail[skip]) & 0xC0) == 0x80)
      ++skip;
    tail.erase(0, skip);
    tail.insert(0, "...");
  }
  while (!tail.empty() && (tail.back() == '\n' || tail.back() == '\r')) tail.pop_back();
  return tail.empty() ? "(empty)" : tail;
}

std::string SignalDescription(int signal) {
  const char* description = sigdescr_np(signal);  // thread-safe, unlike strsignal
  return description ? description : "unknown signal";
}

int WaitForExit(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

void KillGroupAndReap(pid_t pid) {
  ::kill(-pid, SIGKILL);
  WaitForExit(pid);
}

// Starts `command` (looked up in PATH unless it holds a '/') with `argv` and `env`, reading
// `stdin_fd` and writing to `out_write` and `err_write`, in a process group of its own with the
// signal mask and dispositions reset and every other descriptor closed. Returns its pid;
// kInvalidArgument when the executable cannot be run, kTransient when no process could be
// created, kInternal otherwise.
Result<pid_t> SpawnCommand(const std::string& command, std::vector<std::string>& argv,
                           std::vector<std::string>& env, const ScopedFd& stdin_fd,
                           const ScopedFd& out_write, const ScopedFd& err_write) {
  SpawnSetup setup;
  posix_spawn_file_actions_adddup2(&setup.actions, stdin_fd.get(), STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&setup.actions, out_write.get(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&setup.actions, err_write.get(), STDERR_FILENO);
  // Our own descriptors are O_CLOEXEC; this also covers any a library opened without it.
  posix_spawn_file_actions_addclosefrom_np(&setup.actions, 3);
  sigset_t no_signals, all_signals;
  sigemptyset(&no_signals);
  sigfillset(&all_signals);
  sigdelset(&all_signals, SIGKILL);
  sigdelset(&all_signals, SIGSTOP);
  posix_spawnattr_setsigmask(&setup.attr, &no_signals);
  posix_spawnattr_setsigdefault(&setup.attr, &all_signals);
  posix_spawnattr_setpgroup(&setup.attr, 0);
  posix_spawnattr_setflags(&setup.attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::vector<char*> c_argv = CStrings(argv);
  std::vector<char*> c_env = CStrings(env);
  pid_t pid = 0;
  bool search_path = command.find('/') == std::string::npos;
  int rc = search_path ? posix_spawnp(&pid, command.c_str(), &setup.actions, &setup.attr,
                                      c_argv.data(), c_env.data())
                       : posix_spawn(&pid, command.c_str(), &setup.actions, &setup.attr,
                                     c_argv.data(), c_env.data());
  if (rc != 0) {
    std::string what = "exec processor: cannot run '" + command + "': " + std::strerror(rc);
    if (rc == ENOENT || rc == EACCES || rc == ENOEXEC || rc == ENOTDIR || rc == ELOOP ||
        rc == ENAMETOOLONG) {
      return Status::InvalidArgument(what + (search_path ? " (looked up in PATH)" : ""));
    }
    if (rc == EAGAIN || rc == ENOMEM) return Status::Transient(what);
    return Status::Internal(what);
  }
  return pid;
}

// Where the command's output goes while it runs.
struct CommandOutput {
  OutputFile& stdout_file;
  std::string stderr_tail;  // the last bytes of its stderr, see AppendTail
  bool timed_out = false;
};

// Reads what is ready on `fd` (the command's stdout when `is_out`, else its stderr) into
// `output`; closes `fd` at end of file.
Status ReadReady(ScopedFd& fd, bool is_out, std::string& buffer, CommandOutput& output) {
  S3PROC_ASSIGN_OR_RETURN(size_t got,
                          ReadSome(fd.get(), buffer.data(), buffer.size(), "command output"));
  if (got == 0) {
    fd = ScopedFd();
    return Status::Ok();
  }
  std::string_view data(buffer.data(), got);
  if (is_out) return output.stdout_file.Append(data);
  AppendTail(output.stderr_tail, data);
  return Status::Ok();
}

// Reads both pipes with poll(2) until they close (or the deadline passes: output.timed_out),
// so that a chatty command cannot deadlock. On a read or write error the command's process
// group is killed and the error returned.
Status ReadOutput(pid_t pid, ScopedFd& out_read, ScopedFd& err_read, Clock::time_point deadline,
                  CommandOutput& output) {
  std::string buffer(64 * 1024, '\0');
  while (out_read.valid() || err_read.valid()) {
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
      Status s = Status::Internal(std::string("poll: ") + std::strerror(errno));
      KillGroupAndReap(pid);
      return s;
    }
    for (nfds_t i = 0; i < n; ++i) {
      if (fds[i].revents == 0) continue;
      bool is_out = fds[i].fd == out_read.get();
      Status read = ReadReady(is_out ? out_read : err_read, is_out, buffer, output);
      if (!read.ok()) {
        KillGroupAndReap(pid);
        return read;
      }
    }
  }
  return Status::Ok();
}

// Waits for the command to exit once its pipes are closed (it may close them early and run
// on). Returns its wait status, or sets `timed_out` at the deadline.
Result<int> WaitUntil(pid_t pid, Clock::time_point deadline, const std::string& command,
                      bool& timed_out) {
  int status = 0;
  for (;;) {
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return status;
    if (r < 0 && errno != EINTR) {
      // ECHILD: someone else reaped it (SIGCHLD ignored?); we cannot know how it ended.
      return Status::Internal(std::string("waitpid for command '") + command +
                              "': " + std::strerror(errno));
    }
    if (Clock::now() >= deadline) {
      timed_out = true;
      return status;
    }
    ::usleep(5000);
  }
}

// Signals that stop a command from outside (a service manager stopping every process of the
// service, the OOM killer, an operator) rather than report on the content: SIGSEGV or SIGABRT
// are the command's own verdict, these are not.
bool StoppedFromOutside(int signal) {
  return signal == SIGTERM || signal == SIGINT || signal == SIGHUP || signal == SIGKILL ||
         signal == SIGQUIT;
}

// OK when the command exited 0; kTransient when it was stopped from outside (the input stays for
// the next run); otherwise a rejection saying how it ended. A timeout is judged before this.
Status ExitVerdict(int status, const std::string& command, std::string stderr_tail) {
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return Status::Ok();
  std::string how = WIFEXITED(status) ? "exited with code " + std::to_string(WEXITSTATUS(status))
                                      : "was killed by signal " + std::to_string(WTERMSIG(status)) +
                                            " (" + SignalDescription(WTERMSIG(status)) + ")";
  std::string message =
      "command '" + command + "' " + how + "; stderr: " + TailForMessage(std::move(stderr_tail));
  if (WIFSIGNALED(status) && StoppedFromOutside(WTERMSIG(status))) {
    return Status::Transient(std::move(message) + " (stopped from outside: left for the next run)");
  }
  return Status::Rejected(std::move(message));
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
  return std::unique_ptr<ExecProcessor>(new ExecProcessor(std::move(options)));
}

Status ExecProcessor::Process(const std::string& input_path, const std::string& output_path,
                              const ProcessContext& context) {
  const std::string& command = options_.argv[0];
  std::vector<std::string> argv;
  for (const std::string& arg : options_.argv) {
    argv.push_back(ReplaceAll(arg, kExecInputPlaceholder, input_path));
  }
  std::vector<std::string> env = BuildEnvironment(input_path, context);

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
  S3PROC_ASSIGN_OR_RETURN(pid_t pid,
                          SpawnCommand(command, argv, env, stdin_fd, out_write, err_write));
  // Only the child may hold the write ends, so that we see end-of-file when it is done.
  stdin_fd = ScopedFd();
  out_write = ScopedFd();
  err_write = ScopedFd();

  const Clock::time_point deadline = Clock::now() + options_.timeout;
  CommandOutput output{out};
  S3PROC_RETURN_IF_ERROR(ReadOutput(pid, out_read, err_read, deadline, output));
  int status = 0;
  if (!output.timed_out) {
    S3PROC_ASSIGN_OR_RETURN(status, WaitUntil(pid, deadline, command, output.timed_out));
  }
  if (output.timed_out) {
    KillGroupAndReap(pid);
    return Status::Rejected("command '" + command + "' timed out after " +
                            std::to_string(options_.timeout.count()) +
                            " ms and was killed (SIGKILL to its process group); stderr: " +
                            TailForMessage(std::move(output.stderr_tail)));
  }
  S3PROC_RETURN_IF_ERROR(ExitVerdict(status, command, std::move(output.stderr_tail)));
  return out.Close();
}

}  // namespace s3proc
