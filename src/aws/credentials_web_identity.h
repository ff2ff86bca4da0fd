#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "aws/credentials.h"
#include "aws/credentials_env.h"
#include "aws/sts_client.h"

namespace s3proc {

// Reads the web identity token in `token_file` (read on every call: EKS and other platforms
// rotate it) and exchanges it through STS AssumeRoleWithWebIdentity for the role's credentials.
// `what` begins every message ("AWS_WEB_IDENTITY_TOKEN_FILE", "profile ci"). Returns
// InvalidArgument when the file cannot be read or is empty, or STS's errors. The token never
// appears in a message.
Result<Credentials> AssumeRoleWithWebIdentityFile(StsClient& sts, const std::string& token_file,
                                                  AssumeRoleRequest request,
                                                  const std::string& what);

// A role session name for roles assumed without one: "s3proc-SECONDS".
std::string DefaultRoleSessionName(std::chrono::system_clock::time_point now);

// The environment's web identity, as the AWS SDKs read it: AWS_WEB_IDENTITY_TOKEN_FILE,
// AWS_ROLE_ARN and optionally AWS_ROLE_SESSION_NAME. GetCredentials() returns NotFound when
// AWS_WEB_IDENTITY_TOKEN_FILE is unset, InvalidArgument when AWS_ROLE_ARN is missing, or
// AssumeRoleWithWebIdentityFile's result. source = "role ARN (web identity)".
// REQUIRES: sts is non-null.
std::unique_ptr<CredentialsProvider> NewWebIdentityCredentialsProvider(
    EnvLookup env, std::shared_ptr<StsClient> sts,
    std::function<std::chrono::system_clock::time_point()> now = std::chrono::system_clock::now);

}  // namespace s3proc
