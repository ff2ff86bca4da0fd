#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "http/http_client.h"

namespace s3proc {

// What an SQS request was, for messages: "ReceiveMessage", the queue, the IAM action it needs.
struct SqsOperationInfo {
  std::string_view operation;   // "ReceiveMessage"
  std::string_view iam_action;  // "sqs:ReceiveMessage"
  std::string queue;            // the queue URL (or name, for GetQueueUrl)
  std::string arn;              // "arn:aws:sqs:REGION:ACCOUNT:NAME"
};

// An SQS error answer, from either wire: the JSON body {"__type": "com.amazonaws.sqs#Code",
// "message": ...} and the x-amzn-query-error header ("AWS.SimpleQueueService.Code;Sender").
struct SqsErrorBody {
  std::string type;        // the __type's short name: "QueueDoesNotExist"; "" when absent
  std::string query_code;  // the header's code: "AWS.SimpleQueueService.NonExistentQueue"
  std::string message;
  std::string request_id;  // x-amzn-requestid

  // The code to classify: whichever of the two the table knows, else whichever is set.
  std::string_view ClassifiedCode() const;
  // The code to show: the __type's name when set (what AWS's API reference lists).
  std::string_view ShownCode() const;
};

// Reads an error answer. A body that is not JSON (a proxy's HTML page) leaves type and
// message empty; the status then decides.
SqsErrorBody ParseSqsErrorBody(const HttpResponse& response);

// Maps a non-2xx SQS answer to a Status of the shared taxonomy (code and advice from
// ClassifySqsError), with a message that says what happened and what to do, e.g.
//   "ReceiveMessage https://sqs.eu-west-1.amazonaws.com/123456789012/q: AccessDenied (403,
//    request id 5f1...): ...: the credentials need sqs:ReceiveMessage on
//    arn:aws:sqs:eu-west-1:123456789012:q"
// Never includes credentials or signatures.
Status MapSqsError(const SqsOperationInfo& op, long http_status, const SqsErrorBody& error);

}  // namespace s3proc
