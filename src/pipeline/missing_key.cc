#include "pipeline/missing_key.h"

#include <vector>

namespace s3proc {

Status ResolveAccessDenied(ObjectStore& store, const std::string& key, const Status& error) {
  if (error.code() != StatusCode::kAccessDenied) return error;
  // A 403 cannot tell "missing" from "forbidden"; the listing can, and a listing denied too means
  // the 403 is a real one. `key` sorts before every longer key it prefixes, so it is on the first
  // page when it exists; later pages (keys that merely start with it) are rare and cheap.
  bool listed = false;
  Status s = store.List(key, [&](std::vector<ObjectSummary>&& page) {
    for (const auto& o : page) {
      if (o.key == key) listed = true;
    }
    return Status::Ok();
  });
  if (!s.ok() || listed) return error;
  return Status::NotFound(error.message() +
                          " (not listed either: the key does not exist; S3 answers 403 for a "
                          "missing key to a caller that may list only some prefixes)");
}

}  // namespace s3proc
