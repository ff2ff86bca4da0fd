#include "s3/s3_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <deque>
#include <string>

#include "common/hash.h"
#include "s3/s3_object_store.h"
#include "testutil/counting_credentials.h"
#include "testutil/fake_http_client.h"
#include "testutil/temp_dir.h"

namespace s3proc {
namespace {

using testing::FakeHttpClient;
using ::testing::HasSubstr;
using testing::MakeHttpResponse;

using testing::CountingCredentials;

constexpr char kNotXml[] = "<html>gateway timeout</html";

std::string ErrorXml(std::string_view code, std::string_view message = "") {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + std::string(code) +
         "</Code><Message>" + std::string(message) +
         "</Message><RequestId>tx42</RequestId></Error>";
}

// Answers each request with the next scripted response (the last one repeats); a 2xx body goes
// through the request's sink when it has one, as the curl client does.
class S3ClientTest : public ::testing::Test {
 protected:
  S3ClientTest()
      : http_([this](const HttpRequest& request) -> Result<HttpResponse> {
          if (request.body.file_path.empty()) bodies_.emplace_back(request.body.data);
          Result<HttpResponse> next = script_.front();
          if (script_.size() > 1) script_.pop_front();
          if (next.ok() && next->status / 100 == 2 && request.body_sink) {
            S3PROC_RETURN_IF_ERROR(request.body_sink(next->body));
            next->body.clear();
          }
          return next;
        }),
        client_(http_, credentials_, Options()) {}

  static S3ClientOptions Options() {
    S3ClientOptions o;
    o.endpoint = "http://127.0.0.1:1";
    o.region = "us-east-1";
    o.path_style = true;
    o.sleep = [](std::chrono::milliseconds) {};
    return o;
  }

  void Answer(std::initializer_list<Result<HttpResponse>> responses) { script_ = responses; }

