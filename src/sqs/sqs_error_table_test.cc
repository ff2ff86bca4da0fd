#include "sqs/sqs_error_table.h"

#include <gtest/gtest.h>

#include <string>

namespace s3proc {
namespace {

constexpr RetryDecision kRetry = RetryDecision::kRetry;
constexpr RetryDecision kRefresh = RetryDecision::kRefreshCredentialsThenRetry;
constexpr RetryDecision kFail = RetryDecision::kFail;

struct Case {
  long status;
  std::string_view code;
  RetryDecision action;
  StatusCode status_code;
};

TEST(SqsErrorTableTest, EachAnswerRowByRow) {
  const Case cases[] = {
      // Known codes decide, whatever the status.
      {400, "ThrottlingException", kRetry, StatusCode::kTransient},
      {400, "RequestThrottled", kRetry, StatusCode::kTransient},
      {503, "ServiceUnavailable", kRetry, StatusCode::kTransient},
      {500, "InternalFailure", kRetry, StatusCode::kTransient},
      {500, "InternalError", kRetry, StatusCode::kTransient},
      {400, "KmsThrottled", kRetry, StatusCode::kTransient},
      {403, "OverLimit", kRetry, StatusCode::kTransient},  // a 403 that is no permission problem
      {400, "ExpiredToken", kRefresh, StatusCode::kAccessDenied},
      {403, "ExpiredToken", kRefresh, StatusCode::kAccessDenied},
      {400, "ExpiredTokenException", kRefresh, StatusCode::kAccessDenied},
      {403, "AccessDenied", kFail, StatusCode::kAccessDenied},
      {400, "AccessDeniedException", kFail, StatusCode::kAccessDenied},
      {403, "InvalidClientTokenId", kFail, StatusCode::kAccessDenied},
      {403, "SignatureDoesNotMatch", kFail, StatusCode::kAccessDenied},
      {400, "KmsAccessDenied", kFail, StatusCode::kAccessDenied},
      {400, "QueueDoesNotExist", kFail, StatusCode::kInvalidArgument},
      {400, "AWS.SimpleQueueService.NonExistentQueue", kFail, StatusCode::kInvalidArgument},
      {400, "ReceiptHandleIsInvalid", kFail, StatusCode::kNotFound},
      {400, "MessageNotInflight", kFail, StatusCode::kNotFound},
      {400, "AWS.SimpleQueueService.MessageNotInflight", kFail, StatusCode::kNotFound},
      // Unknown codes and bodiless answers: the status decides.
      {400, "InvalidParameterValue", kFail, StatusCode::kInvalidArgument},
      {400, "TooManyEntriesInBatchRequest", kFail, StatusCode::kInvalidArgument},
      {400, "", kFail, StatusCode::kInvalidArgument},
      {403, "", kFail, StatusCode::kAccessDenied},
      {404, "", kFail, StatusCode::kInvalidArgument},
      {408, "", kRetry, StatusCode::kTransient},
      {429, "", kRetry, StatusCode::kTransient},
      {500, "SomethingNew", kRetry, StatusCode::kTransient},
      {502, "", kRetry, StatusCode::kTransient},
      {503, "", kRetry, StatusCode::kTransient},
      {501, "", kFail, StatusCode::kInvalidArgument},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::to_string(c.status) + " " + std::string(c.code));
    SqsErrorClass what = ClassifySqsError(c.status, c.code);
    EXPECT_EQ(what.action, c.action);
    EXPECT_EQ(what.status_code, c.status_code);
  }
}

TEST(SqsErrorTableTest, OnlyAccessDeniedNamesTheIamAction) {
  EXPECT_TRUE(ClassifySqsError(403, "AccessDenied").names_iam_action);
  EXPECT_TRUE(ClassifySqsError(400, "AccessDeniedException").names_iam_action);
  EXPECT_TRUE(ClassifySqsError(403, "").names_iam_action);
  EXPECT_FALSE(ClassifySqsError(403, "SignatureDoesNotMatch").names_iam_action);
  EXPECT_FALSE(ClassifySqsError(403, "OverLimit").names_iam_action);
}

// What is retried ends kTransient; what is kTransient is retried; a refresh that did not help
// is kAccessDenied. Checked on every row and on the status fallbacks.
TEST(SqsErrorTableTest, RetryAndStatusAgree) {
  auto check = [](long status, std::string_view code) {
    SCOPED_TRACE(std::to_string(status) + " " + std::string(code));
    SqsErrorClass what = ClassifySqsError(status, code);
    if (what.action == kRetry) {
      EXPECT_EQ(what.status_code, StatusCode::kTransient);
    }
    if (what.status_code == StatusCode::kTransient) {
      EXPECT_EQ(what.action, kRetry);
    }
    if (what.action == kRefresh) {
      EXPECT_EQ(what.status_code, StatusCode::kAccessDenied);
    }
  };
  for (const SqsErrorCodeRow& row : KnownSqsErrorCodes()) {
    EXPECT_TRUE(IsKnownSqsErrorCode(row.code));
    for (long status : {400L, 403L, 500L}) check(status, row.code);
  }
  for (long status = 300; status < 600; ++status) check(status, "");
}

TEST(SqsErrorTableTest, DecideSqsRetry) {
  RetryPolicy policy;
  policy.max_attempts = 3;
  auto decide = [&](int attempt, long status, std::string_view code, Status transport = {}) {
    AttemptOutcome outcome;
    outcome.transport = std::move(transport);
    outcome.http_status = status;
    outcome.s3_error_code = code;
    return DecideSqsRetry(policy, attempt, outcome);
  };
  EXPECT_EQ(decide(1, 400, "ThrottlingException"), kRetry);
  EXPECT_EQ(decide(2, 400, "ThrottlingException"), kRetry);
  EXPECT_EQ(decide(3, 400, "ThrottlingException"), kFail);  // attempts used up
  EXPECT_EQ(decide(1, 403, "ExpiredToken"), kRefresh);
  EXPECT_EQ(decide(1, 400, "QueueDoesNotExist"), kFail);
  EXPECT_EQ(decide(1, 0, "", Status::Transient("timeout")), kRetry);
  EXPECT_EQ(decide(1, 0, "", Status::IoError("sink")), kFail);
}

}  // namespace
}  // namespace s3proc
