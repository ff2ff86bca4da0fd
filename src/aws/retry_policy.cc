#include "aws/retry_policy.h"

#include <algorithm>
#include <random>

#include "aws/s3_error_table.h"

namespace s3proc {

RetryDecision DecideRetry(const RetryPolicy& policy, int attempt, const AttemptOutcome& outcome) {
  if (attempt >= policy.max_attempts) return RetryDecision::kFail;
  if (!outcome.transport.ok()) {
    return outcome.transport.IsTransient() ? RetryDecision::kRetry : RetryDecision::kFail;
  }
  switch (ClassifyS3Error(outcome.http_status, outcome.s3_error_code).action) {
    case S3ErrorAction::kRetry: return RetryDecision::kRetry;
    case S3ErrorAction::kRefreshCredentialsThenRetry:
      return RetryDecision::kRefreshCredentialsThenRetry;
    case S3ErrorAction::kFail: return RetryDecision::kFail;
  }
  return RetryDecision::kFail;
}

RandomUnit DefaultRandomUnit() {
  return [] {
    thread_local std::mt19937_64 generator{std::random_device{}()};
    return std::uniform_real_distribution<double>(0.0, 1.0)(generator);
  };
}

std::chrono::milliseconds BackoffDelay(const RetryPolicy& policy, int attempt,
                                       const RandomUnit& random) {
  int exponent = std::clamp(attempt - 1, 0, 30);
  double ceiling =
      static_cast<double>(policy.base_delay.count()) * static_cast<double>(1LL << exponent);
  ceiling = std::min(ceiling, static_cast<double>(policy.max_delay.count()));
  double unit = std::clamp(random(), 0.0, 1.0);
  return std::chrono::milliseconds(static_cast<long long>(ceiling * unit));
}

}  // namespace s3proc
