#include "aws/region.h"

#include <gtest/gtest.h>

#include "testutil/fake_http_client.h"
#include "testutil/temp_dir.h"

namespace s3proc {
namespace {

class RegionTest : public ::testing::Test {
 protected:
  RegionOptions Options(std::map<std::string, std::string, std::less<>> env = {}) {
    env.emplace("HOME", home_.path().string());
    RegionOptions options;
    options.env = MapEnvLookup(std::move(env));
    return options;
  }
  std::string Region(const RegionOptions& options) {
    Result<std::string> r = ResolveRegion(options);
    return r.ok() ? *r : r.status().ToString();
  }

  testing::TempDir home_;
};

TEST_F(RegionTest, Precedence) {
  home_.WriteFile(".aws/config", "[default]\nregion = from-config-1\n");
  RegionOptions options =
      Options({{"AWS_REGION", "from-region-1"}, {"AWS_DEFAULT_REGION", "from-default-1"}});
  options.flag_region = "from-flag-1";
  EXPECT_EQ(Region(options), "from-flag-1");
  options.flag_region = "";
  EXPECT_EQ(Region(options), "from-region-1");
  EXPECT_EQ(Region(Options({{"AWS_DEFAULT_REGION", "from-default-1"}})), "from-default-1");
  EXPECT_EQ(Region(Options()), "from-config-1");
}

TEST_F(RegionTest, ProfileRegion) {
  home_.WriteFile(".aws/config",
                  "[default]\nregion = us-east-1\n[profile eu]\nregion = eu-west-3\n");
  EXPECT_EQ(Region(Options({{"AWS_PROFILE", "eu"}})), "eu-west-3");
  RegionOptions options = Options();
  options.profile = "eu";
  EXPECT_EQ(Region(options), "eu-west-3");
}

TEST_F(RegionTest, NoneIsAnErrorWithAdvice) {
  Result<std::string> r = ResolveRegion(Options());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("--region or AWS_REGION"), std::string::npos);
}

TEST_F(RegionTest, InvalidRegionIsRejected) {
  RegionOptions options = Options();
  options.flag_region = "us-east-1.evil.com/";
  Result<std::string> r = ResolveRegion(options);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("--region"), std::string::npos);
}

TEST_F(RegionTest, BrokenConfigFileIsReported) {
  home_.WriteFile(".aws/config", "[default\n");
  Result<std::string> r = ResolveRegion(Options());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("config:1"), std::string::npos);
}

TEST_F(RegionTest, ImdsIsTheLastResort) {
  testing::FakeHttpClient http([](const HttpRequest& r) -> Result<HttpResponse> {
    if (r.method == "PUT") return testing::MakeHttpResponse(200, "tok");
    if (r.url.ends_with("/latest/meta-data/placement/region")) {
      return testing::MakeHttpResponse(200, "ap-northeast-1\n");
    }
    return testing::MakeHttpResponse(404);
  });
  RegionOptions options = Options();
  ImdsOptions imds;
  imds.http = &http;
  imds.env = options.env;
  options.imds = std::make_shared<ImdsClient>(std::move(imds));
  EXPECT_EQ(Region(options), "ap-northeast-1");

  options.flag_region = "us-west-1";
  size_t before = http.request_count();
  EXPECT_EQ(Region(options), "us-west-1");
  EXPECT_EQ(http.request_count(), before);
}

TEST_F(RegionTest, ImdsFailureIsMentioned) {
  testing::FakeHttpClient http(
      [](const HttpRequest&) -> Result<HttpResponse> { return Status::Transient("refused"); });
  RegionOptions options = Options();
  ImdsOptions imds;
  imds.http = &http;
  imds.env = options.env;
  imds.retry_delay = std::chrono::milliseconds(0);
  options.imds = std::make_shared<ImdsClient>(std::move(imds));
  Result<std::string> r = ResolveRegion(options);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("IMDSv2"), std::string::npos) << r.status().message();
}

