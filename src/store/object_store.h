#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "store/object_types.h"

namespace s3proc {

// The bucket as the pipeline sees it: keys, local files and conditional writes. No HTTP, no XML,
// no S3 types. Implementations: S3ObjectStore (s3/, the real thing) and MemoryObjectStore
// (testutil/, for unit tests of the pipeline and the lease protocol, with failure injection).
//
// Every error is one of the codes every store can produce:
//   kNotFound           the key (or version) does not exist
//   kPreconditionFailed a conditional write (PutOptions::if_none_match_any) lost: the key exists;
//                       or a conditional delete (ObjectId::etag) found another version there
//   kAccessDenied       the credentials may not do this; retrying will not help
//   kTransient          the store is busy or unreachable (after the store's own retries)
//   kInvalidArgument    the request cannot succeed as made (no such bucket, bad option)
//   kIoError            the local file could not be read or written
// Messages name the operation and the key. Thread-safe.
class ObjectStore {
 public:
  virtual ~ObjectStore() = default;

  // Calls `on_page` with each page of keys under `prefix`, in key order, until the listing ends
  // or `on_page` returns an error (which List returns unchanged). Never holds more than a page.
  // Keys added or removed during the listing may or may not be seen.
  virtual Status List(const std::string& prefix,
                      const std::function<Status(std::vector<ObjectSummary>&& page)>& on_page) = 0;

  // Streams one object (the current version when version_id is empty) into `local_path`
  // (created or truncated, never through a symbolic link) and returns what was stored, with
  // size and sha256_hex of the bytes written. kNotFound when the object is gone; on any error
  // `local_path` may hold part of the object.
  virtual Result<ObjectInfo> Download(const std::string& key, const std::string& version_id,
                                      const std::string& local_path) = 0;

  // Stores the content of `local_path` under `key`, whole or not at all.
  // kPreconditionFailed when options.if_none_match_any is set and the key exists;
  // kIoError when the file cannot be read.
  virtual Result<PutResult> Upload(const std::string& key, const std::string& local_path,
                                   const PutOptions& options) = 0;

  // Stores `data` under `key`, as Upload.
  virtual Result<PutResult> PutBytes(const std::string& key, std::string_view data,
                                     const PutOptions& options) = 0;

  // The content of a small object (a lease, a reason). kNotFound when it does not exist.
  virtual Result<std::string> GetBytes(const std::string& key) = 0;

  // The description of the current version of `key`, without its content. kNotFound when it
  // does not exist (some stores answer a HEAD of a missing key with kAccessDenied when the
  // credentials may not list the bucket).
  virtual Result<ObjectInfo> Head(const std::string& key) = 0;

  // Copies one version (the current one when source_version_id is empty) to `destination_key`
  // inside the store. kNotFound when the source is gone; kPreconditionFailed as Upload.
  virtual Result<PutResult> Copy(const std::string& source_key,
                                 const std::string& source_version_id,
                                 const std::string& destination_key, const PutOptions& options) = 0;

  // Deletes the given versions (the current one where version_id is empty), batched. Objects
  // already gone count as deleted. An object with an ETag (and no version id) is deleted only if
  // its current version still has that ETag; otherwise it stays, listed in the failures with
  // kPreconditionFailed. Stores that cannot check the condition delete it anyway (S3ObjectStore
  // on a server that ignores it: Ceph RGW 16.2). An error fails the whole call (nothing may have
  // been deleted); an object that could not be deleted on its own is listed in the failures.
  virtual Result<DeleteObjectsResult> Delete(const std::vector<ObjectId>& objects) = 0;

  // "s3://bucket" or "mem://", for messages.
  virtual std::string Describe() const = 0;
};

}  // namespace s3proc
