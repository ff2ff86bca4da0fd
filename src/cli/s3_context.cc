#include "cli/s3_context.h"

#include "aws/credentials_cache.h"
#include "aws/credentials_chain.h"
#include "aws/region.h"
#include "aws/sts_client.h"
#include "common/endpoint_transport.h"
#include "http/ca_bundle.h"
#include "http/curl_http_client.h"
#include "s3/s3_object_store.h"

namespace s3proc {

Result<std::unique_ptr<S3Context>> NewS3Context(const RunConfig& config, const EnvLookup& env,
                                                FILE* log_out) {
  auto context = std::make_unique<S3Context>();

  CurlHttpClientOptions imds_http_options;
  imds_http_options.connect_timeout_ms = 1000;
  imds_http_options.request_timeout_ms = 2000;
  context->imds_http = NewCurlHttpClient(imds_http_options);
  ImdsOptions imds_options;
  imds_options.http = context->imds_http.get();
  imds_options.env = env;
  context->imds = std::make_shared<ImdsClient>(imds_options);

  RegionOptions region_options;
  region_options.flag_region = config.region;
  region_options.flag_endpoint = config.endpoint_url;
  region_options.profile = config.profile;
  region_options.env = env;
  region_options.imds = context->imds;
  S3PROC_ASSIGN_OR_RETURN(std::string region, ResolveRegion(region_options));
  S3PROC_ASSIGN_OR_RETURN(S3Endpoint endpoint, ResolveS3Endpoint(region_options, region));
  // The environment and the profile may name an endpoint too: held to the rule the setting is.
  S3PROC_ASSIGN_OR_RETURN(
      EndpointTransport transport,
      CheckEndpointTransport(endpoint.url, endpoint.source, config.allow_insecure_endpoint));

  CurlHttpClientOptions http_options;
  // Only an HTTPS endpoint needs CA certificates; a plain-HTTP endpoint (a local S3 server) must
  // not fail on a host without them.
  if (endpoint.url.starts_with("https://")) {
    auto bundle = env("AWS_CA_BUNDLE");
    S3PROC_ASSIGN_OR_RETURN(http_options.ca_bundle,
                            FindCaBundle(bundle ? &*bundle : nullptr, IsReadableFile));
  }
  // Enough kept-alive connections for every worker plus the lease and delete traffic.
  http_options.max_idle_connections = static_cast<size_t>(config.concurrency) * 2 + 8;
  context->http = NewCurlHttpClient(http_options);

  // STS, for roles (web identity, profiles with role_arn): its own client, since it is often
  // AWS's HTTPS endpoint while S3 is a local server, and is asked only when a role is used.
  StsClientOptions sts_options;
  sts_options.region = region;
  sts_options.endpoint = ResolveStsEndpoint(env, region);
  // Held to the rule S3's endpoint is: credentials go to STS and come back from it.
  S3PROC_RETURN_IF_ERROR(CheckEndpointTransport(sts_options.endpoint,
                                                "the STS endpoint (AWS_ENDPOINT_URL_STS, "
                                                "AWS_ENDPOINT_URL)",
                                                config.allow_insecure_endpoint)
                             .status());
  CurlHttpClientOptions sts_http_options;
  if (sts_options.endpoint.starts_with("https://")) {
    auto bundle = env("AWS_CA_BUNDLE");
    Result<std::string> ca_bundle = FindCaBundle(bundle ? &*bundle : nullptr, IsReadableFile);
    if (ca_bundle.ok()) sts_http_options.ca_bundle = *ca_bundle;
  }
  context->sts_http = NewCurlHttpClient(sts_http_options);
  sts_options.http = context->sts_http.get();

  DefaultCredentialsChainOptions chain_options;
  chain_options.env = env;
  chain_options.profile = config.profile;
  chain_options.imds = context->imds;
  chain_options.sts = NewStsClient(std::move(sts_options));
  context->credentials =
      NewCachingCredentialsProvider(NewDefaultCredentialsChain(std::move(chain_options)));

  S3ClientOptions client_options;
  client_options.endpoint = endpoint.url;
  client_options.region = region;
  client_options.path_style = config.force_path_style || endpoint.path_style;
  context->client =
      std::make_unique<S3Client>(*context->http, *context->credentials, client_options);
  context->store = std::make_unique<S3ObjectStore>(*context->client, config.bucket);
  context->logger =
      std::make_unique<Logger>(config.log_format == "json" ? LogFormat::kJson : LogFormat::kText,
                               log_out, ParseLogLevel(config.log_level).value_or(LogLevel::kInfo));
  if (transport == EndpointTransport::kPlainConsented) {
    context->logger->Warn(InsecureEndpointWarning(endpoint.url, endpoint.source));
  }
  return context;
}

}  // namespace s3proc