class EndpointTest : public RegionTest {
 protected:
  S3Endpoint Endpoint(const RegionOptions& options, std::string_view region = "eu-west-1") {
    Result<S3Endpoint> e = ResolveS3Endpoint(options, region);
    EXPECT_TRUE(e.ok()) << e.status().ToString();
    return e.ok() ? *e : S3Endpoint{};
  }
};

TEST_F(EndpointTest, DefaultAwsEndpoint) {
  S3Endpoint e = Endpoint(Options());
  EXPECT_EQ(e.url, "https://s3.eu-west-1.amazonaws.com");
  EXPECT_FALSE(e.custom);
  EXPECT_FALSE(e.path_style);
  EXPECT_EQ(Endpoint(Options(), "cn-north-1").url, "https://s3.cn-north-1.amazonaws.com.cn");
}

TEST_F(EndpointTest, Precedence) {
  home_.WriteFile(".aws/config", "[default]\nendpoint_url = http://config:1\n");
  RegionOptions options =
      Options({{"AWS_ENDPOINT_URL_S3", "http://s3env:2"}, {"AWS_ENDPOINT_URL", "http://env:3"}});
  options.flag_endpoint = "http://flag:4/";
  EXPECT_EQ(Endpoint(options).url, "http://flag:4");
  options.flag_endpoint = "";
  EXPECT_EQ(Endpoint(options).url, "http://s3env:2");
  EXPECT_EQ(Endpoint(Options({{"AWS_ENDPOINT_URL", "http://env:3"}})).url, "http://env:3");
  S3Endpoint e = Endpoint(Options());
  EXPECT_EQ(e.url, "http://config:1");
  EXPECT_TRUE(e.custom);
  EXPECT_TRUE(e.path_style);
}

TEST_F(EndpointTest, IgnoreConfiguredEndpoints) {
  home_.WriteFile(".aws/config", "[default]\nendpoint_url = http://config:1\n");
  RegionOptions options = Options(
      {{"AWS_ENDPOINT_URL", "http://env:3"}, {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"}});
  EXPECT_EQ(Endpoint(options).url, "https://s3.eu-west-1.amazonaws.com");
  options.flag_endpoint = "https://flag";
  EXPECT_EQ(Endpoint(options).url, "https://flag");
}

TEST_F(EndpointTest, AddressingStyleFromProfile) {
  home_.WriteFile(".aws/config",
                  "[default]\ns3 =\n  addressing_style = path\n"
                  "[profile v]\nendpoint_url = http://minio:9000\n"
                  "s3 =\n  addressing_style = virtual\n");
  S3Endpoint e = Endpoint(Options());
  EXPECT_FALSE(e.custom);
  EXPECT_TRUE(e.path_style);
  e = Endpoint(Options({{"AWS_PROFILE", "v"}}));
  EXPECT_TRUE(e.custom);
  EXPECT_FALSE(e.path_style);
}

TEST_F(EndpointTest, SchemeIsValidated) {
  for (const char* bad : {"ftp://x", "localhost:9000", "http://", "https:///path",
                          "http://host/?q=1", "http://host/#frag"}) {
    RegionOptions options = Options();
    options.flag_endpoint = bad;
    Result<S3Endpoint> e = ResolveS3Endpoint(options, "us-east-1");
    ASSERT_FALSE(e.ok()) << bad;
    EXPECT_EQ(e.status().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(e.status().message().find("--endpoint-url"), std::string::npos);
  }
  RegionOptions options = Options({{"AWS_ENDPOINT_URL_S3", "s3.example.com"}});
  Result<S3Endpoint> e = ResolveS3Endpoint(options, "us-east-1");
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.status().message().find("AWS_ENDPOINT_URL_S3"), std::string::npos);
}

TEST_F(EndpointTest, UpperCaseSchemeAndPathAreKept) {
  RegionOptions options = Options();
  options.flag_endpoint = "HTTP://127.0.0.1:7480/prefix";
  EXPECT_EQ(Endpoint(options).url, "HTTP://127.0.0.1:7480/prefix");
}

TEST_F(EndpointTest, BadRegionForDefaultEndpoint) {
  Result<S3Endpoint> e = ResolveS3Endpoint(Options(), "a/b");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace s3proc
