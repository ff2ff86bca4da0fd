#pragma once

#include <atomic>

namespace s3proc {

// Makes SIGTERM and SIGINT set the returned flag instead of killing the process, so a
// `run --follow` service stops receiving, finishes the objects in hand, deletes their messages
// and exits 0 (systemd's stop). A second signal kills at once, as the default would.
// Call once, from the main thread.
const std::atomic<bool>* StopOnTermination();

}  // namespace s3proc
