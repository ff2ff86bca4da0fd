#include "testutil/fake_http_client.h"

namespace s3proc::testing {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

std::string RecordedRequest::HeaderValue(std::string_view name) const {
  std::string wanted = Lower(name);
  for (const auto& [key, value] : headers) {
    if (Lower(key) == wanted) return value;
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
  for (auto& [key, value] : headers) response.headers.emplace_back(Lower(key), std::move(value));
  return response;
}

}  // namespace s3proc::testing
