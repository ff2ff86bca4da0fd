#include "aws/imds_client.h"

#include <thread>
#include <utility>

namespace s3proc {
namespace {

constexpr std::string_view kTokenPath = "/latest/api/token";

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

}  // namespace

ImdsClient::ImdsClient(ImdsOptions options) : options_(std::move(options)) {
  std::optional<std::string> disabled = options_.env("AWS_EC2_METADATA_DISABLED");
  disabled_ = disabled && EqualsIgnoreCase(*disabled, "true");
  if (std::optional<std::string> endpoint = options_.env("AWS_EC2_METADATA_SERVICE_ENDPOINT")) {
    endpoint_ = *endpoint;
  } else if (std::optional<std::string> mode =
                 options_.env("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");
             mode && EqualsIgnoreCase(*mode, "ipv6")) {
    endpoint_ = "http://[fd00:ec2::254]";
  } else {
    endpoint_ = "http://169.254.169.254";
  }
  while (!endpoint_.empty() && endpoint_.back() == '/') endpoint_.pop_back();
  if (options_.max_attempts < 1) options_.max_attempts = 1;
}

void ImdsClient::ResetToken() {
  std::lock_guard<std::mutex> lock(mu_);
  token_.clear();
}

Result<HttpResponse> ImdsClient::SendWithRetries(HttpRequest request) {
  request.timeout_ms = options_.request_timeout_ms;
  Result<HttpResponse> response = Status::Internal("IMDSv2: no attempt made");
  for (int attempt = 1; attempt <= options_.max_attempts; ++attempt) {
    if (attempt > 1 && options_.retry_delay.count() > 0) {
      std::this_thread::sleep_for(options_.retry_delay);
    }
    response = options_.http->Send(request);
    bool retryable = response.ok() ? response->status >= 500 : response.status().IsTransient();
    if (!retryable) break;
  }
  return response;
}

Result<std::string> ImdsClient::TokenLocked() {
  auto now = options_.now();
  if (!token_.empty() && now < token_refresh_at_) return token_;
  token_.clear();
  HttpRequest request;
  request.method = "PUT";
  request.url = endpoint_ + std::string(kTokenPath);
  request.headers.emplace_back("X-aws-ec2-metadata-token-ttl-seconds",
                               std::to_string(options_.token_ttl.count()));
  std::string what = "IMDSv2: PUT " + request.url;
  Result<HttpResponse> response = SendWithRetries(std::move(request));
  if (!response.ok()) {
    if (!response.status().IsTransient()) return response.status().WithContext(what);
    return Status::NotFound(what + " failed (" + response.status().message() +
                            "): not running on EC2, or (in a container) the instance's "
                            "metadata hop limit is too low");
  }
  long status = response->status;
  if (status == 403) {
    return Status::NotFound(what +
                            " returned 403: the instance metadata service is disabled "
                            "on this instance");
  }
  if (status == 404 || status == 405) {
    return Status::NotFound(what + " returned " + std::to_string(status) +
                            ": this endpoint does not serve IMDSv2 tokens");
  }
  if (status >= 500) {
    return Status::Transient(what + " returned " + std::to_string(status) + " " +
                             std::to_string(options_.max_attempts) + " times");
  }
  if (status != 200 || response->body.empty()) {
    return Status::Internal(what + " returned " + std::to_string(status) +
                            (response->body.empty() ? " with an empty token" : ""));
  }
  // Renew a minute before the TTL ends (half-way for very short TTLs), so a token never expires
  // between our check and IMDS's.
  std::chrono::seconds ttl = options_.token_ttl;
  std::string_view ttl_header = response->Header("x-aws-ec2-metadata-token-ttl-seconds");
  if (!ttl_header.empty()) {
    long long value = 0;
    bool digits = true;
    for (char c : ttl_header) {
      if (c < '0' || c > '9') {
        digits = false;
        break;
      }
      value = value * 10 + (c - '0');
      if (value > 1000000) break;
    }
    if (digits && value > 0 && value < ttl.count()) ttl = std::chrono::seconds(value);
  }
  std::chrono::seconds margin =
      ttl >= std::chrono::seconds(120) ? std::chrono::seconds(60) : ttl / 2;
  token_ = response->body;
  token_refresh_at_ = now + ttl - margin;
  return token_;
}

Result<HttpResponse> ImdsClient::Get(std::string_view path) {
  if (disabled_) {
    return Status::NotFound("IMDSv2: disabled by AWS_EC2_METADATA_DISABLED=true");
  }
  if (endpoint_.rfind("http://", 0) != 0 && endpoint_.rfind("https://", 0) != 0) {
    return Status::InvalidArgument("IMDSv2: AWS_EC2_METADATA_SERVICE_ENDPOINT (" + endpoint_ +
                                   ") is not an http:// or https:// URL");
  }
  std::lock_guard<std::mutex> lock(mu_);
  for (int round = 0; round < 2; ++round) {
    S3PROC_ASSIGN_OR_RETURN(std::string token, TokenLocked());
    HttpRequest request;
    request.method = "GET";
    request.url = endpoint_ + std::string(path);
    request.headers.emplace_back("X-aws-ec2-metadata-token", std::move(token));
    std::string what = "IMDSv2: GET " + request.url;
    Result<HttpResponse> response = SendWithRetries(std::move(request));
    if (!response.ok()) return response.status().WithContext(what);
    if (response->status >= 500) {
      return Status::Transient(what + " returned " + std::to_string(response->status) + " " +
                               std::to_string(options_.max_attempts) + " times");
    }
    // A 401 means our token is no longer accepted (IMDS restarted, or its TTL was shortened):
    // fetch a new one and try once more.
    if (response->status == 401 && round == 0) {
      token_.clear();
      continue;
    }
    return response;
  }
  return Status::Internal("IMDSv2: unreachable");
}

}  // namespace s3proc
