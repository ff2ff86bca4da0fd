#include "aws/credentials_imds.h"

#include <gtest/gtest.h>

#include <map>

#include "testutil/fake_http_client.h"

namespace s3proc {
namespace {

using testing::FakeHttpClient;
using testing::MakeHttpResponse;

constexpr char kDocument[] = R"({
  "Code" : "Success",
  "LastUpdated" : "2026-11-28T16:00:00Z",
  "Type" : "AWS-HMAC",
  "AccessKeyId" : "ASIAFAKEKEY12345",
  "SecretAccessKey" : "SECRETSECRETSECRET",
  "Token" : "TOKENTOKENTOKEN",
  "Expiration" : "2026-11-28T17:00:00Z"
})";

// An in-memory IMDSv2: PUT a token first; GETs need it.
struct FakeImds {
  std::string token = "tok-1";
  int tokens_issued = 0;
  std::string role = "my-role";
  std::string document = kDocument;
  long token_status = 200;
  long document_status = 200;
  std::map<std::string, std::string> extra;  // path -> body

  Result<HttpResponse> Handle(const HttpRequest& request) {
    std::string path = request.url.substr(request.url.find('/', 8));
    if (request.method == "PUT" && path == "/latest/api/token") {
      if (token_status != 200) return MakeHttpResponse(token_status);
      ++tokens_issued;
      return MakeHttpResponse(200, token);
    }
    std::string presented;
    for (const auto& [k, v] : request.headers) {
      if (k == "X-aws-ec2-metadata-token") presented = v;
    }
    if (presented != token) return MakeHttpResponse(401);
    if (path == "/latest/meta-data/iam/security-credentials/") {
      if (role.empty()) return MakeHttpResponse(404);
      return MakeHttpResponse(200, role + "\n");
    }
    if (path == "/latest/meta-data/iam/security-credentials/" + role) {
      return MakeHttpResponse(document_status, document);
    }
    auto it = extra.find(path);
    if (it != extra.end()) return MakeHttpResponse(200, it->second);
    return MakeHttpResponse(404);
  }
};

class ImdsCredentialsTest : public ::testing::Test {
 protected:
  std::unique_ptr<CredentialsProvider> Provider(
      std::map<std::string, std::string, std::less<>> env = {}) {
    ImdsOptions options;
    options.http = &http_;
    options.env = MapEnvLookup(std::move(env));
    options.retry_delay = std::chrono::milliseconds(0);
    options.now = [this] { return now_; };
    return NewImdsCredentialsProvider(std::move(options));
  }

  FakeImds imds_;
  FakeHttpClient http_{[this](const HttpRequest& r) { return imds_.Handle(r); }};
  std::chrono::steady_clock::time_point now_{};
};

TEST_F(ImdsCredentialsTest, FetchesTokenRoleAndCredentials) {
  Result<Credentials> c = Provider()->GetCredentials();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->access_key_id, "ASIAFAKEKEY12345");
  EXPECT_EQ(c->secret_access_key, "SECRETSECRETSECRET");
  EXPECT_EQ(c->session_token, "TOKENTOKENTOKEN");
  ASSERT_TRUE(c->expiration.has_value());
  EXPECT_EQ(*c->expiration, *ParseIso8601Utc("2026-11-28T17:00:00Z"));
  EXPECT_EQ(c->source, "imds role my-role");

  std::vector<testing::RecordedRequest> requests = http_.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].method, "PUT");
  EXPECT_EQ(requests[0].url, "http://169.254.169.254/latest/api/token");
  EXPECT_EQ(requests[0].HeaderValue("X-aws-ec2-metadata-token-ttl-seconds"), "21600");
  EXPECT_EQ(requests[1].method, "GET");
  EXPECT_EQ(requests[1].url, "http://169.254.169.254/latest/meta-data/iam/security-credentials/");
  EXPECT_EQ(requests[1].HeaderValue("X-aws-ec2-metadata-token"), "tok-1");
  EXPECT_EQ(requests[2].url,
            "http://169.254.169.254/latest/meta-data/iam/security-credentials/my-role");
  for (const auto& r : requests) EXPECT_EQ(r.timeout_ms, 1000);
}

