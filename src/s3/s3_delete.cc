#include "aws/s3_error_table.h"
#include "common/hash.h"
#include "s3/s3_client.h"
#include "s3/s3_request.h"
#include "s3/s3_xml.h"

namespace s3proc {

namespace {

// The ETag condition S3 is to check for `o`: none when a version id already names it exactly.
const std::string& EtagCondition(const ObjectId& o) {
  static const std::string kNone;
  return o.version_id.empty() ? o.etag : kNone;
}

// The object of `asked` that an <Error> names (by key and version id), with the ETag it was
// asked with: the answer does not repeat it.
ObjectId AsAsked(const std::vector<ObjectId>& asked, ObjectId answered) {
  for (const ObjectId& o : asked) {
    if (o.key == answered.key && o.version_id == answered.version_id) return o;
  }
  return answered;
}

}  // namespace

Status S3Client::DeleteObject(const std::string& bucket, const std::string& key,
                              const std::string& version_id, const std::string& if_match_etag) {
  Request r;
  r.op = {"DeleteObject", version_id.empty() ? "s3:DeleteObject" : "s3:DeleteObjectVersion", bucket,
          key};
  r.method = "DELETE";
  r.bucket = bucket;
  r.key = key;
  if (!version_id.empty()) {
    r.query.emplace_back("versionId", version_id);
  } else if (!if_match_etag.empty()) {
    r.headers.emplace_back("If-Match", "\"" + if_match_etag + "\"");
  }
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
      all.failures.push_back(
          {AsAsked(batch, std::move(e.object)), Status(code, e.code + ": " + e.message)});
    }
    batch.clear();
    return Status::Ok();
  };
  // Servers that ignore <ETag> in DeleteObjects may still honour If-Match (moto does): a lone
  // object with a condition goes alone, as does a key XML 1.0 cannot carry.
  const bool alone = objects.size() == 1 && !EtagCondition(objects.front()).empty();
  for (const ObjectId& o : objects) {
    if (alone || !IsXmlSafe(o.key)) {
      Status s = DeleteObject(bucket, o.key, o.version_id, EtagCondition(o));
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
