#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "s3/s3_xml.h"

namespace s3proc {

// What an S3 request was, for messages: "GetObject", "s3://bucket/key", the IAM action it needs.
struct S3OperationInfo {
  std::string_view operation;   // "GetObject"
  std::string_view iam_action;  // "s3:GetObject"
  std::string bucket;
  std::string key;  // may be empty (bucket-level operations)
};

// Maps a non-2xx S3 answer to a Status of the shared taxonomy (the code and the advice from
// ClassifyS3Error, the table DecideRetry reads too), with a message that says what
// happened and what to do, e.g.
//   "PutObject s3://b/output/a.json: AccessDenied (403, request id tx00…): the credentials need
//    s3:PutObject on arn:aws:s3:::b/output/a.json"
// Never includes credentials or signatures.
Status MapS3Error(const S3OperationInfo& op, long http_status, const S3ErrorBody& error);

// "s3://bucket/key" (or "s3://bucket").
std::string S3Uri(std::string_view bucket, std::string_view key);

}  // namespace s3proc
