#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/object_store.h"

namespace s3proc::testing {

// An in-memory ObjectStore with S3's semantics for an unversioned bucket (version ids are always
// empty): keys in byte order, ETags are the MD5 of the content, PutOptions::if_none_match_any
// fails with kPreconditionFailed when the key exists; Delete of a missing key succeeds, and
// Delete of an ObjectId with an ETag removes the key only if its ETag is still that one (as S3
// does with If-Match), else lists it in the failures with kPreconditionFailed.
// List pages continue after the last key of the previous page (so keys added or removed during
// a listing behave as on S3), and `on_page` is called without the lock held, so it may call
// back into the store.
//
// Failure injection: the fault hook is called before every operation (not before the direct
// helpers Put/Get/Keys below) with the operation name and the key; a non-OK Status it returns
// is returned by the operation, which then changes nothing. Operation names: "list" (key = the
// prefix, called once per page), "download", "upload", "put", "get", "head", "copy" (key = the
// destination), "delete_request" (once per Delete call, key = its first key: an error fails
// the whole call) and "delete" (once per key: an error becomes that key's DeleteFailure, with
// the code's name as its code).
// Thread-safe.
class MemoryObjectStore final : public ObjectStore {
 public:
  using FaultHook = std::function<Status(std::string_view operation, const std::string& key)>;

  MemoryObjectStore();

  // --- Test helpers (no fault hook). ---
  // Stores `data` under `key`; last_modified is the clock's current time.
  void Put(const std::string& key, std::string_view data);
  // The content of `key`, or nullopt when absent.
  std::optional<std::string> Get(const std::string& key) const;
  bool Contains(const std::string& key) const;
  // Every key in order (optionally only those under `prefix`).
  std::vector<std::string> Keys(const std::string& prefix = "") const;
  // The time stamped on new objects; defaults to the system clock.
  void SetClock(std::function<std::chrono::system_clock::time_point()> now);
  // Replaces the fault hook; an empty function removes it.
  void SetFaultHook(FaultHook hook);
  // Puts `data` under `key` once, just before the first `operation` on `trigger_key`: a user
  // writing while s3proc works. Replaces the fault hook.
  void PutOnceBefore(std::string_view operation, const std::string& trigger_key,
                     const std::string& key, std::string data);
  // Fails the next `count` calls of `operation` (on any key) with `status`.
  void FailNext(std::string_view operation, Status status, int count = 1);
  // Keys per List page (S3: 1000).
  void SetPageSize(size_t page_size);
  // How many times each operation was called (including injected failures).
  int CallCount(std::string_view operation) const;

  // --- ObjectStore. ---
  Status List(const std::string& prefix,
              const std::function<Status(std::vector<ObjectSummary>&& page)>& on_page) override;
  Result<ObjectInfo> Download(const std::string& key, const std::string& version_id,
                              const std::string& local_path) override;
  Result<PutResult> Upload(const std::string& key, const std::string& local_path,
                           const PutOptions& options) override;
  Result<PutResult> PutBytes(const std::string& key, std::string_view data,
                             const PutOptions& options) override;
  Result<std::string> GetBytes(const std::string& key) override;
  Result<ObjectInfo> Head(const std::string& key) override;
  Result<PutResult> Copy(const std::string& source_key, const std::string& source_version_id,
                         const std::string& destination_key, const PutOptions& options) override;
  Result<DeleteObjectsResult> Delete(const std::vector<ObjectId>& objects) override;
  std::string Describe() const override { return "mem://"; }

 private:
  struct Object {
    std::string data;
    std::string etag;
    std::string last_modified;
    std::string content_type;
    std::vector<std::pair<std::string, std::string>> metadata;
  };
  struct PendingFailure {
    std::string operation;
    Status status;
    int remaining;
  };

  // Counts the call and asks the injected failures, then the hook. Called without mu_ held.
  Status Inject(std::string_view operation, const std::string& key);
  // REQUIRES: mu_ held.
  Status CheckConditionsLocked(const std::string& key, const PutOptions& options) const;
  Result<PutResult> StoreLocked(const std::string& key, std::string data,
                                const PutOptions& options);
  ObjectInfo InfoLocked(const std::string& key, const Object& object) const;
  std::string NowLocked() const;

  mutable std::mutex mu_;
  std::map<std::string, Object> objects_;
  std::function<std::chrono::system_clock::time_point()> now_;
  FaultHook hook_;
  std::vector<PendingFailure> pending_failures_;
  std::map<std::string, int, std::less<>> calls_;
  size_t page_size_ = 1000;
};

}  // namespace s3proc::testing
