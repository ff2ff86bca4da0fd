#include <algorithm>

#include "aws/uri_encode.h"
#include "s3/s3_client.h"
#include "s3/s3_request.h"
#include "s3/s3_xml.h"

namespace s3proc {

namespace {

// The x-amz-copy-source header of a copy (or of one part of it).
void AddCopySource(const std::string& bucket, const std::string& source_key,
                   const std::string& source_version_id, const PutOptions& options,
                   HttpHeaders& headers) {
  std::string source = "/" + bucket + "/" + UriEncode(source_key, /*keep_slash=*/true);
  if (!source_version_id.empty()) source += "?versionId=" + UriEncode(source_version_id, false);
  headers.emplace_back("x-amz-copy-source", source);
  if (!options.copy_source_if_match.empty()) {
    headers.emplace_back("x-amz-copy-source-if-match", "\"" + options.copy_source_if_match + "\"");
  }
}

Status VerifyEtagResult(const HttpResponse& response) {
  auto etag = ParseEtagResult(response.body);
  return etag.ok() ? Status::Ok() : etag.status();
}

}  // namespace

Result<PutResult> S3Client::CopyObject(const std::string& bucket, const std::string& source_key,
                                       const std::string& source_version_id,
                                       const std::string& destination_key,
                                       const PutOptions& options) {
  if (options.copy_source_size > options_.max_single_copy_bytes) {
    return CopyMultipart(bucket, source_key, source_version_id, destination_key, options);
  }
  Request r;
  r.op = {"CopyObject", "s3:PutObject (and s3:GetObject on the source)", bucket, destination_key};
  r.method = "PUT";
  r.bucket = bucket;
  r.key = destination_key;
  AddCopySource(bucket, source_key, source_version_id, options, r.headers);
  AddPutHeaders(options, r.headers);
  if (!options.metadata.empty() || !options.content_type.empty()) {
    r.headers.emplace_back("x-amz-metadata-directive", "REPLACE");
  }
  if (options.if_none_match_any) {
    // Not every S3 server honours If-None-Match on a copy (AWS does): look before every attempt,
    // so that a retry after a lost answer does not store the copy a second time. Not atomic; the
    // If-None-Match still holds where it is honoured.
    r.before_attempt = [&]() -> Status {
      auto there = HeadObject(bucket, destination_key);
      if (there.ok()) {
        return Status::PreconditionFailed("copy to " + destination_key + ": the key exists");
      }
      return there.status().IsNotFound() ? Status::Ok() : there.status();
    };
  }
  r.verify = VerifyEtagResult;
  S3PROC_ASSIGN_OR_RETURN(HttpResponse response, Execute(r));
  S3PROC_ASSIGN_OR_RETURN(std::string etag, ParseEtagResult(response.body));
  return PutResult{etag, std::string(response.Header("x-amz-version-id")),
                   options.copy_source_size};
}

Result<std::string> S3Client::UploadPartCopy(const std::string& bucket, const std::string& key,
                                             const std::string& upload_id, int part_number,
                                             const std::string& source_key,
                                             const std::string& source_version_id,
                                             const PutOptions& options, uint64_t offset,
                                             uint64_t length) {
  Request r;
  r.op = {"UploadPartCopy", "s3:PutObject (and s3:GetObject on the source)", bucket, key};
  r.method = "PUT";
  r.bucket = bucket;
  r.key = key;
  r.query = {{"partNumber", std::to_string(part_number)}, {"uploadId", upload_id}};
  AddCopySource(bucket, source_key, source_version_id, options, r.headers);
  r.headers.emplace_back("x-amz-copy-source-range", "bytes=" + std::to_string(offset) + "-" +
                                                        std::to_string(offset + length - 1));
  r.verify = VerifyEtagResult;
  S3PROC_ASSIGN_OR_RETURN(HttpResponse response, Execute(r));
  return ParseEtagResult(response.body);
}

Status S3Client::CheckSourceUnchanged(const std::string& bucket, const std::string& source_key,
                                      const std::string& source_version_id,
                                      const PutOptions& options) {
  if (options.copy_source_if_match.empty()) return Status::Ok();
  // Not every server honours x-amz-copy-source-if-match on a part (Ceph RGW ignores it): the
  // source is looked at once its parts are copied. The same ETag then means the same bytes.
  S3PROC_ASSIGN_OR_RETURN(ObjectInfo now, HeadObject(bucket, source_key, source_version_id));
  if (now.etag == options.copy_source_if_match) return Status::Ok();
  return Status::PreconditionFailed("copy " + S3Uri(bucket, source_key) +
                                    ": its ETag is no longer " + options.copy_source_if_match +
                                    " (it changed during the copy)");
}

Result<PutResult> S3Client::CopyMultipart(const std::string& bucket, const std::string& source_key,
                                          const std::string& source_version_id,
                                          const std::string& destination_key,
                                          const PutOptions& options) {
  if (options.if_none_match_any) {
    // As for a multipart upload: checked with a HEAD first (not every server honours
    // If-None-Match on CompleteMultipartUpload).
    auto there = HeadObject(bucket, destination_key);
    if (there.ok()) {
      return Status::PreconditionFailed("copy to " + destination_key + ": the key exists");
    }
    if (!there.status().IsNotFound()) return there.status();
  }
  // Unlike CopyObject, a multipart copy does not carry the source's metadata over: the
  // destination gets what `options` gives.
  const uint64_t size = options.copy_source_size;
  // S3 allows at most 10,000 parts: grow the part size for very large objects.
  const uint64_t part_size = std::max<uint64_t>(options_.copy_part_size, (size + 9999) / 10000);
  S3PROC_ASSIGN_OR_RETURN(std::string upload_id,
                          CreateMultipartUpload(bucket, destination_key, options));
  std::vector<std::string> etags;
  // Server-side parts move no bytes through s3proc: one after another is enough.
  for (uint64_t offset = 0; offset < size; offset += part_size) {
    auto etag = UploadPartCopy(bucket, destination_key, upload_id,
                               static_cast<int>(etags.size()) + 1, source_key, source_version_id,
                               options, offset, std::min(part_size, size - offset));
    if (!etag.ok()) {
      (void)AbortMultipartUpload(bucket, destination_key, upload_id);  // best effort
      return etag.status();
    }
    etags.push_back(std::move(*etag));
  }
  if (Status same = CheckSourceUnchanged(bucket, source_key, source_version_id, options);
      !same.ok()) {
    (void)AbortMultipartUpload(bucket, destination_key, upload_id);
    return same;
  }
  auto stored = CompleteMultipartUpload(bucket, destination_key, upload_id, etags);
  if (!stored.ok()) {
    (void)AbortMultipartUpload(bucket, destination_key, upload_id);
    return stored.status();
  }
  stored->size = size;
  return stored;
}

}  // namespace s3proc
