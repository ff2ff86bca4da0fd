#pragma once

#include <atomic>

namespace s3proc {

// Makes SIGTERM and SIGINT set the returned flag instead of killing the process, so that
// `s3proc run` stops listing (or receiving), finishes the objects in hand, deletes their inputs
// (and messages), releases its leases, prints its summary and exits by the usual rule (systemd's
// stop, Ctrl-C). A second signal kills at once, as the default would.
// Call once, from the main thread.
const std::atomic<bool>* StopOnTermination();

}  // namespace s3proc
