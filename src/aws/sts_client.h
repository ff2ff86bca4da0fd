#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "aws/credentials.h"
#include "aws/credentials_env.h"
#include "aws/retry_policy.h"
#include "common/result.h"
#include "http/http_client.h"

namespace s3proc {

struct AssumeRoleRequest {
  std::string role_arn;
  std::string role_session_name;
  std::string external_id;              // "" when the profile has none
  std::optional<int> duration_seconds;  // nullopt: STS's default (an hour)
  std::string web_identity_token;       // AssumeRoleWithWebIdentity only
};

// The two STS calls a profile needs, through the Query API (POST / with a form body).
class StsClient {
 public:
  virtual ~StsClient() = default;

  // AssumeRole, signed with `source` (SigV4, service "sts").
  virtual Result<Credentials> AssumeRole(const AssumeRoleRequest& request,
                                         const Credentials& source) = 0;
  // AssumeRoleWithWebIdentity: not signed, the token is the proof.
  virtual Result<Credentials> AssumeRoleWithWebIdentity(const AssumeRoleRequest& request) = 0;
};

struct StsClientOptions {
  HttpClient* http = nullptr;  // REQUIRES: non-null, outlives the client
  std::string region = "us-east-1";
  std::string endpoint;  // "https://sts.REGION.amazonaws.com"; see ResolveStsEndpoint
  RetryPolicy retry;
  std::function<std::chrono::system_clock::time_point()> now = std::chrono::system_clock::now;
  std::function<void(std::chrono::milliseconds)> sleep;  // empty: the thread sleeps
};

// AWS_ENDPOINT_URL_STS > AWS_ENDPOINT_URL > https://sts.REGION.amazonaws.com (the regional
// endpoint, as current AWS SDKs use; amazonaws.com.cn for cn-*).
std::string ResolveStsEndpoint(const EnvLookup& env, const std::string& region);

// The returned credentials expire (Expiration from STS); source = "role ARN". Errors:
// AccessDenied when STS refuses (its code and message are given: they hold no secret),
// Transient when STS cannot be reached after the retries, Internal for an answer that cannot
// be read. Messages never hold the credentials, the web identity token or a signature.
std::unique_ptr<StsClient> NewStsClient(StsClientOptions options);

}  // namespace s3proc
