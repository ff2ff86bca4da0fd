#include "aws/s3_error_table.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace s3proc {
namespace {

struct Case {
  long status;
  std::string_view code;
  S3ErrorAction action;
  StatusCode status_code;
};

constexpr S3ErrorAction kRetry = S3ErrorAction::kRetry;
constexpr S3ErrorAction kRefresh = S3ErrorAction::kRefreshCredentialsThenRetry;
constexpr S3ErrorAction kFail = S3ErrorAction::kFail;

TEST(S3ErrorTableTest, EachAnswerRowByRow) {
  const Case cases[] = {
      // Known codes decide, whatever the status.
      {400, "ExpiredToken", kRefresh, StatusCode::kAccessDenied},
      {403, "ExpiredToken", kRefresh, StatusCode::kAccessDenied},
      {400, "ExpiredTokenException", kRefresh, StatusCode::kAccessDenied},
      {400, "InvalidToken", kRefresh, StatusCode::kAccessDenied},
      {400, "TokenRefreshRequired", kRefresh, StatusCode::kAccessDenied},
      {503, "SlowDown", kRetry, StatusCode::kTransient},
      {400, "Throttling", kRetry, StatusCode::kTransient},
      {400, "ThrottlingException", kRetry, StatusCode::kTransient},  // was InvalidArgument
      {400, "RequestTimeout", kRetry, StatusCode::kTransient},
      {500, "InternalError", kRetry, StatusCode::kTransient},
      {503, "ServiceUnavailable", kRetry, StatusCode::kTransient},
      {400, "IncompleteBody", kRetry, StatusCode::kTransient},
      {400, "BadDigest", kRetry, StatusCode::kTransient},
      {400, "XAmzContentSHA256Mismatch", kRetry, StatusCode::kTransient},  // was InvalidArgument
      {400, "InvalidDigest", kFail, StatusCode::kInvalidArgument},  // was Transient, never retried
      {403, "RequestTimeTooSkewed", kFail, StatusCode::kAccessDenied},
      {400, "RequestExpired", kFail, StatusCode::kAccessDenied},
      {403, "SignatureDoesNotMatch", kFail, StatusCode::kAccessDenied},
      {403, "InvalidAccessKeyId", kFail, StatusCode::kAccessDenied},
      {403, "AccessDenied", kFail, StatusCode::kAccessDenied},
      {400, "AccessDenied", kFail, StatusCode::kAccessDenied},
      {404, "NoSuchBucket", kFail, StatusCode::kInvalidArgument},
      {404, "NoSuchKey", kFail, StatusCode::kNotFound},
      {404, "NoSuchVersion", kFail, StatusCode::kNotFound},
      {404, "NoSuchUpload", kFail, StatusCode::kNotFound},
      {412, "PreconditionFailed", kFail, StatusCode::kPreconditionFailed},
      // Unknown codes and empty bodies (HEAD): the status decides.
      {403, "", kFail, StatusCode::kAccessDenied},
      {403, "QuotaExceeded", kFail, StatusCode::kAccessDenied},
      {404, "", kFail, StatusCode::kNotFound},
      {412, "", kFail, StatusCode::kPreconditionFailed},
      {408, "", kRetry, StatusCode::kTransient},
      {429, "", kRetry, StatusCode::kTransient},
      {500, "", kRetry, StatusCode::kTransient},
      {502, "", kRetry, StatusCode::kTransient},
      {503, "", kRetry, StatusCode::kTransient},
      {504, "SomethingNew", kRetry, StatusCode::kTransient},
      {501, "NotImplemented", kFail, StatusCode::kInvalidArgument},
      {400, "", kFail, StatusCode::kInvalidArgument},
      {400, "InvalidArgument", kFail, StatusCode::kInvalidArgument},
      {409, "BucketAlreadyExists", kFail, StatusCode::kInvalidArgument},
      // A conditional write or delete that raced another: AWS documents both as retryable.
      {409, "ConditionalRequestConflict", kRetry, StatusCode::kTransient},  // was InvalidArgument
      {409, "OperationAborted", kRetry, StatusCode::kTransient},            // was InvalidArgument
      {409, "", kFail, StatusCode::kInvalidArgument},
      {301, "PermanentRedirect", kFail, StatusCode::kInvalidArgument},
      {0, "", kFail, StatusCode::kInvalidArgument},
  };
  for (const Case& c : cases) {
    S3ErrorClass got = ClassifyS3Error(c.status, c.code);
    EXPECT_EQ(got.action, c.action) << c.status << " " << c.code;
    EXPECT_EQ(got.status_code, c.status_code) << c.status << " " << c.code;
  }
}

// What is retried is what ends as kTransient once the retries run out, and the other way round:
// the two lists that used to disagree (retry_policy.cc, s3_errors.cc) cannot any more.
TEST(S3ErrorTableTest, RetriedExactlyWhenTransient) {
  std::set<std::string_view> seen;
  for (const S3ErrorCodeRow& row : KnownS3ErrorCodes()) {
    EXPECT_TRUE(seen.insert(row.code).second) << "listed twice: " << row.code;
    const S3ErrorClass& what = row.what;
    EXPECT_EQ(what.action == S3ErrorAction::kRetry, what.status_code == StatusCode::kTransient)
        << row.code;
    if (what.action == S3ErrorAction::kRefreshCredentialsThenRetry) {
      EXPECT_EQ(what.status_code, StatusCode::kAccessDenied) << row.code;
    }
    // A row whose code does not reach its class would be dead.
    EXPECT_EQ(ClassifyS3Error(400, row.code).action, what.action) << row.code;
  }
  for (long status = 100; status < 600; ++status) {
    S3ErrorClass what = ClassifyS3Error(status, "");
    EXPECT_EQ(what.action == S3ErrorAction::kRetry, what.status_code == StatusCode::kTransient)
        << status;
  }
}

TEST(S3ErrorTableTest, AdviceSaysWhatToDo) {
  EXPECT_TRUE(ClassifyS3Error(403, "").names_iam_action);
  EXPECT_TRUE(ClassifyS3Error(403, "AccessDenied").names_iam_action);
  EXPECT_FALSE(ClassifyS3Error(403, "SignatureDoesNotMatch").names_iam_action);
  EXPECT_NE(ClassifyS3Error(403, "RequestTimeTooSkewed").advice.find("clock"),
            std::string_view::npos);
  EXPECT_NE(ClassifyS3Error(503, "SlowDown").advice.find("a later run retries"),
            std::string_view::npos);
  EXPECT_TRUE(ClassifyS3Error(404, "NoSuchKey").advice.empty());
}

}  // namespace
}  // namespace s3proc
