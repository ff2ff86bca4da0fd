#include "sqs/sqs_message_queue.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "sqs/sqs_test_support.h"

namespace s3proc {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using testing::MakeHttpResponse;

const char kUrl[] = "https://sqs.eu-west-1.amazonaws.com/123456789012/events";
const char kDlqUrl[] = "https://sqs.eu-west-1.amazonaws.com/123456789012/events-dlq";

// Answers by X-Amz-Target, so tests can say what each operation returns.
class SqsMessageQueueTest : public ::testing::Test {
 protected:
  SqsMessageQueueTest()
      : http_([this](const HttpRequest& request) -> Result<HttpResponse> {
          std::string target;
          for (const auto& [k, v] : request.headers) {
            if (k == "X-Amz-Target") target = v.substr(v.find('.') + 1);
          }
          json body = json::parse(request.body.data);
          calls_.push_back({target, body});
          return answer_(target, body);
        }),
        client_(http_, credentials_, sqs_testing::ScriptedSqs::Options()),
        queue_(client_, *ParseSqsQueueUrl(kUrl)) {}

  int Calls(const std::string& target) const {
    int n = 0;
    for (const auto& [t, body] : calls_) n += t == target;
    return n;
  }

  std::function<Result<HttpResponse>(const std::string&, const json&)> answer_ =
      [](const std::string&, const json&) -> Result<HttpResponse> {
    return MakeHttpResponse(200, "{}");
  };
  std::vector<std::pair<std::string, json>> calls_;
  sqs_testing::CountingCredentials credentials_;
  testing::FakeHttpClient http_;
  SqsClient client_;
  SqsMessageQueue queue_;
};

TEST_F(SqsMessageQueueTest, DeleteSplitsIntoBatchesOfTenAndCollectsFailures) {
  answer_ = [](const std::string&, const json& body) -> Result<HttpResponse> {
    if (body["Entries"].size() == 3) {  // the last batch: its second entry is stale
      return MakeHttpResponse(
          200, R"({"Failed":[{"Id":"1","SenderFault":true,"Code":"ReceiptHandleIsInvalid"}]})");
    }
    return MakeHttpResponse(200, "{}");
  };
  std::vector<std::string> handles;
  for (int i = 0; i < 23; ++i) handles.push_back("h" + std::to_string(i));
  auto failures = queue_.Delete(handles);
  ASSERT_TRUE(failures.ok()) << failures.status().ToString();
  ASSERT_EQ(calls_.size(), 3u);
  EXPECT_EQ(calls_[0].second["Entries"].size(), 10u);
  EXPECT_EQ(calls_[1].second["Entries"].size(), 10u);
  EXPECT_EQ(calls_[1].second["Entries"][0]["ReceiptHandle"], "h10");
  EXPECT_EQ(calls_[2].second["Entries"].size(), 3u);
  ASSERT_EQ(failures->size(), 1u);
  EXPECT_EQ((*failures)[0].receipt_handle, "h21");
  EXPECT_TRUE((*failures)[0].status.IsNotFound());
}

TEST_F(SqsMessageQueueTest, DeleteOfNothingSendsNothing) {
  auto failures = queue_.Delete({});
  ASSERT_TRUE(failures.ok());
  EXPECT_TRUE(calls_.empty());
}

TEST_F(SqsMessageQueueTest, ReceiveHandsOverTheMessages) {
  answer_ = [](const std::string&, const json&) -> Result<HttpResponse> {
    return MakeHttpResponse(200, R"({"Messages":[{"MessageId":"m","ReceiptHandle":"r",
        "Body":"b","Attributes":{"ApproximateReceiveCount":"2"}}]})");
  };
  auto messages = queue_.Receive(10, 5, 120);
  ASSERT_TRUE(messages.ok()) << messages.status().ToString();
  ASSERT_EQ(messages->size(), 1u);
  EXPECT_EQ((*messages)[0].receipt_handle, "r");
  EXPECT_EQ((*messages)[0].receive_count, 2);
  EXPECT_EQ(calls_[0].second["VisibilityTimeout"], 120);
  EXPECT_EQ(queue_.Describe(), kUrl);
}

// Without a visibility timeout of ours, none is sent: the queue's own applies.
TEST_F(SqsMessageQueueTest, ReceiveWithoutAVisibilityTimeoutSendsNone) {
  answer_ = [](const std::string&, const json&) -> Result<HttpResponse> {
    return MakeHttpResponse(200, "{}");
  };
  ASSERT_TRUE(queue_.Receive(10, 5, std::nullopt).ok());
  EXPECT_FALSE(calls_[0].second.contains("VisibilityTimeout")) << calls_[0].second.dump();
}

