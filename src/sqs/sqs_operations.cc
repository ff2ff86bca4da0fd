// The five SQS operations s3proc uses: their JSON inputs (the members botocore sends, so the
// unit tests can hold them against botocore's serializer) and the parsing of their answers.

#include "sqs/sqs_client.h"
#include "sqs/sqs_error_table.h"
#include "sqs/sqs_request.h"

namespace s3proc {
namespace {

using nlohmann::json;

// How long past the long poll a ReceiveMessage may take before the connection counts as dead.
constexpr long kReceiveGraceMs = 15000;

SqsOperationInfo QueueOp(std::string_view operation, std::string_view action,
                         const SqsQueueUrl& queue, const SqsClientOptions& options) {
  const std::string& region = queue.host_region.empty() ? options.region : queue.host_region;
  return {operation, action, queue.url, SqsQueueArn(queue, region)};
}

Status Unexpected(std::string_view what) {
  return Status::Transient("the answer is not what SQS sends: " + std::string(what));
}

std::string StringOr(const json& j, const char* name, std::string fallback = "") {
  auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get<std::string>() : fallback;
}

Result<SqsMessage> ParseMessage(const json& m) {
  if (!m.is_object()) return Unexpected("a message that is not an object");
  SqsMessage out;
  out.message_id = StringOr(m, "MessageId");
  out.receipt_handle = StringOr(m, "ReceiptHandle");
  out.body = StringOr(m, "Body");
  if (out.receipt_handle.empty()) return Unexpected("a message without a ReceiptHandle");
  auto attributes = m.find("Attributes");
  if (attributes != m.end() && attributes->is_object()) {
    std::string count = StringOr(*attributes, "ApproximateReceiveCount", "1");
    try {
      out.receive_count = std::max(1, std::stoi(count));
    } catch (const std::exception&) {
      return Unexpected("ApproximateReceiveCount \"" + count + "\" is not a number");
    }
  }
  return out;
}

Status ParseMessages(const json& answer, std::vector<SqsMessage>& out) {
  out.clear();
  auto messages = answer.find("Messages");
  if (messages == answer.end() || messages->is_null()) return Status::Ok();
  if (!messages->is_array()) return Unexpected("Messages is not a list");
  for (const json& m : *messages) {
    S3PROC_ASSIGN_OR_RETURN(SqsMessage message, ParseMessage(m));
    out.push_back(std::move(message));
  }
  return Status::Ok();
}

// One entry SQS refused: its own code, classified like a whole answer (a sender fault like a
// 400, a service fault like a 500).
SqsBatchEntryFailure EntryFailure(const SqsOperationInfo& op, const json& failed, size_t index,
                                  const std::string& receipt_handle) {
  std::string code = StringOr(failed, "Code", "Unknown");
  bool sender_fault = failed.value("SenderFault", true);
  SqsErrorClass what = ClassifySqsError(sender_fault ? 400 : 500, code);
  std::string message =
      std::string(op.operation) + " " + op.queue + ": entry " + std::to_string(index) + ": " + code;
  std::string detail = StringOr(failed, "Message");
  if (!detail.empty()) message += ": " + detail;
  if (!what.advice.empty()) message += ": " + std::string(what.advice);
  return {index, receipt_handle, Status(what.status_code, std::move(message))};
}

Status ParseBatchFailures(const SqsOperationInfo& op, const json& answer,
                          const std::vector<std::string>& handles,
                          std::vector<SqsBatchEntryFailure>& out) {
  out.clear();
  auto failed = answer.find("Failed");
  if (failed == answer.end() || failed->is_null()) return Status::Ok();
  if (!failed->is_array()) return Unexpected("Failed is not a list");
  for (const json& f : *failed) {
    std::string id = f.is_object() ? StringOr(f, "Id") : "";
    size_t index = 0;
    try {
      index = std::stoul(id);
    } catch (const std::exception&) {
      return Unexpected("a failed entry with Id \"" + id + "\", which s3proc did not send");
    }
    if (index >= handles.size() || std::to_string(index) != id) {
      return Unexpected("a failed entry with Id \"" + id + "\", which s3proc did not send");
    }
    out.push_back(EntryFailure(op, f, index, handles[index]));
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<SqsMessage>> SqsClient::ReceiveMessage(const SqsQueueUrl& queue,
                                                          int max_messages, int wait_seconds,
                                                          std::optional<int> visibility_seconds) {
  Request r;
  r.op = QueueOp("ReceiveMessage", "sqs:ReceiveMessage", queue, options_);
  r.body = {{"QueueUrl", queue.url},
            {"MaxNumberOfMessages", max_messages},
            {"WaitTimeSeconds", wait_seconds},
            {"MessageSystemAttributeNames", {"ApproximateReceiveCount"}}};
  if (visibility_seconds) r.body["VisibilityTimeout"] = *visibility_seconds;
  // The long poll holds the request open for up to wait_seconds: the timeout must not cut it.
  r.timeout_ms = wait_seconds * 1000L + kReceiveGraceMs;
  std::vector<SqsMessage> messages;
  r.on_success = [&](const json& answer) { return ParseMessages(answer, messages); };
  S3PROC_RETURN_IF_ERROR(Execute(r));
  return messages;
}

Result<std::vector<SqsBatchEntryFailure>> SqsClient::DeleteMessageBatch(
    const SqsQueueUrl& queue, const std::vector<std::string>& receipt_handles) {
  Request r;
  r.op = QueueOp("DeleteMessageBatch", "sqs:DeleteMessage", queue, options_);
  if (receipt_handles.empty() || receipt_handles.size() > 10) {
    return Status::InvalidArgument(std::string(r.op.operation) + " " + queue.url + ": " +
                                   std::to_string(receipt_handles.size()) +
                                   " entries; a batch holds 1 to 10");
  }
  json entries = json::array();
  for (size_t i = 0; i < receipt_handles.size(); ++i) {
    entries.push_back({{"Id", std::to_string(i)}, {"ReceiptHandle", receipt_handles[i]}});
  }
  r.body = {{"QueueUrl", queue.url}, {"Entries", std::move(entries)}};
  std::vector<SqsBatchEntryFailure> failures;
  r.on_success = [&](const json& answer) {
    return ParseBatchFailures(r.op, answer, receipt_handles, failures);
  };
  S3PROC_RETURN_IF_ERROR(Execute(r));
  return failures;
}

Status SqsClient::ChangeMessageVisibility(const SqsQueueUrl& queue,
                                          const std::string& receipt_handle,
                                          int visibility_seconds) {
  Request r;
  r.op = QueueOp("ChangeMessageVisibility", "sqs:ChangeMessageVisibility", queue, options_);
  r.body = {{"QueueUrl", queue.url},
            {"ReceiptHandle", receipt_handle},
            {"VisibilityTimeout", visibility_seconds}};
  return Execute(r);
}

Result<std::map<std::string, std::string>> SqsClient::GetQueueAttributes(
    const SqsQueueUrl& queue, const std::vector<std::string>& attribute_names) {
  Request r;
  r.op = QueueOp("GetQueueAttributes", "sqs:GetQueueAttributes", queue, options_);
  r.body = {{"QueueUrl", queue.url}, {"AttributeNames", attribute_names}};
  std::map<std::string, std::string> attributes;
  r.on_success = [&](const json& answer) {
    auto found = answer.find("Attributes");
    if (found == answer.end() || found->is_null()) return Status::Ok();
    if (!found->is_object()) return Unexpected("Attributes is not a map");
    for (const auto& [name, value] : found->items()) {
      if (!value.is_string()) return Unexpected("attribute " + name + " is not a string");
      attributes[name] = value.get<std::string>();
    }
    return Status::Ok();
  };
  S3PROC_RETURN_IF_ERROR(Execute(r));
  return attributes;
}

Result<std::string> SqsClient::GetQueueUrl(const std::string& name,
                                           const std::string& owner_account) {
  Request r;
  SqsQueueUrl named;
  named.account = owner_account.empty() ? "ACCOUNT" : owner_account;
  named.name = name;
  r.op = {"GetQueueUrl", "sqs:GetQueueUrl", name, SqsQueueArn(named, options_.region)};
  r.body = {{"QueueName", name}};
  if (!owner_account.empty()) r.body["QueueOwnerAWSAccountId"] = owner_account;
  std::string url;
  r.on_success = [&](const json& answer) {
    url = StringOr(answer, "QueueUrl");
    return url.empty() ? Unexpected("no QueueUrl") : Status::Ok();
  };
  S3PROC_RETURN_IF_ERROR(Execute(r));
  return url;
}

}  // namespace s3proc
