#include "sqs/sqs_error_table.h"

#include <algorithm>
#include <iterator>

namespace s3proc {
namespace {

constexpr std::string_view kBusy = "SQS is busy or failing; a later run retries";
constexpr std::string_view kExpired = "the session credentials expired and could not be refreshed";
constexpr std::string_view kNoQueue =
    "no such queue: check --queue-url (and that its region matches the endpoint's)";

constexpr SqsErrorClass kRetryBusy{RetryDecision::kRetry, StatusCode::kTransient, kBusy};
constexpr SqsErrorClass kRefresh{RetryDecision::kRefreshCredentialsThenRetry,
                                 StatusCode::kAccessDenied, kExpired};
constexpr SqsErrorClass kDenied{RetryDecision::kFail, StatusCode::kAccessDenied, "", true};
constexpr SqsErrorClass kNoSuchQueue{RetryDecision::kFail, StatusCode::kInvalidArgument, kNoQueue};
constexpr SqsErrorClass kStaleHandle{
    RetryDecision::kFail, StatusCode::kNotFound,
    "the receipt handle is no longer valid: the message was deleted or received again"};
constexpr SqsErrorClass kInvalid{RetryDecision::kFail, StatusCode::kInvalidArgument};

// The SQS codes s3proc knows, in both spellings SQS uses (the JSON __type's short name and the
// query-compatible code of x-amzn-query-error). When in doubt, a code stays out of this table:
// the status then decides.
constexpr SqsErrorCodeRow kCodes[] = {
    // Throttling and transient server trouble.
    {"ThrottlingException", kRetryBusy},
    {"RequestThrottled", kRetryBusy},
    {"ServiceUnavailable", kRetryBusy},
    {"InternalFailure", kRetryBusy},
    {"InternalError", kRetryBusy},
    {"KmsThrottled", kRetryBusy},
    {"AWS.SimpleQueueService.KmsThrottled", kRetryBusy},
    // SQS answers 403 when a queue has 120,000 messages in flight; it clears as they are deleted
    // or become visible again, so this is no permission problem.
    {"OverLimit",
     {RetryDecision::kRetry, StatusCode::kTransient,
      "the queue has too many messages in flight (SQS allows 120,000); they clear as workers "
      "delete them"}},
    // Expired session credentials: a fresh set may work.
    {"ExpiredToken", kRefresh},
    {"ExpiredTokenException", kRefresh},
    // Wrong credentials or missing permissions: no retry helps.
    {"AccessDenied", kDenied},
    {"AccessDeniedException", kDenied},
    {"InvalidClientTokenId",
     {RetryDecision::kFail, StatusCode::kAccessDenied,
      "the access key id is unknown to this endpoint; check the credentials and "
      "AWS_ENDPOINT_URL_SQS"}},
    {"SignatureDoesNotMatch",
     {RetryDecision::kFail, StatusCode::kAccessDenied,
      "the secret access key does not match the access key id (or this machine's clock is off); "
      "check AWS_SECRET_ACCESS_KEY or the profile's aws_secret_access_key"}},
    {"KmsAccessDenied",
     {RetryDecision::kFail, StatusCode::kAccessDenied,
      "the queue is encrypted with a KMS key: the credentials need kms:Decrypt on it"}},
    {"AWS.SimpleQueueService.KmsAccessDenied",
     {RetryDecision::kFail, StatusCode::kAccessDenied,
      "the queue is encrypted with a KMS key: the credentials need kms:Decrypt on it"}},
    // The queue is not there.
    {"QueueDoesNotExist", kNoSuchQueue},
    {"AWS.SimpleQueueService.NonExistentQueue", kNoSuchQueue},
    // The message's lease is gone: it was deleted, or its visibility timeout ran out and it
    // went to another consumer.
    {"ReceiptHandleIsInvalid", kStaleHandle},
    {"MessageNotInflight", kStaleHandle},
    {"AWS.SimpleQueueService.MessageNotInflight", kStaleHandle},
};

const SqsErrorCodeRow* Find(std::string_view code) {
  if (code.empty()) return nullptr;
  auto row = std::find_if(std::begin(kCodes), std::end(kCodes),
                          [&](const SqsErrorCodeRow& r) { return r.code == code; });
  return row == std::end(kCodes) ? nullptr : row;
}

}  // namespace

SqsErrorClass ClassifySqsError(long http_status, std::string_view code) {
  if (const SqsErrorCodeRow* row = Find(code)) return row->what;
  if (http_status == 403) return kDenied;
  if (http_status == 408 || http_status == 429) return kRetryBusy;
  if (http_status >= 500 && http_status <= 599 && http_status != 501) return kRetryBusy;
  return kInvalid;
}

bool IsKnownSqsErrorCode(std::string_view code) { return Find(code) != nullptr; }

RetryDecision DecideSqsRetry(const RetryPolicy& policy, int attempt,
                             const AttemptOutcome& outcome) {
  if (attempt >= policy.max_attempts) return RetryDecision::kFail;
  if (!outcome.transport.ok()) {
    return outcome.transport.IsTransient() ? RetryDecision::kRetry : RetryDecision::kFail;
  }
  return ClassifySqsError(outcome.http_status, outcome.s3_error_code).action;
}

std::span<const SqsErrorCodeRow> KnownSqsErrorCodes() { return kCodes; }

}  // namespace s3proc
