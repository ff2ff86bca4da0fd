#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "common/file_io.h"
#include "common/result.h"

namespace s3proc {

// What the command is given: everything is prepared before the fork, because between fork and
// exec only async-signal-safe calls are allowed (s3proc has threads).
struct SupervisedCommandSpec {
  std::string executable;  // a path (already looked up in PATH)
  std::vector<std::string> argv;
  std::vector<std::string> env;  // NAME=VALUE, the whole environment
  std::string working_dir;
  int stdin_fd = -1;
  int stdout_fd = -1;
  int stderr_fd = -1;
  // The command may open only AF_UNIX sockets (see DenyNetwork); when that cannot be enforced,
  // it does not run (CommandEnd::network_errno).
  bool deny_network = false;
};

// How the command ended, as its supervisor saw it.
struct CommandEnd {
  int exec_errno = 0;     // the command could not be started (exec or fork failed): why
  int network_errno = 0;  // deny_network could not be enforced (so it did not run): why
  bool exited = false;    // the command ran and ended: `wait_status` is its waitpid status
  int wait_status = 0;
  int supervisor_status = 0;  // the supervisor's own waitpid status (when !exited: it was killed)
};

// Runs a command under a supervisor: a process of s3proc's, forked per command, that is a child
// subreaper (PR_SET_CHILD_SUBREAPER), so every descendant that loses its parent, even one that
// left the process group with setsid, becomes its child. When the command ends (or Kill() is
// called) the supervisor kills the command's process group, then every process re-parented to
// it, reaps them all, and exits: nothing the command started outlives it. The supervisor gets a
// kill request when s3proc dies (PR_SET_PDEATHSIG) and the command SIGKILL when the supervisor
// does, so killing s3proc, even with SIGKILL, ends the command and its descendants. The supervisor
// ignores the signals that stop a service (SIGTERM, SIGINT, SIGHUP, SIGQUIT: they are the command's
// to receive) and never touches s3proc's other children: each command has its own supervisor, so no
// waitpid(-1) in s3proc can take another child's exit status.
//
// The command runs in a process group of its own, in `working_dir`, with only 0, 1 and 2 open
// and the signal mask and dispositions reset; with `deny_network`, under DenyNetwork's filter
// (the command only: neither s3proc nor the supervisor).
class SupervisedCommand {
 public:
  // Transient when no process could be created; Internal for an unexpected failure.
  static Result<SupervisedCommand> Start(const SupervisedCommandSpec& spec);

  SupervisedCommand(SupervisedCommand&& other) noexcept;
  SupervisedCommand& operator=(SupervisedCommand&&) = delete;
  // Kills and waits, unless Wait() already returned.
  ~SupervisedCommand();

  // True once the supervisor has exited (the command and everything it started are gone);
  // never blocks. Internal if the supervisor cannot be waited for.
  Result<bool> Ended();
  // Asks the supervisor to kill the command, then waits until it and everything it started are
  // gone, and returns how the command ended.
  Result<CommandEnd> KillAndWait();
  // Waits until the supervisor has exited and returns how the command ended.
  Result<CommandEnd> Wait();

 private:
  SupervisedCommand(pid_t supervisor, ScopedFd report)
      : supervisor_(supervisor), report_(std::move(report)) {}
  Result<CommandEnd> ReadReport();

  pid_t supervisor_ = -1;
  bool reaped_ = false;
  int supervisor_status_ = 0;
  ScopedFd report_;  // the read end of what the supervisor and the command report
};

}  // namespace s3proc
