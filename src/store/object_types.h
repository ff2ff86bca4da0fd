#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace s3proc {

// Plain data exchanged through an ObjectStore. No S3, no HTTP, no XML: every store (S3, memory)
// fills them the same way.

struct ObjectSummary {
  std::string key;
  uint64_t size = 0;
  std::string etag;           // quotes removed
  std::string last_modified;  // as the store reports it (ISO 8601)
};

struct ObjectInfo {
  std::string key;
  uint64_t size = 0;
  std::string etag;        // quotes removed
  std::string version_id;  // empty on an unversioned bucket
  std::string last_modified;
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> metadata;  // user metadata, names lower case
  // Lowercase hex SHA-256 of the bytes received; set by downloads, which hash as they write
  // (so a processor need not read the file again to describe it), empty otherwise.
  std::string sha256_hex;
};

struct PutOptions {
  bool if_none_match_any = false;  // create only: fail with kPreconditionFailed if the key exists
  // Replace only (quotes removed): fail with kPreconditionFailed unless the key's current version
  // has this ETag (kNotFound on S3 when the key is gone).
  std::string if_match_etag;
  // Copy only (quotes removed): copy the source only while its current version has this ETag,
  // else kPreconditionFailed (the source changed since it was described).
  std::string copy_source_if_match;
  // Copy only: the source's size, when known. S3 copies at most 5 GiB in one request; a larger
  // source is copied in parts, which needs it (0: unknown, one request).
  uint64_t copy_source_size = 0;
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> metadata;  // user metadata
};

struct PutResult {
  std::string etag;        // quotes removed
  std::string version_id;  // empty on an unversioned bucket
  uint64_t size = 0;       // bytes stored
};

struct ObjectId {
  std::string key;
  std::string version_id;  // empty: the current version
  // Quotes removed. Only with an empty version_id (a version id is already exact): delete the
  // current version only if it still has this ETag. Empty: whatever the current version is.
  std::string etag;
};

struct DeleteFailure {
  ObjectId object;
  // Why this object is still there, in the shared taxonomy (never OK). kPreconditionFailed: its
  // ETag condition failed, so a newer version is there; it is left for the next run.
  Status status;
};

struct DeleteObjectsResult {
  std::vector<DeleteFailure> failures;  // empty when every object was deleted (or already gone)
};

}  // namespace s3proc
