#include "sqs/sqs_message_queue.h"

#include <nlohmann/json.hpp>

namespace s3proc {
namespace {

constexpr size_t kMaxBatch = 10;  // SQS's limit for DeleteMessageBatch

Result<uint64_t> Count(const std::map<std::string, std::string>& attributes,
                       const std::string& name, const std::string& queue) {
  auto it = attributes.find(name);
  if (it == attributes.end()) return uint64_t{0};
  try {
    size_t used = 0;
    uint64_t n = std::stoull(it->second, &used);
    if (used == it->second.size()) return n;
  } catch (const std::exception&) {
  }
  return Status::Internal("GetQueueAttributes " + queue + ": " + name + " is \"" + it->second +
                          "\", not a count");
}

}  // namespace

SqsMessageQueue::SqsMessageQueue(SqsClient& client, SqsQueueUrl queue)
    : client_(client), queue_(std::move(queue)) {}

Result<std::vector<QueueMessage>> SqsMessageQueue::Receive(int max_messages, int wait_seconds,
                                                           std::optional<int> visibility_seconds) {
  S3PROC_ASSIGN_OR_RETURN(
      std::vector<SqsMessage> received,
      client_.ReceiveMessage(queue_, max_messages, wait_seconds, visibility_seconds));
  std::vector<QueueMessage> out;
  out.reserve(received.size());
  for (SqsMessage& m : received) {
    out.push_back(
        {std::move(m.message_id), std::move(m.receipt_handle), std::move(m.body), m.receive_count});
  }
  return out;
}

Result<std::vector<QueueDeleteFailure>> SqsMessageQueue::Delete(
    const std::vector<std::string>& receipt_handles) {
  std::vector<QueueDeleteFailure> failures;
  for (size_t start = 0; start < receipt_handles.size(); start += kMaxBatch) {
    size_t end = std::min(receipt_handles.size(), start + kMaxBatch);
    std::vector<std::string> batch(receipt_handles.begin() + start, receipt_handles.begin() + end);
    S3PROC_ASSIGN_OR_RETURN(std::vector<SqsBatchEntryFailure> refused,
                            client_.DeleteMessageBatch(queue_, batch));
    for (SqsBatchEntryFailure& f : refused) {
      failures.push_back({std::move(f.receipt_handle), std::move(f.status)});
    }
  }
  return failures;
}

Status SqsMessageQueue::ExtendVisibility(const std::string& receipt_handle,
                                         int visibility_seconds) {
  return client_.ChangeMessageVisibility(queue_, receipt_handle, visibility_seconds);
}

Result<int> SqsMessageQueue::VisibilityTimeout() {
  S3PROC_ASSIGN_OR_RETURN(auto attributes,
                          client_.GetQueueAttributes(queue_, {"VisibilityTimeout"}));
  auto it = attributes.find("VisibilityTimeout");
  if (it == attributes.end()) {
    return Status::Internal("GetQueueAttributes " + queue_.url + ": no VisibilityTimeout");
  }
  S3PROC_ASSIGN_OR_RETURN(uint64_t seconds, Count(attributes, "VisibilityTimeout", queue_.url));
  if (seconds > 43200) {  // SQS's maximum, 12 hours
    return Status::Internal("GetQueueAttributes " + queue_.url + ": VisibilityTimeout " +
                            it->second + " is over SQS's 43200 s");
  }
  return static_cast<int>(seconds);
}

Result<SqsQueueUrl> SqsMessageQueue::DeadLetterQueue(const std::string& redrive_policy) {
  nlohmann::json policy = nlohmann::json::parse(redrive_policy, nullptr, false);
  std::string arn = policy.is_object() ? policy.value("deadLetterTargetArn", "") : "";
  S3PROC_ASSIGN_OR_RETURN(SqsArnParts parts, ParseSqsQueueArn(arn));
  std::lock_guard<std::mutex> lock(mu_);
  if (dead_letter_ && dead_letter_arn_ == arn) return *dead_letter_;
  S3PROC_ASSIGN_OR_RETURN(std::string url, client_.GetQueueUrl(parts.name, parts.account));
  S3PROC_ASSIGN_OR_RETURN(SqsQueueUrl parsed, ParseSqsQueueUrl(url));
  dead_letter_arn_ = arn;
  dead_letter_ = parsed;
  return parsed;
}

Result<QueueCounts> SqsMessageQueue::Counts() {
  S3PROC_ASSIGN_OR_RETURN(
      auto attributes,
      client_.GetQueueAttributes(
          queue_, {"ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
                   "ApproximateNumberOfMessagesDelayed", "RedrivePolicy"}));
  QueueCounts counts;
  S3PROC_ASSIGN_OR_RETURN(counts.visible,
                          Count(attributes, "ApproximateNumberOfMessages", queue_.url));
  S3PROC_ASSIGN_OR_RETURN(counts.in_flight,
                          Count(attributes, "ApproximateNumberOfMessagesNotVisible", queue_.url));
  S3PROC_ASSIGN_OR_RETURN(counts.delayed,
                          Count(attributes, "ApproximateNumberOfMessagesDelayed", queue_.url));
  auto redrive = attributes.find("RedrivePolicy");
  if (redrive == attributes.end() || redrive->second.empty()) return counts;

  counts.has_dead_letter_queue = true;
  auto dead_letter = DeadLetterQueue(redrive->second);
  if (!dead_letter.ok()) {
    return dead_letter.status().WithContext("the dead-letter queue of " + queue_.url);
  }
  S3PROC_ASSIGN_OR_RETURN(auto dlq_attributes, client_.GetQueueAttributes(
                                                   *dead_letter, {"ApproximateNumberOfMessages"}));
  S3PROC_ASSIGN_OR_RETURN(counts.dead_letter_visible,
                          Count(dlq_attributes, "ApproximateNumberOfMessages", dead_letter->url));
  return counts;
}

}  // namespace s3proc
