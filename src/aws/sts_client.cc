#include "aws/sts_client.h"

#include <pugixml.hpp>

#include "aws/aws_request_loop.h"
#include "aws/credentials_imds.h"
#include "aws/query_endpoint.h"
#include "aws/sigv4.h"
#include "aws/uri_encode.h"
#include "common/hash.h"

namespace s3proc {
namespace {

constexpr char kContentType[] = "application/x-www-form-urlencoded; charset=utf-8";
constexpr long kTimeoutMs = 30000;

// application/x-www-form-urlencoded as botocore writes it (Python's urlencode): unreserved
// characters kept, a space as '+', every other byte as %XX.
std::string FormEncode(std::string_view value) {
  std::string encoded = UriEncode(value, /*keep_slash=*/false);
  std::string out;
  for (size_t i = 0; i < encoded.size(); ++i) {
    if (encoded.compare(i, 3, "%20") == 0) {
      out += '+';
      i += 2;
    } else {
      out += encoded[i];
    }
  }
  return out;
}

// The Query API's body, parameters in botocore's order (the order of the operation's shape).
std::string Body(std::string_view action, const AssumeRoleRequest& r) {
  std::string body = "Action=" + std::string(action) + "&Version=2011-06-15";
  auto add = [&](std::string_view name, const std::string& value) {
    if (!value.empty()) body += "&" + std::string(name) + "=" + FormEncode(value);
  };
  add("RoleArn", r.role_arn);
  add("RoleSessionName", r.role_session_name);
  add("WebIdentityToken", r.web_identity_token);
  if (r.duration_seconds) add("DurationSeconds", std::to_string(*r.duration_seconds));
  add("ExternalId", r.external_id);
  return body;
}

// The credentials one AssumeRole call is signed with.
class FixedCredentialsProvider final : public CredentialsProvider {
 public:
  explicit FixedCredentialsProvider(Credentials credentials)
      : credentials_(std::move(credentials)) {}
  Result<Credentials> GetCredentials() override { return credentials_; }

 private:
  Credentials credentials_;
};

std::string Text(const pugi::xml_node& node, const char* name) {
  return node.child(name).text().as_string();
}

class QueryStsClient final : public StsClient {
 public:
  explicit QueryStsClient(StsClientOptions options) : options_(std::move(options)) {}

  Result<Credentials> AssumeRole(const AssumeRoleRequest& request,
                                 const Credentials& source) override {
    return Call("AssumeRole", request, source, /*sign=*/true);
  }

  Result<Credentials> AssumeRoleWithWebIdentity(const AssumeRoleRequest& request) override {
    Credentials none;
    none.access_key_id = "unsigned";
    none.secret_access_key = "unsigned";
    return Call("AssumeRoleWithWebIdentity", request, none, /*sign=*/false);
  }

 private:
  Result<Credentials> Call(const std::string& action, const AssumeRoleRequest& r,
                           const Credentials& source, bool sign) {
    FixedCredentialsProvider credentials(source);
    AwsRequestLoop loop(*options_.http, credentials,
                        {options_.region, "sts", options_.retry, options_.now, options_.sleep});
    const std::string body = Body(action, r);
    const std::string host = EndpointAuthority(options_.endpoint);
    const std::string url = EndpointRootUrl(options_.endpoint);

    AwsRequestLoop::Call call;
    call.context = "STS " + action + " " + r.role_arn;
    call.build = [&](const AwsSigning& signing) -> Result<HttpRequest> {
      HttpRequest request;
      request.method = "POST";
      request.url = url;
      request.headers = {{"Content-Type", kContentType}};
      if (sign) request.headers.emplace_back("X-Amz-Date", signing.scope.amz_date);
      if (sign && !signing.credentials.session_token.empty()) {
        request.headers.emplace_back("X-Amz-Security-Token", signing.credentials.session_token);
      }
      if (sign) {
        SigV4Request to_sign{"POST", "/", {}, request.headers, Sha256Hex(body)};
        to_sign.headers.emplace_back("host", host);
        SigV4Signature signature = SignV4(to_sign, signing.credentials, signing.scope, signing.key);
        request.headers.emplace_back("Authorization", std::move(signature.authorization));
      }
      request.body.data = body;
      request.timeout_ms = kTimeoutMs;
      return request;
    };
    call.on_error = [&](const HttpResponse& response) {
      pugi::xml_document doc;
      doc.load_buffer(response.body.data(), response.body.size());
      pugi::xml_node error = doc.child("ErrorResponse").child("Error");
      std::string code = Text(error, "Code");
      std::string message = Text(error, "Message");
      std::string what = call.context + ": HTTP " + std::to_string(response.status) +
                         (code.empty() ? "" : " " + code) + (message.empty() ? "" : ": " + message);
      Status status = response.status >= 500
                          ? Status::Transient(what)
                          : Status::AccessDenied(what +
                                                 ": check the role's trust policy and "
                                                 "the profile's settings");
      return AwsServiceError{code, status};
    };
    S3PROC_ASSIGN_OR_RETURN(HttpResponse response, loop.Execute(call));
    return Read(action, response.body, call.context, r.role_arn);
  }

  static Result<Credentials> Read(const std::string& action, const std::string& body,
                                  const std::string& context, const std::string& role_arn) {
    pugi::xml_document doc;
    doc.load_buffer(body.data(), body.size());
    pugi::xml_node result =
        doc.child((action + "Response").c_str()).child((action + "Result").c_str());
    pugi::xml_node node = result.child("Credentials");
    Credentials credentials;
    credentials.access_key_id = Text(node, "AccessKeyId");
    credentials.secret_access_key = Text(node, "SecretAccessKey");
    credentials.session_token = Text(node, "SessionToken");
    credentials.expiration = ParseIso8601Utc(Text(node, "Expiration"));
    if (credentials.access_key_id.empty() || credentials.secret_access_key.empty() ||
        credentials.session_token.empty() || !credentials.expiration) {
      return Status::Internal(context +
                              ": the answer holds no credentials with an expiration: "
                              "check that AWS_ENDPOINT_URL_STS is an STS endpoint");
    }
    credentials.source = "role " + role_arn;
    return credentials;
  }

  StsClientOptions options_;
};

}  // namespace

std::string ResolveStsEndpoint(const EnvLookup& env, const std::string& region) {
  if (auto url = env("AWS_ENDPOINT_URL_STS")) return *url;
  if (auto url = env("AWS_ENDPOINT_URL")) return *url;
  const char* domain = region.starts_with("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
  return "https://sts." + region + "." + domain;
}

std::unique_ptr<StsClient> NewStsClient(StsClientOptions options) {
  return std::make_unique<QueryStsClient>(std::move(options));
}

}  // namespace s3proc
