#include "aws/retry_policy.h"

#include <gtest/gtest.h>

namespace s3proc {
namespace {

using std::chrono::milliseconds;

RetryDecision Decide(long status, std::string_view code = "", int attempt = 1) {
  return DecideRetry(RetryPolicy{}, attempt, {Status::Ok(), status, code});
}

TEST(RetryPolicyTest, TransportErrors) {
  EXPECT_EQ(DecideRetry({}, 1, {Status::Transient("reset"), 0, ""}), RetryDecision::kRetry);
  EXPECT_EQ(DecideRetry({}, 1, {Status::IoError("disk full in sink"), 0, ""}),
            RetryDecision::kFail);
  EXPECT_EQ(DecideRetry({}, 1, {Status::Rejected("sink refused"), 0, ""}), RetryDecision::kFail);
}

TEST(RetryPolicyTest, ServerErrorsAndThrottlingAreRetried) {
  EXPECT_EQ(Decide(500, "InternalError"), RetryDecision::kRetry);
  EXPECT_EQ(Decide(500), RetryDecision::kRetry);
  EXPECT_EQ(Decide(502), RetryDecision::kRetry);
  EXPECT_EQ(Decide(503, "SlowDown"), RetryDecision::kRetry);
  EXPECT_EQ(Decide(503, "ServiceUnavailable"), RetryDecision::kRetry);
  EXPECT_EQ(Decide(503), RetryDecision::kRetry);  // HEAD: no body, no code
  EXPECT_EQ(Decide(504), RetryDecision::kRetry);
  EXPECT_EQ(Decide(429), RetryDecision::kRetry);
  EXPECT_EQ(Decide(400, "Throttling"), RetryDecision::kRetry);
  EXPECT_EQ(Decide(400, "ThrottlingException"), RetryDecision::kRetry);
  EXPECT_EQ(Decide(408), RetryDecision::kRetry);
}

TEST(RetryPolicyTest, ConflictingConditionalRequestsAreRetried) {
  EXPECT_EQ(Decide(409, "ConditionalRequestConflict"), RetryDecision::kRetry);
  EXPECT_EQ(Decide(409, "OperationAborted"), RetryDecision::kRetry);
  EXPECT_EQ(Decide(409, "ConditionalRequestConflict", 5), RetryDecision::kFail);
}

TEST(RetryPolicyTest, NotImplementedIsNotRetried) {
  EXPECT_EQ(Decide(501, "NotImplemented"), RetryDecision::kFail);
  EXPECT_EQ(Decide(501), RetryDecision::kFail);
}

TEST(RetryPolicyTest, RequestTimeoutIsRetriedDespite400) {
  EXPECT_EQ(Decide(400, "RequestTimeout"), RetryDecision::kRetry);
  EXPECT_EQ(Decide(400, "IncompleteBody"), RetryDecision::kRetry);
}

TEST(RetryPolicyTest, ExpiredCredentialsRefreshThenRetry) {
  EXPECT_EQ(Decide(400, "ExpiredToken"), RetryDecision::kRefreshCredentialsThenRetry);
  EXPECT_EQ(Decide(403, "ExpiredToken"), RetryDecision::kRefreshCredentialsThenRetry);
  EXPECT_EQ(Decide(400, "ExpiredTokenException"), RetryDecision::kRefreshCredentialsThenRetry);
  EXPECT_EQ(Decide(400, "InvalidToken"), RetryDecision::kRefreshCredentialsThenRetry);
  EXPECT_EQ(Decide(400, "TokenRefreshRequired"), RetryDecision::kRefreshCredentialsThenRetry);
}

TEST(RetryPolicyTest, PermanentClientErrorsFail) {
  EXPECT_EQ(Decide(400), RetryDecision::kFail);
  EXPECT_EQ(Decide(400, "InvalidArgument"), RetryDecision::kFail);
  EXPECT_EQ(Decide(403, "AccessDenied"), RetryDecision::kFail);
  EXPECT_EQ(Decide(403, "SignatureDoesNotMatch"), RetryDecision::kFail);
  EXPECT_EQ(Decide(403, "InvalidAccessKeyId"), RetryDecision::kFail);
  EXPECT_EQ(Decide(403), RetryDecision::kFail);
  EXPECT_EQ(Decide(404, "NoSuchKey"), RetryDecision::kFail);
  EXPECT_EQ(Decide(404, "NoSuchBucket"), RetryDecision::kFail);
  EXPECT_EQ(Decide(409, "BucketAlreadyExists"), RetryDecision::kFail);
  EXPECT_EQ(Decide(412, "PreconditionFailed"), RetryDecision::kFail);
  EXPECT_EQ(Decide(301, "PermanentRedirect"), RetryDecision::kFail);
  EXPECT_EQ(Decide(0), RetryDecision::kFail);
}

TEST(RetryPolicyTest, ClockSkewIsNotRetried) {
  EXPECT_EQ(Decide(403, "RequestTimeTooSkewed"), RetryDecision::kFail);
  EXPECT_EQ(Decide(400, "RequestExpired"), RetryDecision::kFail);
}

TEST(RetryPolicyTest, AttemptsAreBounded) {
  RetryPolicy policy;
  policy.max_attempts = 3;
  AttemptOutcome busy{Status::Ok(), 503, "SlowDown"};
  EXPECT_EQ(DecideRetry(policy, 1, busy), RetryDecision::kRetry);
  EXPECT_EQ(DecideRetry(policy, 2, busy), RetryDecision::kRetry);
  EXPECT_EQ(DecideRetry(policy, 3, busy), RetryDecision::kFail);
  AttemptOutcome expired{Status::Ok(), 400, "ExpiredToken"};
  EXPECT_EQ(DecideRetry(policy, 3, expired), RetryDecision::kFail);
  policy.max_attempts = 1;
  EXPECT_EQ(DecideRetry(policy, 1, {Status::Transient("x"), 0, ""}), RetryDecision::kFail);
}

TEST(RetryPolicyTest, DefaultPolicy) {
  RetryPolicy policy;
  EXPECT_EQ(policy.max_attempts, 5);
  EXPECT_EQ(Decide(503, "SlowDown", 4), RetryDecision::kRetry);
  EXPECT_EQ(Decide(503, "SlowDown", 5), RetryDecision::kFail);
}

TEST(BackoffTest, ExponentialCeilingWithFullJitter) {
  RetryPolicy policy;
  policy.base_delay = milliseconds(100);
  policy.max_delay = milliseconds(1000);
  auto top = [] { return 0.999999; };
  auto bottom = [] { return 0.0; };
  auto half = [] { return 0.5; };
  EXPECT_EQ(BackoffDelay(policy, 1, top), milliseconds(99));
  EXPECT_EQ(BackoffDelay(policy, 2, top), milliseconds(199));
  EXPECT_EQ(BackoffDelay(policy, 3, top), milliseconds(399));
  EXPECT_EQ(BackoffDelay(policy, 4, top), milliseconds(799));
  EXPECT_EQ(BackoffDelay(policy, 5, top), milliseconds(999));  // capped
  EXPECT_EQ(BackoffDelay(policy, 100, top), milliseconds(999));
  EXPECT_EQ(BackoffDelay(policy, 3, bottom), milliseconds(0));
  EXPECT_EQ(BackoffDelay(policy, 3, half), milliseconds(200));
  EXPECT_EQ(BackoffDelay(policy, 0, half), milliseconds(50));
}

TEST(BackoffTest, DefaultRandomStaysInRange) {
  RetryPolicy policy;
  RandomUnit random = DefaultRandomUnit();
  bool varied = false;
  milliseconds first = BackoffDelay(policy, 4, random);
  for (int i = 0; i < 200; ++i) {
    milliseconds d = BackoffDelay(policy, 4, random);
    EXPECT_GE(d.count(), 0);
    EXPECT_LT(d.count(), 800);
    if (d != first) varied = true;
  }
  EXPECT_TRUE(varied);
}

}  // namespace
}  // namespace s3proc
