#include "aws/s3_error_table.h"
#include "common/hash.h"
#include "s3/s3_client.h"
#include "s3/s3_request.h"
#include "s3/s3_xml.h"

namespace s3proc {

Status S3Client::DeleteObject(const std::string& bucket, const std::string& key,
                              const std::string& version_id) {
  Request r;
  r.op = {"DeleteObject", version_id.empty() ? "s3:DeleteObject" : "s3:DeleteObjectVersion", bucket,
          key};
  r.method = "DELETE";
  r.bucket = bucket;
  r.key = key;
  if (!version_id.empty()) r.query.emplace_back("versionId", version_id);
  auto response = Execute(r);
  if (!response.ok() && !response.status().IsNotFound()) return response.status();
  return Status::Ok();
}

Result<DeleteObjectsResult> S3Client::DeleteObjects(const std::string& bucket,
                                                    const std::vector<ObjectId>& objects) {
  DeleteObjectsResult all;
  std::vector<ObjectId> batch;
  auto flush = [&]() -> Status {
    if (batch.empty()) return Status::Ok();
    std::string body = BuildDeleteRequest(batch);
    StreamDigest digest;
    digest.Update(body);
    digest.Finish();
    Request r;
    r.op = {"DeleteObjects", "s3:DeleteObject", bucket, ""};
    r.method = "POST";
    r.bucket = bucket;
    r.query = {{"delete", ""}};
    r.body.data = body;
    r.payload_sha256 = digest.sha256_hex();
    r.headers.emplace_back("Content-MD5", digest.md5_base64());
    r.headers.emplace_back("Content-Type", "application/xml");
    S3PROC_ASSIGN_OR_RETURN(HttpResponse response, Execute(r));
    S3PROC_ASSIGN_OR_RETURN(std::vector<S3DeleteError> errors, ParseDeleteResult(response.body));
    for (S3DeleteError& e : errors) {
      // There is no status per key: the code alone classifies it.
      StatusCode code = ClassifyS3Error(0, e.code).status_code;
      if (code == StatusCode::kNotFound) continue;  // already gone: done
      all.failures.push_back({std::move(e.object), Status(code, e.code + ": " + e.message)});
    }
    batch.clear();
    return Status::Ok();
  };
  for (const ObjectId& o : objects) {
    if (!IsXmlSafe(o.key)) {
      // XML 1.0 cannot carry this key: delete it alone.
      Status s = DeleteObject(bucket, o.key, o.version_id);
      if (!s.ok()) all.failures.push_back({o, std::move(s)});
      continue;
    }
    batch.push_back(o);
    if (batch.size() == 1000) S3PROC_RETURN_IF_ERROR(flush());
  }
  S3PROC_RETURN_IF_ERROR(flush());
  return all;
}

}  // namespace s3proc
