#include "testutil/fake_http_client.h"

#include "common/ascii.h"

namespace s3proc::testing {

std::string RecordedRequest::HeaderValue(std::string_view name) const {
  std::string wanted = AsciiLower(name);
  for (const auto& [key, value] : headers) {
    if (AsciiLower(key) == wanted) return value;
  }
  return "";
}

Result<HttpResponse> FakeHttpClient::Send(const HttpRequest& request) {
  std::lock_guard<std::mutex> lock(mu_);
  requests_.push_back({request.method, request.url, request.headers, request.timeout_ms});
  return handler_(request);
}

std::vector<RecordedRequest> FakeHttpClient::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

size_t FakeHttpClient::request_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_.size();
}

HttpResponse MakeHttpResponse(long status, std::string body, HttpHeaders headers) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  for (auto& [key, value] : headers)
    response.headers.emplace_back(AsciiLower(key), std::move(value));
  return response;
}

}  // namespace s3proc::testing
