#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace s3proc {

// The queue messages one queue-mode run holds: how many of each message's records are still
// being worked on, whether one failed, and when its visibility runs out. A message is deleted
// only when every record is resolved as done; one failed record leaves the whole message for
// redelivery. Thread-safe: the poller adds, workers resolve, the heartbeat takes.
class InFlightMessages {
 public:
  using Clock = std::chrono::steady_clock;

  // REQUIRES: visibility_seconds > 0.
  explicit InFlightMessages(int visibility_seconds) : visibility_(visibility_seconds) {}

  // Tracks a message received at `received_at` with `records` records to resolve. A message
  // with none (the test event, or nothing s3proc processes) is finished at once.
  void Add(const std::string& receipt_handle, int receive_count, int records,
           Clock::time_point received_at);

  // One record of the message is resolved: `done` when its output or error copy is stored and
  // its input deleted or replaced by a newer upload (whose own event brings that one), or it
  // needed nothing; false when the message must come back.
  void Resolve(const std::string& receipt_handle, bool done);

  // Removes and returns the messages whose records are all done: to be deleted from the queue.
  std::vector<std::string> TakeFinished();

  // A message with a failed record, removed from tracking: to be made visible again later.
  struct Abandoned {
    std::string receipt_handle;
    int receive_count = 0;
  };
  std::vector<Abandoned> TakeAbandoned();

  // The receipt handles of held messages whose visibility ends within half the timeout; their
  // deadline is moved to now + the timeout, which the caller must then ask the queue for.
  std::vector<std::string> DueForExtension(Clock::time_point now);

  // Records still being worked on, over all held messages.
  size_t pending_records() const;
  // Messages held (in work, finished or abandoned but not yet taken).
  size_t size() const;

  // Blocks until fewer than `limit` records are pending or `timeout` passes.
  void WaitForRoom(size_t limit, std::chrono::milliseconds timeout);

 private:
  struct Held {
    int receive_count = 0;
    int pending = 0;
    bool failed = false;
    Clock::time_point hidden_until;
  };

  const std::chrono::seconds visibility_;
  mutable std::mutex mu_;
  std::condition_variable resolved_;
  std::map<std::string, Held> held_;
  size_t pending_records_ = 0;
};

}  // namespace s3proc
