#pragma once

// Shared by the sqs unit tests: scripted answers over a FakeHttpClient, credentials that count
// refreshes, and SQS's error answers as the JSON protocol sends them.

#include <chrono>
#include <deque>
#include <string>
#include <vector>

#include "aws/credentials.h"
#include "sqs/sqs_client.h"
#include "testutil/counting_credentials.h"
#include "testutil/fake_http_client.h"

namespace s3proc::sqs_testing {

using testing::CountingCredentials;

// 20261128T160406Z, the date the botocore oracles sign at.
inline std::chrono::system_clock::time_point PinnedNow() {
  return std::chrono::system_clock::time_point(std::chrono::seconds(1795881846));
}

// An SQS JSON-protocol error answer, with the query-compatible header SQS adds.
inline HttpResponse SqsError(long status, std::string_view type, std::string_view query_code,
                             std::string_view message = "") {
  std::string body = std::string("{\"__type\":\"com.amazonaws.sqs#") + std::string(type) +
                     "\",\"message\":\"" + std::string(message) + "\"}";
  HttpHeaders headers = {{"x-amzn-RequestId", "req-42"}};
  if (!query_code.empty()) {
    headers.emplace_back("x-amzn-query-error", std::string(query_code) + ";Sender");
  }
  return testing::MakeHttpResponse(status, body, headers);
}

// Answers each request with the next scripted response (the last one repeats) and keeps every
// request body (FakeHttpClient does not: a body may point at the caller's memory).
struct ScriptedSqs {
  ScriptedSqs()
      : http([this](const HttpRequest& request) -> Result<HttpResponse> {
          bodies.emplace_back(request.body.data);
          Result<HttpResponse> next = script.front();
          if (script.size() > 1) script.pop_front();
          return next;
        }) {}

  void Answer(std::initializer_list<Result<HttpResponse>> responses) { script = responses; }

  static SqsClientOptions Options(std::string endpoint = "https://sqs.eu-west-1.amazonaws.com") {
    SqsClientOptions o;
    o.endpoint = std::move(endpoint);
    o.region = "eu-west-1";
    o.now = PinnedNow;
    o.sleep = [](std::chrono::milliseconds) {};
    return o;
  }

  std::deque<Result<HttpResponse>> script{testing::MakeHttpResponse(200, "{}")};
  std::vector<std::string> bodies;
  testing::FakeHttpClient http;
};

}  // namespace s3proc::sqs_testing
