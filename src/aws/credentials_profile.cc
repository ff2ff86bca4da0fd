#include "aws/credentials_profile.h"

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "aws/credentials_imds.h"
#include "aws/credentials_web_identity.h"

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

// Profiles that get their credentials from AWS SSO, which s3proc does not call.
constexpr std::string_view kSsoKeys[] = {"sso_session", "sso_start_url"};

bool Has(const AwsProfile& profile, std::string_view key) {
  auto it = profile.find(std::string(key));
  return it != profile.end() && !it->second.empty();
}

std::string Value(const AwsProfile& profile, std::string_view key) {
  auto it = profile.find(std::string(key));
  return it == profile.end() ? "" : it->second;
}

bool HasStaticKeys(const AwsProfile& profile) {
  return Has(profile, "aws_access_key_id") || Has(profile, "aws_secret_access_key");
}

// Both shared files, read once per GetCredentials call, and the profile logic over them.
class ProfileResolver {
 public:
  ProfileResolver(const ProfileCredentialsOptions& options, AwsSharedFiles files,
                  AwsConfigFile credentials_file, AwsConfigFile config_file)
      : options_(options),
        files_(std::move(files)),
        credentials_file_(std::move(credentials_file)),
        config_file_(std::move(config_file)) {
    // As botocore's Session.full_config: the config file's profiles, with the credentials
    // file's values laid over them.
    merged_ = config_file_.profiles;
    for (const auto& [name, values] : credentials_file_.profiles) {
      for (const auto& [key, value] : values) merged_[name][key] = value;
    }
  }

  std::string Where() const {
    return DisplayPath(files_.credentials_path) + " or " + DisplayPath(files_.config_path);
  }

  const AwsProfile* Find(const std::string& name) const {
    auto it = merged_.find(name);
    return it == merged_.end() ? nullptr : &it->second;
  }

  // The profile's credentials, `visited` being the profiles already on the way here.
  Result<Credentials> Resolve(const std::string& name, std::vector<std::string> visited) {
    const AwsProfile& profile = *Find(name);
    visited.push_back(name);
    if (Has(profile, "role_arn") &&
        (Has(profile, "source_profile") || Has(profile, "credential_source"))) {
      return AssumeRole(name, profile, visited);
    }
    if (Has(profile, "web_identity_token_file")) return WebIdentity(name, profile);
    return OwnCredentials(name, profile);
  }

 private:
  // What the profile holds itself (botocore's profile providers: SSO, the credentials file,
  // credential_process, the config file).
  Result<Credentials> OwnCredentials(const std::string& name, const AwsProfile& profile) {
    for (std::string_view key : kSsoKeys) {
      if (Has(profile, key)) {
        return Status::InvalidArgument(
            "profile " + name + " uses " + std::string(key) +
            " (AWS SSO), which s3proc does not support: export temporary credentials with "
            "`eval \"$(aws configure export-credentials --profile " +
            name + " --format env)\"` and run again");
      }
    }
    if (HasStaticKeys(credentials_file_.profiles[name])) {
      return FromSection(credentials_file_.profiles[name], name, files_.credentials_path);
    }
    if (Has(profile, "credential_process")) {
      return options_.run_process(Value(profile, "credential_process"),
                                  "profile " + name + " (credential_process)", options_.env);
    }
    if (HasStaticKeys(config_file_.profiles[name])) {
      return FromSection(config_file_.profiles[name], name, files_.config_path);
    }
    if (Has(profile, "role_arn")) {
      return Status::InvalidArgument("profile " + name +
                                     " has role_arn but neither source_profile nor "
                                     "credential_source: add one to say what assumes the role");
    }
    return Status::NotFound("profile " + name + ": no credentials in " + Where());
  }

