#include "s3/s3_client.h"
#include "s3/s3_request.h"

namespace s3proc {

Status S3Client::CreateBucket(const std::string& bucket) {
  Request r;
  r.op = {"CreateBucket", "s3:CreateBucket", bucket, ""};
  r.method = "PUT";
  r.bucket = bucket;
  std::string body;
  if (options_.region != "us-east-1") {
    body = "<CreateBucketConfiguration><LocationConstraint>" + options_.region +
           "</LocationConstraint></CreateBucketConfiguration>";
    r.body.data = body;
  }
  auto response = Execute(r);
  if (!response.ok() &&
      response.status().message().find("BucketAlreadyOwnedByYou") != std::string::npos) {
    return Status::Ok();
  }
  return response.ok() ? Status::Ok() : response.status();
}

Status S3Client::EnableVersioning(const std::string& bucket) {
  static constexpr char kBody[] =
      "<VersioningConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
      "<Status>Enabled</Status></VersioningConfiguration>";
  Request r;
  r.op = {"PutBucketVersioning", "s3:PutBucketVersioning", bucket, ""};
  r.method = "PUT";
  r.bucket = bucket;
  r.query = {{"versioning", ""}};
  r.body.data = kBody;
  auto response = Execute(r);
  return response.ok() ? Status::Ok() : response.status();
}

}  // namespace s3proc
