#include "sqs/sqs_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "sqs/sqs_test_support.h"

namespace s3proc {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using sqs_testing::CountingCredentials;
using sqs_testing::SqsError;
using testing::MakeHttpResponse;

const char kUrl[] = "https://sqs.eu-west-1.amazonaws.com/123456789012/events";

SqsQueueUrl Queue() { return *ParseSqsQueueUrl(kUrl); }

class SqsClientTest : public ::testing::Test {
 protected:
  SqsClientTest() : client_(sqs_.http, credentials_, sqs_testing::ScriptedSqs::Options()) {}

  sqs_testing::ScriptedSqs sqs_;
  CountingCredentials credentials_{"token-"};
  SqsClient client_;
};

TEST_F(SqsClientTest, ReceiveParsesMessagesAndTheirReceiveCount) {
  sqs_.Answer({MakeHttpResponse(200, R"({"Messages":[
      {"MessageId":"m1","ReceiptHandle":"rh1","MD5OfBody":"x","Body":"{\"Records\":[]}",
       "Attributes":{"ApproximateReceiveCount":"3"}},
      {"MessageId":"m2","ReceiptHandle":"rh2","Body":"b"}]})")});
  auto messages = client_.ReceiveMessage(Queue(), 10, 20, 300);
  ASSERT_TRUE(messages.ok()) << messages.status().ToString();
  ASSERT_EQ(messages->size(), 2u);
  EXPECT_EQ((*messages)[0].message_id, "m1");
  EXPECT_EQ((*messages)[0].receipt_handle, "rh1");
  EXPECT_EQ((*messages)[0].body, "{\"Records\":[]}");
  EXPECT_EQ((*messages)[0].receive_count, 3);
  EXPECT_EQ((*messages)[1].receive_count, 1);  // SQS omitted it: this is the first delivery
}

TEST_F(SqsClientTest, ReceiveSendsTheJsonProtocolAndOutwaitsTheLongPoll) {
  sqs_.Answer({MakeHttpResponse(200, "{}")});
  auto messages = client_.ReceiveMessage(Queue(), 10, 20, 300);
  ASSERT_TRUE(messages.ok()) << messages.status().ToString();
  EXPECT_TRUE(messages->empty());
  auto request = sqs_.http.requests().at(0);
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.url, "https://sqs.eu-west-1.amazonaws.com/");
  EXPECT_EQ(request.HeaderValue("X-Amz-Target"), "AmazonSQS.ReceiveMessage");
  EXPECT_EQ(request.HeaderValue("Content-Type"), "application/x-amz-json-1.0");
  EXPECT_EQ(request.HeaderValue("x-amz-content-sha256"), "");  // SQS does not send it
  EXPECT_THAT(request.HeaderValue("Authorization"), HasSubstr("/eu-west-1/sqs/aws4_request"));
  EXPECT_GT(request.timeout_ms, 20000);
  auto body = nlohmann::json::parse(sqs_.bodies.at(0));
  EXPECT_EQ(body["QueueUrl"], kUrl);
  EXPECT_EQ(body["WaitTimeSeconds"], 20);
}

