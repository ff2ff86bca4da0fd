#include "s3/s3_errors.h"

#include "aws/s3_error_table.h"

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

  const S3ErrorClass what = ClassifyS3Error(http_status, error.code);
  if (what.names_iam_action) {
    message += ": the credentials need " + std::string(op.iam_action) +
               " on arn:aws:s3:::" + op.bucket + (op.key.empty() ? "" : "/" + op.key);
  } else if (!what.advice.empty()) {
    message += ": ";
    message += what.advice;
  }
  return Status(what.status_code, std::move(message));
}

}  // namespace s3proc
