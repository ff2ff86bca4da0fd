// The S3 client against the real local Ceph RGW started by the local_s3 fixture.
// Every test works in a bucket of its own.

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <random>
#include <set>
#include <thread>

#include "aws/credentials_env.h"
#include "common/hash.h"
#include "http/curl_http_client.h"
#include "s3/s3_client.h"
#include "testutil/temp_dir.h"

namespace s3proc {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

class S3ClientIntegration : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(Env("AWS_ENDPOINT_URL").empty()) << "run through ctest (local_s3 fixture)";
    http_ = NewCurlHttpClient({});
    credentials_ = NewEnvCredentialsProvider();
    client_ = MakeClient(*credentials_);
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    bucket_ = "it-" + std::string(info->name());
    for (char& c : bucket_) c = (c == '_') ? '-' : static_cast<char>(tolower(c));
    bucket_ = bucket_.substr(0, 50) + "-" + std::to_string(std::random_device{}() % 100000);
    Status created = client_->CreateBucket(bucket_);
    ASSERT_TRUE(created.ok()) << created.ToString();
  }

  std::unique_ptr<S3Client> MakeClient(CredentialsProvider& credentials) {
    S3ClientOptions o;
    o.endpoint = Env("AWS_ENDPOINT_URL");
    o.region = "us-east-1";
    o.path_style = true;
    o.retry.max_attempts = 3;
    return std::make_unique<S3Client>(*http_, credentials, o);
  }

  std::unique_ptr<HttpClient> http_;
  std::unique_ptr<CredentialsProvider> credentials_;
  std::unique_ptr<S3Client> client_;
  std::string bucket_;
  testing::TempDir tmp_;
};

const std::vector<std::string>& TrickyKeys() {
  static const std::vector<std::string> keys = {
      "input/plain.json",
      "input/with space (1).json",
      "input/a+b+c.json",
      "input/100%25%.json",
      "input/données/文件 名.json",
      "input/!$&'()*,;=:@[]#?.json",
      "input/~tilde/..dots/./x.json",
      "input//double//slash.json",
      "input/<xml>&amp;\"quote\".json",
      "input/tab\there.json",
      "input/" + std::string(1018, 'k'),
  };
  return keys;
}

TEST_F(S3ClientIntegration, RoundTripsTrickyKeysThroughPutListGetHeadDelete) {
  for (const std::string& key : TrickyKeys()) {
    SCOPED_TRACE(key);
    auto put = client_->PutObjectFromString(bucket_, key, "content of " + key);
    ASSERT_TRUE(put.ok()) << put.status().ToString();
  }
  std::set<std::string> listed;
  std::string token;
  do {
    auto page = client_->ListObjectsV2(bucket_, "input/", token, 3);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    for (const auto& o : page->objects) listed.insert(o.key);
    token = page->next_continuation_token;
  } while (!token.empty());
  EXPECT_EQ(listed, std::set<std::string>(TrickyKeys().begin(), TrickyKeys().end()));

  for (const std::string& key : TrickyKeys()) {
    SCOPED_TRACE(key);
    auto head = client_->HeadObject(bucket_, key);
    ASSERT_TRUE(head.ok()) << head.status().ToString();
    EXPECT_EQ(head->size, ("content of " + key).size());
    std::string path = (tmp_.path() / "dl").string();
    auto got = client_->GetObjectToFile(bucket_, key, "", path);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(testing::ReadFileOrEmpty(path), "content of " + key);
  }

  std::vector<ObjectId> ids;
  for (const std::string& key : TrickyKeys()) ids.push_back({key, ""});
  auto deleted = client_->DeleteObjects(bucket_, ids);
  ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
  EXPECT_TRUE(deleted->failures.empty());
  auto empty = client_->ListObjectsV2(bucket_, "", "");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->objects.empty());
}

TEST_F(S3ClientIntegration, ListsFiveThousandKeysAcrossPages) {
  constexpr int kKeys = 5000;
  std::atomic<int> next{0}, failures{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < 16; ++w) {
    workers.emplace_back([&] {
      for (int i = next++; i < kKeys; i = next++) {
        char key[64];
        snprintf(key, sizeof(key), "input/batch/%05d.json", i);
        if (!client_->PutObjectFromString(bucket_, key, "{}").ok()) ++failures;
      }
    });
  }
  for (auto& t : workers) t.join();
  ASSERT_EQ(failures.load(), 0);

  int pages = 0;
  std::vector<std::string> keys;
  std::string token;
  do {
    auto page = client_->ListObjectsV2(bucket_, "input/", token);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    ++pages;
    for (const auto& o : page->objects) keys.push_back(o.key);
    token = page->next_continuation_token;
  } while (!token.empty());
  EXPECT_EQ(keys.size(), static_cast<size_t>(kKeys));
  EXPECT_GE(pages, 5);
  EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end()));
  EXPECT_EQ(std::set<std::string>(keys.begin(), keys.end()).size(), keys.size());
}

