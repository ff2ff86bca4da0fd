#include "s3/s3_client.h"

#include <array>
#include <atomic>
#include <mutex>
#include <thread>

#include "aws/signing_key_cache.h"
#include "aws/sigv4.h"
#include "aws/uri_encode.h"
#include "common/hash.h"
#include "s3/s3_request.h"
#include "s3/s3_xml.h"

namespace s3proc {

struct S3Client::Counters : ClientCounters {};

namespace {

struct Endpoint {
  std::string scheme;     // "http" / "https"
  std::string authority;  // "host[:port]"
};

Endpoint ParseEndpoint(const std::string& url) {
  Endpoint e;
  size_t sep = url.find("://");
  e.scheme = sep == std::string::npos ? "https" : url.substr(0, sep);
  std::string rest = sep == std::string::npos ? url : url.substr(sep + 3);
  size_t slash = rest.find('/');
  e.authority = slash == std::string::npos ? rest : rest.substr(0, slash);
  return e;
}

void DefaultSleep(std::chrono::milliseconds d) { std::this_thread::sleep_for(d); }

}  // namespace

S3Client::S3Client(HttpClient& http, CredentialsProvider& credentials, S3ClientOptions options)
    : http_(http),
      credentials_(credentials),
      options_(std::move(options)),
      counters_(std::make_unique<Counters>()) {}

S3Client::~S3Client() = default;

S3ClientStats S3Client::stats() const {
  return {counters_->requests.load(), counters_->retries.load(),
          counters_->credential_refreshes.load()};
}

Result<HttpResponse> S3Client::Execute(const Request& r) {
  const Endpoint endpoint = ParseEndpoint(options_.endpoint);
  // Bucket names with dots do not match the wildcard certificate of virtual-hosted endpoints.
  const bool path_style =
      options_.path_style || r.bucket.empty() || r.bucket.find('.') != std::string::npos;
  std::string host = endpoint.authority;
  std::string path;
  if (path_style) {
    path = "/" + r.bucket;
    if (!r.key.empty()) path += "/" + r.key;
  } else {
    host = r.bucket + "." + endpoint.authority;
    path = "/" + r.key;
  }
  const std::string encoded_path = UriEncode(path, /*keep_slash=*/true);
  const std::string query = CanonicalQueryString(r.query);
  std::string url = endpoint.scheme + "://" + host + encoded_path;
  if (!query.empty()) url += "?" + query;
  const std::string payload_sha256 =
      r.payload_sha256.empty() ? Sha256Hex(r.body.data) : r.payload_sha256;

  const auto sleep = options_.sleep ? options_.sleep : DefaultSleep;
  for (int attempt = 1;; ++attempt) {
    auto credentials = credentials_.GetCredentials();
    if (!credentials.ok()) {
      return credentials.status().WithContext(std::string(r.op.operation) + " " +
                                              S3Uri(r.bucket, r.key) + ": no credentials");
    }

    SigV4Request to_sign;
    to_sign.method = r.method;
    to_sign.encoded_path = encoded_path;
    to_sign.query = r.query;
    to_sign.headers = r.headers;
    to_sign.headers.emplace_back("host", host);
    to_sign.payload_sha256 = payload_sha256;
    SigV4Scope scope{options_.region, "s3", FormatAmzDate(options_.now())};
    AddSigV4Headers(to_sign, *credentials, scope);
    SigV4Signature signature = SignV4(to_sign, *credentials, scope,
                                      counters_->SigningKey(credentials->secret_access_key, scope));

    HttpRequest request;
    request.method = r.method;
    request.url = url;
    request.headers = std::move(to_sign.headers);
    request.headers.emplace_back("Authorization", std::move(signature.authorization));
    request.body = r.body;
    if (r.open_sink) {
      auto sink = r.open_sink();
      if (!sink.ok()) return sink.status();
      request.body_sink = std::move(*sink);
    }

    counters_->requests.fetch_add(1, std::memory_order_relaxed);
    Result<HttpResponse> response = http_.Send(request);

    AttemptOutcome outcome;
    S3ErrorBody error;
    Status verify_status;
    if (!response.ok()) {
      outcome.transport = response.status();
    } else {
      outcome.http_status = response->status;
      if (response->status >= 200 && response->status < 300) {
        verify_status = r.verify ? r.verify(*response) : Status::Ok();
        if (verify_status.ok()) return response;
        if (!verify_status.IsTransient()) return verify_status;
        outcome.transport = verify_status;
      } else {
        error = ParseErrorBody(response->body);
        outcome.s3_error_code = error.code;
      }
    }

    RetryDecision decision = DecideRetry(options_.retry, attempt, outcome);
    if (decision == RetryDecision::kFail) {
      std::string context = std::string(r.op.operation) + " " + S3Uri(r.bucket, r.key);
      if (!outcome.transport.ok()) {
        return outcome.transport.WithContext(context + " (after " + std::to_string(attempt) +
                                             " attempts)");
      }
      Status mapped = MapS3Error(r.op, response->status, error);
      if (response->status == 301) {
        std::string_view region = response->Header("x-amz-bucket-region");
        if (!region.empty()) {
          mapped = Status::InvalidArgument(mapped.message() + ": the bucket is in region " +
                                           std::string(region) + "; set --region " +
                                           std::string(region));
        }
      }
      return mapped;
    }
    if (decision == RetryDecision::kRefreshCredentialsThenRetry) {
      credentials_.Invalidate();
      counters_->credential_refreshes.fetch_add(1, std::memory_order_relaxed);
    }
    counters_->retries.fetch_add(1, std::memory_order_relaxed);
    sleep(BackoffDelay(options_.retry, attempt));
  }
}

}  // namespace s3proc
