#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <cerrno>
#include <memory>

#include "common/file_io.h"
#include "common/hash.h"
#include "s3/s3_client.h"
#include "s3/s3_request.h"
#include "s3/s3_xml.h"

namespace s3proc {

ObjectInfo ObjectInfoFromHeaders(const std::string& key, const HttpResponse& response) {
  ObjectInfo info;
  info.key = key;
  info.etag = UnquoteEtag(response.Header("etag"));
  info.version_id = std::string(response.Header("x-amz-version-id"));
  if (info.version_id == "null") info.version_id.clear();
  info.size = std::strtoull(std::string(response.Header("content-length")).c_str(), nullptr, 10);
  info.last_modified = std::string(response.Header("last-modified"));
  info.content_type = std::string(response.Header("content-type"));
  for (const auto& [name, value] : response.headers) {
    if (name.starts_with("x-amz-meta-")) info.metadata.emplace_back(name.substr(11), value);
  }
  return info;
}

bool EtagIsContentMd5(const std::string& etag, const HttpResponse& response) {
  if (etag.size() != 32 || etag.find('-') != std::string::npos) return false;
  if (response.Header("x-amz-server-side-encryption") == "aws:kms" ||
      response.Header("x-amz-server-side-encryption") == "aws:kms:dsse" ||
      !response.Header("x-amz-server-side-encryption-customer-algorithm").empty()) {
    return false;
  }
  for (char c : etag) {
    if (!isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

Result<ObjectInfo> S3Client::HeadObject(const std::string& bucket, const std::string& key,
                                        const std::string& version_id) {
  Request r;
  r.op = {"HeadObject", version_id.empty() ? "s3:GetObject" : "s3:GetObjectVersion", bucket, key};
  r.method = "HEAD";
  r.bucket = bucket;
  r.key = key;
  if (!version_id.empty()) r.query.emplace_back("versionId", version_id);
  S3PROC_ASSIGN_OR_RETURN(HttpResponse response, Execute(r));
  return ObjectInfoFromHeaders(key, response);
}

namespace {

// One download attempt's file and running digest.
struct Download {
  ScopedFd fd;
  uint64_t written = 0;
  std::unique_ptr<StreamDigest> digest;
};

}  // namespace

Result<ObjectInfo> S3Client::GetObjectToFile(const std::string& bucket, const std::string& key,
                                             const std::string& version_id,
                                             const std::string& local_path) {
  auto state = std::make_shared<Download>();
  Request r;
  r.op = {"GetObject", version_id.empty() ? "s3:GetObject" : "s3:GetObjectVersion", bucket, key};
  r.method = "GET";
  r.bucket = bucket;
  r.key = key;
  if (!version_id.empty()) r.query.emplace_back("versionId", version_id);
  r.open_sink = [state, local_path]() -> Result<std::function<Status(std::string_view)>> {
    // Each attempt starts the file afresh; a symlink or another user's file planted at the
    // destination is refused.
    S3PROC_ASSIGN_OR_RETURN(state->fd, CreateOrTruncateOwn(local_path));
    state->written = 0;
    state->digest = std::make_unique<StreamDigest>();
    return std::function<Status(std::string_view)>([state, local_path](std::string_view chunk) {
      state->digest->Update(chunk);
      S3PROC_RETURN_IF_ERROR(WriteAll(state->fd.get(), chunk, local_path));
      state->written += chunk.size();
      return Status::Ok();
    });
  };
  r.verify = [state, local_path, key](const HttpResponse& response) {
    std::string_view length = response.Header("content-length");
    if (!length.empty() &&
        std::strtoull(std::string(length).c_str(), nullptr, 10) != state->written) {
      return Status::Transient("GetObject " + key + ": received " + std::to_string(state->written) +
                               " bytes, Content-Length said " + std::string(length));
    }
    state->digest->Finish();
    std::string etag = UnquoteEtag(response.Header("etag"));
    if (EtagIsContentMd5(etag, response) && etag != state->digest->md5_hex()) {
      return Status::Transient("GetObject " + key + ": the body's MD5 " + state->digest->md5_hex() +
                               " does not match its ETag " + etag + " (damaged in transit)");
    }
    // No fsync: a download is scratch that a crashed run simply fetches again.
    return state->fd.Close(local_path);
  };
  S3PROC_ASSIGN_OR_RETURN(HttpResponse response, Execute(r));
  ObjectInfo info = ObjectInfoFromHeaders(key, response);
  info.size = state->written;
  info.sha256_hex = state->digest->sha256_hex();
  return info;
}

Result<std::string> S3Client::GetObjectToString(const std::string& bucket, const std::string& key) {
  Request r;
  r.op = {"GetObject", "s3:GetObject", bucket, key};
  r.method = "GET";
  r.bucket = bucket;
  r.key = key;
  r.verify = [key](const HttpResponse& response) {
    std::string etag = UnquoteEtag(response.Header("etag"));
    if (EtagIsContentMd5(etag, response)) {
      StreamDigest digest;
      digest.Update(response.body);
      digest.Finish();
      if (digest.md5_hex() != etag) {
        return Status::Transient("GetObject " + key + ": body does not match its ETag");
      }
    }
    return Status::Ok();
  };
  S3PROC_ASSIGN_OR_RETURN(HttpResponse response, Execute(r));
  return std::move(response.body);
}

}  // namespace s3proc
