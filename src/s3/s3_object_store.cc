#include "s3/s3_object_store.h"

namespace s3proc {

S3ObjectStore::S3ObjectStore(S3Client& client, std::string bucket)
    : client_(client), bucket_(std::move(bucket)) {}

Status S3ObjectStore::List(
    const std::string& prefix,
    const std::function<Status(std::vector<ObjectSummary>&& page)>& on_page) {
  std::string token;
  do {
    S3PROC_ASSIGN_OR_RETURN(ListPage page, client_.ListObjectsV2(bucket_, prefix, token));
    token = std::move(page.next_continuation_token);
    S3PROC_RETURN_IF_ERROR(on_page(std::move(page.objects)));
  } while (!token.empty());
  return Status::Ok();
}

Result<ObjectInfo> S3ObjectStore::Download(const std::string& key, const std::string& version_id,
                                           const std::string& local_path) {
  return client_.GetObjectToFile(bucket_, key, version_id, local_path);
}

Result<PutResult> S3ObjectStore::Upload(const std::string& key, const std::string& local_path,
                                        const PutOptions& options) {
  return client_.PutObjectFromFile(bucket_, key, local_path, options);
}

Result<PutResult> S3ObjectStore::PutBytes(const std::string& key, std::string_view data,
                                          const PutOptions& options) {
  return client_.PutObjectFromString(bucket_, key, data, options);
}

Result<std::string> S3ObjectStore::GetBytes(const std::string& key) {
  return client_.GetObjectToString(bucket_, key);
}

Result<ObjectInfo> S3ObjectStore::Head(const std::string& key) {
  return client_.HeadObject(bucket_, key);
}

Result<PutResult> S3ObjectStore::Copy(const std::string& source_key,
                                      const std::string& source_version_id,
                                      const std::string& destination_key,
                                      const PutOptions& options) {
  return client_.CopyObject(bucket_, source_key, source_version_id, destination_key, options);
}

Result<DeleteObjectsResult> S3ObjectStore::Delete(const std::vector<ObjectId>& objects) {
  return client_.DeleteObjects(bucket_, objects);
}

}  // namespace s3proc
