#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "aws/aws_request_loop.h"
#include "aws/credentials.h"
#include "aws/retry_policy.h"
#include "common/result.h"
#include "http/http_client.h"
#include "s3/s3_types.h"

namespace s3proc {

struct S3ClientOptions {
  std::string endpoint;  // "https://s3.us-east-1.amazonaws.com", "http://127.0.0.1:7480"
  std::string region = "us-east-1";
  bool path_style = false;  // https://host/bucket/key instead of https://bucket.host/key
  RetryPolicy retry;        // attempts and backoff for every request
  uint64_t multipart_threshold = 64ull << 20;  // PutObjectFromFile uses multipart from here on
  uint64_t part_size = 16ull << 20;
  int multipart_concurrency = 4;                // parts in flight per upload
  uint64_t max_single_copy_bytes = 5ull << 30;  // S3's limit for one CopyObject
  uint64_t copy_part_size = 1ull << 30;         // larger copies go in parts of this size
  // The clock that dates signatures (tests pin it).
  std::function<std::chrono::system_clock::time_point()> now = std::chrono::system_clock::now;
  // Sleeps between retries (tests make it instant).
  std::function<void(std::chrono::milliseconds)> sleep;
};

// A small S3 client: SigV4-signed requests over an HttpClient, sent and retried by the
// AwsRequestLoop every AWS request goes through, with errors mapped to the Status taxonomy:
//   kNotFound (NoSuchKey, 404), kPreconditionFailed (412), kAccessDenied (403: the message names
//   the IAM action that is missing, or says the secret key is wrong), kTransient (5xx, 429,
//   SlowDown, 409 ConditionalRequestConflict and OperationAborted, transport errors, after the
//   retries ran out), kInvalidArgument (other 4xx,
//   NoSuchBucket), kIoError (local file).
// Every message says the operation, s3://bucket/key, the HTTP status, the S3 error code and the
// request id. No secret, token or signature ever appears in a message.
// Thread-safe: one client serves all workers.
class S3Client {
 public:
  // `http` and `credentials` must outlive the client.
  S3Client(HttpClient& http, CredentialsProvider& credentials, S3ClientOptions options);
  ~S3Client();

  // One page of ListObjectsV2 (up to `max_keys`, S3 caps at 1000). Keys are returned decoded,
  // whatever bytes they hold (encoding-type=url is used on the wire).
  Result<ListPage> ListObjectsV2(const std::string& bucket, const std::string& prefix,
                                 const std::string& continuation_token, int max_keys = 1000);

  Result<ObjectInfo> HeadObject(const std::string& bucket, const std::string& key,
                                const std::string& version_id = "");

  // Streams the object into `local_path` (created or truncated; never through a symlink).
  // Verifies the length, and the MD5 when the ETag is one; a mismatch is kTransient (retried).
  Result<ObjectInfo> GetObjectToFile(const std::string& bucket, const std::string& key,
                                     const std::string& version_id, const std::string& local_path);

  // Small objects (leases, reasons) into memory. REQUIRES: the object is small.
  Result<std::string> GetObjectToString(const std::string& bucket, const std::string& key);

  // Uploads a local file, with Content-MD5 and a signed SHA-256 payload, as one PUT or, from
  // options.multipart_threshold on, as a multipart upload with parallel parts (aborted on
  // failure). Conditional options apply to single PUTs only: multipart uploads are rejected
  // with kInvalidArgument when they are set.
  Result<PutResult> PutObjectFromFile(const std::string& bucket, const std::string& key,
                                      const std::string& local_path,
                                      const PutOptions& options = {});

  Result<PutResult> PutObjectFromString(const std::string& bucket, const std::string& key,
                                        std::string_view data, const PutOptions& options = {});

  // Server-side copy: in one request up to options.max_single_copy_bytes (S3 copies at most
  // 5 GiB so); a larger source, whose size options.copy_source_size gives, is copied in parts
  // (UploadPartCopy), each pinned to copy_source_if_match like the whole.
  Result<PutResult> CopyObject(const std::string& bucket, const std::string& source_key,
                               const std::string& source_version_id,
                               const std::string& destination_key, const PutOptions& options = {});

  // Deleting a key that does not exist is OK (S3's semantics). With `if_match_etag` (quotes
  // removed; only without a version id) the current version is deleted only if it has that
  // ETag (If-Match), else kPreconditionFailed; servers that ignore If-Match delete it anyway.
  Status DeleteObject(const std::string& bucket, const std::string& key,
                      const std::string& version_id = "", const std::string& if_match_etag = "");

  // Deletes up to 1000 objects in one request; more are split into several requests. ETag
  // conditions (ObjectId::etag) go as <ETag> per object; a call of one object with a condition
  // is sent as DeleteObject with If-Match, the form more servers honour (moto honours only it).
  // A failed condition is that object's failure, with kPreconditionFailed.
  Result<DeleteObjectsResult> DeleteObjects(const std::string& bucket,
                                            const std::vector<ObjectId>& objects);

  // Bucket administration. s3proc never calls these (the demo and the module create buckets
  // with their own tools); the integration tests do, for a bucket per test. They stay here
  // because a request needs Execute's endpoint, signing and retries: a copy in testutil would be
  // a second request loop.
  Status CreateBucket(const std::string& bucket);
  Status EnableVersioning(const std::string& bucket);

  // Multipart building blocks (PutObjectFromFile uses them; public for tests).
  Result<std::string> CreateMultipartUpload(const std::string& bucket, const std::string& key,
                                            const PutOptions& options);
  Result<std::string> UploadPart(const std::string& bucket, const std::string& key,
                                 const std::string& upload_id, int part_number,
                                 const std::string& local_path, uint64_t offset, uint64_t length);
  Result<PutResult> CompleteMultipartUpload(const std::string& bucket, const std::string& key,
                                            const std::string& upload_id,
                                            const std::vector<std::string>& part_etags);
  Status AbortMultipartUpload(const std::string& bucket, const std::string& key,
                              const std::string& upload_id);
  Result<std::string> UploadPartCopy(const std::string& bucket, const std::string& key,
                                     const std::string& upload_id, int part_number,
                                     const std::string& source_key,
                                     const std::string& source_version_id,
                                     const PutOptions& options, uint64_t offset, uint64_t length);

  AwsClientStats stats() const { return loop_.stats(); }
  const S3ClientOptions& options() const { return options_; }

 private:
  struct Request;
  // Sends one request through the loop; maps a non-2xx answer to a Status.
  Result<HttpResponse> Execute(const Request& request);
  Status CheckSourceUnchanged(const std::string& bucket, const std::string& source_key,
                              const std::string& source_version_id, const PutOptions& options);
  Result<PutResult> CopyMultipart(const std::string& bucket, const std::string& source_key,
                                  const std::string& source_version_id,
                                  const std::string& destination_key, const PutOptions& options);
  Result<PutResult> PutMultipart(const std::string& bucket, const std::string& key,
                                 const std::string& local_path, uint64_t size,
                                 const PutOptions& options);

  const S3ClientOptions options_;
  AwsRequestLoop loop_;
};

}  // namespace s3proc
