#include "http/curl_http_client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "testutil/temp_dir.h"
#include "testutil/tiny_http_server.h"

namespace s3proc {
namespace {

using testing::ServedReply;
using testing::ServedRequest;
using testing::TinyHttpServer;

// Answers every request with what it was: "METHOD TARGET BODY", so a caller can tell its own
// answer from another's.
ServedReply Echo(const ServedRequest& request) {
  return {ServedReply::Kind::kAnswer, 200,
          request.method + " " + request.target + " " + request.body};
}

std::unique_ptr<HttpClient> Client(long request_timeout_ms = 0) {
  CurlHttpClientOptions options;
  options.request_timeout_ms = request_timeout_ms;
  return NewCurlHttpClient(options);
}

HttpRequest Request(const std::string& method, const std::string& url) {
  HttpRequest request;
  request.method = method;
  request.url = url;
  return request;
}

// Many threads share one client, as a run's workers do: every request gets its own answer,
// whether its body comes from memory or a file and whether its answer goes to memory or a sink,
// and the connections are reused rather than opened per request.
TEST(CurlHttpClientTest, ManyThreadsEachGetTheirOwnAnswersOverReusedConnections) {
  TinyHttpServer server(Echo);
  auto http = Client();
  testing::TempDir dir;
  const std::string file = dir.WriteFile("body", "0123456789abcdef");
  constexpr int kThreads = 16;
  constexpr int kRequestsPerThread = 150;
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRequestsPerThread; ++i) {
        const std::string target = "/t" + std::to_string(t) + "/r" + std::to_string(i);
        std::string expected;
        HttpRequest request;
        std::string sunk;
        const std::string memory_body = "body-" + std::to_string(t * 1000 + i);
        switch (i % 3) {
          case 0:  // a GET whose answer is streamed to a sink
            request = Request("GET", server.url() + target);
            request.body_sink = [&](std::string_view chunk) {
              sunk.append(chunk);
              return Status::Ok();
            };
            expected = "GET " + target + " ";
            break;
          case 1:  // a PUT from memory
            request = Request("PUT", server.url() + target);
            request.body.data = memory_body;
            expected = "PUT " + target + " " + memory_body;
            break;
          default:  // a PUT of a file's byte range
            request = Request("PUT", server.url() + target);
            request.body.file_path = file;
            request.body.file_offset = 4;
            request.body.file_length = 6;
            expected = "PUT " + target + " 456789";
            break;
        }
        Result<HttpResponse> response = http->Send(request);
        const std::string& got = request.body_sink ? sunk : response->body;
        if (!response.ok() || response->status != 200 || got != expected) ++wrong;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
  // 2,400 requests; at most one connection per request in flight at once, and some slack for
  // connections the server's threads were slow to hand back.
  EXPECT_LE(server.connections(), 4 * kThreads);
}

// A connection that dies under one request fails that request alone (kTransient, so the
// request loop retries it); the requests beside it, on the same client, are answered.
TEST(CurlHttpClientTest, AConnectionDroppedUnderOneRequestFailsOnlyThatRequest) {
  TinyHttpServer server([](const ServedRequest& request) {
    if (request.target.starts_with("/drop")) return ServedReply{ServedReply::Kind::kDrop};
    return Echo(request);
  });
  auto http = Client();
  std::atomic<int> dropped_failed{0};
  std::atomic<int> others_answered{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        const bool drop = (t + i) % 5 == 0;
        const std::string target = (drop ? "/drop/" : "/keep/") + std::to_string(t * 100 + i);
        Result<HttpResponse> response = http->Send(Request("GET", server.url() + target));
        if (drop && !response.ok() && response.status().IsTransient()) ++dropped_failed;
        if (!drop && response.ok() && response->body == "GET " + target + " ") ++others_answered;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(dropped_failed.load(), 80);
  EXPECT_EQ(others_answered.load(), 320);
}

// A server that never answers is cut off by the request's timeout while another request on the
// same client (so on the same event loop) is answered.
TEST(CurlHttpClientTest, AnUnansweredRequestTimesOutWithoutHoldingUpOthers) {
  std::atomic<int> hung{0};
  auto server = std::make_unique<TinyHttpServer>([&](const ServedRequest& request) {
    if (request.target == "/hang") {
      ++hung;
      return ServedReply{ServedReply::Kind::kHang};
    }
    return Echo(request);
  });
  const std::string url = server->url();
  auto http = Client();
  HttpRequest hang = Request("GET", url + "/hang");
  hang.timeout_ms = 60000;
  Result<HttpResponse> hung_response = Status::Internal("not sent");
  std::thread waiting([&] { hung_response = http->Send(hang); });
  while (hung.load() == 0) std::this_thread::yield();
  // The loop is serving the hung transfer: these must still be answered.
  for (int i = 0; i < 20; ++i) {
    Result<HttpResponse> response = http->Send(Request("GET", url + "/ok"));
    EXPECT_EQ(response.ok() ? response->body : response.status().message(), "GET /ok ");
  }
  HttpRequest short_hang = Request("GET", url + "/hang");
  short_hang.timeout_ms = 200;
  Result<HttpResponse> timed_out = http->Send(short_hang);
  EXPECT_TRUE(!timed_out.ok() && timed_out.status().IsTransient());
  server.reset();  // closes the hung connection: the first request ends too
  waiting.join();
  EXPECT_FALSE(hung_response.ok());
}

// A sink that refuses a chunk ends its transfer with the sink's own error.
TEST(CurlHttpClientTest, ASinkErrorEndsTheTransferWithThatError) {
  TinyHttpServer server(Echo);
  auto http = Client();
  HttpRequest request = Request("GET", server.url() + "/x");
  request.body_sink = [](std::string_view) { return Status::IoError("disk full"); };
  Result<HttpResponse> response = http->Send(request);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().message(), "disk full");
  // The client goes on serving.
  Result<HttpResponse> next = http->Send(Request("GET", server.url() + "/y"));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->body, "GET /y ");
}

}  // namespace
}  // namespace s3proc
