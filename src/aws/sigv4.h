#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aws/credentials.h"
#include "http/http_client.h"

namespace s3proc {

// What SigV4 signs of a request. Everything is given raw (not encoded) except the path.
struct SigV4Request {
  std::string method;
  // The path exactly as sent on the wire, already UriEncode(key, keep_slash=true)'d;
  // S3 signs it as is (no normalisation, no second encoding).
  std::string encoded_path;
  // Query parameters, decoded. A parameter without a value ("?uploads") has value "".
  std::vector<std::pair<std::string, std::string>> query;
  // The headers to sign: must include "host". Names in any case; values raw.
  HttpHeaders headers;
  // Hex SHA-256 of the body, or "UNSIGNED-PAYLOAD".
  std::string payload_sha256;
};

struct SigV4Scope {
  std::string region;    // "us-east-1"
  std::string service;   // "s3"
  std::string amz_date;  // ISO 8601 basic, "20261128T160406Z"
};

struct SigV4Signature {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signed_headers;  // "host;x-amz-content-sha256;x-amz-date"
  std::string signature;       // hex
  std::string authorization;   // the Authorization header's value
};

// The signing key of one day, region and service: four HMACs. It changes once a day, so callers
// that sign many requests cache it (S3Client does) and pass it to the SignV4 overload below.
std::array<uint8_t, 32> DeriveSigningKey(std::string_view secret_access_key,
                                         const SigV4Scope& scope);

// AWS Signature Version 4 as a pure function. The request's headers must already contain
// x-amz-date (= scope.amz_date), x-amz-content-sha256 (S3) and, for temporary credentials,
// x-amz-security-token: AddSigV4Headers() puts them there.
// Never log the result's signature or the credentials.
SigV4Signature SignV4(const SigV4Request& request, const Credentials& credentials,
                      const SigV4Scope& scope);

// The same with the signing key already derived (REQUIRES: DeriveSigningKey of these
// credentials' secret and this scope's day, region and service).
SigV4Signature SignV4(const SigV4Request& request, const Credentials& credentials,
                      const SigV4Scope& scope, const std::array<uint8_t, 32>& signing_key);

// Adds x-amz-date, x-amz-content-sha256 and (when the credentials have one)
// x-amz-security-token to `request.headers`.
void AddSigV4Headers(SigV4Request& request, const Credentials& credentials,
                     const SigV4Scope& scope);

// The canonical query string: names and values UriEncode'd, sorted by name then value.
std::string CanonicalQueryString(const std::vector<std::pair<std::string, std::string>>& query);

// "20261128T160406Z" for a time_point.
std::string FormatAmzDate(std::chrono::system_clock::time_point t);

}  // namespace s3proc