TEST_F(S3ClientIntegration, IfNoneMatchStarOnExistingObjectIsPreconditionFailed) {
  PutOptions create_only;
  create_only.if_none_match_any = true;
  ASSERT_TRUE(client_->PutObjectFromString(bucket_, "leases/shard-00/1", "a", create_only).ok());
  auto second = client_->PutObjectFromString(bucket_, "leases/shard-00/1", "b", create_only);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kPreconditionFailed) << second.status().ToString();
  auto content = client_->GetObjectToString(bucket_, "leases/shard-00/1");
  ASSERT_TRUE(content.ok());
  EXPECT_EQ(*content, "a");
}

TEST_F(S3ClientIntegration, AReplaceOnlyPutReplacesWhatItNamesAndNothingElse) {
  auto first = client_->PutObjectFromString(bucket_, "output/replaced.json", "one", {});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  PutOptions replace;
  replace.if_match_etag = first->etag;
  auto second = client_->PutObjectFromString(bucket_, "output/replaced.json", "two", replace);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  // The same condition again: the object it named is gone, so nothing is written.
  auto third = client_->PutObjectFromString(bucket_, "output/replaced.json", "three", replace);
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.status().code(), StatusCode::kPreconditionFailed) << third.status().ToString();
  auto content = client_->GetObjectToString(bucket_, "output/replaced.json");
  ASSERT_TRUE(content.ok());
  EXPECT_EQ(*content, "two");
}

TEST_F(S3ClientIntegration, WrongSecretIsSignatureDoesNotMatchAndNeverLeaksTheSecret) {
  class WrongSecret : public CredentialsProvider {
   public:
    Result<Credentials> GetCredentials() override {
      Credentials c;
      c.access_key_id = Env("AWS_ACCESS_KEY_ID");
      c.secret_access_key = "definitely-not-the-secret-XYZ";
      c.source = "test";
      return c;
    }
  } wrong;
  auto client = MakeClient(wrong);
  auto put = client->PutObjectFromString(bucket_, "input/x.json", "{}");
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.status().code(), StatusCode::kAccessDenied);
  EXPECT_NE(put.status().message().find("SignatureDoesNotMatch"), std::string::npos)
      << put.status().message();
  EXPECT_NE(put.status().message().find("PutObject s3://" + bucket_ + "/input/x.json"),
            std::string::npos);
  EXPECT_EQ(put.status().message().find("definitely-not-the-secret"), std::string::npos);
  EXPECT_EQ(put.status().message().find("Signature="), std::string::npos);
  EXPECT_EQ(client->stats().requests, 1u) << "a bad signature must not be retried";
}

TEST_F(S3ClientIntegration, MissingObjectIsNotFoundAndDeletingItIsOk) {
  auto got = client_->GetObjectToFile(bucket_, "input/nope", "", (tmp_.path() / "x").string());
  ASSERT_FALSE(got.ok());
  EXPECT_TRUE(got.status().IsNotFound()) << got.status().ToString();
  auto head = client_->HeadObject(bucket_, "input/nope");
  EXPECT_TRUE(head.status().IsNotFound()) << head.status().ToString();
  EXPECT_TRUE(client_->DeleteObject(bucket_, "input/nope").ok());
}

TEST_F(S3ClientIntegration, NoSuchBucketIsAConfigurationError) {
  auto page = client_->ListObjectsV2("no-such-bucket-s3proc", "input/", "");
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.status().code(), StatusCode::kInvalidArgument) << page.status().ToString();
  EXPECT_NE(page.status().message().find("NoSuchBucket"), std::string::npos);
}

TEST_F(S3ClientIntegration, CopyObjectAndMetadata) {
  PutOptions with_meta;
  with_meta.metadata = {{"reason", "bad json"}};
  with_meta.content_type = "application/json";
  ASSERT_TRUE(client_->PutObjectFromString(bucket_, "errors/a.json", "{bad", with_meta).ok());
  auto copied = client_->CopyObject(bucket_, "errors/a.json", "", "input/a.json");
  ASSERT_TRUE(copied.ok()) << copied.status().ToString();
  auto head = client_->HeadObject(bucket_, "input/a.json");
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->size, 4u);
  ASSERT_EQ(head->metadata.size(), 1u);
  EXPECT_EQ(head->metadata[0], (std::pair<std::string, std::string>{"reason", "bad json"}));
}

