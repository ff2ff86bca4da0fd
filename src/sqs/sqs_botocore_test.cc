// SqsClient's requests held against botocore's: for each operation, the body botocore's
// serializer makes of the same inputs, its protocol headers, its signed headers, and
// botocore's SigV4Auth of the very bytes and headers SqsClient sent (same clock, same
// credentials). The oracle is testutil/botocore_sqs_oracle.py; it needs a botocore that speaks
// SQS's JSON protocol (>= 1.31), such as the image's Python 3.11 (Debian's is older).

#include <gtest/gtest.h>
#include <stdio.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "sqs/sqs_client.h"
#include "sqs/sqs_test_support.h"
#include "testutil/source_dir.h"

namespace s3proc {
namespace {

using nlohmann::json;

std::string RunCommand(const std::string& cmd) {
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return "";
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) out.append(buf, n);
  return pclose(pipe) == 0 ? out : "";
}

// The first python3 whose botocore has SQS on the JSON protocol; "" when none.
std::string FindPython() {
  std::vector<std::string> candidates;
  if (const char* p = std::getenv("S3PROC_MOTO_PYTHON")) candidates.emplace_back(p);
  for (const char* p : {"/root/.pyenv/versions/3.11.7/bin/python3", "python3",
                        "/usr/local/bin/python3", "/usr/bin/python3"}) {
    candidates.emplace_back(p);
  }
  for (const std::string& p : candidates) {
    std::string probe = p +
                        " -c \"import botocore.session as s; print(s.get_session()"
                        ".get_service_model('sqs').protocol)\" 2>/dev/null";
    if (RunCommand(probe) == "json\n") return p;
  }
  return "";
}

struct Case {
  std::string name;
  std::string operation;
  json params;                           // what botocore is called with
  std::function<void(SqsClient&)> call;  // the same through SqsClient
  std::string token;
};

std::vector<Case> Cases() {
  const std::string url = "https://sqs.eu-west-1.amazonaws.com/123456789012/events";
  SqsQueueUrl q = *ParseSqsQueueUrl(url);
  return {
      {"receive",
       "ReceiveMessage",
       {{"QueueUrl", url},
        {"MaxNumberOfMessages", 10},
        {"WaitTimeSeconds", 20},
        {"VisibilityTimeout", 300},
        {"MessageSystemAttributeNames", {"ApproximateReceiveCount"}}},
       [q](SqsClient& c) { (void)c.ReceiveMessage(q, 10, 20, 300); },
       ""},
      {"receive with session token",
       "ReceiveMessage",
       {{"QueueUrl", url},
        {"MaxNumberOfMessages", 1},
        {"WaitTimeSeconds", 0},
        {"VisibilityTimeout", 30},
        {"MessageSystemAttributeNames", {"ApproximateReceiveCount"}}},
       [q](SqsClient& c) { (void)c.ReceiveMessage(q, 1, 0, 30); },
       "IQoJb3+tok/en=="},
      {"delete batch",
       "DeleteMessageBatch",
       {{"QueueUrl", url},
        {"Entries",
         {{{"Id", "0"}, {"ReceiptHandle", "AQEB+a/b=="}},
          {{"Id", "1"}, {"ReceiptHandle", "AQEB\"quoted\"\\"}}}}},
       [q](SqsClient& c) {
         (void)c.DeleteMessageBatch(q, {"AQEB+a/b==", "AQEB\"quoted\"\\"});
       },
       ""},
      {"change visibility",
       "ChangeMessageVisibility",
       {{"QueueUrl", url}, {"ReceiptHandle", "rh"}, {"VisibilityTimeout", 600}},
       [q](SqsClient& c) { (void)c.ChangeMessageVisibility(q, "rh", 600); },
       ""},
      {"queue attributes",
       "GetQueueAttributes",
       {{"QueueUrl", url},
        {"AttributeNames",
         {"ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
          "ApproximateNumberOfMessagesDelayed", "RedrivePolicy"}}},
       [q](SqsClient& c) {
         (void)c.GetQueueAttributes(
             q, {"ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
                 "ApproximateNumberOfMessagesDelayed", "RedrivePolicy"});
       },
       ""},
      {"queue url",
       "GetQueueUrl",
       {{"QueueName", "events-dlq"}, {"QueueOwnerAWSAccountId", "123456789012"}},
       [](SqsClient& c) { (void)c.GetQueueUrl("events-dlq", "123456789012"); },
       ""},
  };
}

TEST(SqsBotocoreTest, RequestsMatchBotocoresSerializerAndSigner) {
  const std::string python = FindPython();
  if (python.empty()) {
    const char* ci = std::getenv("CI");
    if (ci != nullptr && (std::string(ci) == "true" || std::string(ci) == "1")) {
      FAIL() << "no python3 with a JSON-protocol botocore (set S3PROC_MOTO_PYTHON)";
    }
    GTEST_SKIP() << "no python3 with a botocore that speaks SQS's JSON protocol";
  }
  json input = json::array();
  std::vector<Case> cases = Cases();
  for (const Case& c : cases) {
    sqs_testing::ScriptedSqs sqs;
    sqs_testing::CountingCredentials credentials(c.token);
    SqsClient client(sqs.http, credentials, sqs_testing::ScriptedSqs::Options());
    c.call(client);
    ASSERT_GE(sqs.http.request_count(), 1u) << c.name;
    auto sent = sqs.http.requests()[0];
    json headers = json::array();
    for (const auto& [k, v] : sent.headers) headers.push_back({k, v});
    input.push_back({{"name", c.name},
                     {"operation", c.operation},
                     {"params", c.params},
                     {"region", "eu-west-1"},
                     {"endpoint", "https://sqs.eu-west-1.amazonaws.com"},
                     {"amz_date", "20261128T160406Z"},
                     {"access_key", "AKIDEXAMPLE"},
                     {"secret_key", "secret-0"},
                     {"token", c.token.empty() ? "" : c.token + "0"},
                     {"ours",
                      {{"url", sent.url},
                       {"headers", headers},
                       {"body", sqs.bodies[0]},
                       {"authorization", sent.HeaderValue("Authorization")}}}});
  }
  char path[] = "/tmp/s3proc-sqs-oracle-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  std::ofstream(path) << input.dump();
  std::string out =
      RunCommand(python + " " + testing::SourceDir() + "/testutil/botocore_sqs_oracle.py " + path);
  unlink(path);
  json oracle = json::parse(out, nullptr, false);
  ASSERT_TRUE(oracle.is_array()) << "the oracle failed; output: " << out;
  ASSERT_EQ(oracle.size(), input.size());
  for (size_t i = 0; i < oracle.size(); ++i) {
    const json& ours = input[i]["ours"];
    const json& theirs = oracle[i];
    SCOPED_TRACE(theirs["name"].get<std::string>());
    EXPECT_EQ(ours["url"], theirs["url"]);
    EXPECT_EQ(json::parse(ours["body"].get<std::string>()), theirs["body"]);
    for (const auto& [name, value] : theirs["headers"].items()) {
      bool found = false;
      for (const auto& h : ours["headers"]) found |= h[0] == name && h[1] == value;
      EXPECT_TRUE(found) << "botocore sends " << name << ": " << value;
    }
    std::string authorization = ours["authorization"];
    EXPECT_EQ(authorization, theirs["authorization"]);
    EXPECT_NE(
        authorization.find("SignedHeaders=" + theirs["signed_headers"].get<std::string>() + ","),
        std::string::npos)
        << authorization;
  }
}

}  // namespace
}  // namespace s3proc
