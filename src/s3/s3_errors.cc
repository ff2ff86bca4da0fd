#include "s3/s3_errors.h"

namespace s3proc {

std::string S3Uri(std::string_view bucket, std::string_view key) {
  std::string out = "s3://";
  out += bucket;
  if (!key.empty()) {
    out += "/";
    out += key;
  }
  return out;
}

namespace {

std::string DefaultCode(long http_status) {
  switch (http_status) {
    case 400: return "BadRequest";
    case 403: return "Forbidden";
    case 404: return "NotFound";
    case 409: return "Conflict";
    case 412: return "PreconditionFailed";
    case 429: return "TooManyRequests";
    case 500: return "InternalError";
    case 503: return "ServiceUnavailable";
    default: return "HTTP" + std::to_string(http_status);
  }
}

}  // namespace

Status MapS3Error(const S3OperationInfo& op, long http_status, const S3ErrorBody& error) {
  const std::string code = error.code.empty() ? DefaultCode(http_status) : error.code;
  std::string message = std::string(op.operation) + " " + S3Uri(op.bucket, op.key) + ": " + code +
                        " (" + std::to_string(http_status);
  if (!error.request_id.empty()) message += ", request id " + error.request_id;
  message += ")";
  if (!error.message.empty()) message += ": " + error.message;

  const std::string resource = "arn:aws:s3:::" + op.bucket + (op.key.empty() ? "" : "/" + op.key);
  if (code == "SignatureDoesNotMatch") {
    return Status::AccessDenied(message +
                                ": the secret access key does not match the access key id; check "
                                "AWS_SECRET_ACCESS_KEY or the profile's aws_secret_access_key");
  }
  if (code == "InvalidAccessKeyId") {
    return Status::AccessDenied(message + ": the access key id is unknown to this endpoint; check "
                                          "the credentials and --endpoint-url");
  }
  if (code == "ExpiredToken" || code == "InvalidToken" || code == "TokenRefreshRequired") {
    return Status::AccessDenied(message + ": the session credentials expired and could not be "
                                          "refreshed");
  }
  if (code == "RequestTimeTooSkewed") {
    return Status::AccessDenied(message + ": this machine's clock is off; sync it (chrony/NTP)");
  }
  if (code == "NoSuchBucket") {
    return Status::InvalidArgument(message + ": the bucket does not exist; check --bucket and "
                                             "--region");
  }
  if (http_status == 403 || code == "AccessDenied") {
    return Status::AccessDenied(message + ": the credentials need " + std::string(op.iam_action) +
                                " on " + resource);
  }
  if (http_status == 404 || code == "NoSuchKey" || code == "NoSuchVersion" ||
      code == "NoSuchUpload") {
    return Status::NotFound(message);
  }
  if (http_status == 412 || code == "PreconditionFailed") {
    return Status::PreconditionFailed(message);
  }
  if (http_status >= 500 || http_status == 429 || code == "SlowDown" ||
      code == "RequestTimeout" || code == "ServiceUnavailable" || code == "Throttling") {
    return Status::Transient(message + ": the service is busy or failing; a later run retries");
  }
  if (code == "BadDigest" || code == "InvalidDigest" || code == "IncompleteBody") {
    return Status::Transient(message + ": the body was damaged in transit");
  }
  return Status::InvalidArgument(message);
}

}  // namespace s3proc
