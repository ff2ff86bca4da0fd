#include "aws/s3_error_table.h"

#include <algorithm>
#include <iterator>

namespace s3proc {
namespace {

constexpr std::string_view kBusy = "the service is busy or failing; a later run retries";
constexpr std::string_view kDamaged = "the body was damaged in transit";
constexpr std::string_view kConflict =
    "another conditional request on this object was in progress; a later run retries";
constexpr std::string_view kExpired = "the session credentials expired and could not be refreshed";
constexpr std::string_view kClock = "this machine's clock is off; sync it (chrony/NTP)";

constexpr S3ErrorClass kRetryBusy{S3ErrorAction::kRetry, StatusCode::kTransient, kBusy};
constexpr S3ErrorClass kRetryDamaged{S3ErrorAction::kRetry, StatusCode::kTransient, kDamaged};
constexpr S3ErrorClass kRetryConflict{S3ErrorAction::kRetry, StatusCode::kTransient, kConflict};
constexpr S3ErrorClass kRefresh{S3ErrorAction::kRefreshCredentialsThenRetry,
                                StatusCode::kAccessDenied, kExpired};
constexpr S3ErrorClass kClockSkew{S3ErrorAction::kFail, StatusCode::kAccessDenied, kClock};
constexpr S3ErrorClass kDenied{S3ErrorAction::kFail, StatusCode::kAccessDenied, "", true};
constexpr S3ErrorClass kNotFound{S3ErrorAction::kFail, StatusCode::kNotFound};
constexpr S3ErrorClass kPrecondition{S3ErrorAction::kFail, StatusCode::kPreconditionFailed};
constexpr S3ErrorClass kInvalid{S3ErrorAction::kFail, StatusCode::kInvalidArgument};

// The S3 codes s3proc knows, whatever the status they come with. When in doubt, a code stays
// out of this table: the status then decides.
constexpr S3ErrorCodeRow kCodes[] = {
    // Expired or invalid session credentials: a fresh set may work.
    {"ExpiredToken", kRefresh},
    {"ExpiredTokenException", kRefresh},
    {"InvalidToken", kRefresh},
    {"TokenRefreshRequired", kRefresh},
    // Throttling.
    {"SlowDown", kRetryBusy},
    {"Throttling", kRetryBusy},
    {"ThrottlingException", kRetryBusy},
    {"ThrottledException", kRetryBusy},
    {"RequestThrottled", kRetryBusy},
    {"RequestThrottledException", kRetryBusy},
    {"TooManyRequestsException", kRetryBusy},
    {"RequestLimitExceeded", kRetryBusy},
    {"BandwidthLimitExceeded", kRetryBusy},
    {"EC2ThrottledException", kRetryBusy},
    {"PriorRequestNotComplete", kRetryBusy},
    // Transient server or network trouble.
    {"RequestTimeout", kRetryBusy},
    {"RequestTimeoutException", kRetryBusy},
    {"InternalError", kRetryBusy},
    {"ServiceUnavailable", kRetryBusy},
    // A conditional write or delete (If-Match, If-None-Match) raced another on the same key (409):
    // AWS documents both as retryable, and the retry meets the winner (412) or succeeds.
    {"ConditionalRequestConflict", kRetryConflict},
    {"OperationAborted", kRetryConflict},
    // The body was damaged in transit (Content-MD5 or the signed SHA-256 did not match, or it
    // was cut short): the same bytes sent again arrive whole.
    {"BadDigest", kRetryDamaged},
    {"XAmzContentSHA256Mismatch", kRetryDamaged},
    {"IncompleteBody", kRetryDamaged},
    // Retrying with the same clock gets the same answer.
    {"RequestTimeTooSkewed", kClockSkew},
    {"RequestExpired", kClockSkew},
    // Wrong credentials: no retry helps.
    {"SignatureDoesNotMatch",
     {S3ErrorAction::kFail, StatusCode::kAccessDenied,
      "the secret access key does not match the access key id; check AWS_SECRET_ACCESS_KEY or "
      "the profile's aws_secret_access_key"}},
    {"InvalidAccessKeyId",
     {S3ErrorAction::kFail, StatusCode::kAccessDenied,
      "the access key id is unknown to this endpoint; check the credentials and --endpoint-url"}},
    {"AccessDenied", kDenied},
    {"NoSuchBucket",
     {S3ErrorAction::kFail, StatusCode::kInvalidArgument,
      "the bucket does not exist; check --bucket and --region"}},
    {"NoSuchKey", kNotFound},
    {"NoSuchVersion", kNotFound},
    {"NoSuchUpload", kNotFound},
    {"PreconditionFailed", kPrecondition},
};

}  // namespace

S3ErrorClass ClassifyS3Error(long http_status, std::string_view code) {
  if (!code.empty()) {
    auto row = std::find_if(std::begin(kCodes), std::end(kCodes),
                            [&](const S3ErrorCodeRow& r) { return r.code == code; });
    if (row != std::end(kCodes)) return row->what;
  }
  if (http_status == 403) return kDenied;
  if (http_status == 404) return kNotFound;
  if (http_status == 412) return kPrecondition;
  if (http_status == 408 || http_status == 429) return kRetryBusy;
  if (http_status >= 500 && http_status <= 599 && http_status != 501) return kRetryBusy;
  return kInvalid;
}

std::span<const S3ErrorCodeRow> KnownS3ErrorCodes() { return kCodes; }

}  // namespace s3proc