TEST_F(SqsMessageQueueTest, VisibilityTimeoutReadsTheQueuesAttribute) {
  answer_ = [](const std::string&, const json& body) -> Result<HttpResponse> {
    EXPECT_EQ(body["AttributeNames"], json::array({"VisibilityTimeout"}));
    return MakeHttpResponse(200, R"({"Attributes":{"VisibilityTimeout":"30"}})");
  };
  auto seconds = queue_.VisibilityTimeout();
  ASSERT_TRUE(seconds.ok()) << seconds.status().ToString();
  EXPECT_EQ(*seconds, 30);
  EXPECT_EQ(Calls("GetQueueAttributes"), 1);
}

TEST_F(SqsMessageQueueTest, CountsWithoutRedrivePolicy) {
  answer_ = [](const std::string&, const json&) -> Result<HttpResponse> {
    return MakeHttpResponse(200, R"({"Attributes":{"ApproximateNumberOfMessages":"5",
        "ApproximateNumberOfMessagesNotVisible":"2","ApproximateNumberOfMessagesDelayed":"1"}})");
  };
  auto counts = queue_.Counts();
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  EXPECT_EQ(counts->visible, 5u);
  EXPECT_EQ(counts->in_flight, 2u);
  EXPECT_EQ(counts->delayed, 1u);
  EXPECT_FALSE(counts->has_dead_letter_queue);
  EXPECT_EQ(Calls("GetQueueUrl"), 0);
}

TEST_F(SqsMessageQueueTest, CountsIncludeTheDeadLetterQueueLookedUpOnce) {
  answer_ = [](const std::string& target, const json& body) -> Result<HttpResponse> {
    if (target == "GetQueueUrl") {
      EXPECT_EQ(body["QueueName"], "events-dlq");
      EXPECT_EQ(body["QueueOwnerAWSAccountId"], "123456789012");
      return MakeHttpResponse(200, json({{"QueueUrl", kDlqUrl}}).dump());
    }
    if (body["QueueUrl"] == kDlqUrl) {
      return MakeHttpResponse(200, R"({"Attributes":{"ApproximateNumberOfMessages":"4"}})");
    }
    json policy = {{"deadLetterTargetArn", "arn:aws:sqs:eu-west-1:123456789012:events-dlq"},
                   {"maxReceiveCount", 5}};
    return MakeHttpResponse(
        200, json({{"Attributes",
                    {{"ApproximateNumberOfMessages", "1"}, {"RedrivePolicy", policy.dump()}}}})
                 .dump());
  };
  for (int i = 0; i < 2; ++i) {
    auto counts = queue_.Counts();
    ASSERT_TRUE(counts.ok()) << counts.status().ToString();
    EXPECT_EQ(counts->visible, 1u);
    EXPECT_TRUE(counts->has_dead_letter_queue);
    EXPECT_EQ(counts->dead_letter_visible, 4u);
  }
  EXPECT_EQ(Calls("GetQueueUrl"), 1);
  EXPECT_EQ(Calls("GetQueueAttributes"), 4);
}

TEST_F(SqsMessageQueueTest, ABadRedrivePolicyIsNamed) {
  answer_ = [](const std::string&, const json&) -> Result<HttpResponse> {
    return MakeHttpResponse(200, R"({"Attributes":{"RedrivePolicy":"{\"x\":1}"}})");
  };
  auto counts = queue_.Counts();
  EXPECT_EQ(counts.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(counts.status().message(),
              HasSubstr("the dead-letter queue of " + std::string(kUrl)));
}

TEST_F(SqsMessageQueueTest, ExtendVisibilityOfAStaleHandleIsNotFound) {
  answer_ = [](const std::string&, const json&) -> Result<HttpResponse> {
    return sqs_testing::SqsError(400, "ReceiptHandleIsInvalid", "ReceiptHandleIsInvalid", "x");
  };
  Status s = queue_.ExtendVisibility("stale", 60);
  EXPECT_TRUE(s.IsNotFound()) << s.ToString();
  EXPECT_EQ(calls_.at(0).second["VisibilityTimeout"], 60);
  EXPECT_EQ(calls_.at(0).second["ReceiptHandle"], "stale");
}

}  // namespace
}  // namespace s3proc
