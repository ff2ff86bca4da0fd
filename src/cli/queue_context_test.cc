#include "cli/queue_context.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace s3proc {
namespace {

using ::testing::HasSubstr;

SqsQueueUrl Aws() { return *ParseSqsQueueUrl("https://sqs.eu-west-1.amazonaws.com/123456789012/q"); }
SqsQueueUrl Moto() { return *ParseSqsQueueUrl("http://127.0.0.1:5000/123456789012/q"); }

TEST(ResolveSqsEndpointTest, TheQueueUrlsOwnHostAndRegionByDefault) {
  auto e = ResolveSqsEndpoint(Aws(), MapEnvLookup({}), "us-east-1");
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->url, "https://sqs.eu-west-1.amazonaws.com");
  EXPECT_EQ(e->region, "eu-west-1");  // the queue's region, not the bucket's
  EXPECT_EQ(e->source, "the queue URL");

  auto m = ResolveSqsEndpoint(Moto(), MapEnvLookup({}), "us-east-1");
  EXPECT_EQ(m->url, "http://127.0.0.1:5000");
  EXPECT_EQ(m->region, "us-east-1");
}

TEST(ResolveSqsEndpointTest, ServiceVariableOverTheGeneralOne) {
  auto both = MapEnvLookup({{"AWS_ENDPOINT_URL_SQS", "http://127.0.0.1:9324/"},
                            {"AWS_ENDPOINT_URL", "http://127.0.0.1:7480"}});
  auto e = ResolveSqsEndpoint(Moto(), both, "us-east-1");
  EXPECT_EQ(e->url, "http://127.0.0.1:9324");
  EXPECT_EQ(e->source, "AWS_ENDPOINT_URL_SQS");
  auto general = ResolveSqsEndpoint(Moto(), MapEnvLookup({{"AWS_ENDPOINT_URL", "http://h:1"}}),
                                    "us-east-1");
  EXPECT_EQ(general->url, "http://h:1");
  auto ignored = ResolveSqsEndpoint(
      Moto(), MapEnvLookup({{"AWS_ENDPOINT_URL", "http://h:1"},
                            {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"}}),
      "us-east-1");
  EXPECT_EQ(ignored->url, "http://127.0.0.1:5000");
}

TEST(ResolveSqsEndpointTest, ABadVariableIsNamed) {
  for (const char* bad : {"127.0.0.1:9324", "http://", "http://h:1/path", "http://h?x"}) {
    SCOPED_TRACE(bad);
    auto e = ResolveSqsEndpoint(Moto(), MapEnvLookup({{"AWS_ENDPOINT_URL_SQS", bad}}), "r");
    EXPECT_EQ(e.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(e.status().message(), HasSubstr("AWS_ENDPOINT_URL_SQS \""));
  }
}

}  // namespace
}  // namespace s3proc
