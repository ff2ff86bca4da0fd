#include "aws/retry_policy.h"

#include <algorithm>
#include <random>

namespace s3proc {
namespace {

constexpr std::string_view kCredentialCodes[] = {
    "ExpiredToken", "ExpiredTokenException", "InvalidToken", "TokenRefreshRequired",
};

constexpr std::string_view kRetryableCodes[] = {
    // Throttling.
    "SlowDown", "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottled",
    "RequestThrottledException", "TooManyRequestsException", "RequestLimitExceeded",
    "BandwidthLimitExceeded", "EC2ThrottledException", "PriorRequestNotComplete",
    // Transient server or network trouble.
    "RequestTimeout", "RequestTimeoutException", "InternalError", "ServiceUnavailable",
    "IncompleteBody",
    // The body was damaged in transit (Content-MD5 or the signed SHA-256 did not match): the
    // same bytes sent again arrive whole.
    "BadDigest", "XAmzContentSHA256Mismatch",
};

// Retrying with the same clock gets the same answer.
constexpr std::string_view kClockCodes[] = {"RequestTimeTooSkewed", "RequestExpired"};

template <size_t N>
bool OneOf(std::string_view code, const std::string_view (&codes)[N]) {
  return std::find(std::begin(codes), std::end(codes), code) != std::end(codes);
}

}  // namespace

RetryDecision DecideRetry(const RetryPolicy& policy, int attempt, const AttemptOutcome& outcome) {
  if (attempt >= policy.max_attempts) return RetryDecision::kFail;
  if (!outcome.transport.ok()) {
    return outcome.transport.IsTransient() ? RetryDecision::kRetry : RetryDecision::kFail;
  }
  std::string_view code = outcome.s3_error_code;
  if (OneOf(code, kCredentialCodes)) return RetryDecision::kRefreshCredentialsThenRetry;
  if (OneOf(code, kRetryableCodes)) return RetryDecision::kRetry;
  if (OneOf(code, kClockCodes)) return RetryDecision::kFail;
  long status = outcome.http_status;
  if (status == 429 || status == 408) return RetryDecision::kRetry;
  if (status >= 500 && status <= 599 && status != 501) return RetryDecision::kRetry;
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
  double ceiling = static_cast<double>(policy.base_delay.count()) *
                   static_cast<double>(1LL << exponent);
  ceiling = std::min(ceiling, static_cast<double>(policy.max_delay.count()));
  double unit = std::clamp(random(), 0.0, 1.0);
  return std::chrono::milliseconds(static_cast<long long>(ceiling * unit));
}

}  // namespace s3proc
