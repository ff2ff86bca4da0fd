#include "pipeline/s3_event.h"

#include <gtest/gtest.h>

namespace s3proc {
namespace {

// The example of AWS's documentation (notification-content-structure.html), trimmed.
constexpr char kPutEvent[] = R"({"Records":[{
  "eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1",
  "eventTime":"2026-12-01T10:00:00.000Z","eventName":"ObjectCreated:Put",
  "s3":{"s3SchemaVersion":"1.0","configurationId":"input",
    "bucket":{"name":"drop","arn":"arn:aws:s3:::drop"},
    "object":{"key":"input%2Fa+b%2Bc%25d%C3%A9.json","size":1024,
      "eTag":"0123456789abcdef0123456789abcdef","versionId":"v1","sequencer":"0A1B"}}}]})";

TEST(S3EventTest, DecodesAPutRecord) {
  auto message = ParseS3EventMessage(kPutEvent);
  ASSERT_TRUE(message.ok()) << message.status().message();
  EXPECT_FALSE(message->test_event);
  ASSERT_EQ(message->records.size(), 1u);
  const S3EventRecord& r = message->records[0];
  EXPECT_EQ(r.event_name, "ObjectCreated:Put");
  EXPECT_TRUE(r.IsObjectCreated());
  EXPECT_EQ(r.bucket, "drop");
  EXPECT_EQ(r.key, "input/a b+c%d\xC3\xA9.json");
  EXPECT_EQ(r.size, 1024u);
  EXPECT_EQ(r.etag, "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(r.version_id, "v1");
}

TEST(S3EventTest, RecognisesTheTestEvent) {
  auto message = ParseS3EventMessage(
      R"({"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2026-12-01T10:00:00.000Z",)"
      R"("Bucket":"drop","RequestId":"r","HostId":"h"})");
  ASSERT_TRUE(message.ok()) << message.status().message();
  EXPECT_TRUE(message->test_event);
  EXPECT_TRUE(message->records.empty());
}

TEST(S3EventTest, UnwrapsAnSnsEnvelope) {
  std::string inner = kPutEvent;
  std::string escaped;
  for (char c : inner) {
    if (c == '"' || c == '\\') escaped.push_back('\\');
    if (c == '\n') {
      escaped += "\\n";
      continue;
    }
    escaped.push_back(c);
  }
  auto message = ParseS3EventMessage(R"({"Type":"Notification","MessageId":"m","Message":")" +
                                     escaped + "\"}");
  ASSERT_TRUE(message.ok()) << message.status().message();
  ASSERT_EQ(message->records.size(), 1u);
  EXPECT_EQ(message->records[0].key, "input/a b+c%d\xC3\xA9.json");
}

TEST(S3EventTest, RemovedEventsAreNotCreated) {
  auto message = ParseS3EventMessage(
      R"({"Records":[{"eventName":"ObjectRemoved:Delete","s3":{"bucket":{"name":"b"},)"
      R"("object":{"key":"input/x"}}}]})");
  ASSERT_TRUE(message.ok());
  EXPECT_FALSE(message->records[0].IsObjectCreated());
  EXPECT_EQ(message->records[0].etag, "");
}

TEST(S3EventTest, RejectsWhatIsNotAnS3Event) {
  struct Case {
    const char* body;
    const char* says;
  } cases[] = {
      {"not json", "not JSON"},
      {"[1,2]", "not a JSON object"},
      {R"({"hello":"world"})", "no \"Records\""},
      {R"({"Records":[{"eventName":"ObjectCreated:Put"}]})", "no \"s3\""},
      {R"({"Records":[{"s3":{"bucket":{"name":"b"},"object":{}}}]})", "no bucket name or object"},
      {R"({"Records":[{"s3":{"bucket":{"name":"b"},"object":{"key":"input%2"}}}]})", "bad %"},
      {R"({"Type":"Notification","Message":"{oops"})", "SNS Message is not JSON"},
  };
  for (const Case& c : cases) {
    auto message = ParseS3EventMessage(c.body);
    ASSERT_FALSE(message.ok()) << c.body;
    EXPECT_EQ(message.status().code(), StatusCode::kInvalidArgument) << c.body;
    EXPECT_NE(message.status().message().find(c.says), std::string::npos)
        << c.body << " -> " << message.status().message();
  }
}

TEST(S3EventTest, DecodesKeys) {
  EXPECT_EQ(*DecodeS3EventKey("input%2Fa+b%2Bc.json"), "input/a b+c.json");
  EXPECT_EQ(*DecodeS3EventKey("plain/key.json"), "plain/key.json");
  EXPECT_EQ(*DecodeS3EventKey("%e2%82%ac"), "\xE2\x82\xAC");
  EXPECT_FALSE(DecodeS3EventKey("50%").ok());
  EXPECT_FALSE(DecodeS3EventKey("%zz").ok());
}

}  // namespace
}  // namespace s3proc
