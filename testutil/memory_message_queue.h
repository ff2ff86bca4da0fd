#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "store/message_queue.h"

namespace s3proc::testing {

// An in-memory MessageQueue with SQS's visibility semantics: a received message is hidden for
// its visibility timeout, then handed out again with receive_count + 1 (under a new receipt
// handle; the old one stays valid for Delete, as on SQS), unless deleted. Receive never waits:
// it returns what is visible now. Thread-safe.
class MemoryMessageQueue final : public MessageQueue {
 public:
  using Clock = std::chrono::steady_clock;

  // --- Test helpers. ---
  void Send(std::string body);
  size_t VisibleCount() const;
  size_t MessageCount() const;  // visible or in flight
  int ExtendCalls() const;
  // The body of every message still in the queue.
  std::vector<std::string> Bodies() const;

  // --- MessageQueue. ---
  Result<std::vector<QueueMessage>> Receive(int max_messages, int wait_seconds,
                                            int visibility_seconds) override;
  Result<std::vector<QueueDeleteFailure>> Delete(
      const std::vector<std::string>& receipt_handles) override;
  Status ExtendVisibility(const std::string& receipt_handle, int visibility_seconds) override;
  Result<QueueCounts> Counts() override;
  std::string Describe() const override { return "mem://queue"; }

 private:
  struct Stored {
    std::string body;
    int receive_count = 0;
    Clock::time_point visible_at;
  };
  // The message a receipt handle ("<id>#<receive>") points to, or end().
  std::map<uint64_t, Stored>::iterator Find(const std::string& receipt_handle);

  mutable std::mutex mu_;
  uint64_t next_id_ = 1;
  std::map<uint64_t, Stored> messages_;
  int extend_calls_ = 0;
};

}  // namespace s3proc::testing
