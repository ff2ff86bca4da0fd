#pragma once

#include <memory>
#include <string>
#include <vector>

#include "aws/credentials.h"
#include "aws/credentials_env.h"
#include "aws/imds_client.h"
#include "aws/sts_client.h"

namespace s3proc {

// A provider that asks `providers` in order and returns the first credentials found. A NotFound
// moves on to the next provider; any other error stops the chain and is returned as is (a broken
// source must be fixed, not silently skipped). When every provider says NotFound, returns
// NotFound listing each provider's reason and what the user can do.
// Invalidate() is passed to every provider. Thread-safe if the providers are.
// REQUIRES: no provider is null.
std::unique_ptr<CredentialsProvider> NewCredentialsChain(
    std::vector<std::unique_ptr<CredentialsProvider>> providers);

struct DefaultCredentialsChainOptions {
  EnvLookup env = ProcessEnvLookup();
  std::string profile;  // the --profile value; "" = AWS_PROFILE, then "default"
  // IMDS is asked through this client (REQUIRES: non-null, outlives the chain). Share the client
  // with region resolution so both use one session token.
  std::shared_ptr<ImdsClient> imds;
  // Assumes roles (web identity, profiles with role_arn). nullptr: such sources are refused.
  std::shared_ptr<StsClient> sts;
};

// The chain every AWS SDK uses: environment, then web identity (AWS_WEB_IDENTITY_TOKEN_FILE and
// AWS_ROLE_ARN), then the shared profile files (keys, credential_process, roles:
// credentials_profile.h), then the EC2 instance metadata service. As in the AWS CLI, a profile
// named by the flag (options.profile) skips the environment's keys: asking for a profile by name
// means that profile. (AWS_PROFILE does not: environment keys still win over it.) Not cached: wrap
// it with NewCachingCredentialsProvider.
std::unique_ptr<CredentialsProvider> NewDefaultCredentialsChain(
    DefaultCredentialsChainOptions options);

}  // namespace s3proc
