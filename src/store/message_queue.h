#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace s3proc {

// One message handed out by a MessageQueue. While it is in flight (invisible to other
// consumers), only the holder of `receipt_handle` may delete it or extend its visibility.
struct QueueMessage {
  std::string message_id;
  std::string receipt_handle;
  std::string body;
  int receive_count = 1;  // deliveries so far, this one included (SQS ApproximateReceiveCount)
};

struct QueueDeleteFailure {
  std::string receipt_handle;
  Status status;  // why the message is still there (never OK)
};

// What `s3proc status` shows of a queue.
struct QueueCounts {
  uint64_t visible = 0;    // waiting for a consumer
  uint64_t in_flight = 0;  // received, neither deleted nor visible again yet
  uint64_t delayed = 0;
  bool has_dead_letter_queue = false;
  uint64_t dead_letter_visible = 0;  // messages moved to the dead-letter queue
};

// The work queue of queue mode as the pipeline sees it: at-least-once delivery with a
// visibility timeout as the lease. Implementations: SqsMessageQueue (sqs/, the real thing) and
// MemoryMessageQueue (testutil/, with failure injection).
//
// Errors use the ObjectStore taxonomy: kAccessDenied (the message names the missing IAM
// action), kTransient (after the implementation's own retries), kInvalidArgument (no such queue,
// a bad parameter), kNotFound (a receipt handle that is no longer valid). Thread-safe.
class MessageQueue {
 public:
  virtual ~MessageQueue() = default;

  // Up to `max_messages` (1..10) messages, waiting up to `wait_seconds` (0..20) for the first;
  // each stays invisible to other consumers for `visibility_seconds`, or for the queue's own
  // visibility timeout when it is nullopt. An empty vector when none arrived in time.
  virtual Result<std::vector<QueueMessage>> Receive(int max_messages, int wait_seconds,
                                                    std::optional<int> visibility_seconds) = 0;

  // Deletes messages by receipt handle (batched as the implementation can). A message already
  // deleted counts as deleted. An error fails the whole call; a message that could not be
  // deleted on its own is listed in the failures.
  virtual Result<std::vector<QueueDeleteFailure>> Delete(
      const std::vector<std::string>& receipt_handles) = 0;

  // Keeps a received message invisible for `visibility_seconds` from now.
  virtual Status ExtendVisibility(const std::string& receipt_handle, int visibility_seconds) = 0;

  // The queue's own visibility timeout in seconds: how long a message received without one
  // stays invisible.
  virtual Result<int> VisibilityTimeout() = 0;

  // Approximate counts (SQS's are eventually consistent), and the dead-letter queue's.
  virtual Result<QueueCounts> Counts() = 0;

  // The queue URL (or "mem://queue"), for messages.
  virtual std::string Describe() const = 0;
};

}  // namespace s3proc
