#include "processors/exec_supervisor.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "processors/exec_network_filter.h"

namespace s3proc {
namespace {

// What the supervisor and the command write to the report pipe: fixed-size records, each
// written whole (a pipe write under PIPE_BUF is atomic).
struct Record {
  char kind;
  int value;
};
constexpr char kStartFailed = 'E';  // value: errno of the failed fork, chdir or exec
constexpr char kEnded = 'S';        // value: the command's wait status
constexpr char kNetworkKept = 'N';  // value: errno of the refused network filter

// In the supervisor and in the command before exec: 0, 1, 2 as given, the report pipe here.
constexpr int kReportFd = 3;

// Everything the forked processes use, prepared in s3proc before the fork: after it, only
// async-signal-safe calls (no allocation, no locks: another thread may have held one).
struct Prepared {
  const char* executable;
  char* const* argv;
  char* const* envp;
  const char* working_dir;
  int fds[4];  // stdin, stdout, stderr and the report pipe, as numbered in s3proc
  pid_t s3proc;
  bool deny_network;
  int max_fd;  // where close_range(2) is missing (Linux before 5.9), close up to this
};

// What s3proc sends the supervisor to end the command early (a timeout, a stdout cap), and what
// the supervisor gets when s3proc dies.
constexpr int kKillRequest = SIGUSR1;

// In the supervisor: the command's pid, for the kill request's handler.
volatile sig_atomic_t g_command = 0;

void Report(char kind, int value) {
  Record record{kind, value};
  while (::write(kReportFd, &record, sizeof record) < 0 && errno == EINTR) {
  }
}

void CloseFrom(int first, int max_fd) {
  if (::close_range(static_cast<unsigned>(first), ~0U, 0) == 0) return;
  for (int fd = first; fd < max_fd; ++fd) ::close(fd);
}

// Puts the four descriptors on 0..3 and closes every other one: s3proc's other threads fork
// their own commands, and a copy of their pipes kept here would hold them open.
bool MoveDescriptors(const Prepared& p) {
  int moved[4];
  for (int i = 0; i < 4; ++i) {
    moved[i] = ::fcntl(p.fds[i], F_DUPFD, 10);  // out of the way of 0..3
    if (moved[i] < 0) return false;
  }
  for (int i = 0; i < 4; ++i) {
    if (::dup2(moved[i], i) < 0) return false;
  }
  CloseFrom(4, p.max_fd);
  return true;
}

void SetAllSignals(void (*handler)(int)) {
  struct sigaction action {};
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP) ::sigaction(sig, &action, nullptr);  // EINVAL: fine
  }
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

[[noreturn]] void RunCommand(const Prepared& p, pid_t supervisor) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != supervisor) ::_exit(127);  // the supervisor died before the line above
  ::setpgid(0, 0);
  ::fcntl(kReportFd, F_SETFD, FD_CLOEXEC);  // closed by a successful exec
  SetAllSignals(SIG_DFL);
  if (p.deny_network) {
    // Fail closed: a command that should not reach the network does not run with it.
    if (const int error = DenyNetwork(); error != 0) {
      Report(kNetworkKept, error);
      ::_exit(127);
    }
  }
  if (::chdir(p.working_dir) == 0) ::execve(p.executable, p.argv, p.envp);
  Report(kStartFailed, errno);
  ::_exit(127);
}

void OnKillRequest(int) {
  const pid_t command = g_command;
  if (command > 0) ::kill(-command, SIGKILL);
}

// Kills every child of the supervisor (every descendant of the command re-parented to it) and
// reaps them, until none is left. Killed processes fork no more, so this ends.
void KillChildren() {
  for (;;) {
    int fd = ::open("/proc/thread-self/children", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;  // a kernel without CONFIG_PROC_CHILDREN: the process group was all
    char text[4096];
    ssize_t n = ::read(fd, text, sizeof text);
    ::close(fd);
    if (n < 0) return;
    pid_t pid = 0;
    for (ssize_t i = 0; i <= n; ++i) {
      if (i < n && text[i] >= '0' && text[i] <= '9') {
        pid = pid * 10 + (text[i] - '0');
      } else if (pid > 0) {
        ::kill(pid, SIGKILL);
        pid = 0;
      }
    }
    if (::waitpid(-1, nullptr, 0) < 0 && errno != EINTR) return;  // ECHILD: none left
  }
}

[[noreturn]] void RunSupervisor(const Prepared& p) {
  // s3proc's death is a kill request: the supervisor outlives it long enough to kill the command
  // and everything it started (in a cron job nothing else would).
  ::prctl(PR_SET_PDEATHSIG, kKillRequest);
  if (::getppid() != p.s3proc) ::_exit(127);  // s3proc died before the line above
  SetAllSignals(SIG_DFL);
  struct sigaction action {};
  sigemptyset(&action.sa_mask);
  action.sa_handler = SIG_IGN;  // a service stop is the command's to answer
  for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGPIPE}) ::sigaction(sig, &action, nullptr);
  action.sa_handler = OnKillRequest;
  ::sigaction(kKillRequest, &action, nullptr);
  if (!MoveDescriptors(p)) ::_exit(127);
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);

  // A kill request waits until the handler knows the command (RunCommand unblocks it there).
  sigset_t kill_request;
  sigemptyset(&kill_request);
  sigaddset(&kill_request, kKillRequest);
  ::sigprocmask(SIG_BLOCK, &kill_request, nullptr);
  const pid_t self = ::getpid();
  const pid_t command = ::fork();
  if (command == 0) RunCommand(p, self);
  if (command < 0) {
    Report(kStartFailed, errno);
    ::_exit(0);
  }
  ::setpgid(command, command);  // the command does it too: whichever runs first
  g_command = command;
  ::sigprocmask(SIG_UNBLOCK, &kill_request, nullptr);
  // Only the command's processes hold its stdin, stdout and stderr now: s3proc sees the end of
  // its output when they are done with them.
  ::close(0);
  ::close(1);
  ::close(2);
  int status = 0;
  for (;;) {  // also reaps the orphans that end while the command runs
    const pid_t ended = ::waitpid(-1, &status, 0);
    if (ended == command) break;
    if (ended < 0 && errno != EINTR) ::_exit(127);
  }
  Report(kEnded, status);
  ::kill(-command, SIGKILL);
  KillChildren();
  ::_exit(0);
}

