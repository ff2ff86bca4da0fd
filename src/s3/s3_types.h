#pragma once

#include <string>
#include <vector>

#include "store/object_types.h"

namespace s3proc {

// One page of ListObjectsV2. The other value types are the store's (store/object_types.h).
struct ListPage {
  std::vector<ObjectSummary> objects;
  std::string next_continuation_token;  // empty on the last page
  bool truncated = false;
};

// One <Error> of a DeleteObjects answer: the object, the S3 code and message.
struct S3DeleteError {
  ObjectId object;
  std::string code;
  std::string message;
};

}  // namespace s3proc
