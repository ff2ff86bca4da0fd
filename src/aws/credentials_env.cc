#include "aws/credentials_env.h"

#include <cstdlib>

namespace s3proc {
namespace {

class EnvCredentialsProvider final : public CredentialsProvider {
 public:
  explicit EnvCredentialsProvider(EnvLookup env) : env_(std::move(env)) {}

  Result<Credentials> GetCredentials() override {
    const char* id_name = "AWS_ACCESS_KEY_ID";
    const char* secret_name = "AWS_SECRET_ACCESS_KEY";
    std::optional<std::string> id = env_(id_name);
    std::optional<std::string> secret = env_(secret_name);
    if (!id && !secret) {
      id_name = "AWS_ACCESS_KEY";
      secret_name = "AWS_SECRET_KEY";
      id = env_(id_name);
      secret = env_(secret_name);
    }
    if (!id && !secret) {
      return Status::NotFound("environment: AWS_ACCESS_KEY_ID is not set");
    }
    if (!secret) {
      return Status::InvalidArgument(std::string("environment: ") + id_name + " is set but " +
                                     secret_name + " is not: set both, or unset " + id_name +
                                     " to use another credentials source");
    }
    if (!id) {
      return Status::InvalidArgument(std::string("environment: ") + secret_name + " is set but " +
                                     id_name + " is not: set both, or unset " + secret_name +
                                     " to use another credentials source");
    }
    Credentials credentials;
    credentials.access_key_id = std::move(*id);
    credentials.secret_access_key = std::move(*secret);
    if (auto token = env_("AWS_SESSION_TOKEN")) credentials.session_token = std::move(*token);
    credentials.source = "environment";
    return credentials;
  }

 private:
  EnvLookup env_;
};

}  // namespace

EnvLookup ProcessEnvLookup() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr || *value == '\0') return std::nullopt;
    return std::string(value);
  };
}

EnvLookup MapEnvLookup(std::map<std::string, std::string, std::less<>> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end() || it->second.empty()) return std::nullopt;
    return it->second;
  };
}

std::unique_ptr<CredentialsProvider> NewEnvCredentialsProvider(EnvLookup env) {
  return std::make_unique<EnvCredentialsProvider>(std::move(env));
}

}  // namespace s3proc
