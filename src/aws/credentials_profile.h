#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "aws/aws_config_file.h"
#include "aws/credential_process.h"
#include "aws/credentials.h"
#include "aws/credentials_env.h"
#include "aws/imds_client.h"
#include "aws/sts_client.h"

namespace s3proc {

// Which profile to use and where the shared files are, resolved the way the AWS CLI does.
struct AwsSharedFiles {
  std::string profile;            // profile_flag > AWS_PROFILE > "default"
  bool profile_explicit = false;  // named by the flag or AWS_PROFILE (a missing one is an error)
  // AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials; AWS_CONFIG_FILE or ~/.aws/config. A
  // leading "~/" is expanded with HOME. Empty when HOME is needed but unset (no file).
  std::string credentials_path;
  std::string config_path;
};

// REQUIRES: env is callable. profile_flag: the --profile value, "" when not given.
AwsSharedFiles ResolveAwsSharedFiles(const EnvLookup& env, std::string_view profile_flag = "");

// Returns the selected profile's section of the config file; NotFound when the file or the
// profile is absent; InvalidArgument/IoError when the file cannot be parsed/read.
// (Used for `region` and `endpoint_url`.)
Result<AwsProfile> LoadConfigProfile(const AwsSharedFiles& files);

struct ProfileCredentialsOptions {
  EnvLookup env = ProcessEnvLookup();
  std::string profile;  // the --profile value; "" = AWS_PROFILE, then "default"
  // Asked for `credential_source = Ec2InstanceMetadata`; nullptr: such profiles are refused.
  std::shared_ptr<ImdsClient> imds;
  // Assumes the roles of `role_arn` profiles; nullptr: such profiles are refused.
  std::shared_ptr<StsClient> sts;
  // Runs `credential_process` (replaced in tests).
  std::function<Result<Credentials>(std::string_view command, const std::string& source,
                                    const EnvLookup& env)>
      run_process = RunCredentialProcess;
  // Names role sessions ("s3proc-1764345846") when the profile has no role_session_name.
  std::function<std::chrono::system_clock::time_point()> now = std::chrono::system_clock::now;
};

// The selected profile's credentials, found as the AWS CLI finds them. The config file's
// profile, with the credentials file's section for the same name laid over it, is read for:
// 1. `role_arn` with `source_profile` (a profile whose own credentials, or role, sign the
//    AssumeRole call; chains of roles are followed, a loop is refused) or `credential_source`
//    (`Environment` or `Ec2InstanceMetadata`): STS AssumeRole, with `external_id`,
//    `role_session_name` and `duration_seconds`. `mfa_serial` is refused: nobody can type a code
//    into a non-interactive run.
// 2. `web_identity_token_file` with `role_arn`: STS AssumeRoleWithWebIdentity.
// 3. Static keys (aws_access_key_id, aws_secret_access_key, optional aws_session_token) from the
//    credentials file; then `credential_process`; then static keys from the config file (never a
//    mix of two sections). Static keys never expire.
// SSO profiles (sso_session, sso_start_url) are refused with the export-credentials advice.
// source = "profile NAME (PATH)" for static keys, "profile NAME (credential_process)", or
// "role ARN (profile NAME)". The files are read on every call; wrap in a cache, which also
// refreshes temporary credentials before they expire.
// GetCredentials() returns:
// - NotFound when the profile is "default" by default and neither file has it, or when the
//   profile exists but holds no credentials of any kind;
// - InvalidArgument when an explicitly named profile (flag or AWS_PROFILE) is in neither file
//   ("The config profile (x) could not be found ..."), when a key id has no secret, when a
//   role cannot be assumed as configured (no source, a loop, mfa_serial, a missing source
//   profile), when credential_process fails, or when a file cannot be parsed;
// - IoError when a file exists but cannot be read; STS's errors for a role.
std::unique_ptr<CredentialsProvider> NewProfileCredentialsProvider(
    ProfileCredentialsOptions options = {});

}  // namespace s3proc
