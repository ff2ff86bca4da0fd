#include "aws/credentials_web_identity.h"

#include <fstream>
#include <sstream>

namespace s3proc {
namespace {

class WebIdentityCredentialsProvider final : public CredentialsProvider {
 public:
  WebIdentityCredentialsProvider(EnvLookup env, std::shared_ptr<StsClient> sts,
                                 std::function<std::chrono::system_clock::time_point()> now)
      : env_(std::move(env)), sts_(std::move(sts)), now_(std::move(now)) {}

  Result<Credentials> GetCredentials() override {
    std::optional<std::string> token_file = env_("AWS_WEB_IDENTITY_TOKEN_FILE");
    if (!token_file) {
      return Status::NotFound("web identity: AWS_WEB_IDENTITY_TOKEN_FILE is not set");
    }
    AssumeRoleRequest request;
    request.role_arn = env_("AWS_ROLE_ARN").value_or("");
    if (request.role_arn.empty()) {
      return Status::InvalidArgument(
          "web identity: AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not: set the "
          "role to assume, or unset AWS_WEB_IDENTITY_TOKEN_FILE");
    }
    request.role_session_name =
        env_("AWS_ROLE_SESSION_NAME").value_or(DefaultRoleSessionName(now_()));
    return AssumeRoleWithWebIdentityFile(*sts_, *token_file, std::move(request),
                                         "AWS_WEB_IDENTITY_TOKEN_FILE");
  }

 private:
  EnvLookup env_;
  std::shared_ptr<StsClient> sts_;
  std::function<std::chrono::system_clock::time_point()> now_;
};

}  // namespace

std::string DefaultRoleSessionName(std::chrono::system_clock::time_point now) {
  // botocore says "botocore-session-SECONDS"; ours says who assumed the role.
  return "s3proc-" +
         std::to_string(
             std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
}

Result<Credentials> AssumeRoleWithWebIdentityFile(StsClient& sts, const std::string& token_file,
                                                  AssumeRoleRequest request,
                                                  const std::string& what) {
  std::ifstream in(token_file, std::ios::binary);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  if (!in || in.bad()) {
    return Status::InvalidArgument(what + ": cannot read the web identity token file " +
                                   token_file);
  }
  request.web_identity_token = text.str();
  while (!request.web_identity_token.empty() &&
         (request.web_identity_token.back() == '\n' || request.web_identity_token.back() == '\r')) {
    request.web_identity_token.pop_back();
  }
  if (request.web_identity_token.empty()) {
    return Status::InvalidArgument(what + ": the web identity token file " + token_file +
                                   " is empty");
  }
  Result<Credentials> credentials = sts.AssumeRoleWithWebIdentity(request);
  if (!credentials.ok()) return credentials.status().WithContext(what);
  credentials->source = "role " + request.role_arn + " (web identity)";
  return credentials;
}

std::unique_ptr<CredentialsProvider> NewWebIdentityCredentialsProvider(
    EnvLookup env, std::shared_ptr<StsClient> sts,
    std::function<std::chrono::system_clock::time_point()> now) {
  return std::make_unique<WebIdentityCredentialsProvider>(std::move(env), std::move(sts),
                                                          std::move(now));
}

}  // namespace s3proc
