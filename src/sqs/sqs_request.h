#pragma once

// Internal to src/sqs: the shape of one request handed to SqsClient::Execute.

#include <functional>
#include <nlohmann/json.hpp>

#include "sqs/sqs_client.h"
#include "sqs/sqs_errors.h"

namespace s3proc {

struct SqsClient::Request {
  SqsOperationInfo op;  // op.operation is also the X-Amz-Target's action
  nlohmann::json body;  // the operation's input, serialized as botocore does
  long timeout_ms = 0;  // the whole HTTP request; 0: kDefaultTimeoutMs
  // Called with the JSON of a 2xx answer: a kTransient result makes the attempt count as failed
  // and retried (an answer that is not what SQS sends); any other error ends the request.
  std::function<Status(const nlohmann::json&)> on_success;
};

}  // namespace s3proc
