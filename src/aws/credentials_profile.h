#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "aws/aws_config_file.h"
#include "aws/credentials.h"
#include "aws/credentials_env.h"

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
};

// Static credentials (aws_access_key_id, aws_secret_access_key, optional aws_session_token) from
// the selected profile. The credentials file wins over the config file: when its section for
// the profile has a key id, all three values come from it; otherwise from the config file's
// section (never a mix of the two). Long-term: no expiration. source = "profile NAME (PATH)".
// The files are read on every call; wrap in a cache to read them once.
// GetCredentials() returns:
// - NotFound when the profile is "default" by default and neither file has it, or when the
//   profile exists but has no aws_access_key_id and nothing this provider cannot handle;
// - InvalidArgument when an explicitly named profile (flag or AWS_PROFILE) is in neither file
//   ("The config profile (x) could not be found ..."), when a key id has no secret, when the
//   profile relies on a feature not supported here (role_arn, credential_process, sso_*,
//   web_identity_token_file), or when a file cannot be parsed;
// - IoError when a file exists but cannot be read.
std::unique_ptr<CredentialsProvider> NewProfileCredentialsProvider(
    ProfileCredentialsOptions options = {});

}  // namespace s3proc