TEST_F(SqsClientTest, DeleteBatchReturnsEachRefusedEntry) {
  sqs_.Answer({MakeHttpResponse(200, R"({"Successful":[{"Id":"0"},{"Id":"2"}],
      "Failed":[{"Id":"1","SenderFault":true,"Code":"ReceiptHandleIsInvalid",
                 "Message":"The input receipt handle is invalid."}]})")});
  auto failures = client_.DeleteMessageBatch(Queue(), {"a", "b", "c"});
  ASSERT_TRUE(failures.ok()) << failures.status().ToString();
  ASSERT_EQ(failures->size(), 1u);
  EXPECT_EQ((*failures)[0].index, 1u);
  EXPECT_EQ((*failures)[0].receipt_handle, "b");
  EXPECT_EQ((*failures)[0].status.code(), StatusCode::kNotFound);
  EXPECT_THAT((*failures)[0].status.message(),
              HasSubstr("DeleteMessageBatch " + std::string(kUrl) +
                        ": entry 1: ReceiptHandleIsInvalid: The input receipt handle is invalid."));
  auto body = nlohmann::json::parse(sqs_.bodies.at(0));
  EXPECT_EQ(body["Entries"][2]["ReceiptHandle"], "c");
  EXPECT_EQ(body["Entries"][2]["Id"], "2");
}

TEST_F(SqsClientTest, DeleteBatchOfElevenIsRefusedBeforeSending) {
  auto failures = client_.DeleteMessageBatch(Queue(), std::vector<std::string>(11, "h"));
  EXPECT_EQ(failures.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(sqs_.http.request_count(), 0u);
}

TEST_F(SqsClientTest, NoSuchQueueSaysSoWithCodeAndRequestId) {
  sqs_.Answer({SqsError(400, "QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue",
                        "The specified queue does not exist.")});
  auto messages = client_.ReceiveMessage(Queue(), 10, 0, 30);
  EXPECT_EQ(messages.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(messages.status().message(),
            "ReceiveMessage " + std::string(kUrl) +
                ": QueueDoesNotExist (400, request id req-42): The specified queue does not "
                "exist.: no such queue: check --queue-url (and that its region matches the "
                "endpoint's)");
  EXPECT_EQ(sqs_.http.request_count(), 1u);  // not retried
}

TEST_F(SqsClientTest, AccessDeniedNamesTheIamActionOnTheQueueArn) {
  sqs_.Answer({SqsError(403, "AccessDenied", "AccessDenied", "not authorized")});
  Status s = client_.ChangeMessageVisibility(Queue(), "rh", 60);
  EXPECT_EQ(s.code(), StatusCode::kAccessDenied);
  EXPECT_THAT(s.message(), HasSubstr("AccessDenied (403, request id req-42)"));
  EXPECT_THAT(s.message(), HasSubstr("the credentials need sqs:ChangeMessageVisibility on "
                                     "arn:aws:sqs:eu-west-1:123456789012:events"));
  EXPECT_EQ(sqs_.http.request_count(), 1u);
}

TEST_F(SqsClientTest, AnswerWithoutBodyGetsACodeFromTheStatus) {
  sqs_.Answer({MakeHttpResponse(403, "<html>Forbidden</html>")});
  auto attributes = client_.GetQueueAttributes(Queue(), {"ApproximateNumberOfMessages"});
  EXPECT_EQ(attributes.status().code(), StatusCode::kAccessDenied);
  EXPECT_THAT(attributes.status().message(),
              HasSubstr(": Forbidden (403): the credentials need sqs:GetQueueAttributes on "
                        "arn:aws:sqs:eu-west-1:123456789012:events"));
}

TEST_F(SqsClientTest, ThrottlingIsRetriedThenSucceeds) {
  sqs_.Answer({SqsError(400, "ThrottlingException", "ThrottlingException", "Rate exceeded"),
               MakeHttpResponse(200, R"({"Attributes":{"ApproximateNumberOfMessages":"7"}})")});
  auto attributes = client_.GetQueueAttributes(Queue(), {"ApproximateNumberOfMessages"});
  ASSERT_TRUE(attributes.ok()) << attributes.status().ToString();
  EXPECT_EQ(attributes->at("ApproximateNumberOfMessages"), "7");
  EXPECT_EQ(sqs_.http.request_count(), 2u);
  EXPECT_EQ(client_.stats().retries, 1u);
}

TEST_F(SqsClientTest, ExpiredTokenRefreshesTheCredentialsThenRetries) {
  sqs_.Answer({SqsError(403, "ExpiredToken", "ExpiredToken", "The security token expired"),
               MakeHttpResponse(200, "{}")});
  Status s = client_.ChangeMessageVisibility(Queue(), "rh", 60);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(credentials_.invalidations, 1);
  EXPECT_EQ(client_.stats().credential_refreshes, 1u);
  auto requests = sqs_.http.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].HeaderValue("X-Amz-Security-Token"), "token-0");
  EXPECT_EQ(requests[1].HeaderValue("X-Amz-Security-Token"), "token-1");
}

TEST_F(SqsClientTest, ServerErrorsAreRetriedAndEndTransient) {
  sqs_.Answer({SqsError(500, "InternalFailure", "", "oops"), MakeHttpResponse(200, "{}")});
  EXPECT_TRUE(client_.ChangeMessageVisibility(Queue(), "rh", 60).ok());
  EXPECT_EQ(sqs_.http.request_count(), 2u);

  sqs_.Answer({MakeHttpResponse(503, "")});
  Status s = client_.ChangeMessageVisibility(Queue(), "rh", 60);
  EXPECT_EQ(s.code(), StatusCode::kTransient);
  EXPECT_THAT(s.message(), HasSubstr("ServiceUnavailable (503)"));
  EXPECT_EQ(sqs_.http.request_count(), 2u + 5u);  // RetryPolicy's default: 5 attempts
}

TEST_F(SqsClientTest, TransportTimeoutIsRetried) {
  sqs_.Answer({Status::Transient("timed out after 35000 ms"), MakeHttpResponse(200, "{}")});
  auto messages = client_.ReceiveMessage(Queue(), 1, 20, 30);
  ASSERT_TRUE(messages.ok()) << messages.status().ToString();
  EXPECT_EQ(sqs_.http.request_count(), 2u);

  sqs_.Answer({Status::Transient("connection reset")});
  Status s = client_.ChangeMessageVisibility(Queue(), "rh", 60);
  EXPECT_EQ(s.code(), StatusCode::kTransient);
  EXPECT_EQ(s.message(), "ChangeMessageVisibility " + std::string(kUrl) +
                             " (after 5 attempts): connection reset");
}

TEST_F(SqsClientTest, AnswerThatIsNotJsonIsRetriedThenNamed) {
  sqs_.Answer({MakeHttpResponse(200, "<html>captive portal</html>", {{"x-amzn-RequestId", "r9"}}),
               MakeHttpResponse(200, R"({"QueueUrl":"https://sqs.eu-west-1.amazonaws.com/1/d"})")});
  auto url = client_.GetQueueUrl("d", "123456789012");
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_EQ(*url, "https://sqs.eu-west-1.amazonaws.com/1/d");

  sqs_.Answer({MakeHttpResponse(200, "{\"Messages\": [")});
  auto messages = client_.ReceiveMessage(Queue(), 1, 0, 30);
  EXPECT_EQ(messages.status().code(), StatusCode::kTransient);
  EXPECT_THAT(messages.status().message(),
              HasSubstr("ReceiveMessage " + std::string(kUrl) + " (after 5 attempts): the "
                        "answer (200, 14 bytes) is not SQS's JSON"));
}

TEST_F(SqsClientTest, MessageWithoutReceiptHandleIsAnUnexpectedAnswer) {
  sqs_.Answer({MakeHttpResponse(200, R"({"Messages":[{"MessageId":"m","Body":"b"}]})")});
  auto messages = client_.ReceiveMessage(Queue(), 1, 0, 30);
  EXPECT_EQ(messages.status().code(), StatusCode::kTransient);
  EXPECT_THAT(messages.status().message(), HasSubstr("a message without a ReceiptHandle"));
}

TEST_F(SqsClientTest, StaleReceiptHandleIsNotFound) {
  sqs_.Answer({SqsError(400, "ReceiptHandleIsInvalid", "ReceiptHandleIsInvalid", "expired")});
  Status s = client_.ChangeMessageVisibility(Queue(), "rh", 60);
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(sqs_.http.request_count(), 1u);
}

TEST_F(SqsClientTest, NoSecretTokenOrSignatureInAnyMessage) {
  sqs_.Answer({SqsError(403, "SignatureDoesNotMatch", "SignatureDoesNotMatch", "bad sig")});
  Status s = client_.ChangeMessageVisibility(Queue(), "rh", 60);
  EXPECT_EQ(s.code(), StatusCode::kAccessDenied);
  std::string authorization = sqs_.http.requests().at(0).HeaderValue("Authorization");
  std::string signature = authorization.substr(authorization.find("Signature=") + 10);
  EXPECT_THAT(s.message(), Not(HasSubstr("secret-0")));
  EXPECT_THAT(s.message(), Not(HasSubstr("token-0")));
  EXPECT_THAT(s.message(), Not(HasSubstr(signature)));
  EXPECT_THAT(s.message(), HasSubstr("check AWS_SECRET_ACCESS_KEY"));
}

TEST_F(SqsClientTest, GetQueueUrlSendsTheOwnerOnlyWhenGiven) {
  sqs_.Answer({MakeHttpResponse(200, R"({"QueueUrl":"u"})")});
  ASSERT_TRUE(client_.GetQueueUrl("dlq", "").ok());
  ASSERT_TRUE(client_.GetQueueUrl("dlq", "123456789012").ok());
  EXPECT_EQ(nlohmann::json::parse(sqs_.bodies.at(0)), nlohmann::json({{"QueueName", "dlq"}}));
  EXPECT_EQ(nlohmann::json::parse(sqs_.bodies.at(1))["QueueOwnerAWSAccountId"], "123456789012");
}

}  // namespace
}  // namespace s3proc
