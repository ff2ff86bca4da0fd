#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace s3proc {

// The parts of a queue URL: https://sqs.REGION.amazonaws.com/ACCOUNT/NAME on AWS,
// http://127.0.0.1:PORT/ACCOUNT/NAME on moto or LocalStack.
struct SqsQueueUrl {
  std::string url;        // as given
  std::string scheme;     // "https" / "http"
  std::string authority;  // "host[:port]"
  std::string account;    // "123456789012"
  std::string name;       // "s3proc-events" (".fifo" included)
  // The region in an AWS host (sqs.REGION.amazonaws.com[.cn], the legacy REGION.queue.
  // amazonaws.com, and queue.amazonaws.com = us-east-1); "" for other hosts.
  std::string host_region;

  // "scheme://authority": where requests about this queue go unless an endpoint is configured.
  std::string Origin() const { return scheme + "://" + authority; }
};

// Parses a queue URL. Returns InvalidArgument saying "--queue-url must look like
// https://sqs.REGION.amazonaws.com/ACCOUNT/NAME" (and what was wrong) for anything else: another
// scheme, no host, a path that is not /ACCOUNT/NAME, an account that is not 12 digits, a name
// with characters SQS does not allow, a query or a fragment.
Result<SqsQueueUrl> ParseSqsQueueUrl(std::string_view url);

// "arn:aws:sqs:REGION:ACCOUNT:NAME" (aws-cn / aws-us-gov partitions by region), for messages
// that name the IAM action a request needs.
std::string SqsQueueArn(const SqsQueueUrl& queue, std::string_view region);

// The queue name of "arn:aws:sqs:REGION:ACCOUNT:NAME" and its account, or InvalidArgument.
struct SqsArnParts {
  std::string region;
  std::string account;
  std::string name;
};
Result<SqsArnParts> ParseSqsQueueArn(std::string_view arn);

}  // namespace s3proc
