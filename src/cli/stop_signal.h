#pragma once

#include <atomic>
#include <chrono>

namespace s3proc {

// Makes SIGTERM and SIGINT set the returned flag instead of killing the process, so that
// `s3proc run` stops listing (or receiving), finishes the objects in hand, deletes their inputs
// (and messages), releases its leases, prints its summary and exits by the usual rule (systemd's
// stop, Ctrl-C). A second signal kills at once, as the default would.
// Call once, from the main thread.
const std::atomic<bool>* StopOnTermination();

// Waits until `timeout` has passed or the flag of StopOnTermination() is set, whichever comes
// first: a signal that arrives during the wait (or before it) ends it at once. Returns whether
// the flag is set. Thread-safe. Without StopOnTermination() it only waits.
bool WaitForTermination(std::chrono::milliseconds timeout);

}  // namespace s3proc
