#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

#include "aws/credentials_env.h"
#include "common/result.h"
#include "http/http_client.h"

namespace s3proc {

struct ImdsOptions {
  // REQUIRES: non-null, and outlives every object built from these options. Give it a short
  // connect timeout (e.g. CurlHttpClientOptions::connect_timeout_ms = 1000) so that a machine
  // that is not on EC2 fails fast; every IMDS request also carries request_timeout_ms.
  HttpClient* http = nullptr;
  // Read once, at construction: AWS_EC2_METADATA_DISABLED, AWS_EC2_METADATA_SERVICE_ENDPOINT,
  // AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE.
  EnvLookup env = ProcessEnvLookup();
  long request_timeout_ms = 1000;
  int max_attempts = 2;  // per request, on a transport error or a 5xx
  std::chrono::milliseconds retry_delay{100};
  std::chrono::seconds token_ttl{21600};
  std::function<std::chrono::steady_clock::time_point()> now = std::chrono::steady_clock::now;
};

// The EC2 instance metadata service, IMDSv2 only: a session token from PUT /latest/api/token,
// kept until shortly before its TTL ends, sent as X-aws-ec2-metadata-token on every GET.
// Thread-safe (requests are serialised: IMDS is asked rarely).
class ImdsClient {
 public:
  explicit ImdsClient(ImdsOptions options);

  // The endpoint in use, without a trailing '/': AWS_EC2_METADATA_SERVICE_ENDPOINT, or
  // http://169.254.169.254 (http://[fd00:ec2::254] when ..._ENDPOINT_MODE is IPv6).
  const std::string& endpoint() const { return endpoint_; }

  // GETs `path` (e.g. "/latest/meta-data/placement/region") with a session token.
  // When the GET answers 401 the token is fetched again and the GET repeated, once.
  // Returns the response whatever its status (the caller interprets 404 etc.), or:
  // - NotFound when IMDS is disabled by AWS_EC2_METADATA_DISABLED=true, when nothing answers at
  //   the endpoint (transport errors on the token request after max_attempts: not on EC2), or
  //   when the token request answers 403 (IMDS disabled on the instance) or 404/405 (no IMDSv2);
  // - InvalidArgument when the endpoint is not an http(s) URL;
  // - Transient when a GET fails in transport, or any request answers 5xx, max_attempts times;
  // - Internal for any other unexpected answer to the token request.
  // Messages start with "IMDSv2: " and name the request that failed.
  Result<HttpResponse> Get(std::string_view path);

  // Drops the cached token (the next Get fetches a new one).
  void ResetToken();

 private:
  Result<std::string> TokenLocked();
  Result<HttpResponse> SendWithRetries(HttpRequest request);

  ImdsOptions options_;
  std::string endpoint_;
  bool disabled_ = false;
  std::mutex mu_;
  std::string token_;  // guarded by mu_; empty: none
  std::chrono::steady_clock::time_point token_refresh_at_;
};

}  // namespace s3proc
