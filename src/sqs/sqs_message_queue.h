#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "sqs/sqs_client.h"
#include "sqs/sqs_queue_url.h"
#include "store/message_queue.h"

namespace s3proc {

// The MessageQueue of queue mode on one SQS queue (store/message_queue.h has the contract).
// Receive asks for ApproximateReceiveCount; Delete sends batches of up to 10 (a stale receipt
// handle is a kNotFound failure of its own); Counts reads the queue's approximate counts and,
// when the queue has a RedrivePolicy, the dead-letter queue's visible count (its URL is looked
// up once by GetQueueUrl and kept). Thread-safe.
class SqsMessageQueue : public MessageQueue {
 public:
  // `client` must outlive the queue.
  SqsMessageQueue(SqsClient& client, SqsQueueUrl queue);

  Result<std::vector<QueueMessage>> Receive(int max_messages, int wait_seconds,
                                            std::optional<int> visibility_seconds) override;
  Result<std::vector<QueueDeleteFailure>> Delete(
      const std::vector<std::string>& receipt_handles) override;
  Status ExtendVisibility(const std::string& receipt_handle, int visibility_seconds) override;
  // The queue's VisibilityTimeout attribute (GetQueueAttributes).
  Result<int> VisibilityTimeout() override;
  Result<QueueCounts> Counts() override;
  std::string Describe() const override { return queue_.url; }

 private:
  // The dead-letter queue named by a RedrivePolicy's deadLetterTargetArn, looked up once.
  Result<SqsQueueUrl> DeadLetterQueue(const std::string& redrive_policy);

  SqsClient& client_;
  const SqsQueueUrl queue_;
  std::mutex mu_;
  std::string dead_letter_arn_;  // the ARN dead_letter_ was looked up for
  std::optional<SqsQueueUrl> dead_letter_;
};

}  // namespace s3proc
