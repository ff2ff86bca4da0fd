#pragma once

#include <span>
#include <string_view>

#include "common/status.h"

namespace s3proc {

// What to do about one non-2xx S3 answer.
enum class S3ErrorAction {
  kRetry,                        // try again after a backoff
  kRefreshCredentialsThenRetry,  // drop the cached credentials, then try again
  kFail,                         // retrying cannot help
};

// How s3proc treats one S3 error: read by DecideRetry (the action) and by MapS3Error (the code
// and the advice), so the two cannot disagree. Invariant, checked by the tests: an answer that is
// retried maps to kTransient once the retries are used up, and a kTransient one is retried
// (except after a credential refresh, which maps to kAccessDenied).
struct S3ErrorClass {
  S3ErrorAction action = S3ErrorAction::kFail;
  StatusCode status_code = StatusCode::kInvalidArgument;
  // What the message adds after the S3 code and status; "" for nothing.
  std::string_view advice;
  // True when the advice is "the credentials need <IAM action> on <resource>", which only the
  // caller can spell.
  bool names_iam_action = false;
};

// Classifies an S3 error answer. The <Code> of the error body decides when it is one s3proc
// knows (whatever the status: S3 sends throttling as 400 and 503, expired tokens as 400 and
// 403); otherwise the status does (403, 404, 412, 408/429/5xx except 501, anything else).
// `code` is "" when the answer had no body (HEAD). Pure.
S3ErrorClass ClassifyS3Error(long http_status, std::string_view code);

// One row of the table of known S3 codes.
struct S3ErrorCodeRow {
  std::string_view code;
  S3ErrorClass what;
};

// Every S3 code ClassifyS3Error knows, for tests and documentation.
std::span<const S3ErrorCodeRow> KnownS3ErrorCodes();

}  // namespace s3proc
