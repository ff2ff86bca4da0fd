#include "s3/s3_client.h"

#include "aws/sigv4.h"
#include "aws/uri_encode.h"
#include "common/hash.h"
#include "s3/s3_request.h"
#include "s3/s3_xml.h"

namespace s3proc {

namespace {

struct Endpoint {
  std::string scheme;     // "http" / "https"
  std::string authority;  // "host[:port]"
};

Endpoint ParseEndpoint(const std::string& url) {
  Endpoint e;
  size_t sep = url.find("://");
  e.scheme = sep == std::string::npos ? "https" : url.substr(0, sep);
  std::string rest = sep == std::string::npos ? url : url.substr(sep + 3);
  size_t slash = rest.find('/');
  e.authority = slash == std::string::npos ? rest : rest.substr(0, slash);
  return e;
}

}  // namespace

S3Client::S3Client(HttpClient& http, CredentialsProvider& credentials, S3ClientOptions options)
    : options_(std::move(options)),
      loop_(http, credentials,
            {options_.region, "s3", options_.retry, options_.now, options_.sleep}) {}

S3Client::~S3Client() = default;

Result<HttpResponse> S3Client::Execute(const Request& r) {
  const Endpoint endpoint = ParseEndpoint(options_.endpoint);
  // Bucket names with dots do not match the wildcard certificate of virtual-hosted endpoints.
  const bool path_style =
      options_.path_style || r.bucket.empty() || r.bucket.find('.') != std::string::npos;
  std::string host = endpoint.authority;
  std::string path;
  if (path_style) {
    path = "/" + r.bucket;
    if (!r.key.empty()) path += "/" + r.key;
  } else {
    host = r.bucket + "." + endpoint.authority;
    path = "/" + r.key;
  }
  const std::string encoded_path = UriEncode(path, /*keep_slash=*/true);
  const std::string query = CanonicalQueryString(r.query);
  std::string url = endpoint.scheme + "://" + host + encoded_path;
  if (!query.empty()) url += "?" + query;
  const std::string payload_sha256 =
      r.payload_sha256.empty() ? Sha256Hex(r.body.data) : r.payload_sha256;

  AwsRequestLoop::Call call;
  call.context = std::string(r.op.operation) + " " + S3Uri(r.bucket, r.key);
  call.build = [&](const AwsSigning& signing) -> Result<HttpRequest> {
    if (r.before_attempt) S3PROC_RETURN_IF_ERROR(r.before_attempt());
    SigV4Request to_sign;
    to_sign.method = r.method;
    to_sign.encoded_path = encoded_path;
    to_sign.query = r.query;
    to_sign.headers = r.headers;
    to_sign.headers.emplace_back("host", host);
    to_sign.payload_sha256 = payload_sha256;
    AddSigV4Headers(to_sign, signing.credentials, signing.scope);
    SigV4Signature signature = SignV4(to_sign, signing.credentials, signing.scope, signing.key);

    HttpRequest request;
    request.method = r.method;
    request.url = url;
    request.headers = std::move(to_sign.headers);
    request.headers.emplace_back("Authorization", std::move(signature.authorization));
    request.body = r.body;
    if (r.open_sink) {
      auto sink = r.open_sink();
      if (!sink.ok()) return sink.status();
      request.body_sink = std::move(*sink);
    }
    return request;
  };
  if (r.verify) call.on_success = r.verify;
  call.on_error = [&](const HttpResponse& response) {
    S3ErrorBody error = ParseErrorBody(response.body);
    Status mapped = MapS3Error(r.op, response.status, error);
    if (response.status == 301) {
      std::string_view region = response.Header("x-amz-bucket-region");
      if (!region.empty()) {
        mapped =
            Status::InvalidArgument(mapped.message() + ": the bucket is in region " +
                                    std::string(region) + "; set --region " + std::string(region));
      }
    }
    return AwsServiceError{std::move(error.code), std::move(mapped)};
  };
  return loop_.Execute(call);
}

}  // namespace s3proc
