#include "s3/s3_errors.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace s3proc {
namespace {

const S3OperationInfo kPut{"PutObject", "s3:PutObject", "b", "output/a.json"};

Status Map(long status, std::string code, std::string message = "", std::string id = "") {
  return MapS3Error(kPut, status, S3ErrorBody{std::move(code), std::move(message), std::move(id)});
}

TEST(MapS3ErrorTest, SaysWhatWhereAndWhatToDo) {
  Status s = Map(403, "AccessDenied", "Access Denied", "tx001");
  EXPECT_EQ(s.code(), StatusCode::kAccessDenied);
  EXPECT_EQ(s.message(),
            "PutObject s3://b/output/a.json: AccessDenied (403, request id tx001): Access Denied: "
            "the credentials need s3:PutObject on arn:aws:s3:::b/output/a.json");
}

TEST(MapS3ErrorTest, EmptyBodyGetsACodeFromTheStatus) {
  Status s = Map(403, "");
  EXPECT_EQ(s.code(), StatusCode::kAccessDenied);
  EXPECT_EQ(s.message(),
            "PutObject s3://b/output/a.json: Forbidden (403): the credentials need s3:PutObject "
            "on arn:aws:s3:::b/output/a.json");
  EXPECT_EQ(Map(404, "").message(), "PutObject s3://b/output/a.json: NotFound (404)");
  EXPECT_EQ(Map(404, "").code(), StatusCode::kNotFound);
  EXPECT_EQ(Map(418, "").message(), "PutObject s3://b/output/a.json: HTTP418 (418)");
}

TEST(MapS3ErrorTest, BucketLevelOperationsNameTheBucket) {
  Status s = MapS3Error({"ListObjectsV2", "s3:ListBucket", "b", ""}, 403, {});
  EXPECT_EQ(s.message(),
            "ListObjectsV2 s3://b: Forbidden (403): the credentials need "
            "s3:ListBucket on arn:aws:s3:::b");
}

TEST(MapS3ErrorTest, CodesFromTheOneTable) {
  EXPECT_EQ(Map(400, "ThrottlingException").code(), StatusCode::kTransient);
  EXPECT_EQ(Map(400, "XAmzContentSHA256Mismatch").code(), StatusCode::kTransient);
  EXPECT_EQ(Map(400, "InvalidDigest").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Map(404, "NoSuchBucket").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Map(412, "PreconditionFailed").code(), StatusCode::kPreconditionFailed);
  EXPECT_EQ(Map(409, "ConditionalRequestConflict").code(), StatusCode::kTransient);
  EXPECT_EQ(Map(409, "OperationAborted").code(), StatusCode::kTransient);
  EXPECT_THAT(Map(409, "ConditionalRequestConflict").message(),
              ::testing::HasSubstr("a later run retries"));
  EXPECT_EQ(Map(503, "SlowDown").message(),
            "PutObject s3://b/output/a.json: SlowDown (503): the service is busy or failing; a "
            "later run retries");
  EXPECT_EQ(Map(403, "RequestTimeTooSkewed").message(),
            "PutObject s3://b/output/a.json: RequestTimeTooSkewed (403): this machine's clock is "
            "off; sync it (chrony/NTP)");
  EXPECT_NE(Map(403, "SignatureDoesNotMatch").message().find("AWS_SECRET_ACCESS_KEY"),
            std::string::npos);
  EXPECT_NE(Map(400, "ExpiredToken").message().find("could not be refreshed"), std::string::npos);
}

}  // namespace
}  // namespace s3proc
