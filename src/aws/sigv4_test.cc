#include "aws/sigv4.h"

#include <gtest/gtest.h>
#include <stdio.h>

#include <nlohmann/json.hpp>
#include <string>

#include "aws/uri_encode.h"
#include "testutil/python_oracle.h"

namespace s3proc {
namespace {

Credentials ExampleCredentials(std::string token = "") {
  Credentials c;
  c.access_key_id = "AKIAIOSFODNN7EXAMPLE";
  c.secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  c.session_token = std::move(token);
  return c;
}

// AWS's published examples for S3 ("Examples: Signature Calculations", header-based auth,
// examplebucket, 20130524T000000Z).
constexpr char kEmptySha256[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

SigV4Scope ExampleScope() { return {"us-east-1", "s3", "20130524T000000Z"}; }

TEST(SigV4AwsExamples, GetObjectWithRange) {
  SigV4Request r{"GET",
                 "/test.txt",
                 {},
                 {{"Host", "examplebucket.s3.amazonaws.com"}, {"Range", "bytes=0-9"}},
                 kEmptySha256};
  AddSigV4Headers(r, ExampleCredentials(), ExampleScope());
  SigV4Signature s = SignV4(r, ExampleCredentials(), ExampleScope());
  EXPECT_EQ(s.signature, "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  EXPECT_EQ(s.signed_headers, "host;range;x-amz-content-sha256;x-amz-date");
}

TEST(SigV4AwsExamples, PutObject) {
  SigV4Request r{"PUT",
                 "/test%24file.text",
                 {},
                 {{"Host", "examplebucket.s3.amazonaws.com"},
                  {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
                  {"x-amz-storage-class", "REDUCED_REDUNDANCY"}},
                 "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072"};
  AddSigV4Headers(r, ExampleCredentials(), ExampleScope());
  SigV4Signature s = SignV4(r, ExampleCredentials(), ExampleScope());
  EXPECT_EQ(s.signature, "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

TEST(SigV4AwsExamples, GetBucketLifecycle) {
  SigV4Request r{
      "GET", "/", {{"lifecycle", ""}}, {{"Host", "examplebucket.s3.amazonaws.com"}}, kEmptySha256};
  AddSigV4Headers(r, ExampleCredentials(), ExampleScope());
  SigV4Signature s = SignV4(r, ExampleCredentials(), ExampleScope());
  EXPECT_EQ(s.signature, "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
}

TEST(SigV4AwsExamples, ListObjects) {
  SigV4Request r{"GET",
                 "/",
                 {{"prefix", "J"}, {"max-keys", "2"}},
                 {{"Host", "examplebucket.s3.amazonaws.com"}},
                 kEmptySha256};
  AddSigV4Headers(r, ExampleCredentials(), ExampleScope());
  SigV4Signature s = SignV4(r, ExampleCredentials(), ExampleScope());
  EXPECT_EQ(s.signature, "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST(SigV4, ACachedSigningKeySignsTheSame) {
  SigV4Request r{"GET", "/b/k", {{"list-type", "2"}}, {{"host", "h"}}, kEmptySha256};
  AddSigV4Headers(r, ExampleCredentials(), ExampleScope());
  auto key = DeriveSigningKey(ExampleCredentials().secret_access_key, ExampleScope());
  EXPECT_EQ(SignV4(r, ExampleCredentials(), ExampleScope(), key).authorization,
            SignV4(r, ExampleCredentials(), ExampleScope()).authorization);
}

TEST(SigV4, CanonicalQueryEncodesAndSorts) {
  EXPECT_EQ(CanonicalQueryString({{"uploads", ""}}), "uploads=");
  EXPECT_EQ(CanonicalQueryString({{"z", "1"}, {"a", "x y"}, {"token", "a+b/c="}}),
            "a=x%20y&token=a%2Bb%2Fc%3D&z=1");
}

TEST(SigV4, HeaderValuesAreTrimmedAndDuplicatesJoined) {
  SigV4Request r{"GET",
                 "/b/k",
                 {},
                 {{"Host", "h"}, {"X-Amz-Meta-A", "  a   b  "}, {"x-amz-meta-a", "c"}},
                 kEmptySha256};
  SigV4Signature s = SignV4(r, ExampleCredentials(), ExampleScope());
  EXPECT_NE(s.canonical_request.find("x-amz-meta-a:a b,c\n"), std::string::npos)
      << s.canonical_request;
}

TEST(SigV4, SessionTokenIsSignedButSecretNeverAppears) {
  SigV4Request r{"GET", "/b/k", {}, {{"host", "h"}}, kEmptySha256};
  Credentials creds = ExampleCredentials("TOKEN123");
  AddSigV4Headers(r, creds, ExampleScope());
  SigV4Signature s = SignV4(r, creds, ExampleScope());
  EXPECT_NE(s.signed_headers.find("x-amz-security-token"), std::string::npos);
  EXPECT_EQ(s.authorization.find(creds.secret_access_key), std::string::npos);
  EXPECT_EQ(s.canonical_request.find(creds.secret_access_key), std::string::npos);
}

// The oracle: botocore's S3SigV4Auth (and SigV4Auth for the sqs cases) signs the corpus in
// testutil/botocore_sigv4_oracle.py; our signer must produce the same canonical request and
// Authorization header for each.
nlohmann::json RunOracle() { return testing::RunPythonOracle("botocore_sigv4_oracle.py"); }

TEST(SigV4Botocore, MatchesBotocoreOnTheWholeCorpus) {
  nlohmann::json corpus = RunOracle();
  ASSERT_TRUE(corpus.is_array()) << "the botocore oracle did not run (python3-botocore missing?)";
  ASSERT_GE(corpus.size(), 30u);
  int sqs_cases = 0;
  for (const auto& c : corpus) sqs_cases += c.value("service", "s3") == "sqs";
  EXPECT_GE(sqs_cases, 4);
  for (const auto& c : corpus) {
    SCOPED_TRACE(c["name"].get<std::string>());
    std::string path = c["path_style"].get<bool>() ? "/" + c["bucket"].get<std::string>() : "";
    if (!c["key"].get<std::string>().empty()) path += "/" + c["key"].get<std::string>();
    SigV4Request r;
    r.method = c["method"];
    r.encoded_path = UriEncode(path.empty() ? "/" : path, /*keep_slash=*/true);
    EXPECT_EQ(r.encoded_path, c["encoded_path"].get<std::string>());
    for (const auto& q : c["query"]) r.query.emplace_back(q[0], q[1]);
    r.headers.emplace_back("host", c["host"]);
    for (const auto& [name, value] : c["headers"].items()) r.headers.emplace_back(name, value);
    r.payload_sha256 = c["payload_sha256"];
    Credentials creds;
    creds.access_key_id = c["access_key"];
    creds.secret_access_key = c["secret_key"];
    creds.session_token = c["token"];
    const std::string service = c.value("service", "s3");
    SigV4Scope scope{c["region"], service, c["amz_date"]};
    if (service == "s3") {
      AddSigV4Headers(r, creds, scope);
    } else {
      // SQS (botocore's SigV4Auth): the payload hash is signed, but no x-amz-content-sha256 is
      // sent, so it is not a signed header. SqsClient adds these two the same way.
      EXPECT_FALSE(c["sends_content_sha256"].get<bool>());
      r.headers.emplace_back("X-Amz-Date", scope.amz_date);
      if (!creds.session_token.empty()) {
        r.headers.emplace_back("X-Amz-Security-Token", creds.session_token);
      }
    }
    SigV4Signature s = SignV4(r, creds, scope);
    EXPECT_EQ(s.canonical_request, c["canonical_request"].get<std::string>());
    EXPECT_EQ(s.authorization, c["authorization"].get<std::string>());
  }
}

}  // namespace
}  // namespace s3proc
