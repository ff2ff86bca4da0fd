#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "http/http_client.h"

namespace s3proc::testing {

// What a FakeHttpClient saw (the body is not kept: HttpBody may point at the caller's memory).
struct RecordedRequest {
  std::string method;
  std::string url;
  HttpHeaders headers;
  long timeout_ms = 0;

  // The first header named `name` (case-insensitive), or "" when absent.
  std::string HeaderValue(std::string_view name) const;
};

// An HttpClient that answers from a handler and records every request. Thread-safe: the handler
// is called under a mutex, so it may keep state without locking.
class FakeHttpClient : public HttpClient {
 public:
  using Handler = std::function<Result<HttpResponse>(const HttpRequest&)>;

  explicit FakeHttpClient(Handler handler) : handler_(std::move(handler)) {}

  Result<HttpResponse> Send(const HttpRequest& request) override;

  std::vector<RecordedRequest> requests() const;
  size_t request_count() const;

 private:
  mutable std::mutex mu_;
  Handler handler_;
  std::vector<RecordedRequest> requests_;
};

// A response with `status`, `body` and lower-cased `headers`.
HttpResponse MakeHttpResponse(long status, std::string body = "", HttpHeaders headers = {});

}  // namespace s3proc::testing