  static Result<Credentials> FromSection(const AwsProfile& section, const std::string& name,
                                         const std::string& path) {
    if (!Has(section, "aws_access_key_id") || !Has(section, "aws_secret_access_key")) {
      return Status::InvalidArgument("profile " + name + " in " + path + " has " +
                                     (Has(section, "aws_access_key_id")
                                          ? "aws_access_key_id but no aws_secret_access_key"
                                          : "aws_secret_access_key but no aws_access_key_id") +
                                     ": set both");
    }
    Credentials credentials;
    credentials.access_key_id = Value(section, "aws_access_key_id");
    credentials.secret_access_key = Value(section, "aws_secret_access_key");
    credentials.session_token = Value(section, "aws_session_token");
    credentials.source = "profile " + name + " (" + path + ")";
    return credentials;
  }

  Result<Credentials> AssumeRole(const std::string& name, const AwsProfile& profile,
                                 const std::vector<std::string>& visited) {
    if (Has(profile, "source_profile") && Has(profile, "credential_source")) {
      return Status::InvalidArgument("profile " + name +
                                     " has both source_profile and credential_source: keep one");
    }
    if (Has(profile, "mfa_serial")) {
      return Status::InvalidArgument(
          "profile " + name +
          " has mfa_serial: its role needs an MFA code, which nobody can type into a "
          "non-interactive run: export temporary credentials with `eval \"$(aws configure "
          "export-credentials --profile " +
          name + " --format env)\"`, or use a role without MFA");
    }
    S3PROC_ASSIGN_OR_RETURN(AssumeRoleRequest request, RoleRequest(name, profile));
    Result<Credentials> source = Has(profile, "source_profile")
                                     ? FromSourceProfile(name, profile, visited)
                                     : FromCredentialSource(name, profile);
    if (!source.ok()) return source.status();
    if (!options_.sts) {
      return Status::InvalidArgument("profile " + name + ": roles cannot be assumed here");
    }
    Result<Credentials> assumed = options_.sts->AssumeRole(request, *source);
    if (!assumed.ok()) return assumed.status().WithContext("profile " + name);
    assumed->source = "role " + request.role_arn + " (profile " + name + ")";
    return assumed;
  }

  Result<AssumeRoleRequest> RoleRequest(const std::string& name, const AwsProfile& profile) {
    AssumeRoleRequest request;
    request.role_arn = Value(profile, "role_arn");
    request.external_id = Value(profile, "external_id");
    request.role_session_name = Value(profile, "role_session_name");
    if (request.role_session_name.empty()) {
      request.role_session_name = DefaultRoleSessionName(options_.now());
    }
    if (Has(profile, "duration_seconds")) {
      const std::string text = Value(profile, "duration_seconds");
      int seconds = 0;
      size_t used = 0;
      try {
        seconds = std::stoi(text, &used);
      } catch (...) {
        used = 0;
      }
      if (used != text.size() || seconds < 900 || seconds > 43200) {
        return Status::InvalidArgument("profile " + name + ": duration_seconds '" + text +
                                       "' is not a whole number of seconds from 900 to 43200");
      }
      request.duration_seconds = seconds;
    }
    return request;
  }

  // botocore's AssumeRoleProvider: the source profile's own credentials when it has static
  // keys or no role of its own, otherwise its role (a chain). A profile may name itself as its
  // source only when it has static keys; any other return to a profile already on the way is
  // a loop.
  Result<Credentials> FromSourceProfile(const std::string& name, const AwsProfile& profile,
                                        const std::vector<std::string>& visited) {
    const std::string source = Value(profile, "source_profile");
    const AwsProfile* source_profile = Find(source);
    if (source_profile == nullptr) {
      return Status::InvalidArgument("profile " + name + " has source_profile = " + source +
                                     ", which is not in " + Where());
    }
    bool seen = std::find(visited.begin(), visited.end(), source) != visited.end();
    if (seen && (source != name || !HasStaticKeys(*source_profile))) {
      std::string chain;
      for (const std::string& step : visited) chain += step + " -> ";
      return Status::InvalidArgument("the profiles' source_profile settings form a loop (" + chain +
                                     source +
                                     "): end the chain at a profile with "
                                     "credentials of its own");
    }
    bool has_role = Has(*source_profile, "role_arn") && (Has(*source_profile, "source_profile") ||
                                                         Has(*source_profile, "credential_source"));
    Result<Credentials> credentials = HasStaticKeys(*source_profile) || !has_role || seen
                                          ? OwnCredentials(source, *source_profile)
                                          : Resolve(source, visited);
    if (!credentials.ok() && credentials.status().IsNotFound()) {
      return Status::InvalidArgument("profile " + name + " has source_profile = " + source +
                                     ", which has no credentials in " + Where());
    }
    return credentials;
  }

