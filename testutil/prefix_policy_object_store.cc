#include "testutil/prefix_policy_object_store.h"

namespace s3proc::testing {

PrefixPolicyObjectStore::PrefixPolicyObjectStore(ObjectStore& inner,
                                                 std::vector<std::string> list_prefixes)
    : inner_(inner), list_prefixes_(std::move(list_prefixes)) {}

Status PrefixPolicyObjectStore::Deny404(const std::string& operation, const std::string& key,
                                        const Status& status) {
  if (!status.IsNotFound()) return status;
  ++denied_missing_keys_;
  // The message S3ObjectStore gives for a 403 (see s3/s3_errors.cc).
  return Status::AccessDenied(operation + " mem://" + key +
                              ": AccessDenied (403): the credentials need s3:GetObject on " + key);
}

Status PrefixPolicyObjectStore::List(
    const std::string& prefix,
    const std::function<Status(std::vector<ObjectSummary>&& page)>& on_page) {
  for (const auto& allowed : list_prefixes_) {
    if (prefix.starts_with(allowed)) return inner_.List(prefix, on_page);
  }
  return Status::AccessDenied("ListObjectsV2 mem:// prefix '" + prefix +
                              "': AccessDenied (403): the credentials need s3:ListBucket");
}

Result<ObjectInfo> PrefixPolicyObjectStore::Download(const std::string& key,
                                                     const std::string& version_id,
                                                     const std::string& local_path) {
  auto r = inner_.Download(key, version_id, local_path);
  if (r.ok()) return r;
  return Deny404("GetObject", key, r.status());
}

Result<PutResult> PrefixPolicyObjectStore::Upload(const std::string& key,
                                                  const std::string& local_path,
                                                  const PutOptions& options) {
  return inner_.Upload(key, local_path, options);
}

Result<PutResult> PrefixPolicyObjectStore::PutBytes(const std::string& key, std::string_view data,
                                                    const PutOptions& options) {
  return inner_.PutBytes(key, data, options);
}

Result<std::string> PrefixPolicyObjectStore::GetBytes(const std::string& key) {
  auto r = inner_.GetBytes(key);
  if (r.ok()) return r;
  return Deny404("GetObject", key, r.status());
}

Result<ObjectInfo> PrefixPolicyObjectStore::Head(const std::string& key) {
  auto r = inner_.Head(key);
  if (r.ok()) return r;
  return Deny404("HeadObject", key, r.status());
}

Result<PutResult> PrefixPolicyObjectStore::Copy(const std::string& source_key,
                                                const std::string& source_version_id,
                                                const std::string& destination_key,
                                                const PutOptions& options) {
  return inner_.Copy(source_key, source_version_id, destination_key, options);
}

Result<DeleteObjectsResult> PrefixPolicyObjectStore::Delete(const std::vector<ObjectId>& objects) {
  return inner_.Delete(objects);
}

}  // namespace s3proc::testing
