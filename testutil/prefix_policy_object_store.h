#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "store/object_store.h"

namespace s3proc::testing {

// An ObjectStore decorator that answers as AWS S3 answers a caller whose s3:ListBucket is allowed
// only under an s3:prefix condition (the Terraform module's instance role):
//   - Head, GetBytes and Download of a key that does not exist fail with kAccessDenied (403),
//     not kNotFound: without an unconditional s3:ListBucket, S3 does not say whether it exists;
//   - List succeeds only for a prefix that starts with one of `list_prefixes` (StringLike
//     "input/*" matches "input/" and everything under it); other prefixes get kAccessDenied.
// Everything else is passed to `inner` unchanged. `inner` must outlive this. Thread-safe if
// `inner` is.
class PrefixPolicyObjectStore final : public ObjectStore {
 public:
  PrefixPolicyObjectStore(ObjectStore& inner, std::vector<std::string> list_prefixes);

  // How many missing keys were answered with 403 so far: a test that expects the 403 path to be
  // taken can check that it was.
  int denied_missing_keys() const { return denied_missing_keys_.load(); }

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
  std::string Describe() const override { return inner_.Describe(); }

 private:
  // `status` unchanged, or the 403 AWS gives instead of a NotFound for `key`.
  Status Deny404(const std::string& operation, const std::string& key, const Status& status);

  ObjectStore& inner_;
  const std::vector<std::string> list_prefixes_;
  std::atomic<int> denied_missing_keys_{0};
};

}  // namespace s3proc::testing
