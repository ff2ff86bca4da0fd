#include "cli/stop_signal.h"

#include <signal.h>

namespace s3proc {

namespace {

std::atomic<bool> g_stop{false};

extern "C" void OnTermination(int signal_number) {
  if (g_stop.exchange(true)) {
    // The second signal: the default action (async-signal-safe: signal and raise are).
    ::signal(signal_number, SIG_DFL);
    ::raise(signal_number);
  }
}

}  // namespace

const std::atomic<bool>* StopOnTermination() {
  struct sigaction action = {};
  action.sa_handler = OnTermination;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGTERM, &action, nullptr);
  ::sigaction(SIGINT, &action, nullptr);
  return &g_stop;
}

}  // namespace s3proc
