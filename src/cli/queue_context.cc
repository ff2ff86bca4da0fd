#include "cli/queue_context.h"

#include "common/endpoint_transport.h"
#include "http/ca_bundle.h"
#include "http/curl_http_client.h"
#include "sqs/sqs_message_queue.h"

namespace s3proc {
namespace {

bool IsTrue(const std::optional<std::string>& v) {
  return v && (*v == "true" || *v == "TRUE" || *v == "True" || *v == "1");
}

// "http(s)://host[:port]" with at most a trailing '/', or InvalidArgument naming the variable.
Result<std::string> CheckEndpoint(std::string url, std::string_view source) {
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument(std::string(source) + " \"" + url + "\" " + std::string(why) +
                                   "; set it to an SQS endpoint like "
                                   "https://sqs.us-east-1.amazonaws.com or http://127.0.0.1:5000");
  };
  if (url.ends_with('/')) url.pop_back();
  size_t sep = url.find("://");
  if (!url.starts_with("https://") && !url.starts_with("http://")) {
    return bad("is not http:// or https://");
  }
  std::string rest = url.substr(sep + 3);
  if (rest.empty() || rest.front() == ':') return bad("has no host");
  if (rest.find_first_of("/?#") != std::string::npos) {
    return bad("has a path, query or fragment (SQS's JSON protocol posts to /)");
  }
  return url;
}

}  // namespace

Result<SqsEndpoint> ResolveSqsEndpoint(const SqsQueueUrl& queue, const EnvLookup& env,
                                       std::string_view s3_region) {
  SqsEndpoint out;
  out.region = queue.host_region.empty() ? std::string(s3_region) : queue.host_region;
  if (!IsTrue(env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"))) {
    for (const char* name : {"AWS_ENDPOINT_URL_SQS", "AWS_ENDPOINT_URL"}) {
      auto value = env(name);
      if (!value || value->empty()) continue;
      S3PROC_ASSIGN_OR_RETURN(out.url, CheckEndpoint(*value, name));
      out.source = name;
      return out;
    }
  }
  out.url = queue.Origin();
  out.source = "the queue URL";
  return out;
}

Result<std::unique_ptr<QueueContext>> NewQueueContext(const RunConfig& config, const EnvLookup& env,
                                                      S3Context& s3) {
  auto context = std::make_unique<QueueContext>();
  S3PROC_ASSIGN_OR_RETURN(SqsQueueUrl queue, ParseSqsQueueUrl(config.queue_url));
  const S3ClientOptions& s3_options = s3.client->options();
  S3PROC_ASSIGN_OR_RETURN(context->endpoint, ResolveSqsEndpoint(queue, env, s3_options.region));
  S3PROC_ASSIGN_OR_RETURN(EndpointTransport transport,
                          CheckEndpointTransport(context->endpoint.url, context->endpoint.source,
                                                 config.allow_insecure_endpoint));
  if (transport == EndpointTransport::kPlainConsented) {
    s3.logger->Warn(InsecureEndpointWarning(context->endpoint.url, context->endpoint.source));
  }

  HttpClient* http = s3.http.get();
  if (context->endpoint.url.starts_with("https://") &&
      !s3_options.endpoint.starts_with("https://")) {
    CurlHttpClientOptions options;
    auto bundle = env("AWS_CA_BUNDLE");
    S3PROC_ASSIGN_OR_RETURN(options.ca_bundle,
                            FindCaBundle(bundle ? &*bundle : nullptr, IsReadableFile));
    // A few workers long-poll at once; the rest of the traffic is small and short.
    options.max_idle_connections = static_cast<size_t>(config.concurrency) + 4;
    context->own_http = NewCurlHttpClient(options);
    http = context->own_http.get();
  }

  SqsClientOptions client_options;
  client_options.endpoint = context->endpoint.url;
  client_options.region = context->endpoint.region;
  context->client = std::make_unique<SqsClient>(*http, *s3.credentials, client_options);
  context->queue = std::make_unique<SqsMessageQueue>(*context->client, std::move(queue));
  return context;
}

}  // namespace s3proc
