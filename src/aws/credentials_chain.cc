#include "aws/credentials_chain.h"

#include <utility>

#include "aws/credentials_imds.h"
#include "aws/credentials_profile.h"
#include "aws/credentials_web_identity.h"

namespace s3proc {
namespace {

class CredentialsChain final : public CredentialsProvider {
 public:
  explicit CredentialsChain(std::vector<std::unique_ptr<CredentialsProvider>> providers)
      : providers_(std::move(providers)) {}

  Result<Credentials> GetCredentials() override {
    std::string tried;
    for (const auto& provider : providers_) {
      Result<Credentials> credentials = provider->GetCredentials();
      if (credentials.ok()) return credentials;
      if (!credentials.status().IsNotFound()) return credentials.status();
      if (!tried.empty()) tried += "; ";
      tried += credentials.status().message();
    }
    return Status::NotFound(
        "no AWS credentials found (tried: " + tried +
        "): set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, configure a profile with "
        "`aws configure` (and AWS_PROFILE), or run on EC2 with an instance profile");
  }

  void Invalidate() override {
    for (const auto& provider : providers_) provider->Invalidate();
  }

 private:
  std::vector<std::unique_ptr<CredentialsProvider>> providers_;
};

}  // namespace

std::unique_ptr<CredentialsProvider> NewCredentialsChain(
    std::vector<std::unique_ptr<CredentialsProvider>> providers) {
  return std::make_unique<CredentialsChain>(std::move(providers));
}

std::unique_ptr<CredentialsProvider> NewDefaultCredentialsChain(
    DefaultCredentialsChainOptions options) {
  std::vector<std::unique_ptr<CredentialsProvider>> providers;
  if (options.profile.empty()) {
    providers.push_back(NewEnvCredentialsProvider(options.env));
    if (options.sts)
      providers.push_back(NewWebIdentityCredentialsProvider(options.env, options.sts));
  }
  ProfileCredentialsOptions profile;
  profile.env = options.env;
  profile.profile = options.profile;
  profile.imds = options.imds;
  profile.sts = options.sts;
  providers.push_back(NewProfileCredentialsProvider(std::move(profile)));
  providers.push_back(NewImdsCredentialsProvider(std::move(options.imds)));
  return NewCredentialsChain(std::move(providers));
}

}  // namespace s3proc