TEST_F(ImdsCredentialsTest, TokenIsReusedUntilNearItsTtl) {
  auto provider = Provider();
  ASSERT_TRUE(provider->GetCredentials().ok());
  ASSERT_TRUE(provider->GetCredentials().ok());
  EXPECT_EQ(imds_.tokens_issued, 1);
  now_ += std::chrono::seconds(21600 - 30);
  ASSERT_TRUE(provider->GetCredentials().ok());
  EXPECT_EQ(imds_.tokens_issued, 2);
}

TEST_F(ImdsCredentialsTest, RefreshesTokenOnceOn401) {
  auto provider = Provider();
  ASSERT_TRUE(provider->GetCredentials().ok());
  imds_.token = "tok-2";  // IMDS forgot our token
  Result<Credentials> c = provider->GetCredentials();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(imds_.tokens_issued, 2);
}

TEST_F(ImdsCredentialsTest, PersistentUnauthorizedIsAnError) {
  FakeHttpClient http([](const HttpRequest& r) -> Result<HttpResponse> {
    if (r.method == "PUT") return MakeHttpResponse(200, "t");
    return MakeHttpResponse(401);
  });
  ImdsOptions options;
  options.http = &http;
  options.env = MapEnvLookup({});
  Result<Credentials> c = NewImdsCredentialsProvider(std::move(options))->GetCredentials();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInternal);
  EXPECT_NE(c.status().message().find("401"), std::string::npos);
  EXPECT_EQ(http.request_count(), 4u);  // PUT, GET, PUT, GET
}

TEST_F(ImdsCredentialsTest, NoRoleIsNotFoundWithAdvice) {
  imds_.role = "";
  Result<Credentials> c = Provider()->GetCredentials();
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(c.status().IsNotFound());
  EXPECT_NE(c.status().message().find("no IAM role attached"), std::string::npos);
  EXPECT_NE(c.status().message().find("returned 404"), std::string::npos);
  EXPECT_NE(c.status().message().find("attach an instance profile"), std::string::npos);
}

TEST_F(ImdsCredentialsTest, DisabledByEnvironment) {
  Result<Credentials> c = Provider({{"AWS_EC2_METADATA_DISABLED", "TRUE"}})->GetCredentials();
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(c.status().IsNotFound());
  EXPECT_EQ(http_.request_count(), 0u);
}

TEST_F(ImdsCredentialsTest, DisabledOnlyByTrue) {
  EXPECT_TRUE(Provider({{"AWS_EC2_METADATA_DISABLED", "false"}})->GetCredentials().ok());
}

