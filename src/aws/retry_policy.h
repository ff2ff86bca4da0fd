#pragma once

#include <chrono>
#include <functional>
#include <string_view>

#include "common/status.h"

namespace s3proc {

// How many times a request is tried and how long to wait between tries.
struct RetryPolicy {
  int max_attempts = 5;                        // including the first
  std::chrono::milliseconds base_delay{100};   // ceiling of the first retry's delay
  std::chrono::milliseconds max_delay{20000};  // ceiling of any delay
};

enum class RetryDecision {
  kRetry,                        // try again after BackoffDelay()
  kRefreshCredentialsThenRetry,  // Invalidate() the credentials provider, then try again
  kFail,                         // retrying cannot help (or attempts are used up)
};

// What came back from one attempt.
struct AttemptOutcome {
  Status transport;                // HttpClient::Send's error; OK when a response arrived
  long http_status = 0;            // when transport is OK
  std::string_view s3_error_code;  // the <Code> of the S3 error body; "" when none (HEAD)
};

// The one function that decides whether a failed S3 request is tried again. Pure.
// `attempt` is the number of the attempt that just failed, starting at 1.
// - attempt >= policy.max_attempts: kFail.
// - transport error: kRetry when Transient (connect, reset, timeout), kFail otherwise (e.g. the
//   body sink's own error).
// - otherwise as ClassifyS3Error (aws/s3_error_table.h) says: expired session credentials
//   (ExpiredToken, ...) whatever the status: kRefreshCredentialsThenRetry; throttling, transient
//   server trouble, bodies damaged in transit and conditional requests that raced another
//   (SlowDown, ThrottlingException, InternalError, BadDigest, ConditionalRequestConflict,
//   OperationAborted, ...), or a status of 408, 429 or 5xx except 501: kRetry; anything else
//   (RequestTimeTooSkewed, 400, 403, 404, other 409s, 412, 3xx, ...): kFail.
RetryDecision DecideRetry(const RetryPolicy& policy, int attempt, const AttemptOutcome& outcome);

// Returns a uniformly distributed number in [0, 1).
using RandomUnit = std::function<double()>;

// A thread-safe RandomUnit (a per-thread generator seeded from std::random_device).
RandomUnit DefaultRandomUnit();

// The wait before retrying after failed attempt `attempt` (>= 1): exponential backoff with full
// jitter, random(0, min(max_delay, base_delay * 2^(attempt-1))).
std::chrono::milliseconds BackoffDelay(const RetryPolicy& policy, int attempt,
                                       const RandomUnit& random = DefaultRandomUnit());

}  // namespace s3proc
