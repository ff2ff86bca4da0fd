#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "s3/s3_types.h"

namespace s3proc {

// The bucket as the pipeline sees it: keys, local files and conditional writes. No HTTP, no XML.
// Implementations: S3ObjectStore (the real thing) and MemoryObjectStore (testutil/, for unit
// tests of the pipeline and the lease protocol, with failure injection).
// Errors use the shared taxonomy: kNotFound, kPreconditionFailed, kAccessDenied, kTransient,
// kInvalidArgument, kIoError. Thread-safe.
class ObjectStore {
 public:
  virtual ~ObjectStore() = default;

  // Calls `on_page` with each page of keys under `prefix`, in key order, until the listing ends
  // or `on_page` returns an error (which List returns). Never holds more than a page.
  virtual Status List(const std::string& prefix,
                      const std::function<Status(std::vector<ObjectSummary>&& page)>& on_page) = 0;

  // Streams one object (the current version when version_id is empty) into `local_path`.
  virtual Result<ObjectInfo> Download(const std::string& key, const std::string& version_id,
                                      const std::string& local_path) = 0;

  virtual Result<PutResult> Upload(const std::string& key, const std::string& local_path,
                                   const PutOptions& options) = 0;

  virtual Result<PutResult> PutBytes(const std::string& key, std::string_view data,
                                     const PutOptions& options) = 0;

  virtual Result<std::string> GetBytes(const std::string& key, ObjectInfo* info) = 0;

  virtual Result<ObjectInfo> Head(const std::string& key) = 0;

  virtual Result<PutResult> Copy(const std::string& source_key,
                                 const std::string& source_version_id,
                                 const std::string& destination_key,
                                 const PutOptions& options) = 0;

  // Deletes the given versions (the current one where version_id is empty), batched.
  // Objects already gone count as deleted.
  virtual Result<DeleteObjectsResult> Delete(const std::vector<ObjectId>& objects) = 0;

  // "s3://bucket" or "mem://", for messages.
  virtual std::string Describe() const = 0;
};

}  // namespace s3proc