TEST_F(ImdsCredentialsTest, CustomEndpoint) {
  ASSERT_TRUE(Provider({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:8111/"}})
                  ->GetCredentials()
                  .ok());
  EXPECT_EQ(http_.requests()[0].url, "http://127.0.0.1:8111/latest/api/token");
}

TEST_F(ImdsCredentialsTest, Ipv6EndpointMode) {
  ASSERT_TRUE(
      Provider({{"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv6"}})->GetCredentials().ok());
  EXPECT_EQ(http_.requests()[0].url, "http://[fd00:ec2::254]/latest/api/token");
}

TEST_F(ImdsCredentialsTest, BadEndpointIsInvalid) {
  Result<Credentials> c =
      Provider({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", "ftp://x"}})->GetCredentials();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(ImdsCredentialsTest, UnreachableIsNotFoundAfterRetries) {
  FakeHttpClient http([](const HttpRequest&) -> Result<HttpResponse> {
    return Status::Transient("connect timed out");
  });
  ImdsOptions options;
  options.http = &http;
  options.env = MapEnvLookup({});
  options.retry_delay = std::chrono::milliseconds(0);
  Result<Credentials> c = NewImdsCredentialsProvider(std::move(options))->GetCredentials();
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(c.status().IsNotFound()) << c.status().ToString();
  EXPECT_NE(c.status().message().find("not running on EC2"), std::string::npos);
  EXPECT_EQ(http.request_count(), 2u);
}

TEST_F(ImdsCredentialsTest, TokenForbiddenIsNotFound) {
  imds_.token_status = 403;
  Result<Credentials> c = Provider()->GetCredentials();
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(c.status().IsNotFound());
  EXPECT_NE(c.status().message().find("403"), std::string::npos);
}

TEST_F(ImdsCredentialsTest, ServerErrorsAreRetriedThenTransient) {
  imds_.document_status = 500;
  Result<Credentials> c = Provider()->GetCredentials();
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(c.status().IsTransient()) << c.status().ToString();
  EXPECT_EQ(http_.request_count(), 4u);  // PUT, GET role, GET doc x2
}

TEST_F(ImdsCredentialsTest, TransientServerErrorRecovers) {
  int failures = 1;
  FakeHttpClient http([&](const HttpRequest& r) -> Result<HttpResponse> {
    if (failures > 0 && r.method == "GET") {
      --failures;
      return MakeHttpResponse(503);
    }
    return imds_.Handle(r);
  });
  ImdsOptions options;
  options.http = &http;
  options.env = MapEnvLookup({});
  options.retry_delay = std::chrono::milliseconds(0);
  EXPECT_TRUE(NewImdsCredentialsProvider(std::move(options))->GetCredentials().ok());
}

TEST_F(ImdsCredentialsTest, FailureCodeIsAccessDenied) {
  imds_.document = R"({"Code":"AssumeRoleUnauthorizedAccess","Message":"not allowed"})";
  Result<Credentials> c = Provider()->GetCredentials();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kAccessDenied);
  EXPECT_NE(c.status().message().find("AssumeRoleUnauthorizedAccess"), std::string::npos);
}

TEST_F(ImdsCredentialsTest, BadJsonIsInternal) {
  imds_.document = "{not json";
  Result<Credentials> c = Provider()->GetCredentials();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInternal);
}

TEST_F(ImdsCredentialsTest, MissingFieldsAreInternalAndSecretsNeverShown) {
  imds_.document = R"({"Code":"Success","AccessKeyId":"ASIA","SecretAccessKey":"HIDDENSECRET",
                      "Expiration":"2026-11-28T17:00:00Z"})";
  Result<Credentials> c = Provider()->GetCredentials();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInternal);
  EXPECT_NE(c.status().message().find("Token"), std::string::npos);
  EXPECT_EQ(c.status().message().find("HIDDENSECRET"), std::string::npos);
}

TEST_F(ImdsCredentialsTest, BadExpirationIsInternal) {
  imds_.document = R"({"Code":"Success","AccessKeyId":"A","SecretAccessKey":"S","Token":"T",
                      "Expiration":"tomorrow"})";
  Result<Credentials> c = Provider()->GetCredentials();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInternal);
}

TEST_F(ImdsCredentialsTest, InvalidRoleNameIsRefused) {
  imds_.role = "../../evil";
  Result<Credentials> c = Provider()->GetCredentials();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInternal);
}

TEST(ImdsClientTest, GetOtherPaths) {
  FakeImds imds;
  imds.extra["/latest/meta-data/placement/region"] = "eu-central-1";
  FakeHttpClient http([&](const HttpRequest& r) { return imds.Handle(r); });
  ImdsOptions options;
  options.http = &http;
  options.env = MapEnvLookup({});
  ImdsClient client(std::move(options));
  Result<HttpResponse> r = client.Get("/latest/meta-data/placement/region");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "eu-central-1");
  r = client.Get("/latest/meta-data/nope");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(imds.tokens_issued, 1);
}

TEST(ParseIso8601UtcTest, Formats) {
  auto t = ParseIso8601Utc("1970-01-02T00:00:01Z");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(std::chrono::system_clock::to_time_t(*t), 86401);
  EXPECT_EQ(ParseIso8601Utc("1970-01-02T00:00:01.123Z"), t);
  EXPECT_EQ(ParseIso8601Utc("1970-01-02T00:00:01+00:00"), t);
  EXPECT_FALSE(ParseIso8601Utc("1970-01-02 00:00:01Z").has_value());
  EXPECT_FALSE(ParseIso8601Utc("1970-01-02T00:00:01").has_value());
  EXPECT_FALSE(ParseIso8601Utc("1970-13-02T00:00:01Z").has_value());
  EXPECT_FALSE(ParseIso8601Utc("").has_value());
  EXPECT_FALSE(ParseIso8601Utc("2026-11-28T17:00:00+02:00").has_value());
}

}  // namespace
}  // namespace s3proc
