#include "sqs/sqs_client.h"

#include "aws/query_endpoint.h"
#include "aws/sigv4.h"
#include "common/hash.h"
#include "sqs/sqs_error_table.h"
#include "sqs/sqs_request.h"

namespace s3proc {

namespace {

// Calls other than the long poll answer in well under a second; a minute without an answer
// is a dead connection worth retrying.
constexpr long kDefaultTimeoutMs = 60000;

}  // namespace

SqsClient::SqsClient(HttpClient& http, CredentialsProvider& credentials, SqsClientOptions options)
    : options_(std::move(options)),
      loop_(http, credentials,
            {options_.region, "sqs", options_.retry, options_.now, options_.sleep}) {}

SqsClient::~SqsClient() = default;

namespace {

// The headers botocore sends for the JSON protocol, signed like botocore's SigV4Auth does for
// sqs: the payload hash is signed but, unlike S3, not sent as x-amz-content-sha256.
// x-amzn-query-mode makes SQS add the query-compatible code (x-amzn-query-error) to errors.
HttpRequest SignedRequest(const std::string& url, const std::string& host, std::string_view action,
                          const std::string& body, const AwsSigning& signing) {
  const Credentials& credentials = signing.credentials;
  SigV4Request to_sign;
  to_sign.method = "POST";
  to_sign.encoded_path = "/";
  to_sign.headers = {{"Content-Type", "application/x-amz-json-1.0"},
                     {"X-Amz-Target", "AmazonSQS." + std::string(action)},
                     {"x-amzn-query-mode", "true"},
                     {"host", host},
                     {"X-Amz-Date", signing.scope.amz_date}};
  if (!credentials.session_token.empty()) {
    to_sign.headers.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }
  to_sign.payload_sha256 = Sha256Hex(body);
  SigV4Signature signature = SignV4(to_sign, credentials, signing.scope, signing.key);

  HttpRequest request;
  request.method = "POST";
  request.url = url;
  request.headers = std::move(to_sign.headers);
  request.headers.emplace_back("Authorization", std::move(signature.authorization));
  return request;
}

// Hands a 2xx answer to the request. An answer that is not a JSON object is kTransient, so it
// is retried: SQS always sends one (an empty body stands for {}), so it was damaged on the way
// or came from something that is not SQS, which the message then points at.
Status HandleSuccess(const SqsClient::Request& r, const HttpResponse& response) {
  nlohmann::json json = response.body.empty()
                            ? nlohmann::json::object()
                            : nlohmann::json::parse(response.body, nullptr, false);
  if (!json.is_object()) {
    std::string_view id = response.Header("x-amzn-requestid");
    return Status::Transient(
        "the answer (" + std::to_string(response.status) +
        (id.empty() ? "" : ", request id " + std::string(id)) + ", " +
        std::to_string(response.body.size()) +
        " bytes) is not SQS's JSON; if this persists, check that AWS_ENDPOINT_URL_SQS (or the "
        "queue URL's host) is an SQS endpoint");
  }
  Status handled = r.on_success ? r.on_success(json) : Status::Ok();
  if (handled.ok() || handled.IsTransient()) return handled;
  return handled.WithContext(std::string(r.op.operation) + " " + r.op.queue);
}

}  // namespace

Status SqsClient::Execute(const Request& r) {
  const std::string host = EndpointAuthority(options_.endpoint);
  const std::string url = EndpointRootUrl(options_.endpoint);
  const std::string body = r.body.dump();

  AwsRequestLoop::Call call;
  call.context = std::string(r.op.operation) + " " + r.op.queue;
  call.build = [&](const AwsSigning& signing) -> Result<HttpRequest> {
    HttpRequest request = SignedRequest(url, host, r.op.operation, body, signing);
    request.body.data = body;
    request.timeout_ms = r.timeout_ms > 0 ? r.timeout_ms : kDefaultTimeoutMs;
    return request;
  };
  call.on_success = [&](const HttpResponse& response) { return HandleSuccess(r, response); };
  call.on_error = [&](const HttpResponse& response) {
    SqsErrorBody error = ParseSqsErrorBody(response);
    return AwsServiceError{std::string(error.ClassifiedCode()),
                           MapSqsError(r.op, response.status, error)};
  };
  call.decide = DecideSqsRetry;
  return loop_.Execute(call).status();
}

}  // namespace s3proc
