#include "common/endpoint_transport.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace s3proc {
namespace {

using ::testing::HasSubstr;

Result<EndpointTransport> Check(std::string_view url, bool allow = false) {
  return CheckEndpointTransport(url, "--endpoint-url", allow);
}

TEST(EndpointTransportTest, HttpsIsAlwaysFine) {
  EXPECT_EQ(*Check("https://s3.us-east-1.amazonaws.com"), EndpointTransport::kTls);
  EXPECT_EQ(*Check("HTTPS://example.com:9000/x"), EndpointTransport::kTls);
}

TEST(EndpointTransportTest, PlainHttpToAwsIsRefusedEvenWhenAllowed) {
  for (const char* url :
       {"http://s3.amazonaws.com", "http://s3.us-east-1.amazonaws.com/", "http://S3.AmazonAWS.com.",
        "http://sqs.cn-north-1.amazonaws.com.cn", "http://s3.dualstack.eu-west-1.api.aws",
        "http://bucket.vpce-1a2b.s3.us-east-1.vpce.amazonaws.com:80/path",
        "http://user@sqs.us-east-1.amazonaws.com/123456789012/q"}) {
    for (bool allow : {false, true}) {
      auto checked = Check(url, allow);
      ASSERT_FALSE(checked.ok()) << url;
      EXPECT_THAT(checked.status().message(), HasSubstr("plain http:// to AWS")) << url;
      EXPECT_THAT(checked.status().message(), HasSubstr("--endpoint-url '")) << url;
    }
  }
}

TEST(EndpointTransportTest, PlainHttpToLoopbackOrPrivateAddressesIsFine) {
  for (const char* url :
       {"http://127.0.0.1:7480", "http://127.8.9.10", "http://localhost:9000/", "http://LOCALHOST",
        "http://[::1]:5000", "http://10.0.0.5", "http://172.16.0.1", "http://172.31.255.254:80",
        "http://192.168.1.20:9000", "http://[fd12:3456::1]:7480", "http://[::ffff:10.1.2.3]"}) {
    auto checked = Check(url);
    ASSERT_TRUE(checked.ok()) << url << ": " << checked.status().message();
    EXPECT_EQ(*checked, EndpointTransport::kPlainLocal) << url;
  }
}

TEST(EndpointTransportTest, PlainHttpElsewhereNeedsTheSetting) {
  for (const char* url :
       {"http://example.com", "http://minio:9000", "http://8.8.8.8", "http://172.32.0.1",
        "http://192.169.0.1", "http://[2001:db8::1]", "http://169.254.169.254", "http://[fe80::1]",
        "http://0.0.0.0", "http://127.1", "http://10.0.0.5.example.com",
        "http://localhost.example.com", "http://[::ffff:8.8.8.8]", "http://2130706433"}) {
    auto refused = Check(url);
    ASSERT_FALSE(refused.ok()) << url;
    EXPECT_THAT(refused.status().message(), HasSubstr("allow_insecure_endpoint")) << url;
    auto allowed = Check(url, /*allow=*/true);
    ASSERT_TRUE(allowed.ok()) << url;
    EXPECT_EQ(*allowed, EndpointTransport::kPlainConsented) << url;
  }
}

TEST(EndpointTransportTest, TheWarningNamesTheUrlAndItsSource) {
  EXPECT_EQ(InsecureEndpointWarning("http://example.com", "AWS_ENDPOINT_URL"),
            "plain http:// endpoint http://example.com (from AWS_ENDPOINT_URL), allowed by "
            "allow_insecure_endpoint: credentials and requests cross the network in clear");
}

}  // namespace
}  // namespace s3proc
