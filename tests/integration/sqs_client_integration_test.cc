// SqsClient and SqsMessageQueue against moto's real SQS server (the moto_sqs fixture); boto3,
// an independent client, creates the queues and sends the messages (moto_sqs_admin.py).
// Exit 77 (skip) when moto is not installed, unless CI=true, where that is a failure.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdio.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <random>
#include <set>
#include <thread>

#include "aws/credentials_env.h"
#include "http/curl_http_client.h"
#include "sqs/sqs_client.h"
#include "sqs/sqs_message_queue.h"
#include "testutil/moto_fixture.h"
#include "testutil/source_dir.h"

namespace s3proc {
namespace {

using ::testing::HasSubstr;

std::string g_endpoint;  // http://127.0.0.1:PORT
std::string g_python;    // the python3 with boto3

std::string Admin(const std::string& args) {
  std::string cmd = g_python + " " + testing::SourceDir() +
                    "/tests/integration/moto_sqs_admin.py " + g_endpoint + " " + args;
  FILE* pipe = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  size_t n;
  while (pipe && (n = fread(buf, 1, sizeof(buf), pipe)) > 0) out.append(buf, n);
  int rc = pipe ? pclose(pipe) : -1;
  EXPECT_EQ(rc, 0) << cmd;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

class SqsIntegration : public ::testing::Test {
 protected:
  SqsIntegration()
      : credentials_(NewEnvCredentialsProvider(MapEnvLookup(
            {{"AWS_ACCESS_KEY_ID", "testing"}, {"AWS_SECRET_ACCESS_KEY", "testing"}}))) {
    http_ = NewCurlHttpClient({});
    SqsClientOptions o;
    o.endpoint = g_endpoint;
    o.region = "us-east-1";
    o.retry.max_attempts = 3;
    client_ = std::make_unique<SqsClient>(*http_, *credentials_, o);
  }

  // A queue of this test's own (a random suffix: reruns against one moto do not collide),
  // with a dead-letter queue NAME-dlq after `max_receive` receives when that is > 0.
  std::unique_ptr<SqsMessageQueue> NewQueue(int max_receive = 0) {
    name_ = "it-" + std::to_string(std::random_device{}() % 1000000);
    std::string dlq = " " + name_ + "-dlq " + std::to_string(max_receive);
    std::string url = Admin("create " + name_ + (max_receive > 0 ? dlq : ""));
    auto parsed = ParseSqsQueueUrl(url);
    EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
    url_ = url;
    return std::make_unique<SqsMessageQueue>(*client_, *parsed);
  }

  // Receives until `want` messages arrived (or 10 polls came back empty).
  std::vector<QueueMessage> ReceiveAll(MessageQueue& queue, size_t want, int visibility) {
    std::vector<QueueMessage> all;
    for (int empty = 0; all.size() < want && empty < 10;) {
      auto got = queue.Receive(10, 1, visibility);
      EXPECT_TRUE(got.ok()) << got.status().ToString();
      if (!got.ok() || got->empty()) {
        ++empty;
        continue;
      }
      all.insert(all.end(), got->begin(), got->end());
    }
    return all;
  }

  std::unique_ptr<HttpClient> http_;
  std::unique_ptr<CredentialsProvider> credentials_;
  std::unique_ptr<SqsClient> client_;
  std::string name_;
  std::string url_;
};

TEST_F(SqsIntegration, AnEmptyQueueIsLongPolledForTheWaitTime) {
  auto queue = NewQueue();
  auto start = std::chrono::steady_clock::now();
  auto got = queue->Receive(10, 2, 30);
  auto waited = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_TRUE(got->empty());
  EXPECT_GE(waited, std::chrono::milliseconds(1800));
  EXPECT_LT(waited, std::chrono::seconds(10));
}

TEST_F(SqsIntegration, ReceiveExtendAndDeleteTwentyFive) {
  auto queue = NewQueue();
  Admin("send " + url_ + " 25 m");
  std::vector<QueueMessage> got = ReceiveAll(*queue, 25, 60);
  ASSERT_EQ(got.size(), 25u);
  std::set<std::string> bodies;
  std::vector<std::string> handles;
  for (const QueueMessage& m : got) {
    bodies.insert(m.body);
    handles.push_back(m.receipt_handle);
    EXPECT_EQ(m.receive_count, 1);
    EXPECT_FALSE(m.message_id.empty());
  }
  EXPECT_EQ(bodies.size(), 25u);
  EXPECT_TRUE(bodies.count("m-24"));
  Status extended = queue->ExtendVisibility(handles[0], 120);
  EXPECT_TRUE(extended.ok()) << extended.ToString();

  auto counts = queue->Counts();
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  EXPECT_EQ(counts->visible, 0u);
  EXPECT_EQ(counts->in_flight, 25u);
  EXPECT_FALSE(counts->has_dead_letter_queue);

  auto failures = queue->Delete(handles);  // 10 + 10 + 5
  ASSERT_TRUE(failures.ok()) << failures.status().ToString();
  EXPECT_TRUE(failures->empty());
  counts = queue->Counts();
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  EXPECT_EQ(counts->visible + counts->in_flight, 0u);
}

TEST_F(SqsIntegration, VisibilityZeroHandsTheMessageOutAgain) {
  auto queue = NewQueue();
  Admin("send " + url_ + " 1 v");
  auto first = ReceiveAll(*queue, 1, 300);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_TRUE(queue->Receive(10, 0, 300)->empty());  // hidden for 300 s
  ASSERT_TRUE(queue->ExtendVisibility(first[0].receipt_handle, 0).ok());
  auto again = ReceiveAll(*queue, 1, 300);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].message_id, first[0].message_id);
  EXPECT_EQ(again[0].receive_count, 2);
}

TEST_F(SqsIntegration, AMessageReceivedTooOftenReachesTheDeadLetterQueue) {
  auto queue = NewQueue(/*max_receive=*/1);
  Admin("send " + url_ + " 1 poison");
  auto first = ReceiveAll(*queue, 1, 1);
  ASSERT_EQ(first.size(), 1u);
  // Its 1 s visibility runs out: wait until the queue shows it visible again (bounded).
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (;;) {
    auto waiting = queue->Counts();
    ASSERT_TRUE(waiting.ok()) << waiting.status().ToString();
    if (waiting->visible == 1 && waiting->in_flight == 0) break;
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the message never became visible";
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  // The second receive exceeds maxReceiveCount=1: moto moves the message instead.
  auto second = queue->Receive(10, 1, 1);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_TRUE(second->empty());
  auto counts = queue->Counts();
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  EXPECT_TRUE(counts->has_dead_letter_queue);
  EXPECT_EQ(counts->dead_letter_visible, 1u);
  EXPECT_EQ(counts->visible + counts->in_flight, 0u);
}

TEST_F(SqsIntegration, AnInvalidReceiptHandleIsNotFound) {
  auto queue = NewQueue();
  Status s = queue->ExtendVisibility("not-a-receipt-handle", 30);
  EXPECT_EQ(s.code(), StatusCode::kNotFound) << s.ToString();
  auto failures = queue->Delete({"not-a-receipt-handle"});
  ASSERT_TRUE(failures.ok()) << failures.status().ToString();
  ASSERT_EQ(failures->size(), 1u);
  EXPECT_EQ((*failures)[0].status.code(), StatusCode::kNotFound)
      << (*failures)[0].status.ToString();
}

TEST_F(SqsIntegration, AMissingQueueSaysSo) {
  auto missing = ParseSqsQueueUrl(g_endpoint + "/123456789012/no-such-queue-here");
  ASSERT_TRUE(missing.ok());
  SqsMessageQueue queue(*client_, *missing);
  auto got = queue.Receive(1, 0, 30);
  EXPECT_EQ(got.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(got.status().message(), HasSubstr("no such queue"));
  EXPECT_THAT(got.status().message(), HasSubstr("no-such-queue-here"));
  EXPECT_EQ(queue.Counts().status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace s3proc

// Finds moto (the fixture's directory, or S3PROC_TEST_MOTO_ENDPOINT), or skips with 77.
int main(int argc, char** argv) {
  int exit_code = 0;
  auto moto = s3proc::testing::FindMotoFixture(&exit_code);
  if (!moto) return exit_code;
  s3proc::g_endpoint = moto->endpoint;
  s3proc::g_python = moto->python;
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
