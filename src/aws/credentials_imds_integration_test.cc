// The IMDS credentials provider, through the real curl HttpClient, against testutil/fake_imds.py
// running as a child process on a free loopback port.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "aws/credentials_cache.h"
#include "aws/credentials_chain.h"
#include "aws/credentials_imds.h"
#include "aws/region.h"
#include "http/curl_http_client.h"
#include "testutil/source_dir.h"
#include "testutil/temp_dir.h"

extern char** environ;

namespace s3proc {
namespace {

constexpr char kPython[] = "/usr/bin/python3";

std::string FakeImdsScript() { return testing::SourceDir() + "/testutil/fake_imds.py"; }

// fake_imds.py as a child process; stopped (SIGTERM, then reaped) on destruction.
class FakeImdsProcess {
 public:
  // Returns "" on success, or what went wrong.
  std::string Start(std::vector<std::string> args, const std::string& log_path) {
    int fds[2];
    if (pipe(fds) != 0) return "pipe failed";
    std::vector<std::string> argv_strings = {kPython, FakeImdsScript(), "--log", log_path};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& s : argv_strings) argv.push_back(s.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    int rc = posix_spawn(&pid_, kPython, &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    if (rc != 0) {
      close(fds[0]);
      pid_ = -1;
      return "posix_spawn failed";
    }
    // The first line is "LISTENING 127.0.0.1:PORT".
    std::string line;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (line.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
      pollfd p{fds[0], POLLIN, 0};
      if (poll(&p, 1, 200) <= 0) continue;
      char buf[256];
      ssize_t n = read(fds[0], buf, sizeof buf);
      if (n <= 0) break;
      line.append(buf, static_cast<size_t>(n));
    }
    close(fds[0]);
    size_t colon = line.rfind(':');
    if (line.rfind("LISTENING ", 0) != 0 || colon == std::string::npos) {
      return "fake_imds.py did not start: '" + line + "'";
    }
    port_ = std::stoi(line.substr(colon + 1));
    return "";
  }

  ~FakeImdsProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
  }

  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

class ImdsIntegrationTest : public ::testing::Test {
 protected:
  void StartImds(std::vector<std::string> args = {}) {
    if (access(kPython, X_OK) != 0) GTEST_SKIP() << kPython << " is not available";
    std::string error = imds_.Start(std::move(args), (dir_.path() / "imds.log").string());
    ASSERT_EQ(error, "");
  }

  ImdsOptions Options(std::map<std::string, std::string, std::less<>> env = {}) {
    env.emplace("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds_.endpoint());
    ImdsOptions options;
    options.http = http_.get();
    options.env = MapEnvLookup(std::move(env));
    options.retry_delay = std::chrono::milliseconds(50);
    return options;
  }

  HttpResponse Raw(const std::string& method, const std::string& path, HttpHeaders headers = {}) {
    HttpRequest request;
    request.method = method;
    request.url = imds_.endpoint() + path;
    request.headers = std::move(headers);
    Result<HttpResponse> response = http_->Send(request);
    EXPECT_TRUE(response.ok()) << response.status().ToString();
    return response.ok() ? *response : HttpResponse{};
  }

  nlohmann::json Stats() { return nlohmann::json::parse(Raw("GET", "/fake/stats").body); }

  std::string Log() { return testing::ReadFileOrEmpty(dir_.path() / "imds.log"); }

  testing::TempDir dir_;
  FakeImdsProcess imds_;
  std::unique_ptr<HttpClient> http_ = NewCurlHttpClient([] {
    CurlHttpClientOptions options;
    options.connect_timeout_ms = 1000;
    return options;
  }());
};

TEST_F(ImdsIntegrationTest, TokenIsRequired) {
  StartImds();
  const std::string path = "/latest/meta-data/iam/security-credentials/";
  EXPECT_EQ(Raw("GET", path).status, 401);
  EXPECT_EQ(Raw("GET", path, {{"X-aws-ec2-metadata-token", "made-up"}}).status, 401);
  EXPECT_EQ(Raw("PUT", "/latest/api/token").status, 400);  // the TTL header is required
  HttpResponse token =
      Raw("PUT", "/latest/api/token", {{"X-aws-ec2-metadata-token-ttl-seconds", "60"}});
  ASSERT_EQ(token.status, 200);
  HttpResponse role = Raw("GET", path, {{"X-aws-ec2-metadata-token", token.body}});
  EXPECT_EQ(role.status, 200);
  EXPECT_EQ(role.body, "s3proc-test-role");
}

TEST_F(ImdsIntegrationTest, FetchesCredentials) {
  StartImds({"--expiry-seconds", "3600"});
  Result<Credentials> c = NewImdsCredentialsProvider(Options())->GetCredentials();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->access_key_id, "ASIAFAKE000001");
  EXPECT_FALSE(c->secret_access_key.empty());
  EXPECT_FALSE(c->session_token.empty());
  ASSERT_TRUE(c->expiration.has_value());
  auto left = *c->expiration - std::chrono::system_clock::now();
  EXPECT_GT(left, std::chrono::minutes(59));
  EXPECT_LT(left, std::chrono::minutes(61));
  EXPECT_EQ(c->source, "imds role s3proc-test-role");
  nlohmann::json stats = Stats();
  EXPECT_EQ(stats["token_puts"], 1);
  EXPECT_EQ(stats["unauthorized"], 0);
  // The fake never logs secrets; neither does anything we send it.
  EXPECT_EQ(Log().find(c->secret_access_key), std::string::npos);
}

TEST_F(ImdsIntegrationTest, ExpiredCredentialsAreRefreshedThroughTheCache) {
  StartImds({"--expiry-seconds", "2"});
  CredentialsCacheOptions cache_options;
  cache_options.refresh_window = std::chrono::seconds(1);
  auto provider =
      NewCachingCredentialsProvider(NewImdsCredentialsProvider(Options()), cache_options);
  Result<Credentials> first = provider->GetCredentials();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->access_key_id, "ASIAFAKE000001");
  Result<Credentials> again = provider->GetCredentials();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->access_key_id, "ASIAFAKE000001");
  EXPECT_EQ(Stats()["credential_fetches"], 1);  // served from the cache

