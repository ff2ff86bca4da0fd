#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "aws/uri_encode.h"
#include "common/hash.h"
#include "s3/s3_client.h"
#include "s3/s3_request.h"
#include "s3/s3_xml.h"

namespace s3proc {

namespace {

void AddPutHeaders(const PutOptions& options, HttpHeaders& headers) {
  if (options.if_none_match_any) headers.emplace_back("If-None-Match", "*");
  if (!options.if_match.empty()) headers.emplace_back("If-Match", "\"" + options.if_match + "\"");
  if (!options.content_type.empty()) headers.emplace_back("Content-Type", options.content_type);
  for (const auto& [name, value] : options.metadata) {
    headers.emplace_back("x-amz-meta-" + name, value);
  }
}

// The server's ETag of a single PUT is the MD5 of what it stored: compare it with what we sent.
Status VerifyPutEtag(const std::string& key, const std::string& md5_hex,
                     const HttpResponse& response) {
  std::string etag = UnquoteEtag(response.Header("etag"));
  if (EtagIsContentMd5(etag, response) && etag != md5_hex) {
    return Status::Transient("PutObject " + key + ": stored ETag " + etag +
                             " differs from the MD5 of the upload " + md5_hex);
  }
  return Status::Ok();
}

}  // namespace

Result<PutResult> S3Client::PutObjectFromFile(const std::string& bucket, const std::string& key,
                                              const std::string& local_path,
                                              const PutOptions& options) {
  struct stat st {};
  if (::stat(local_path.c_str(), &st) != 0) {
    return Status::IoError("cannot upload " + local_path + ": " + std::strerror(errno));
  }
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  if (size >= options_.multipart_threshold && size > options_.part_size) {
    return PutMultipart(bucket, key, local_path, size, options);
  }
  S3PROC_ASSIGN_OR_RETURN(FileDigest digest, DigestFile(local_path, 0, size));

  Request r;
  r.op = {"PutObject", "s3:PutObject", bucket, key};
  r.method = "PUT";
  r.bucket = bucket;
  r.key = key;
  r.body.file_path = local_path;
  r.body.file_length = size;
  r.payload_sha256 = digest.sha256_hex;
  r.headers.emplace_back("Content-MD5", digest.md5_base64);
  AddPutHeaders(options, r.headers);
  std::string md5 = digest.md5_hex;
  r.verify = [key, md5](const HttpResponse& response) { return VerifyPutEtag(key, md5, response); };
  S3PROC_ASSIGN_OR_RETURN(HttpResponse response, Execute(r));
  ObjectInfo info = ObjectInfoFromHeaders(key, response);
  return PutResult{info.etag, info.version_id};
}

Result<PutResult> S3Client::PutObjectFromString(const std::string& bucket, const std::string& key,
                                                std::string_view data, const PutOptions& options) {
  StreamDigest digest;
  digest.Update(data);
  digest.Finish();
  Request r;
  r.op = {"PutObject", "s3:PutObject", bucket, key};
  r.method = "PUT";
  r.bucket = bucket;
  r.key = key;
  r.body.data = data;
  r.payload_sha256 = digest.sha256_hex();
  r.headers.emplace_back("Content-MD5", digest.md5_base64());
  AddPutHeaders(options, r.headers);
  std::string md5 = digest.md5_hex();
  r.verify = [key, md5](const HttpResponse& response) { return VerifyPutEtag(key, md5, response); };
  S3PROC_ASSIGN_OR_RETURN(HttpResponse response, Execute(r));
  ObjectInfo info = ObjectInfoFromHeaders(key, response);
  return PutResult{info.etag, info.version_id};
}

Result<PutResult> S3Client::CopyObject(const std::string& bucket, const std::string& source_key,
                                       const std::string& source_version_id,
                                       const std::string& destination_key,
                                       const PutOptions& options) {
  Request r;
  r.op = {"CopyObject", "s3:PutObject (and s3:GetObject on the source)", bucket, destination_key};
  r.method = "PUT";
  r.bucket = bucket;
  r.key = destination_key;
  std::string source = "/" + bucket + "/" + UriEncode(source_key, /*keep_slash=*/true);
  if (!source_version_id.empty()) source += "?versionId=" + UriEncode(source_version_id, false);
  r.headers.emplace_back("x-amz-copy-source", source);
  AddPutHeaders(options, r.headers);
  if (!options.metadata.empty() || !options.content_type.empty()) {
    r.headers.emplace_back("x-amz-metadata-directive", "REPLACE");
  }
  r.verify = [](const HttpResponse& response) -> Status {
    auto etag = ParseEtagResult(response.body);
    return etag.ok() ? Status::Ok() : etag.status();
  };
  S3PROC_ASSIGN_OR_RETURN(HttpResponse response, Execute(r));
  S3PROC_ASSIGN_OR_RETURN(std::string etag, ParseEtagResult(response.body));
  return PutResult{etag, std::string(response.Header("x-amz-version-id"))};
}

}  // namespace s3proc