// An object larger than one CopyObject may copy (5 GiB on S3; 5 MiB here, S3's smallest part)
// is copied in parts, byte for byte, with the metadata given, pinned to the source's ETag and
// create-only like the single copy.
TEST_F(S3ClientIntegration, ALargeCopyGoesInParts) {
  S3ClientOptions o = client_->options();
  o.max_single_copy_bytes = 5 << 20;
  o.copy_part_size = 5 << 20;
  S3Client client(*http_, *credentials_, o);
  std::string content;
  for (int i = 0; content.size() < (12u << 20); ++i) content += std::to_string(i) + "\n";
  auto source = client.PutObjectFromString(bucket_, "input/big.ndjson", content);
  ASSERT_TRUE(source.ok()) << source.status().ToString();

  PutOptions copy;
  copy.if_none_match_any = true;
  copy.copy_source_if_match = source->etag;
  copy.copy_source_size = content.size();
  copy.metadata = {{"s3proc-role", "error-copy"}};
  auto copied = client.CopyObject(bucket_, "input/big.ndjson", "", "errors/big.ndjson", copy);
  ASSERT_TRUE(copied.ok()) << copied.status().ToString();
  auto got = client.GetObjectToString(bucket_, "errors/big.ndjson");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_TRUE(*got == content) << "the copy differs from its source";
  auto head = client.HeadObject(bucket_, "errors/big.ndjson");
  ASSERT_TRUE(head.ok());
  EXPECT_TRUE(head->etag.ends_with("-3")) << head->etag << ": three parts";
  EXPECT_EQ(head->metadata,
            (std::vector<std::pair<std::string, std::string>>{{"s3proc-role", "error-copy"}}));

  auto again = client.CopyObject(bucket_, "input/big.ndjson", "", "errors/big.ndjson", copy);
  EXPECT_EQ(again.status().code(), StatusCode::kPreconditionFailed) << again.status().ToString();
  copy.copy_source_if_match = "0123456789abcdef0123456789abcdef";
  auto stale = client.CopyObject(bucket_, "input/big.ndjson", "", "errors/other.ndjson", copy);
  EXPECT_EQ(stale.status().code(), StatusCode::kPreconditionFailed) << stale.status().ToString();
  EXPECT_EQ(client.HeadObject(bucket_, "errors/other.ndjson").status().code(),
            StatusCode::kNotFound);
}

TEST_F(S3ClientIntegration, VersionedBucketDeletesExactlyTheProcessedVersion) {
  ASSERT_TRUE(client_->EnableVersioning(bucket_).ok());
  auto v1 = client_->PutObjectFromString(bucket_, "input/a.json", "{\"v\":1}");
  ASSERT_TRUE(v1.ok());
  ASSERT_FALSE(v1->version_id.empty());
  std::string path = (tmp_.path() / "a").string();
  auto got = client_->GetObjectToFile(bucket_, "input/a.json", "", path);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->version_id, v1->version_id);
  // A producer overwrites the input while we process version 1.
  auto v2 = client_->PutObjectFromString(bucket_, "input/a.json", "{\"v\":2}");
  ASSERT_TRUE(v2.ok());
  auto deleted = client_->DeleteObjects(bucket_, {{"input/a.json", got->version_id}});
  ASSERT_TRUE(deleted.ok());
  EXPECT_TRUE(deleted->failures.empty());
  auto current = client_->GetObjectToString(bucket_, "input/a.json");
  ASSERT_TRUE(current.ok()) << current.status().ToString();
  EXPECT_EQ(*current, "{\"v\":2}");
}

long MaxRssKiB() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

TEST_F(S3ClientIntegration, TwoHundredMiBMultipartRoundTripWithBoundedMemory) {
  constexpr uint64_t kSize = 200ull << 20;
  std::string src = (tmp_.path() / "big.bin").string();
  {
    std::ofstream out(src, std::ios::binary);
    std::mt19937_64 rng(42);
    std::vector<uint64_t> block(1 << 17);
    for (uint64_t written = 0; written < kSize; written += block.size() * 8) {
      for (auto& v : block) v = rng();
      out.write(reinterpret_cast<const char*>(block.data()), block.size() * 8);
    }
  }
  auto expected = DigestFile(src);
  ASSERT_TRUE(expected.ok());

  long rss_before = MaxRssKiB();
  auto put = client_->PutObjectFromFile(bucket_, "output/big.bin", src);
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  std::string dst = (tmp_.path() / "big.out").string();
  auto got = client_->GetObjectToFile(bucket_, "output/big.bin", "", dst);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  long grown_mib = (MaxRssKiB() - rss_before) / 1024;
  EXPECT_LT(grown_mib, 64) << "peak RSS grew by " << grown_mib << " MiB";

  auto actual = DigestFile(dst);
  ASSERT_TRUE(actual.ok());
  EXPECT_EQ(actual->size, kSize);
  EXPECT_EQ(actual->sha256_hex, expected->sha256_hex);
  auto head = client_->HeadObject(bucket_, "output/big.bin");
  ASSERT_TRUE(head.ok());
  EXPECT_NE(head->etag.find('-'), std::string::npos) << "expected a multipart ETag: " << head->etag;
}

TEST_F(S3ClientIntegration, DeleteObjectsSplitsLargeBatches) {
  std::vector<ObjectId> ids;
  std::atomic<int> next{0};
  std::vector<std::thread> workers;
  for (int i = 0; i < 1500; ++i) {
    ids.push_back({"input/d/" + std::to_string(i), ""});
  }
  for (int w = 0; w < 16; ++w) {
    workers.emplace_back([&] {
      for (int i = next++; i < 1500; i = next++) {
        ASSERT_TRUE(client_->PutObjectFromString(bucket_, ids[i].key, "x").ok());
      }
    });
  }
  for (auto& t : workers) t.join();
  auto deleted = client_->DeleteObjects(bucket_, ids);
  ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
  EXPECT_TRUE(deleted->failures.empty());
  auto page = client_->ListObjectsV2(bucket_, "input/", "");
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->objects.empty());
}

}  // namespace
}  // namespace s3proc
