#pragma once

#include <span>
#include <string_view>

#include "aws/retry_policy.h"
#include "common/status.h"

namespace s3proc {

// How s3proc treats one SQS error answer: read by DecideSqsRetry (the action) and by
// MapSqsError (the code and the advice), so the two cannot disagree. Invariant, checked by the
// tests: an answer that is retried maps to kTransient once the retries are used up, and a
// kTransient one is retried (except after a credential refresh, which maps to kAccessDenied).
struct SqsErrorClass {
  RetryDecision action = RetryDecision::kFail;
  StatusCode status_code = StatusCode::kInvalidArgument;
  // What the message adds after the SQS code and status; "" for nothing.
  std::string_view advice;
  // True when the advice is "the credentials need <IAM action> on <queue ARN>", which only the
  // caller can spell.
  bool names_iam_action = false;
};

// Classifies an SQS error answer. `code` is the error code as SQS names it on either of its
// wires: the query-compatible code of the x-amzn-query-error header
// ("AWS.SimpleQueueService.NonExistentQueue") or the short name of the JSON body's __type
// ("QueueDoesNotExist"); "" when the answer had neither. A code s3proc knows decides whatever the
// status; otherwise the status does: 403 access denied (naming the action), 408/429/5xx except
// 501 retried, anything else kInvalidArgument. Pure.
SqsErrorClass ClassifySqsError(long http_status, std::string_view code);

// True when ClassifySqsError knows `code` (so a caller holding two codes can pick the one that
// is known).
bool IsKnownSqsErrorCode(std::string_view code);

// The one function that decides whether a failed SQS request is tried again. Pure.
// `attempt` is the number of the attempt that just failed, starting at 1; the outcome's
// s3_error_code field carries the SQS code (see ClassifySqsError).
// - attempt >= policy.max_attempts: kFail.
// - transport error: kRetry when Transient (connect, reset, timeout), kFail otherwise.
// - otherwise ClassifySqsError(...).action.
RetryDecision DecideSqsRetry(const RetryPolicy& policy, int attempt,
                             const AttemptOutcome& outcome);

// One row of the table of known SQS codes.
struct SqsErrorCodeRow {
  std::string_view code;
  SqsErrorClass what;
};

// Every SQS code ClassifySqsError knows, for tests and documentation.
std::span<const SqsErrorCodeRow> KnownSqsErrorCodes();

}  // namespace s3proc
