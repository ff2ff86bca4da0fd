#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace s3proc {

// One record of an S3 event notification
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html).
struct S3EventRecord {
  std::string event_name;  // "ObjectCreated:Put", "ObjectRemoved:Delete", ...
  std::string bucket;
  std::string key;  // decoded: S3 sends it URL-encoded with '+' for a space
  uint64_t size = 0;
  std::string etag;  // quotes removed; may be empty (e.g. ObjectRemoved)
  std::string version_id;

  bool IsObjectCreated() const { return event_name.starts_with("ObjectCreated:"); }
};

// What one queue message says.
struct S3EventMessage {
  bool test_event = false;  // the s3:TestEvent S3 sends when a notification is configured
  std::vector<S3EventRecord> records;
};

// Decodes the body of an SQS message that S3 sent (directly, or through SNS: the SNS envelope's
// "Message" is decoded in turn). kInvalidArgument, saying what is wrong, for anything else
// (not JSON, no Records, a record without bucket or key, a key that is not valid URL encoding).
Result<S3EventMessage> ParseS3EventMessage(std::string_view body);

// Decodes an S3 event key: "%XX" escapes and '+' for a space ("input%2Fa+b%2Bc.json" ->
// "input/a b+c.json"). kInvalidArgument for a bad escape.
Result<std::string> DecodeS3EventKey(std::string_view encoded);

}  // namespace s3proc
