#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include "common/hash.h"
#include "s3/s3_client.h"
#include "s3/s3_request.h"
#include "s3/s3_xml.h"

namespace s3proc {

Result<std::string> S3Client::CreateMultipartUpload(const std::string& bucket,
                                                    const std::string& key,
                                                    const PutOptions& options) {
  Request r;
  r.op = {"CreateMultipartUpload", "s3:PutObject", bucket, key};
  r.method = "POST";
  r.bucket = bucket;
  r.key = key;
  r.query = {{"uploads", ""}};
  if (!options.content_type.empty()) r.headers.emplace_back("Content-Type", options.content_type);
  for (const auto& [name, value] : options.metadata) {
    r.headers.emplace_back("x-amz-meta-" + name, value);
  }
  S3PROC_ASSIGN_OR_RETURN(HttpResponse response, Execute(r));
  return ParseUploadId(response.body);
}

Result<std::string> S3Client::UploadPart(const std::string& bucket, const std::string& key,
                                         const std::string& upload_id, int part_number,
                                         const std::string& local_path, uint64_t offset,
                                         uint64_t length) {
  S3PROC_ASSIGN_OR_RETURN(FileDigest digest, DigestFile(local_path, offset, length));
  Request r;
  r.op = {"UploadPart", "s3:PutObject", bucket, key};
  r.method = "PUT";
  r.bucket = bucket;
  r.key = key;
  r.query = {{"partNumber", std::to_string(part_number)}, {"uploadId", upload_id}};
  r.body.file_path = local_path;
  r.body.file_offset = offset;
  r.body.file_length = length;
  r.payload_sha256 = digest.sha256_hex;
  r.headers.emplace_back("Content-MD5", digest.md5_base64);
  std::string md5 = digest.md5_hex;
  r.verify = [md5, part_number](const HttpResponse& response) {
    std::string etag = UnquoteEtag(response.Header("etag"));
    if (etag.empty()) return Status::Transient("UploadPart: no ETag in the answer");
    if (EtagIsContentMd5(etag, response) && etag != md5) {
      return Status::Transient("UploadPart " + std::to_string(part_number) +
                               ": stored ETag differs from the MD5 of the part");
    }
    return Status::Ok();
  };
  S3PROC_ASSIGN_OR_RETURN(HttpResponse response, Execute(r));
  return UnquoteEtag(response.Header("etag"));
}

Result<PutResult> S3Client::CompleteMultipartUpload(const std::string& bucket,
                                                    const std::string& key,
                                                    const std::string& upload_id,
                                                    const std::vector<std::string>& part_etags) {
  std::string body = BuildCompleteMultipartUpload(part_etags);
  Request r;
  r.op = {"CompleteMultipartUpload", "s3:PutObject", bucket, key};
  r.method = "POST";
  r.bucket = bucket;
  r.key = key;
  r.query = {{"uploadId", upload_id}};
  r.body.data = body;
  r.verify = [](const HttpResponse& response) -> Status {
    auto etag = ParseEtagResult(response.body);
    return etag.ok() ? Status::Ok() : etag.status();
  };
  S3PROC_ASSIGN_OR_RETURN(HttpResponse response, Execute(r));
  S3PROC_ASSIGN_OR_RETURN(std::string etag, ParseEtagResult(response.body));
  return PutResult{etag, std::string(response.Header("x-amz-version-id"))};
}

Status S3Client::AbortMultipartUpload(const std::string& bucket, const std::string& key,
                                      const std::string& upload_id) {
  Request r;
  r.op = {"AbortMultipartUpload", "s3:AbortMultipartUpload", bucket, key};
  r.method = "DELETE";
  r.bucket = bucket;
  r.key = key;
  r.query = {{"uploadId", upload_id}};
  auto response = Execute(r);
  if (!response.ok() && !response.status().IsNotFound()) return response.status();
  return Status::Ok();
}

Result<PutResult> S3Client::PutMultipart(const std::string& bucket, const std::string& key,
                                         const std::string& local_path, uint64_t size,
                                         const PutOptions& options) {
  if (options.if_none_match_any) {
    // Not every S3 server honours If-None-Match on CompleteMultipartUpload, so create-only is
    // checked with a HEAD first: not atomic, but a concurrent second writer of a large object
    // needs the two to finish within the upload's time of each other.
    auto head = HeadObject(bucket, key);
    if (head.ok()) {
      return Status::PreconditionFailed("PutObject " + S3Uri(bucket, key) +
                                        ": the key exists (create-only upload)");
    }
    // Anything else (a 404, or the 403 AWS gives for a missing key to a role that may not
    // list it) lets the upload go ahead.
  }
  if (!options.if_match_etag.empty()) {
    // The same for a replacement, checked the same way.
    auto head = HeadObject(bucket, key);
    if (!head.ok() && !head.status().IsNotFound()) return head.status();
    if (!head.ok() || head->etag != options.if_match_etag) {
      return Status::PreconditionFailed("PutObject " + S3Uri(bucket, key) +
                                        ": its ETag is no longer " + options.if_match_etag +
                                        " (replace-only upload)");
    }
  }
  // S3 allows at most 10,000 parts: grow the part size for very large files.
  uint64_t part_size = std::max<uint64_t>(options_.part_size, (size + 9999) / 10000);
  const int parts = static_cast<int>((size + part_size - 1) / part_size);
  S3PROC_ASSIGN_OR_RETURN(std::string upload_id, CreateMultipartUpload(bucket, key, options));

  // A few workers take part numbers from a shared counter: memory stays bounded (parts stream
  // from the file) whatever the size.
  std::vector<std::string> etags(static_cast<size_t>(parts));
  std::atomic<int> next{0};
  std::mutex mu;
  Status first_error;
  auto worker = [&] {
    for (;;) {
      {
        std::lock_guard<std::mutex> lock(mu);
        if (!first_error.ok()) return;
      }
      int index = next.fetch_add(1);
      if (index >= parts) return;
      uint64_t offset = static_cast<uint64_t>(index) * part_size;
      uint64_t length = std::min(part_size, size - offset);
      auto etag = UploadPart(bucket, key, upload_id, index + 1, local_path, offset, length);
      std::lock_guard<std::mutex> lock(mu);
      if (!etag.ok()) {
        if (first_error.ok()) first_error = etag.status();
        return;
      }
      etags[static_cast<size_t>(index)] = std::move(*etag);
    }
  };
  const int threads = std::max(1, std::min(options_.multipart_concurrency, parts));
  std::vector<std::thread> pool;
  for (int i = 0; i < threads; ++i) pool.emplace_back(worker);
  for (auto& t : pool) t.join();

  if (first_error.ok()) {
    auto result = CompleteMultipartUpload(bucket, key, upload_id, etags);
    if (result.ok()) return result;
    first_error = result.status();
  }
  // Abort so that no orphaned parts keep costing storage; the lifecycle rule is the safety net.
  (void)AbortMultipartUpload(bucket, key, upload_id);
  return first_error;
}

}  // namespace s3proc