  std::deque<Result<HttpResponse>> script_{MakeHttpResponse(200)};
  std::vector<std::string> bodies_;  // of the requests sent from memory, in order
  CountingCredentials credentials_;
  FakeHttpClient http_;
  S3Client client_;
};

TEST_F(S3ClientTest, SlowDownIsRetriedThenSucceeds) {
  Answer({MakeHttpResponse(503, ErrorXml("SlowDown")),
          MakeHttpResponse(200, "", {{"ETag", "\"abc\""}, {"Content-Length", "3"}})});
  auto head = client_.HeadObject("b", "input/a.json");
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->etag, "abc");
  EXPECT_EQ(head->size, 3u);
  EXPECT_EQ(http_.request_count(), 2u);
  EXPECT_EQ(client_.stats().retries, 1u);
}

TEST_F(S3ClientTest, SlowDownThatNeverEndsIsTransientAfterEveryAttempt) {
  Answer({MakeHttpResponse(503, ErrorXml("SlowDown", "Please reduce your request rate."))});
  auto got = client_.GetObjectToString("b", "k");
  EXPECT_EQ(got.status().code(), StatusCode::kTransient);
  EXPECT_THAT(got.status().message(), HasSubstr("GetObject s3://b/k: SlowDown (503"));
  EXPECT_THAT(got.status().message(), HasSubstr("a later run retries"));
  EXPECT_EQ(http_.request_count(), 5u);  // RetryPolicy's default
}

TEST_F(S3ClientTest, AccessDeniedWithABodyNamesTheMissingPermission) {
  Answer({MakeHttpResponse(403, ErrorXml("AccessDenied", "Access Denied"))});
  auto put = client_.PutObjectFromString("b", "output/a.json", "{}");
  EXPECT_EQ(put.status().code(), StatusCode::kAccessDenied);
  EXPECT_EQ(put.status().message(),
            "PutObject s3://b/output/a.json: AccessDenied (403, request id tx42): Access Denied: "
            "the credentials need s3:PutObject on arn:aws:s3:::b/output/a.json");
  EXPECT_EQ(http_.request_count(), 1u) << "a 403 is not retried";
}

TEST_F(S3ClientTest, ForbiddenWithoutABodyIsStillAccessDenied) {
  Answer({MakeHttpResponse(403)});  // HEAD answers carry no body
  auto head = client_.HeadObject("b", "k");
  EXPECT_EQ(head.status().code(), StatusCode::kAccessDenied);
  EXPECT_THAT(head.status().message(), HasSubstr("HeadObject s3://b/k: Forbidden (403)"));
  EXPECT_EQ(http_.request_count(), 1u);
}

TEST_F(S3ClientTest, NotFoundWithoutABody) {
  Answer({MakeHttpResponse(404)});
  EXPECT_EQ(client_.HeadObject("b", "k").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(http_.request_count(), 1u);
}

TEST_F(S3ClientTest, ExpiredTokenRefreshesTheCredentialsThenRetries) {
  Answer({MakeHttpResponse(400, ErrorXml("ExpiredToken")), MakeHttpResponse(200, "{}")});
  auto got = client_.GetObjectToString("b", "k");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, "{}");
  EXPECT_EQ(credentials_.invalidations, 1);
  EXPECT_EQ(client_.stats().credential_refreshes, 1u);
  auto requests = http_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_NE(requests[0].HeaderValue("authorization"), requests[1].HeaderValue("authorization"))
      << "the retry is signed with the fresh secret";
}

TEST_F(S3ClientTest, ARedirectNamesTheBucketsRegion) {
  Answer({MakeHttpResponse(301, ErrorXml("PermanentRedirect"),
                           {{"x-amz-bucket-region", "eu-west-1"}})});
  auto list = client_.ListObjectsV2("b", "input/", "");
  EXPECT_EQ(list.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(list.status().message(), HasSubstr("set --region eu-west-1"));
  EXPECT_EQ(http_.request_count(), 1u);
}

TEST_F(S3ClientTest, AMalformedErrorBodyFallsBackOnTheStatus) {
  Answer({MakeHttpResponse(500, kNotXml)});
  auto head = client_.HeadObject("b", "k");
  EXPECT_EQ(head.status().code(), StatusCode::kTransient);
  EXPECT_THAT(head.status().message(), HasSubstr("InternalError (500)"));
  EXPECT_EQ(http_.request_count(), 5u);
}

TEST_F(S3ClientTest, AMalformedListingIsAnInternalError) {
  Answer({MakeHttpResponse(200, kNotXml)});
  auto list = client_.ListObjectsV2("b", "input/", "");
  EXPECT_EQ(list.status().code(), StatusCode::kInternal);
  EXPECT_THAT(list.status().message(), HasSubstr("s3://b/input/"));
}

TEST_F(S3ClientTest, ListingDecodesKeysAndAsksForUrlEncoding) {
  Answer({MakeHttpResponse(
      200,
      "<ListBucketResult><IsTruncated>true</IsTruncated>"
      "<NextContinuationToken>t/2=</NextContinuationToken>"
      "<Contents><Key>input/a%20b%2Bc.json</Key><Size>12</Size><ETag>\"e1\"</ETag>"
      "<LastModified>2026-01-01T00:00:00.000Z</LastModified></Contents></ListBucketResult>")});
  auto list = client_.ListObjectsV2("b", "input/", "");
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->objects.size(), 1u);
  EXPECT_EQ(list->objects[0].key, "input/a b+c.json");
  EXPECT_EQ(list->objects[0].size, 12u);
  EXPECT_EQ(list->objects[0].etag, "e1");
  EXPECT_EQ(list->next_continuation_token, "t/2=");
  std::string url = http_.requests()[0].url;
  EXPECT_THAT(url, HasSubstr("http://127.0.0.1:1/b?"));
  EXPECT_THAT(url, HasSubstr("encoding-type=url"));
  EXPECT_THAT(url, HasSubstr("list-type=2"));
  EXPECT_THAT(url, HasSubstr("prefix=input%2F"));
}

TEST_F(S3ClientTest, TransportErrorsAreRetriedOnlyWhenTransient) {
  Answer({Status::Transient("connection reset"), MakeHttpResponse(200, "x")});
  EXPECT_TRUE(client_.GetObjectToString("b", "k").ok());
  EXPECT_EQ(http_.request_count(), 2u);
  Answer({Status::IoError("disk full")});
  auto got = client_.GetObjectToString("b", "k");
  EXPECT_EQ(got.status().code(), StatusCode::kIoError);
  EXPECT_THAT(got.status().message(), HasSubstr("GetObject s3://b/k (after 1 attempts)"));
  EXPECT_EQ(http_.request_count(), 3u);
}

TEST_F(S3ClientTest, DownloadsAreVerifiedAgainstTheirEtag) {
  testing::TempDir dir;
  const std::string path = (dir.path() / "a.json").string();
  const std::string md5 = "900150983cd24fb0d6963f7d28e17f72";  // md5("abc")
  Answer({MakeHttpResponse(200, "abd", {{"ETag", "\"" + md5 + "\""}, {"Content-Length", "3"}}),
          MakeHttpResponse(200, "abc", {{"ETag", "\"" + md5 + "\""}, {"Content-Length", "3"}})});
  auto got = client_.GetObjectToFile("b", "a.json", "", path);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(http_.request_count(), 2u) << "a body damaged in transit is fetched again";
  EXPECT_EQ(testing::ReadFileOrEmpty(path), "abc");
  EXPECT_EQ(got->size, 3u);
  EXPECT_EQ(got->sha256_hex, Sha256Hex("abc"));
}

TEST_F(S3ClientTest, ATruncatedDownloadIsRetried) {
  testing::TempDir dir;
  const std::string path = (dir.path() / "a").string();
  Answer({MakeHttpResponse(200, "ab", {{"Content-Length", "3"}})});
  auto got = client_.GetObjectToFile("b", "a", "", path);
  EXPECT_EQ(got.status().code(), StatusCode::kTransient);
  EXPECT_THAT(got.status().message(), HasSubstr("received 2 bytes, Content-Length said 3"));
  EXPECT_EQ(http_.request_count(), 5u);
}

TEST_F(S3ClientTest, ConditionalPutLosesWithPreconditionFailed) {
  Answer({MakeHttpResponse(412, ErrorXml("PreconditionFailed"))});
  PutOptions create;
  create.if_none_match_any = true;
  auto put = client_.PutObjectFromString("b", "leases/shard-001/0000000001", "x", create);
  EXPECT_EQ(put.status().code(), StatusCode::kPreconditionFailed);
  ASSERT_EQ(http_.request_count(), 1u);
  EXPECT_EQ(http_.requests()[0].HeaderValue("if-none-match"), "*");
}

TEST_F(S3ClientTest, AReplaceOnlyPutNamesTheETagItReplaces) {
  Answer({MakeHttpResponse(412, ErrorXml("PreconditionFailed"))});
  PutOptions replace;
  replace.if_match_etag = "0123456789abcdef0123456789abcdef";
  auto put = client_.PutObjectFromString("b", "output/a.json", "x", replace);
  EXPECT_EQ(put.status().code(), StatusCode::kPreconditionFailed);
  ASSERT_EQ(http_.request_count(), 1u);
  EXPECT_EQ(http_.requests()[0].HeaderValue("if-match"), "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(http_.requests()[0].HeaderValue("if-none-match"), "");
}

// AWS answers a conditional write that races another with 409 ConditionalRequestConflict: the
// retry then meets the winner's object (412) or succeeds.
TEST_F(S3ClientTest, AConflictingConditionalPutIsRetried) {
  Answer({MakeHttpResponse(409, ErrorXml("ConditionalRequestConflict")),
          MakeHttpResponse(409, ErrorXml("OperationAborted")),
          MakeHttpResponse(412, ErrorXml("PreconditionFailed"))});
  PutOptions create;
  create.if_none_match_any = true;
  auto put = client_.PutObjectFromString("b", "output/a.json", "x", create);
  EXPECT_EQ(put.status().code(), StatusCode::kPreconditionFailed);
  EXPECT_EQ(http_.request_count(), 3u);
  EXPECT_EQ(client_.stats().retries, 2u);
}

TEST_F(S3ClientTest, AConflictThatNeverEndsIsTransient) {
  Answer({MakeHttpResponse(409, ErrorXml("ConditionalRequestConflict"))});
  PutOptions create;
  create.if_none_match_any = true;
  auto put = client_.PutObjectFromString("b", "output/a.json", "x", create);
  EXPECT_EQ(put.status().code(), StatusCode::kTransient);
  EXPECT_THAT(put.status().message(), HasSubstr("ConditionalRequestConflict (409"));
  EXPECT_EQ(http_.request_count(), 5u);  // RetryPolicy's default
}

constexpr char kCopyResult[] =
    "<CopyObjectResult><ETag>&quot;0123456789abcdef0123456789abcdef&quot;</ETag>"
    "</CopyObjectResult>";

// Not every server honours If-None-Match on a copy: a create-only copy looks at the key first.
TEST_F(S3ClientTest, ACreateOnlyCopyLooksBeforeItCopies) {
  Answer({MakeHttpResponse(404), MakeHttpResponse(200, kCopyResult)});
  PutOptions create;
  create.if_none_match_any = true;
  auto copied = client_.CopyObject("b", "input/a.json", "", "errors/a.json", create);
  ASSERT_TRUE(copied.ok()) << copied.status().ToString();
  ASSERT_EQ(http_.request_count(), 2u);
  EXPECT_EQ(http_.requests()[0].method, "HEAD");
  EXPECT_EQ(http_.requests()[1].HeaderValue("x-amz-copy-source"), "/b/input/a.json");
  EXPECT_EQ(http_.requests()[1].HeaderValue("if-none-match"), "*");
}

// A copy whose answer was lost may have been stored: the retry looks again and finds it, instead
// of storing a second copy on a server that ignores If-None-Match there.
TEST_F(S3ClientTest, ACreateOnlyCopyLooksAgainBeforeARetry) {
  Answer({MakeHttpResponse(404), Status::Transient("connection reset"), MakeHttpResponse(200)});
  PutOptions create;
  create.if_none_match_any = true;
  auto copied = client_.CopyObject("b", "input/a.json", "", "errors/a.json", create);
  EXPECT_EQ(copied.status().code(), StatusCode::kPreconditionFailed);
  ASSERT_EQ(http_.request_count(), 3u);
  EXPECT_EQ(http_.requests()[2].method, "HEAD") << "no second copy is sent";
}

// Larger than one CopyObject may copy: in parts, each a byte range of the source pinned to its
// ETag, then the source is looked at again (servers that ignore the pin on a part).
TEST_F(S3ClientTest, ALargeCopyGoesInRangesOfTheSource) {
  S3ClientOptions o = Options();
  o.max_single_copy_bytes = 8;
  o.copy_part_size = 4;
  S3Client client(http_, credentials_, o);
  const std::string etag = "0123456789abcdef0123456789abcdef";
  Answer({MakeHttpResponse(404),
          MakeHttpResponse(200,
                           "<InitiateMultipartUploadResult><UploadId>u1</UploadId>"
                           "</InitiateMultipartUploadResult>"),
          MakeHttpResponse(200, kCopyResult), MakeHttpResponse(200, kCopyResult),
          MakeHttpResponse(200, kCopyResult),
          MakeHttpResponse(200, "", {{"ETag", "\"" + etag + "\""}}),
          MakeHttpResponse(200,
                           "<CompleteMultipartUploadResult><ETag>&quot;e-3&quot;</ETag>"
                           "</CompleteMultipartUploadResult>")});
  PutOptions create;
  create.if_none_match_any = true;
  create.copy_source_if_match = etag;
  create.copy_source_size = 10;
  auto copied = client.CopyObject("b", "input/a.json", "", "errors/a.json", create);
  ASSERT_TRUE(copied.ok()) << copied.status().ToString();
  EXPECT_EQ(copied->etag, "e-3");
  EXPECT_EQ(copied->size, 10u);
  const auto& sent = http_.requests();
  ASSERT_EQ(sent.size(), 7u);
  EXPECT_EQ(sent[0].method, "HEAD");
  const char* ranges[] = {"bytes=0-3", "bytes=4-7", "bytes=8-9"};
  for (int part = 0; part < 3; ++part) {
    const auto& request = sent[static_cast<size_t>(2 + part)];
    EXPECT_THAT(request.url, HasSubstr("partNumber=" + std::to_string(part + 1)));
    EXPECT_EQ(request.HeaderValue("x-amz-copy-source-range"), ranges[part]);
    EXPECT_EQ(request.HeaderValue("x-amz-copy-source-if-match"), "\"" + etag + "\"");
  }
  EXPECT_EQ(sent[5].method, "HEAD");
  EXPECT_THAT(sent[5].url, HasSubstr("/b/input/a.json"));
}

// The source replaced while its parts were copied: the upload is aborted, nothing is stored.
TEST_F(S3ClientTest, ALargeCopyOfASourceThatChangedIsAborted) {
  S3ClientOptions o = Options();
  o.max_single_copy_bytes = 8;
  o.copy_part_size = 8;
  S3Client client(http_, credentials_, o);
  Answer({MakeHttpResponse(200,
                           "<InitiateMultipartUploadResult><UploadId>u1</UploadId>"
                           "</InitiateMultipartUploadResult>"),
          MakeHttpResponse(200, kCopyResult), MakeHttpResponse(200, kCopyResult),
          MakeHttpResponse(200, "", {{"ETag", "\"ffffffffffffffffffffffffffffffff\""}}),
          MakeHttpResponse(204)});
  PutOptions pinned;
  pinned.copy_source_if_match = "0123456789abcdef0123456789abcdef";
  pinned.copy_source_size = 10;
  auto copied = client.CopyObject("b", "input/a.json", "", "errors/a.json", pinned);
  EXPECT_EQ(copied.status().code(), StatusCode::kPreconditionFailed) << copied.status().ToString();
  ASSERT_EQ(http_.request_count(), 5u);
  EXPECT_EQ(http_.requests()[4].method, "DELETE");
  EXPECT_THAT(http_.requests()[4].url, HasSubstr("uploadId=u1"));
}

// An unconditional copy (redrive's) sends no look.
TEST_F(S3ClientTest, AnUnconditionalCopyDoesNotLook) {
  Answer({MakeHttpResponse(200, kCopyResult)});
  EXPECT_TRUE(client_.CopyObject("b", "errors/a.json", "", "input/a.json").ok());
  ASSERT_EQ(http_.request_count(), 1u);
  EXPECT_EQ(http_.requests()[0].method, "PUT");
}

TEST_F(S3ClientTest, DeleteFailuresCarryAStatusAndMissingKeysCountAsDeleted) {
  Answer({MakeHttpResponse(200,
                           "<DeleteResult>"
                           "<Error><Key>input/a</Key><Code>AccessDenied</Code>"
                           "<Message>Access Denied</Message></Error>"
                           "<Error><Key>input/b</Key><Code>NoSuchKey</Code></Error>"
                           "<Error><Key>input/c</Key><Code>InternalError</Code></Error>"
                           "</DeleteResult>")});
  auto deleted = client_.DeleteObjects("b", {{"input/a", ""}, {"input/b", ""}, {"input/c", ""}});
  ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
  ASSERT_EQ(deleted->failures.size(), 2u);
  EXPECT_EQ(deleted->failures[0].object.key, "input/a");
  EXPECT_EQ(deleted->failures[0].status.code(), StatusCode::kAccessDenied);
  EXPECT_EQ(deleted->failures[0].status.message(), "AccessDenied: Access Denied");
  EXPECT_EQ(deleted->failures[1].object.key, "input/c");
  EXPECT_EQ(deleted->failures[1].status.code(), StatusCode::kTransient);
  EXPECT_EQ(http_.requests()[0].method, "POST");
  EXPECT_FALSE(http_.requests()[0].HeaderValue("content-md5").empty());
}

TEST_F(S3ClientTest, DeleteObjectsSendsEachEtagCondition) {
  Answer({MakeHttpResponse(200,
                           "<DeleteResult><Error><Key>input/b</Key><Code>PreconditionFailed</Code>"
                           "<Message>At least one of the pre-conditions you specified did not hold"
                           "</Message></Error></DeleteResult>")});
  auto deleted = client_.DeleteObjects(
      "b", {{"input/a", "", "e1"}, {"input/b", "", "e2"}, {"input/c", "v3", "e3"}});
  ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
  ASSERT_EQ(deleted->failures.size(), 1u);
  EXPECT_EQ(deleted->failures[0].object.key, "input/b");
  EXPECT_EQ(deleted->failures[0].object.etag, "e2") << "named as asked";
  EXPECT_EQ(deleted->failures[0].status.code(), StatusCode::kPreconditionFailed);
  ASSERT_EQ(http_.request_count(), 1u);
  EXPECT_EQ(http_.requests()[0].method, "POST");
  EXPECT_THAT(bodies_.at(0), HasSubstr("<Object><Key>input/a</Key><ETag>\"e1\"</ETag></Object>"));
  EXPECT_THAT(bodies_.at(0), HasSubstr("<Object><Key>input/b</Key><ETag>\"e2\"</ETag></Object>"));
  // A version id is exact already: no condition beside it.
  EXPECT_THAT(bodies_.at(0),
              HasSubstr("<Object><Key>input/c</Key><VersionId>v3</VersionId></Object>"));
}

// moto (and AWS) honour If-Match on a single DeleteObject: one object goes alone, as one.
TEST_F(S3ClientTest, ALoneConditionalDeleteSendsIfMatch) {
  Answer({MakeHttpResponse(204)});
  auto deleted = client_.DeleteObjects("b", {{"input/a.json", "", "e1"}});
  ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
  EXPECT_TRUE(deleted->failures.empty());
  ASSERT_EQ(http_.request_count(), 1u);
  EXPECT_EQ(http_.requests()[0].method, "DELETE");
  EXPECT_THAT(http_.requests()[0].url, HasSubstr("/b/input/a.json"));
  EXPECT_EQ(http_.requests()[0].HeaderValue("if-match"), "\"e1\"");

  Answer({MakeHttpResponse(412, ErrorXml("PreconditionFailed"))});
  deleted = client_.DeleteObjects("b", {{"input/a.json", "", "e1"}});
  ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
  ASSERT_EQ(deleted->failures.size(), 1u);
  EXPECT_EQ(deleted->failures[0].object.key, "input/a.json");
  EXPECT_EQ(deleted->failures[0].status.code(), StatusCode::kPreconditionFailed);
  EXPECT_THAT(deleted->failures[0].status.message(),
              HasSubstr("DeleteObject s3://b/input/a.json: PreconditionFailed (412"));
  EXPECT_EQ(http_.request_count(), 2u) << "a failed condition is not retried";
}

TEST_F(S3ClientTest, ALoneDeleteWithoutAConditionIsUnchanged) {
  Answer({MakeHttpResponse(200, "<DeleteResult></DeleteResult>")});
  ASSERT_TRUE(client_.DeleteObjects("b", {{"leases/shard-001/1", ""}}).ok());
  EXPECT_EQ(http_.requests()[0].method, "POST");
  ASSERT_TRUE(client_.DeleteObjects("b", {{"input/a.json", "v1", "e1"}}).ok());
  EXPECT_EQ(http_.requests()[1].method, "POST") << "a version id needs no If-Match";
  EXPECT_EQ(http_.requests()[1].HeaderValue("if-match"), "");
}

TEST_F(S3ClientTest, AMalformedDeleteAnswerFailsTheCall) {
  Answer({MakeHttpResponse(200, kNotXml)});
  auto deleted = client_.DeleteObjects("b", {{"input/a", ""}});
  EXPECT_EQ(deleted.status().code(), StatusCode::kInternal);
}

TEST_F(S3ClientTest, RequestsAreSigned) {
  ASSERT_TRUE(client_.GetObjectToString("b", "k").ok());
  auto r = http_.requests().at(0);
  EXPECT_THAT(r.HeaderValue("authorization"),
              HasSubstr("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"));
  EXPECT_FALSE(r.HeaderValue("x-amz-date").empty());
  EXPECT_EQ(r.HeaderValue("x-amz-content-sha256"), Sha256Hex(""));
}

// S3ObjectStore pages through the listing and stops when `on_page` says so.
TEST_F(S3ClientTest, TheStoreFollowsContinuationTokens) {
  auto page = [](const std::string& key, const std::string& token) {
    return MakeHttpResponse(200, "<ListBucketResult><IsTruncated>" +
                                     std::string(token.empty() ? "false" : "true") +
                                     "</IsTruncated><NextContinuationToken>" + token +
                                     "</NextContinuationToken><Contents><Key>" + key +
                                     "</Key><Size>1</Size></Contents></ListBucketResult>");
  };
  Answer({page("input/a", "t1"), page("input/b", "t2"), page("input/c", "")});
  S3ObjectStore store(client_, "b");
  std::vector<std::string> keys;
  Status listed = store.List("input/", [&](std::vector<ObjectSummary>&& objects) {
    for (const auto& o : objects) keys.push_back(o.key);
    return Status::Ok();
  });
  ASSERT_TRUE(listed.ok()) << listed.ToString();
  EXPECT_EQ(keys, (std::vector<std::string>{"input/a", "input/b", "input/c"}));
  auto requests = http_.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_THAT(requests[1].url, HasSubstr("continuation-token=t1"));
  EXPECT_THAT(requests[2].url, HasSubstr("continuation-token=t2"));
  EXPECT_EQ(store.Describe(), "s3://b");

  Answer({page("input/a", "t1")});
  Status stopped = store.List(
      "input/", [&](std::vector<ObjectSummary>&&) { return Status::Internal("enough"); });
  EXPECT_EQ(stopped.message(), "enough");
  EXPECT_EQ(http_.request_count(), 4u);
}

}  // namespace
}  // namespace s3proc
