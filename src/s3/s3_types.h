#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace s3proc {

// Plain data exchanged with the S3 client. No XML, no HTTP.

struct ObjectSummary {
  std::string key;
  uint64_t size = 0;
  std::string etag;           // quotes removed
  std::string last_modified;  // as S3 sent it (ISO 8601)
};

struct ListPage {
  std::vector<ObjectSummary> objects;
  std::vector<std::string> common_prefixes;  // only with a delimiter
  std::string next_continuation_token;       // empty on the last page
  bool truncated = false;
};

struct ObjectInfo {
  std::string key;
  uint64_t size = 0;
  std::string etag;         // quotes removed
  std::string version_id;   // empty on an unversioned bucket
  std::string last_modified;
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> metadata;  // x-amz-meta-*, names lower case
  // Lowercase hex SHA-256 of the bytes received; set by downloads, which hash as they write
  // (so a processor need not read the file again to describe it), empty otherwise.
  std::string sha256_hex;
};

struct PutOptions {
  bool if_none_match_any = false;  // If-None-Match: * (create only)
  std::string if_match;            // If-Match: <etag> (replace only that version)
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> metadata;  // sent as x-amz-meta-<name>
};

struct PutResult {
  std::string etag;        // quotes removed
  std::string version_id;  // empty on an unversioned bucket
  uint64_t size = 0;       // bytes stored (PutObject* and the object stores' Upload/PutBytes)
};

struct ObjectId {
  std::string key;
  std::string version_id;  // empty: the current version
};

struct DeleteFailure {
  ObjectId object;
  std::string code;     // S3 error code, e.g. "AccessDenied"
  std::string message;
};

struct DeleteObjectsResult {
  std::vector<DeleteFailure> failures;  // empty when every object was deleted (or already gone)
};

}  // namespace s3proc
