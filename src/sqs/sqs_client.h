#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "aws/aws_request_loop.h"
#include "aws/credentials.h"
#include "aws/retry_policy.h"
#include "common/result.h"
#include "http/http_client.h"
#include "sqs/sqs_queue_url.h"

namespace s3proc {

struct SqsClientOptions {
  std::string endpoint;  // "https://sqs.us-east-1.amazonaws.com", "http://127.0.0.1:5000"
  std::string region = "us-east-1";
  RetryPolicy retry;  // attempts and backoff for every request
  // The clock that dates signatures (tests pin it).
  std::function<std::chrono::system_clock::time_point()> now = std::chrono::system_clock::now;
  // Sleeps between retries (tests make it instant).
  std::function<void(std::chrono::milliseconds)> sleep;
};

struct SqsMessage {
  std::string message_id;
  std::string receipt_handle;
  std::string body;
  int receive_count = 1;  // the ApproximateReceiveCount attribute (1 when SQS omits it)
};

// One entry of a batch that SQS did not carry out, while the rest of the batch succeeded.
struct SqsBatchEntryFailure {
  size_t index = 0;  // into the request's entries
  std::string receipt_handle;
  Status status;  // kNotFound for a stale receipt handle, else as ClassifySqsError says
};

// A small SQS client speaking the JSON protocol (POST / with X-Amz-Target: AmazonSQS.<Action>,
// application/x-amz-json-1.0), SigV4-signed for service "sqs" over an HttpClient, sent and retried
// by the AwsRequestLoop every AWS request goes through (as DecideSqsRetry says), with errors mapped
// to the Status taxonomy (sqs/sqs_error_table.h): kAccessDenied (403: the message names the IAM
// action and the queue ARN), kTransient (throttling, 5xx, transport errors and unreadable answers,
// after the retries ran out), kInvalidArgument (no such queue, bad parameters), kNotFound (a stale
// receipt handle). Every message says the operation, the queue URL, the HTTP status, the SQS error
// code and the request id. No secret, token or signature ever appears in a message. Thread-safe:
// one client serves all workers.
class SqsClient {
 public:
  // `http` and `credentials` must outlive the client.
  SqsClient(HttpClient& http, CredentialsProvider& credentials, SqsClientOptions options);
  ~SqsClient();

  // Up to `max_messages` (1..10) messages with their ApproximateReceiveCount, long-polling up
  // to `wait_seconds` (0..20); each stays invisible for `visibility_seconds`, or (nullopt: no
  // VisibilityTimeout is sent) for the queue's own visibility timeout. Empty when none arrived
  // in time. The HTTP timeout is set above the wait, so a long poll is never cut short.
  Result<std::vector<SqsMessage>> ReceiveMessage(const SqsQueueUrl& queue, int max_messages,
                                                 int wait_seconds,
                                                 std::optional<int> visibility_seconds);

  // Deletes up to 10 messages in one request (REQUIRES: 1..10 handles). Entries SQS refused on
  // their own come back as failures; an error fails the whole batch.
  Result<std::vector<SqsBatchEntryFailure>> DeleteMessageBatch(
      const SqsQueueUrl& queue, const std::vector<std::string>& receipt_handles);

  // Sets a received message's visibility timeout to `visibility_seconds` from now (0..43200).
  Status ChangeMessageVisibility(const SqsQueueUrl& queue, const std::string& receipt_handle,
                                 int visibility_seconds);

  // The named attributes ("ApproximateNumberOfMessages", "RedrivePolicy", ...); attributes the
  // queue does not have (no RedrivePolicy) are absent from the map.
  Result<std::map<std::string, std::string>> GetQueueAttributes(
      const SqsQueueUrl& queue, const std::vector<std::string>& attribute_names);

  // The URL of queue `name` owned by `owner_account` ("" = the caller's account).
  Result<std::string> GetQueueUrl(const std::string& name, const std::string& owner_account);

  AwsClientStats stats() const { return loop_.stats(); }
  const SqsClientOptions& options() const { return options_; }

  struct Request;  // internal to src/sqs (sqs_request.h)

 private:
  // Sends one request through the loop; hands the JSON of a 2xx answer to the request's
  // `on_success`, or maps the failure to a Status.
  Status Execute(const Request& request);

  const SqsClientOptions options_;
  AwsRequestLoop loop_;
};

}  // namespace s3proc
