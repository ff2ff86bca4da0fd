#pragma once

#include <cstdio>
#include <memory>

#include "aws/credentials.h"
#include "aws/credentials_env.h"
#include "aws/imds_client.h"
#include "common/logging.h"
#include "common/result.h"
#include "config/run_config.h"
#include "http/http_client.h"
#include "s3/s3_client.h"
#include "store/object_store.h"

namespace s3proc {

// The real parts run, status and redrive share, built in one place and owned together
// (members are destroyed in reverse order, so each outlives what was built on it).
struct S3Context {
  std::unique_ptr<HttpClient> http;       // S3 requests
  std::unique_ptr<HttpClient> imds_http;  // IMDS: short timeouts, so off-EC2 fails fast
  std::shared_ptr<ImdsClient> imds;
  std::unique_ptr<HttpClient> sts_http;              // STS: roles assumed for the credentials
  std::unique_ptr<CredentialsProvider> credentials;  // default chain behind a cache
  std::unique_ptr<S3Client> client;
  std::unique_ptr<ObjectStore> store;
  std::unique_ptr<Logger> logger;  // config.log_format, writing to the given FILE
};

// Region and endpoint (config.region / config.endpoint_url over the AWS variables and profile)
// -> HTTP client (for an HTTPS endpoint, TLS verified against AWS_CA_BUNDLE or the first
// well-known bundle file: http/ca_bundle.h) -> credentials chain (env, web identity, profile, IMDS;
// roles through STS) -> cache
// -> S3Client (path-style for custom endpoints or config.force_path_style) -> S3ObjectStore on
// config.bucket -> Logger. Nothing is sent yet: credentials are fetched on the first request.
// Returns InvalidArgument when the region or endpoint cannot be resolved ("set --region or
// AWS_REGION"), when the endpoint is plain http:// where CheckEndpointTransport refuses it
// (common/endpoint_transport.h; logs a warning when allow_insecure_endpoint lets it through), or
// when an HTTPS endpoint has no CA bundle to verify it with. REQUIRES: config
// validated for ConfigPurpose::kS3; `log_out` outlives the context.
Result<std::unique_ptr<S3Context>> NewS3Context(const RunConfig& config, const EnvLookup& env,
                                                FILE* log_out);

}  // namespace s3proc
