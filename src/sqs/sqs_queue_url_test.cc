#include "sqs/sqs_queue_url.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace s3proc {
namespace {

using ::testing::HasSubstr;

TEST(SqsQueueUrlTest, AwsUrl) {
  auto q = ParseSqsQueueUrl("https://sqs.eu-west-1.amazonaws.com/123456789012/s3proc-events");
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(q->scheme, "https");
  EXPECT_EQ(q->authority, "sqs.eu-west-1.amazonaws.com");
  EXPECT_EQ(q->account, "123456789012");
  EXPECT_EQ(q->name, "s3proc-events");
  EXPECT_EQ(q->host_region, "eu-west-1");
  EXPECT_EQ(q->Origin(), "https://sqs.eu-west-1.amazonaws.com");
  EXPECT_EQ(SqsQueueArn(*q, q->host_region), "arn:aws:sqs:eu-west-1:123456789012:s3proc-events");
}

TEST(SqsQueueUrlTest, MotoUrlAndOtherHostsHaveNoRegion) {
  auto q = ParseSqsQueueUrl("http://127.0.0.1:5000/123456789012/q.fifo");
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(q->Origin(), "http://127.0.0.1:5000");
  EXPECT_EQ(q->name, "q.fifo");
  EXPECT_EQ(q->host_region, "");
  EXPECT_EQ(SqsQueueArn(*q, "us-east-1"), "arn:aws:sqs:us-east-1:123456789012:q.fifo");
}

TEST(SqsQueueUrlTest, LegacyAndPartitionHosts) {
  EXPECT_EQ(ParseSqsQueueUrl("https://queue.amazonaws.com/123456789012/q")->host_region,
            "us-east-1");
  EXPECT_EQ(ParseSqsQueueUrl("https://ap-south-1.queue.amazonaws.com/123456789012/q")->host_region,
            "ap-south-1");
  auto cn = ParseSqsQueueUrl("https://sqs.cn-north-1.amazonaws.com.cn/123456789012/q");
  ASSERT_TRUE(cn.ok());
  EXPECT_EQ(cn->host_region, "cn-north-1");
  EXPECT_EQ(SqsQueueArn(*cn, "cn-north-1"), "arn:aws-cn:sqs:cn-north-1:123456789012:q");
  auto gov = ParseSqsQueueUrl("https://sqs.us-gov-west-1.amazonaws.com/123456789012/q");
  EXPECT_EQ(SqsQueueArn(*gov, gov->host_region), "arn:aws-us-gov:sqs:us-gov-west-1:123456789012:q");
}

TEST(SqsQueueUrlTest, MalformedUrlsSayWhatTheShapeIs) {
  for (const char* bad : {"", "s3proc-events", "arn:aws:sqs:us-east-1:123456789012:q",
                          "ftp://sqs.us-east-1.amazonaws.com/123456789012/q",
                          "https:///123456789012/q", "https://h/123456789012",
                          "https://h/123456789012/q/extra", "https://h/12345/q",
                          "https://h/123456789012/q?x=1", "https://h/123456789012/bad name",
                          "https://h/123456789012/", "https://h:5/abcdefghijkl/q"}) {
    SCOPED_TRACE(bad);
    auto q = ParseSqsQueueUrl(bad);
    ASSERT_FALSE(q.ok());
    EXPECT_EQ(q.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(q.status().message(),
                HasSubstr("--queue-url must look like https://sqs.REGION.amazonaws.com/ACCOUNT/NAME"));
  }
  EXPECT_THAT(ParseSqsQueueUrl("https://h/12345/q").status().message(),
              HasSubstr("the account must be 12 digits"));
}

TEST(SqsQueueUrlTest, TrailingSlashIsAccepted) {
  EXPECT_EQ(ParseSqsQueueUrl("http://h:1/123456789012/q/")->name, "q");
}

TEST(SqsQueueUrlTest, QueueArn) {
  auto parts = ParseSqsQueueArn("arn:aws:sqs:us-east-1:123456789012:events-dlq");
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(parts->region, "us-east-1");
  EXPECT_EQ(parts->account, "123456789012");
  EXPECT_EQ(parts->name, "events-dlq");
  EXPECT_FALSE(ParseSqsQueueArn("arn:aws:s3:::bucket").ok());
  EXPECT_FALSE(ParseSqsQueueArn("").ok());
}

}  // namespace
}  // namespace s3proc
