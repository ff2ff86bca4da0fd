#include "aws/credentials_profile.h"

#include <optional>
#include <utility>

namespace s3proc {
namespace {

std::string ExpandHome(const EnvLookup& env, std::string path) {
  if (path == "~" || path.rfind("~/", 0) == 0) {
    std::optional<std::string> home = env("HOME");
    if (!home) return "";
    return *home + path.substr(1);
  }
  return path;
}

// Loads one shared file, treating an absent file (or no path) as an empty one.
Result<AwsConfigFile> LoadOptional(const std::string& path, AwsConfigFileKind kind) {
  if (path.empty()) return AwsConfigFile{};
  Result<AwsConfigFile> file = LoadAwsConfigFile(path, kind);
  if (!file.ok() && file.status().IsNotFound()) return AwsConfigFile{};
  return file;
}

std::string DisplayPath(const std::string& path) { return path.empty() ? "(no HOME)" : path; }

// Settings that mean "this profile gets credentials some other way", which we do not implement.
constexpr std::string_view kUnsupportedKeys[] = {
    "role_arn",      "credential_process",      "sso_session",
    "sso_start_url", "web_identity_token_file", "credential_source",
    "login_session",
};

class ProfileCredentialsProvider final : public CredentialsProvider {
 public:
  explicit ProfileCredentialsProvider(ProfileCredentialsOptions options)
      : options_(std::move(options)) {}

  Result<Credentials> GetCredentials() override {
    AwsSharedFiles files = ResolveAwsSharedFiles(options_.env, options_.profile);
    const std::string& name = files.profile;
    S3PROC_ASSIGN_OR_RETURN(AwsConfigFile credentials_file,
                            LoadOptional(files.credentials_path, AwsConfigFileKind::kCredentials));
    S3PROC_ASSIGN_OR_RETURN(AwsConfigFile config_file,
                            LoadOptional(files.config_path, AwsConfigFileKind::kConfig));

    const AwsProfile* from_credentials = credentials_file.Find(name);
    const AwsProfile* from_config = config_file.Find(name);
    std::string where =
        DisplayPath(files.credentials_path) + " or " + DisplayPath(files.config_path);
    if (from_credentials == nullptr && from_config == nullptr) {
      if (files.profile_explicit) {
        return Status::InvalidArgument("The config profile (" + name + ") could not be found in " +
                                       where + ": fix AWS_PROFILE/--profile or add the profile");
      }
      return Status::NotFound("profile " + name + ": not in " + where);
    }
    if (credentials_file.Get(name, "aws_access_key_id") ||
        credentials_file.Get(name, "aws_secret_access_key")) {
      return FromSection(credentials_file, name, files.credentials_path);
    }
    if (config_file.Get(name, "aws_access_key_id") ||
        config_file.Get(name, "aws_secret_access_key")) {
      return FromSection(config_file, name, files.config_path);
    }
    for (const AwsConfigFile* file : {&credentials_file, &config_file}) {
      for (std::string_view key : kUnsupportedKeys) {
        if (file->Get(name, key)) {
          return Status::InvalidArgument(
              "profile " + name + " uses " + std::string(key) +
              ", which s3proc does not support: export temporary credentials with "
              "`eval \"$(aws configure export-credentials --profile " +
              name + " --format env)\"` and run again");
        }
      }
    }
    return Status::NotFound("profile " + name + ": no aws_access_key_id in " + where);
  }

 private:
  static Result<Credentials> FromSection(const AwsConfigFile& file, const std::string& name,
                                         const std::string& path) {
    std::optional<std::string> id = file.Get(name, "aws_access_key_id");
    std::optional<std::string> secret = file.Get(name, "aws_secret_access_key");
    if (!id || !secret) {
      return Status::InvalidArgument("profile " + name + " in " + path + " has " +
                                     (id ? "aws_access_key_id but no aws_secret_access_key"
                                         : "aws_secret_access_key but no aws_access_key_id") +
                                     ": set both");
    }
    Credentials credentials;
    credentials.access_key_id = std::move(*id);
    credentials.secret_access_key = std::move(*secret);
    if (auto token = file.Get(name, "aws_session_token")) {
      credentials.session_token = std::move(*token);
    }
    credentials.source = "profile " + name + " (" + path + ")";
    return credentials;
  }

  ProfileCredentialsOptions options_;
};

}  // namespace

AwsSharedFiles ResolveAwsSharedFiles(const EnvLookup& env, std::string_view profile_flag) {
  AwsSharedFiles files;
  if (!profile_flag.empty()) {
    files.profile = std::string(profile_flag);
    files.profile_explicit = true;
  } else if (std::optional<std::string> profile = env("AWS_PROFILE")) {
    files.profile = std::move(*profile);
    files.profile_explicit = true;
  } else {
    files.profile = "default";
  }
  files.credentials_path =
      ExpandHome(env, env("AWS_SHARED_CREDENTIALS_FILE").value_or("~/.aws/credentials"));
  files.config_path = ExpandHome(env, env("AWS_CONFIG_FILE").value_or("~/.aws/config"));
  return files;
}

Result<AwsProfile> LoadConfigProfile(const AwsSharedFiles& files) {
  if (files.config_path.empty()) return Status::NotFound("no config file (HOME is not set)");
  S3PROC_ASSIGN_OR_RETURN(AwsConfigFile file,
                          LoadAwsConfigFile(files.config_path, AwsConfigFileKind::kConfig));
  const AwsProfile* profile = file.Find(files.profile);
  if (profile == nullptr) {
    return Status::NotFound("profile " + files.profile + " is not in " + files.config_path);
  }
  return *profile;
}

std::unique_ptr<CredentialsProvider> NewProfileCredentialsProvider(
    ProfileCredentialsOptions options) {
  return std::make_unique<ProfileCredentialsProvider>(std::move(options));
}

}  // namespace s3proc
