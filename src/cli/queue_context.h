#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "aws/credentials_env.h"
#include "cli/s3_context.h"
#include "common/result.h"
#include "config/run_config.h"
#include "http/http_client.h"
#include "sqs/sqs_client.h"
#include "sqs/sqs_queue_url.h"
#include "store/message_queue.h"

namespace s3proc {

// Where SQS requests for a queue go and how they are signed.
struct SqsEndpoint {
  std::string url;     // "scheme://host[:port]"
  std::string region;  // the SigV4 region
  std::string source;  // "AWS_ENDPOINT_URL_SQS", "AWS_ENDPOINT_URL" or "the queue URL"
};

// The endpoint: AWS_ENDPOINT_URL_SQS > AWS_ENDPOINT_URL > the queue URL's own scheme://host
// (AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true skips the two variables, as in the AWS CLI). The
// region: the one in an AWS queue URL's host (sqs.REGION.amazonaws.com), else `s3_region`.
// Returns InvalidArgument naming the variable when it is not http(s)://host[:port] (a path,
// query or fragment included). Pure.
Result<SqsEndpoint> ResolveSqsEndpoint(const SqsQueueUrl& queue, const EnvLookup& env,
                                       std::string_view s3_region);

// The queue of queue mode and what it runs on, owned together (members are destroyed in
// reverse order, so each outlives what was built on it).
struct QueueContext {
  // Only when S3's HTTP client cannot serve the SQS endpoint: it verifies TLS only if the S3
  // endpoint is HTTPS, so an HTTPS SQS endpoint beside a plain-HTTP S3 one gets its own.
  std::unique_ptr<HttpClient> own_http;
  SqsEndpoint endpoint;
  std::unique_ptr<SqsClient> client;
  std::unique_ptr<MessageQueue> queue;
};

// config.queue_url -> ParseSqsQueueUrl -> ResolveSqsEndpoint (with the S3 context's region) ->
// SqsClient on the S3 context's HTTP client (or a TLS-verifying one, see own_http) and
// credentials provider -> SqsMessageQueue. Nothing is sent yet.
// Returns InvalidArgument for a malformed queue URL ("--queue-url must look like
// https://sqs.REGION.amazonaws.com/ACCOUNT/NAME") or endpoint, for a plain http:// endpoint
// CheckEndpointTransport refuses (a warning on s3.logger when allow_insecure_endpoint lets it
// through), or when an HTTPS endpoint has
// no CA bundle to verify it with. REQUIRES: config.queue_url set; `s3` outlives the result.
Result<std::unique_ptr<QueueContext>> NewQueueContext(const RunConfig& config, const EnvLookup& env,
                                                      S3Context& s3);

}  // namespace s3proc
