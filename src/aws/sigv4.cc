#include "aws/sigv4.h"

#include <algorithm>
#include <ctime>

#include "aws/uri_encode.h"
#include "common/ascii.h"
#include "common/hash.h"

namespace s3proc {

namespace {

// Trims leading and trailing spaces and collapses runs of spaces into one, as SigV4 requires of
// header values.
std::string TrimAll(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  bool pending_space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

std::string_view AsView(const std::array<uint8_t, 32>& a) {
  return {reinterpret_cast<const char*>(a.data()), a.size()};
}

}  // namespace

std::string CanonicalQueryString(const std::vector<std::pair<std::string, std::string>>& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(query.size());
  for (const auto& [name, value] : query) {
    encoded.emplace_back(UriEncode(name, false), UriEncode(value, false));
  }
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out.push_back('&');
    out += name;
    out.push_back('=');
    out += value;
  }
  return out;
}

std::string FormatAmzDate(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

void AddSigV4Headers(SigV4Request& request, const Credentials& credentials,
                     const SigV4Scope& scope) {
  request.headers.emplace_back("x-amz-date", scope.amz_date);
  request.headers.emplace_back("x-amz-content-sha256", request.payload_sha256);
  if (!credentials.session_token.empty()) {
    request.headers.emplace_back("x-amz-security-token", credentials.session_token);
  }
}

std::array<uint8_t, 32> DeriveSigningKey(std::string_view secret_access_key,
                                         const SigV4Scope& scope) {
  std::string date = scope.amz_date.substr(0, 8);
  auto k_date = HmacSha256("AWS4" + std::string(secret_access_key), date);
  auto k_region = HmacSha256(AsView(k_date), scope.region);
  auto k_service = HmacSha256(AsView(k_region), scope.service);
  return HmacSha256(AsView(k_service), "aws4_request");
}

SigV4Signature SignV4(const SigV4Request& request, const Credentials& credentials,
                      const SigV4Scope& scope) {
  return SignV4(request, credentials, scope,
                DeriveSigningKey(credentials.secret_access_key, scope));
}

SigV4Signature SignV4(const SigV4Request& request, const Credentials& credentials,
                      const SigV4Scope& scope, const std::array<uint8_t, 32>& signing_key) {
  // Canonical headers: lower-case names, sorted; values trimmed; repeated names joined by ','.
  std::vector<std::pair<std::string, std::string>> headers;
  headers.reserve(request.headers.size());
  for (const auto& [name, value] : request.headers) {
    headers.emplace_back(AsciiLower(name), TrimAll(value));
  }
  std::stable_sort(headers.begin(), headers.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });

  std::string canonical_headers;
  std::string signed_headers;
  for (size_t i = 0; i < headers.size(); ++i) {
    if (i > 0 && headers[i].first == headers[i - 1].first) {
      canonical_headers.back() = ',';
      canonical_headers += headers[i].second;
      canonical_headers.push_back('\n');
      continue;
    }
    if (!signed_headers.empty()) signed_headers.push_back(';');
    signed_headers += headers[i].first;
    canonical_headers += headers[i].first;
    canonical_headers.push_back(':');
    canonical_headers += headers[i].second;
    canonical_headers.push_back('\n');
  }

  SigV4Signature out;
  out.signed_headers = signed_headers;
  out.canonical_request = request.method + "\n" +
                          (request.encoded_path.empty() ? "/" : request.encoded_path) + "\n" +
                          CanonicalQueryString(request.query) + "\n" + canonical_headers + "\n" +
                          signed_headers + "\n" + request.payload_sha256;

  std::string date = scope.amz_date.substr(0, 8);
  std::string credential_scope = date + "/" + scope.region + "/" + scope.service + "/aws4_request";
  out.string_to_sign = "AWS4-HMAC-SHA256\n" + scope.amz_date + "\n" + credential_scope + "\n" +
                       Sha256Hex(out.canonical_request);

  auto signature = HmacSha256(AsView(signing_key), out.string_to_sign);
  out.signature = HexEncode(signature.data(), signature.size());

  out.authorization = "AWS4-HMAC-SHA256 Credential=" + credentials.access_key_id + "/" +
                      credential_scope + ", SignedHeaders=" + signed_headers +
                      ", Signature=" + out.signature;
  return out;
}

}  // namespace s3proc
