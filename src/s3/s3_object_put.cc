#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "aws/uri_encode.h"
#include "common/hash.h"
#include "s3/s3_client.h"
#include "s3/s3_request.h"
#include "s3/s3_xml.h"

namespace s3proc {

void AddPutHeaders(const PutOptions& options, HttpHeaders& headers) {
  if (options.if_none_match_any) headers.emplace_back("If-None-Match", "*");
  // Unquoted: AWS and moto compare either form, Ceph RGW only the unquoted one.
  if (!options.if_match_etag.empty()) headers.emplace_back("If-Match", options.if_match_etag);
  if (!options.content_type.empty()) headers.emplace_back("Content-Type", options.content_type);
  for (const auto& [name, value] : options.metadata) {
    headers.emplace_back("x-amz-meta-" + name, value);
  }
}

namespace {

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

// Files up to this size are uploaded from memory (see PutObjectFromFile).
constexpr uint64_t kSmallUploadLimit = 64 * 1024 - 1;

// Reads exactly `size` bytes of an open file; a file that shrank or grew since fstat is an
// error, like in the streamed path (the Content-MD5 would not match what we read).
Result<std::string> ReadSmallFile(int fd, uint64_t size, const std::string& path) {
  std::string bytes(size + 1, '\0');
  size_t done = 0;
  for (;;) {
    ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::IoError("cannot read " + path + ": " + std::strerror(errno));
    if (n == 0) break;
    done += static_cast<size_t>(n);
    if (done == bytes.size()) break;
  }
  if (done != size) {
    return Status::IoError("cannot upload " + path + ": its size changed while reading it");
  }
  bytes.resize(size);
  return bytes;
}

}  // namespace

Result<PutResult> S3Client::PutObjectFromFile(const std::string& bucket, const std::string& key,
                                              const std::string& local_path,
                                              const PutOptions& options) {
  const int fd = ::open(local_path.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat st {};
  if (fd < 0 || ::fstat(fd, &st) != 0) {
    const int err = errno;
    if (fd >= 0) ::close(fd);
    return Status::IoError("cannot upload " + local_path + ": " + std::strerror(err));
  }
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  if (size <= kSmallUploadLimit) {
    // Read once into memory: hashed from there and sent with the request headers, instead of
    // a file read to hash it and another to send it (most drop-folder files are this small).
    Result<std::string> bytes = ReadSmallFile(fd, size, local_path);
    ::close(fd);
    if (!bytes.ok()) return bytes.status();
    return PutObjectFromString(bucket, key, *bytes, options);
  }
  ::close(fd);
  if (size >= options_.multipart_threshold && size > options_.part_size) {
    S3PROC_ASSIGN_OR_RETURN(PutResult stored, PutMultipart(bucket, key, local_path, size, options));
    stored.size = size;
    return stored;
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
  return PutResult{info.etag, info.version_id, size};
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
  return PutResult{info.etag, info.version_id, data.size()};
}

}  // namespace s3proc