  std::this_thread::sleep_until(*first->expiration + std::chrono::milliseconds(300));
  Result<Credentials> rotated = provider->GetCredentials();
  ASSERT_TRUE(rotated.ok()) << rotated.status().ToString();
  EXPECT_EQ(rotated->access_key_id, "ASIAFAKE000002");
  EXPECT_GT(*rotated->expiration, *first->expiration);
  nlohmann::json stats = Stats();
  EXPECT_GE(stats["rotations"], 1);
  EXPECT_EQ(stats["token_puts"], 1);  // the session token outlives the credentials
}

TEST_F(ImdsIntegrationTest, InvalidateRefetches) {
  StartImds({"--expiry-seconds", "3600"});
  auto provider = NewCachingCredentialsProvider(NewImdsCredentialsProvider(Options()));
  ASSERT_TRUE(provider->GetCredentials().ok());
  provider->Invalidate();
  ASSERT_TRUE(provider->GetCredentials().ok());
  EXPECT_EQ(Stats()["credential_fetches"], 2);
}

TEST_F(ImdsIntegrationTest, RevokedTokenIsRenewedOnce) {
  StartImds();
  auto provider = NewImdsCredentialsProvider(Options());
  ASSERT_TRUE(provider->GetCredentials().ok());
  EXPECT_EQ(Raw("POST", "/fake/revoke-tokens").status, 200);
  Result<Credentials> c = provider->GetCredentials();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  nlohmann::json stats = Stats();
  EXPECT_EQ(stats["token_puts"], 2);
  EXPECT_EQ(stats["unauthorized"], 1);
}

TEST_F(ImdsIntegrationTest, DisabledFlagSendsNothing) {
  StartImds();
  Result<Credentials> c =
      NewImdsCredentialsProvider(Options({{"AWS_EC2_METADATA_DISABLED", "true"}}))
          ->GetCredentials();
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(c.status().IsNotFound());
  EXPECT_EQ(Stats()["requests"], 0);
}

TEST_F(ImdsIntegrationTest, NoRoleIsNotFound) {
  StartImds({"--no-role"});
  Result<Credentials> c = NewImdsCredentialsProvider(Options())->GetCredentials();
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(c.status().IsNotFound());
  EXPECT_NE(c.status().message().find("no IAM role attached"), std::string::npos);
}

TEST_F(ImdsIntegrationTest, RegionFromImds) {
  StartImds({"--region", "eu-west-2"});
  RegionOptions options;
  ImdsOptions imds = Options();
  options.env = imds.env;
  options.imds = std::make_shared<ImdsClient>(std::move(imds));
  Result<std::string> region = ResolveRegion(options);
  ASSERT_TRUE(region.ok()) << region.status().ToString();
  EXPECT_EQ(*region, "eu-west-2");
}

TEST_F(ImdsIntegrationTest, DefaultChainFallsThroughToImds) {
  StartImds();
  ImdsOptions imds = Options({{"HOME", dir_.path().string()}});
  EnvLookup env = imds.env;
  auto chain = NewDefaultCredentialsChain({env, "", std::make_shared<ImdsClient>(std::move(imds))});
  Result<Credentials> c = chain->GetCredentials();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->access_key_id, "ASIAFAKE000001");
}

// Records every request it passes on to the real client.
class RecordingHttpClient : public HttpClient {
 public:
  explicit RecordingHttpClient(std::unique_ptr<HttpClient> inner) : inner_(std::move(inner)) {}
  Result<HttpResponse> Send(const HttpRequest& request) override {
    requests.push_back(request.method + " " + request.url);
    return inner_->Send(request);
  }
  std::vector<std::string> requests;

 private:
  std::unique_ptr<HttpClient> inner_;
};

// Off EC2 nothing answers at the IMDS address: the provider must give up after its few token
// attempts, with NotFound (so that the chain moves on), not retry on.
TEST(ImdsUnreachableTest, FailsFastWithNotFound) {
  // A loopback port nobody listens on: connection refused at once.
  RecordingHttpClient http(NewCurlHttpClient([] {
    CurlHttpClientOptions options;
    options.connect_timeout_ms = 1000;
    return options;
  }()));
  ImdsOptions options;
  options.http = &http;
  options.env = MapEnvLookup({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1"}});
  options.max_attempts = 2;
  options.retry_delay = std::chrono::milliseconds(1);
  Result<Credentials> c = NewImdsCredentialsProvider(std::move(options))->GetCredentials();
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(c.status().IsNotFound()) << c.status().ToString();
  EXPECT_NE(c.status().message().find("not running on EC2"), std::string::npos)
      << c.status().message();
  // The token PUT, tried max_attempts times, and nothing after it.
  EXPECT_EQ(http.requests, (std::vector<std::string>{"PUT http://127.0.0.1:1/latest/api/token",
                                                     "PUT http://127.0.0.1:1/latest/api/token"}));
}

}  // namespace
}  // namespace s3proc
