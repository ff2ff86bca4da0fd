#pragma once

#include <string>

#include "s3/s3_client.h"
#include "store/object_store.h"

namespace s3proc {

// An ObjectStore on one bucket of an S3Client.
class S3ObjectStore final : public ObjectStore {
 public:
  // `client` must outlive the store.
  S3ObjectStore(S3Client& client, std::string bucket);

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
  std::string Describe() const override { return "s3://" + bucket_; }

 private:
  S3Client& client_;
  const std::string bucket_;
};

}  // namespace s3proc
