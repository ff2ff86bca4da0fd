#include "cli/stop_signal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <thread>

namespace s3proc {

namespace {

std::atomic<bool> g_stop{false};

// The self-pipe that wakes WaitForTermination: the handler cannot notify a condition variable
// (not async-signal-safe), but it can write a byte, and poll() sees it at once. Never drained:
// once stopped, every later wait returns at once too.
int g_wake_read = -1;
int g_wake_write = -1;

extern "C" void OnTermination(int signal_number) {
  if (!g_stop.exchange(true)) {
    const int saved_errno = errno;  // the interrupted code may be about to read it
    // A full pipe (impossible: one byte, once) would only mean the waiter is already woken.
    if (g_wake_write >= 0) (void)!::write(g_wake_write, "x", 1);
    errno = saved_errno;
    return;
  }
  // The second signal: the default action (async-signal-safe: signal and raise are).
  ::signal(signal_number, SIG_DFL);
  ::raise(signal_number);
}

}  // namespace

const std::atomic<bool>* StopOnTermination() {
  if (g_wake_read < 0) {
    int fds[2];
    // Close-on-exec: the exec processor's children must not inherit it.
    if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0) {
      g_wake_read = fds[0];
      g_wake_write = fds[1];
    }
  }
  struct sigaction action = {};
  action.sa_handler = OnTermination;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGTERM, &action, nullptr);
  ::sigaction(SIGINT, &action, nullptr);
  return &g_stop;
}

bool WaitForTermination(std::chrono::milliseconds timeout) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + timeout;
  while (!g_stop.load()) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) break;
    if (g_wake_read < 0) {  // no pipe (StopOnTermination not called, or pipe2 failed)
      std::this_thread::sleep_for(left);
      break;
    }
    pollfd wake = {g_wake_read, POLLIN, 0};
    // Readable, interrupted (EINTR) or timed out: the loop looks at the flag and the clock again.
    ::poll(&wake, 1, static_cast<int>(std::min<int64_t>(left.count(), INT_MAX)));
  }
  return g_stop.load();
}

}  // namespace s3proc
