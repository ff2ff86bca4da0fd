#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "store/message_queue.h"

namespace s3proc::testing {

// An in-memory MessageQueue with SQS's visibility semantics: a received message is hidden for
// its visibility timeout, then handed out again with receive_count + 1 under a new receipt
// handle, unless deleted. Receive never waits: it returns what is visible now. Thread-safe.
//
// A receipt handle from an earlier receive of a message that was received again is stale: as
// SqsMessageQueue reports SQS's ReceiptHandleIsInvalid, ExtendVisibility returns NotFound and
// Delete lists it among the failures (NotFound) and keeps the message. (Real SQS may instead
// accept a stale DeleteMessage and not delete; either way the message is not deleted.) A
// handle of a message that is gone counts as deleted, as the MessageQueue contract says.
class MemoryMessageQueue final : public MessageQueue {
 public:
  using Clock = std::chrono::steady_clock;

  // --- Test helpers. ---
  // The queue's own visibility timeout (SQS's default, 30 s, unless set).
  void SetVisibilityTimeout(int seconds);
  void Send(std::string body);
  size_t VisibleCount() const;
  size_t MessageCount() const;  // visible or in flight
  int ExtendCalls() const;
  // The visibility_seconds of every Receive and ExtendVisibility call so far, in order.
  std::vector<std::optional<int>> ReceivedWith() const;
  std::vector<int> ExtendedWith() const;
  // The body of every message still in the queue.
  std::vector<std::string> Bodies() const;

  // --- MessageQueue. ---
  Result<std::vector<QueueMessage>> Receive(int max_messages, int wait_seconds,
                                            std::optional<int> visibility_seconds) override;
  Result<std::vector<QueueDeleteFailure>> Delete(
      const std::vector<std::string>& receipt_handles) override;
  Status ExtendVisibility(const std::string& receipt_handle, int visibility_seconds) override;
  Result<int> VisibilityTimeout() override;
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
  // NotFound when `receipt_handle` is from an earlier receive of `message`.
  static Status CheckCurrent(const std::string& receipt_handle, const Stored& message);

  mutable std::mutex mu_;
  uint64_t next_id_ = 1;
  std::map<uint64_t, Stored> messages_;
  int extend_calls_ = 0;
  std::vector<std::optional<int>> received_with_;
  std::vector<int> extended_with_;
  int visibility_timeout_ = 30;
};

}  // namespace s3proc::testing
