#include "testutil/memory_message_queue.h"

namespace s3proc::testing {

void MemoryMessageQueue::SetVisibilityTimeout(int seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  visibility_timeout_ = seconds;
}

Result<int> MemoryMessageQueue::VisibilityTimeout() {
  std::lock_guard<std::mutex> lock(mu_);
  return visibility_timeout_;
}

void MemoryMessageQueue::Send(std::string body) {
  std::lock_guard<std::mutex> lock(mu_);
  messages_[next_id_++] = {std::move(body), 0, Clock::now()};
}

size_t MemoryMessageQueue::VisibleCount() const {
  std::lock_guard<std::mutex> lock(mu_);
  size_t n = 0;
  for (const auto& [id, m] : messages_) n += m.visible_at <= Clock::now() ? 1 : 0;
  return n;
}

size_t MemoryMessageQueue::MessageCount() const {
  std::lock_guard<std::mutex> lock(mu_);
  return messages_.size();
}

int MemoryMessageQueue::ExtendCalls() const {
  std::lock_guard<std::mutex> lock(mu_);
  return extend_calls_;
}

std::vector<std::optional<int>> MemoryMessageQueue::ReceivedWith() const {
  std::lock_guard<std::mutex> lock(mu_);
  return received_with_;
}

std::vector<int> MemoryMessageQueue::ExtendedWith() const {
  std::lock_guard<std::mutex> lock(mu_);
  return extended_with_;
}

std::vector<std::string> MemoryMessageQueue::Bodies() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> bodies;
  for (const auto& [id, m] : messages_) bodies.push_back(m.body);
  return bodies;
}

Result<std::vector<QueueMessage>> MemoryMessageQueue::Receive(
    int max_messages, int, std::optional<int> visibility_seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  received_with_.push_back(visibility_seconds);
  std::vector<QueueMessage> out;
  const auto now = Clock::now();
  for (auto& [id, m] : messages_) {
    if (static_cast<int>(out.size()) >= max_messages) break;
    if (m.visible_at > now) continue;
    ++m.receive_count;
    m.visible_at = now + std::chrono::seconds(visibility_seconds.value_or(visibility_timeout_));
    out.push_back({std::to_string(id), std::to_string(id) + "#" + std::to_string(m.receive_count),
                   m.body, m.receive_count});
  }
  return out;
}

std::map<uint64_t, MemoryMessageQueue::Stored>::iterator MemoryMessageQueue::Find(
    const std::string& receipt_handle) {
  return messages_.find(std::stoull(receipt_handle.substr(0, receipt_handle.find('#'))));
}

Status MemoryMessageQueue::CheckCurrent(const std::string& receipt_handle, const Stored& message) {
  size_t hash = receipt_handle.find('#');
  int receive = hash == std::string::npos ? 0 : std::stoi(receipt_handle.substr(hash + 1));
  if (receive == message.receive_count) return Status::Ok();
  // The words SqsMessageQueue uses for SQS's ReceiptHandleIsInvalid (sqs_error_table.cc).
  return Status::NotFound("ReceiptHandleIsInvalid: " + receipt_handle +
                          ": the receipt handle is no longer valid: the message was deleted or "
                          "received again");
}

Result<std::vector<QueueDeleteFailure>> MemoryMessageQueue::Delete(
    const std::vector<std::string>& receipt_handles) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<QueueDeleteFailure> failures;
  for (const auto& handle : receipt_handles) {
    auto it = Find(handle);
    if (it == messages_.end()) continue;
    if (Status current = CheckCurrent(handle, it->second); !current.ok()) {
      failures.push_back({handle, std::move(current)});
      continue;
    }
    messages_.erase(it);
  }
  return failures;
}

Status MemoryMessageQueue::ExtendVisibility(const std::string& receipt_handle,
                                            int visibility_seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  ++extend_calls_;
  extended_with_.push_back(visibility_seconds);
  auto it = Find(receipt_handle);
  if (it == messages_.end()) return Status::NotFound("no message for " + receipt_handle);
  S3PROC_RETURN_IF_ERROR(CheckCurrent(receipt_handle, it->second));
  it->second.visible_at = Clock::now() + std::chrono::seconds(visibility_seconds);
  return Status::Ok();
}

Result<QueueCounts> MemoryMessageQueue::Counts() {
  QueueCounts counts;
  counts.visible = VisibleCount();
  counts.in_flight = MessageCount() - counts.visible;
  return counts;
}

}  // namespace s3proc::testing