std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

Result<SupervisedCommand> SupervisedCommand::Start(const SupervisedCommandSpec& spec) {
  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0) {
    return Status::Transient(std::string("pipe: ") + std::strerror(errno));
  }
  ScopedFd report_read(report[0]), report_write(report[1]);
  std::vector<std::string> argv = spec.argv, env = spec.env;
  std::vector<char*> c_argv = CStrings(argv), c_env = CStrings(env);
  rlimit files{};
  ::getrlimit(RLIMIT_NOFILE, &files);
  const Prepared prepared{spec.executable.c_str(),
                          c_argv.data(),
                          c_env.data(),
                          spec.working_dir.c_str(),
                          {spec.stdin_fd, spec.stdout_fd, spec.stderr_fd, report_write.get()},
                          ::getpid(),
                          spec.deny_network,
                          files.rlim_cur == RLIM_INFINITY || files.rlim_cur > (1 << 20)
                              ? (1 << 20)
                              : static_cast<int>(files.rlim_cur)};
  // fork(), not _Fork(): the thread sanitizer intercepts fork() to give the child a consistent
  // copy of its own state; after a _Fork() its interceptors in the child saw the other threads'
  // file descriptors as races and could wait on their locks for ever.
  const pid_t supervisor = ::fork();
  if (supervisor == 0) RunSupervisor(prepared);
  if (supervisor < 0) {
    const int error = errno;
    std::string what =
        std::string("cannot start the command's supervisor: ") + std::strerror(error);
    if (error == EAGAIN || error == ENOMEM) return Status::Transient(what);
    return Status::Internal(what);
  }
  return SupervisedCommand(supervisor, std::move(report_read));
}

SupervisedCommand::SupervisedCommand(SupervisedCommand&& other) noexcept
    : supervisor_(other.supervisor_),
      reaped_(other.reaped_),
      supervisor_status_(other.supervisor_status_),
      report_(std::move(other.report_)) {
  other.supervisor_ = -1;
}

SupervisedCommand::~SupervisedCommand() {
  if (supervisor_ > 0 && !reaped_) (void)KillAndWait();
}

Result<bool> SupervisedCommand::Ended() {
  if (reaped_) return true;
  int status = 0;
  const pid_t r = ::waitpid(supervisor_, &status, WNOHANG);
  if (r == supervisor_) {
    reaped_ = true;
    supervisor_status_ = status;
    return true;
  }
  if (r < 0 && errno != EINTR) {
    // ECHILD: someone else reaped it (SIGCHLD ignored?); we cannot know how it ended.
    reaped_ = true;
    return Status::Internal(std::string("waitpid for the command's supervisor: ") +
                            std::strerror(errno));
  }
  return false;
}

Result<CommandEnd> SupervisedCommand::KillAndWait() {
  using namespace std::chrono_literals;
  while (!reaped_) {
    // Again until it is gone: the first request may come before it listens, or before the
    // command has a process group to kill.
    ::kill(supervisor_, kKillRequest);
    for (int i = 0; i < 20; ++i) {
      S3PROC_ASSIGN_OR_RETURN(bool ended, Ended());
      if (ended) break;
      std::this_thread::sleep_for(5ms);
    }
  }
  return ReadReport();
}

Result<CommandEnd> SupervisedCommand::Wait() {
  while (!reaped_) {
    int status = 0;
    const pid_t r = ::waitpid(supervisor_, &status, 0);
    if (r == supervisor_) {
      reaped_ = true;
      supervisor_status_ = status;
    } else if (r < 0 && errno != EINTR) {
      reaped_ = true;
      return Status::Internal(std::string("waitpid for the command's supervisor: ") +
                              std::strerror(errno));
    }
  }
  return ReadReport();
}

Result<CommandEnd> SupervisedCommand::ReadReport() {
  CommandEnd end;
  end.supervisor_status = supervisor_status_;
  Record record{};
  for (;;) {
    const ssize_t n = ::read(report_.get(), &record, sizeof record);
    if (n < 0 && errno == EINTR) continue;
    if (n != static_cast<ssize_t>(sizeof record)) break;  // end of file: all writers are gone
    if (record.kind == kStartFailed) end.exec_errno = record.value;
    if (record.kind == kNetworkKept) end.network_errno = record.value;
    if (record.kind == kEnded) {
      end.exited = true;
      end.wait_status = record.value;
    }
  }
  report_ = ScopedFd();
  return end;
}

}  // namespace s3proc
