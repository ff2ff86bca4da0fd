#include "aws/aws_request_loop.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "http/curl_http_client.h"
#include "testutil/counting_credentials.h"
#include "testutil/fake_http_client.h"
#include "testutil/tiny_http_server.h"

namespace s3proc {
namespace {

using testing::ServedReply;
using testing::ServedRequest;

AwsRequestLoopOptions NoWaiting() {
  AwsRequestLoopOptions options;
  options.service = "s3";
  options.sleep = [](std::chrono::milliseconds) {};
  return options;
}

AwsRequestLoop::Call GetCall(const std::string& url) {
  AwsRequestLoop::Call call;
  call.context = "GetThing " + url;
  call.build = [url](const AwsSigning& signing) -> Result<HttpRequest> {
    HttpRequest request;
    request.method = "GET";
    request.url = url;
    request.headers = {{"X-Amz-Date", signing.scope.amz_date}};
    return request;
  };
  call.on_error = [](const HttpResponse& response) {
    std::string code = response.body.starts_with("code:") ? response.body.substr(5) : "";
    return AwsServiceError{code, Status::InvalidArgument("refused: " + response.body)};
  };
  return call;
}

// Sixteen workers share one loop over the real HTTP client, as a run's workers share a
// client's: a third of the requests are first refused with a 503 and a seventh lose their
// connection, and every call still ends with its own answer.
// (The TSan build runs this: the event loop and the counters are where races would hide.)
TEST(AwsRequestLoopTest, ManyWorkersWithRetriesEachEndWithTheirOwnAnswer) {
  std::mutex mu;
  std::map<std::string, int> seen;  // target -> requests received
  std::atomic<int> refused{0};
  std::atomic<int> dropped{0};
  testing::TinyHttpServer server([&](const ServedRequest& request) {
    int n;
    {
      std::lock_guard<std::mutex> lock(mu);
      n = ++seen[request.target];
    }
    const int id = std::stoi(request.target.substr(request.target.rfind('/') + 1));
    if (n == 1 && id % 3 == 0) {
      ++refused;
      return ServedReply{ServedReply::Kind::kAnswer, 503, "code:SlowDown"};
    }
    if (n == 1 && id % 7 == 0) {
      ++dropped;
      return ServedReply{ServedReply::Kind::kDrop};
    }
    return ServedReply{ServedReply::Kind::kAnswer, 200, "answer " + request.target};
  });
  auto http = NewCurlHttpClient({});
  testing::CountingCredentials credentials;
  AwsRequestLoop loop(*http, credentials, NoWaiting());

  constexpr int kWorkers = 16;
  constexpr int kCallsPerWorker = 100;
  std::atomic<int> right{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < kWorkers; ++w) {
    workers.emplace_back([&, w] {
      for (int i = 0; i < kCallsPerWorker; ++i) {
        const std::string target = "/obj/" + std::to_string(w * kCallsPerWorker + i);
        Result<HttpResponse> response = loop.Execute(GetCall(server.url() + target));
        if (response.ok() && response->body == "answer " + target) ++right;
      }
    });
  }
  for (std::thread& t : workers) t.join();

  EXPECT_EQ(right.load(), kWorkers * kCallsPerWorker);
  const AwsClientStats stats = loop.stats();
  // Every 503 is retried by the loop. A dropped connection is too, unless curl itself sent the
  // request again on a fresh connection (it does when a reused connection dies before any
  // answer), which the loop never sees.
  EXPECT_GE(stats.retries, static_cast<uint64_t>(refused.load()));
  EXPECT_LE(stats.retries, static_cast<uint64_t>(refused.load() + dropped.load()));
  EXPECT_EQ(stats.requests, kWorkers * kCallsPerWorker + stats.retries);
}

TEST(AwsRequestLoopTest, AnAnswerTheServiceReadsAsDamagedIsRetried) {
  int sent = 0;
  testing::FakeHttpClient http([&](const HttpRequest&) -> Result<HttpResponse> {
    return testing::MakeHttpResponse(200, ++sent == 1 ? "garbled" : "fine");
  });
  testing::CountingCredentials credentials;
  AwsRequestLoop loop(http, credentials, NoWaiting());
  AwsRequestLoop::Call call = GetCall("http://x/y");
  call.on_success = [](const HttpResponse& response) {
    return response.body == "fine" ? Status::Ok() : Status::Transient("damaged");
  };
  Result<HttpResponse> response = loop.Execute(call);
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->body, "fine");
  EXPECT_EQ(loop.stats().retries, 1u);
}

TEST(AwsRequestLoopTest, ExpiredCredentialsAreRefreshedThenTheRequestIsRetried) {
  int sent = 0;
  testing::FakeHttpClient http([&](const HttpRequest&) -> Result<HttpResponse> {
    return ++sent == 1 ? testing::MakeHttpResponse(400, "code:ExpiredToken")
                       : testing::MakeHttpResponse(200, "ok");
  });
  testing::CountingCredentials credentials;
  AwsRequestLoop loop(http, credentials, NoWaiting());
  ASSERT_TRUE(loop.Execute(GetCall("http://x/y")).ok());
  EXPECT_EQ(credentials.invalidations, 1);
  EXPECT_EQ(loop.stats().credential_refreshes, 1u);
}

TEST(AwsRequestLoopTest, AFinalRefusalIsTheServicesOwnStatusAndIsNotRetried) {
  testing::FakeHttpClient http([](const HttpRequest&) -> Result<HttpResponse> {
    return testing::MakeHttpResponse(400, "code:InvalidArgument");
  });
  testing::CountingCredentials credentials;
  AwsRequestLoop loop(http, credentials, NoWaiting());
  Result<HttpResponse> response = loop.Execute(GetCall("http://x/y"));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().message(), "refused: code:InvalidArgument");
  EXPECT_EQ(http.request_count(), 1u);
}

TEST(AwsRequestLoopTest, ABuildErrorEndsTheCallWithoutSending) {
  testing::FakeHttpClient http(
      [](const HttpRequest&) -> Result<HttpResponse> { return testing::MakeHttpResponse(200); });
  testing::CountingCredentials credentials;
  AwsRequestLoop loop(http, credentials, NoWaiting());
  AwsRequestLoop::Call call = GetCall("http://x/y");
  call.build = [](const AwsSigning&) -> Result<HttpRequest> {
    return Status::IoError("cannot open the download");
  };
  Result<HttpResponse> response = loop.Execute(call);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().message(), "cannot open the download");
  EXPECT_EQ(http.request_count(), 0u);
}

}  // namespace
}  // namespace s3proc
