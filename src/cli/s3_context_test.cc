#include "cli/s3_context.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "cli/queue_context.h"

namespace s3proc {
namespace {

using ::testing::HasSubstr;

RunConfig Config() {
  RunConfig c;
  c.bucket = "b-1";
  return c;
}

std::string Read(FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string out;
  char buf[512];
  while (size_t n = std::fread(buf, 1, sizeof buf, f)) out.append(buf, n);
  return out;
}

// The endpoint of the environment or the profile is held to the rule the setting is.
TEST(S3ContextTest, APlainHttpEndpointFromTheEnvironmentIsRefused) {
  FILE* log = std::tmpfile();
  for (const char* name : {"AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"}) {
    auto env = MapEnvLookup({{"AWS_REGION", "us-east-1"}, {name, "http://s3.amazonaws.com"}});
    auto context = NewS3Context(Config(), env, log);
    ASSERT_FALSE(context.ok()) << name;
    EXPECT_EQ(context.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(context.status().message(), HasSubstr(std::string(name) + " 'http://s3."));
  }
  auto env =
      MapEnvLookup({{"AWS_REGION", "us-east-1"}, {"AWS_ENDPOINT_URL", "http://example.com"}});
  EXPECT_THAT(NewS3Context(Config(), env, log).status().message(),
              HasSubstr("allow_insecure_endpoint"));
  std::fclose(log);
}

TEST(S3ContextTest, AnAllowedPlainHttpEndpointIsWarnedAboutOnce) {
  FILE* log = std::tmpfile();
  RunConfig config = Config();
  config.allow_insecure_endpoint = true;
  auto env =
      MapEnvLookup({{"AWS_REGION", "us-east-1"}, {"AWS_ENDPOINT_URL", "http://example.com"}});
  auto context = NewS3Context(config, env, log);
  ASSERT_TRUE(context.ok()) << context.status().message();
  const std::string text = Read(log);
  EXPECT_THAT(text, HasSubstr("plain http:// endpoint http://example.com (from AWS_ENDPOINT_URL)"));
  EXPECT_EQ(text.find("plain http://"), text.rfind("plain http://"));
  std::fclose(log);
}

TEST(S3ContextTest, ALocalPlainHttpEndpointNeedsNoWarning) {
  FILE* log = std::tmpfile();
  auto env =
      MapEnvLookup({{"AWS_REGION", "us-east-1"}, {"AWS_ENDPOINT_URL", "http://127.0.0.1:7480"}});
  ASSERT_TRUE(NewS3Context(Config(), env, log).ok());
  EXPECT_EQ(Read(log), "");
  std::fclose(log);
}

TEST(QueueContextTest, APlainHttpSqsEndpointFromTheEnvironmentIsRefused) {
  FILE* log = std::tmpfile();
  RunConfig config = Config();
  config.queue_url = "https://sqs.us-east-1.amazonaws.com/123456789012/q";
  auto env = MapEnvLookup({{"AWS_REGION", "us-east-1"},
                           {"AWS_ENDPOINT_URL_SQS", "http://sqs.us-east-1.amazonaws.com"}});
  auto s3 = NewS3Context(config, env, log);
  ASSERT_TRUE(s3.ok()) << s3.status().message();
  auto queue = NewQueueContext(config, env, **s3);
  ASSERT_FALSE(queue.ok());
  EXPECT_THAT(queue.status().message(), HasSubstr("AWS_ENDPOINT_URL_SQS 'http://sqs."));
  std::fclose(log);
}

}  // namespace
}  // namespace s3proc
