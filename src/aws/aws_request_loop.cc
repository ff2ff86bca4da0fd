#include "aws/aws_request_loop.h"

#include <thread>

namespace s3proc {

AwsRequestLoop::AwsRequestLoop(HttpClient& http, CredentialsProvider& credentials,
                               AwsRequestLoopOptions options)
    : http_(http), credentials_(credentials), options_(std::move(options)) {}

AwsClientStats AwsRequestLoop::stats() const {
  return {requests_.load(), retries_.load(), credential_refreshes_.load()};
}

Result<HttpResponse> AwsRequestLoop::Execute(const Call& call) {
  for (int attempt = 1;; ++attempt) {
    auto credentials = credentials_.GetCredentials();
    if (!credentials.ok())
      return credentials.status().WithContext(call.context + ": no credentials");
    SigV4Scope scope{options_.region, options_.service, FormatAmzDate(options_.now())};
    std::array<uint8_t, 32> key = signing_key_.Get(credentials->secret_access_key, scope);
    Result<HttpRequest> request = call.build(AwsSigning{*credentials, std::move(scope), key});
    if (!request.ok()) return request.status();

    requests_.fetch_add(1, std::memory_order_relaxed);
    Result<HttpResponse> response = http_.Send(*request);

    AttemptOutcome outcome;
    AwsServiceError error;
    if (!response.ok()) {
      outcome.transport = response.status();
    } else if (response->status >= 200 && response->status < 300) {
      Status accepted = call.on_success ? call.on_success(*response) : Status::Ok();
      if (accepted.ok()) return response;
      if (!accepted.IsTransient()) return accepted;
      outcome.transport = std::move(accepted);
    } else {
      outcome.http_status = response->status;
      error = call.on_error(*response);
      outcome.s3_error_code = error.code;
    }

    RetryDecision decision = call.decide(options_.retry, attempt, outcome);
    if (decision == RetryDecision::kFail) {
      if (!outcome.transport.ok()) {
        return outcome.transport.WithContext(call.context + " (after " + std::to_string(attempt) +
                                             " attempts)");
      }
      return error.status;
    }
    if (decision == RetryDecision::kRefreshCredentialsThenRetry) {
      credentials_.Invalidate();
      credential_refreshes_.fetch_add(1, std::memory_order_relaxed);
    }
    retries_.fetch_add(1, std::memory_order_relaxed);
    const std::chrono::milliseconds delay = BackoffDelay(options_.retry, attempt);
    if (options_.sleep) {
      options_.sleep(delay);
    } else {
      std::this_thread::sleep_for(delay);
    }
  }
}

}  // namespace s3proc