  Result<Credentials> FromCredentialSource(const std::string& name, const AwsProfile& profile) {
    const std::string source = Value(profile, "credential_source");
    Result<Credentials> credentials = Status::NotFound("");
    if (source == "Environment") {
      credentials = NewEnvCredentialsProvider(options_.env)->GetCredentials();
    } else if (source == "Ec2InstanceMetadata" && options_.imds) {
      credentials = NewImdsCredentialsProvider(options_.imds)->GetCredentials();
    } else {
      return Status::InvalidArgument(
          "profile " + name + " has credential_source = " + source +
          ", which s3proc does not support: use Environment or Ec2InstanceMetadata");
    }
    if (!credentials.ok() && credentials.status().IsNotFound()) {
      return Status::InvalidArgument(
          "profile " + name + " has credential_source = " + source +
          ", which has no credentials: " + credentials.status().message());
    }
    return credentials;
  }

  Result<Credentials> WebIdentity(const std::string& name, const AwsProfile& profile) {
    if (!Has(profile, "role_arn")) {
      return Status::InvalidArgument("profile " + name +
                                     " has web_identity_token_file but no role_arn: add the "
                                     "role to assume");
    }
    if (!options_.sts) {
      return Status::InvalidArgument("profile " + name + ": roles cannot be assumed here");
    }
    S3PROC_ASSIGN_OR_RETURN(AssumeRoleRequest request, RoleRequest(name, profile));
    return AssumeRoleWithWebIdentityFile(*options_.sts, Value(profile, "web_identity_token_file"),
                                         std::move(request), "profile " + name);
  }

  const ProfileCredentialsOptions& options_;
  AwsSharedFiles files_;
  AwsConfigFile credentials_file_;
  AwsConfigFile config_file_;
  std::map<std::string, AwsProfile> merged_;
};

class ProfileCredentialsProvider final : public CredentialsProvider {
 public:
  explicit ProfileCredentialsProvider(ProfileCredentialsOptions options)
      : options_(std::move(options)) {}

  Result<Credentials> GetCredentials() override {
    AwsSharedFiles files = ResolveAwsSharedFiles(options_.env, options_.profile);
    const std::string name = files.profile;
    const bool explicit_profile = files.profile_explicit;
    S3PROC_ASSIGN_OR_RETURN(AwsConfigFile credentials_file,
                            LoadOptional(files.credentials_path, AwsConfigFileKind::kCredentials));
    S3PROC_ASSIGN_OR_RETURN(AwsConfigFile config_file,
                            LoadOptional(files.config_path, AwsConfigFileKind::kConfig));
    ProfileResolver resolver(options_, std::move(files), std::move(credentials_file),
                             std::move(config_file));
    if (resolver.Find(name) == nullptr) {
      if (explicit_profile) {
        return Status::InvalidArgument("The config profile (" + name + ") could not be found in " +
                                       resolver.Where() +
                                       ": fix AWS_PROFILE or --profile, or add the profile");
      }
      return Status::NotFound("profile " + name + ": not in " + resolver.Where());
    }
    return resolver.Resolve(name, {});
  }

 private:
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
