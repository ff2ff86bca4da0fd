#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "aws/credentials.h"
#include "aws/retry_policy.h"
#include "aws/signing_key_cache.h"
#include "aws/sigv4.h"
#include "common/result.h"
#include "http/http_client.h"

namespace s3proc {

// What a client sent, counted as it goes (the loop is the only place that sees retries).
// Monotonic; read at any time: `s3proc run` logs them at the end ("requests s3=... sqs=...
// retries=..."), bench/queue_vs_listing reads them for its requests-per-file column, and tests
// check retries with them.
struct AwsClientStats {
  uint64_t requests = 0;
  uint64_t retries = 0;
  uint64_t credential_refreshes = 0;
};

// What an attempt signs with: fresh credentials each attempt (they may have been refreshed),
// the scope of this attempt's date, and the signing key derived for both.
struct AwsSigning {
  const Credentials& credentials;
  SigV4Scope scope;
  std::array<uint8_t, 32> key;
};

// A failed answer as one service reads it.
struct AwsServiceError {
  std::string code;  // the service's error code, as its retry table knows it; "" when none
  Status status;     // what the call returns when this answer is final
};

struct AwsRequestLoopOptions {
  std::string region = "us-east-1";
  std::string service;  // the signing scope's service: "s3", "sqs"
  RetryPolicy retry;
  // The clock that dates signatures (tests pin it).
  std::function<std::chrono::system_clock::time_point()> now = std::chrono::system_clock::now;
  // Sleeps between retries (tests make it instant); empty: the calling thread sleeps.
  std::function<void(std::chrono::milliseconds)> sleep;
};

// The one request loop of every AWS service s3proc speaks (S3 and SQS): per attempt it gets
// credentials, signs, sends, classifies the answer through the service's own error reading,
// and then returns, or refreshes the credentials, backs off and tries again, as the service's
// retry table decides. The services differ only in the Call they hand it.
// Thread-safe: one loop serves every worker of a client.
class AwsRequestLoop {
 public:
  using Decide = RetryDecision (*)(const RetryPolicy&, int attempt, const AttemptOutcome&);

  struct Call {
    std::string context;  // "GetObject s3://bucket/key": begins every failure's message
    // Builds this attempt's request, signed with `signing`; an error ends the call.
    std::function<Result<HttpRequest>(const AwsSigning& signing)> build;
    // Reads a 2xx answer: OK returns it, kTransient counts the attempt as failed (retried, as a
    // transport error is), any other error ends the call. Empty: every 2xx is a success.
    std::function<Status(const HttpResponse&)> on_success;
    // Reads any other answer.
    std::function<AwsServiceError(const HttpResponse&)> on_error;
    Decide decide = DecideRetry;
  };

  // `http` and `credentials` must outlive the loop.
  AwsRequestLoop(HttpClient& http, CredentialsProvider& credentials, AwsRequestLoopOptions options);

  Result<HttpResponse> Execute(const Call& call);

  AwsClientStats stats() const;
  const AwsRequestLoopOptions& options() const { return options_; }

 private:
  HttpClient& http_;
  CredentialsProvider& credentials_;
  const AwsRequestLoopOptions options_;
  SigningKeyCache signing_key_;
  std::atomic<uint64_t> requests_{0};
  std::atomic<uint64_t> retries_{0};
  std::atomic<uint64_t> credential_refreshes_{0};
};

}  // namespace s3proc
