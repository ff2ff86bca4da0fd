#include "common/endpoint_transport.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>

#include "common/ascii.h"

namespace s3proc {
namespace {

// The host of "scheme://[userinfo@]host[:port][/path...]", lower case, without the brackets of
// an IPv6 literal or a trailing dot.
std::string HostOf(std::string_view url) {
  size_t start = url.find("://");
  start = start == std::string_view::npos ? 0 : start + 3;
  std::string_view authority = url.substr(start);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  std::string_view host = authority;
  if (host.starts_with('[')) {
    host =
        host.substr(1, host.find(']') == std::string_view::npos ? host.size() : host.find(']') - 1);
  } else {
    host = host.substr(0, host.find(':'));
  }
  std::string out = AsciiLower(host);
  if (out.ends_with('.')) out.pop_back();
  return out;
}

bool IsAwsHost(const std::string& host) {
  for (std::string_view domain : {"amazonaws.com", "amazonaws.com.cn", "api.aws"}) {
    if (host == domain || host.ends_with("." + std::string(domain))) return true;
  }
  return false;
}

bool IsLocalIpv4(const std::array<uint8_t, 4>& a) {
  return a[0] == 127 || a[0] == 10 || (a[0] == 172 && (a[1] & 0xf0) == 16) ||
         (a[0] == 192 && a[1] == 168);
}

// Loopback or private, from the literal alone; a name (but localhost) is not.
bool IsLocalHost(const std::string& host) {
  if (host == "localhost") return true;
  std::array<uint8_t, 4> v4{};
  if (::inet_pton(AF_INET, host.c_str(), v4.data()) == 1) return IsLocalIpv4(v4);
  std::array<uint8_t, 16> v6{};
  if (::inet_pton(AF_INET6, host.c_str(), v6.data()) != 1) return false;
  const std::array<uint8_t, 16> loopback{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  if (v6 == loopback) return true;
  if ((v6[0] & 0xfe) == 0xfc) return true;  // fc00::/7, unique local
  // ::ffff:a.b.c.d, an IPv4 address written as IPv6.
  const bool mapped = std::all_of(v6.begin(), v6.begin() + 10, [](uint8_t b) { return b == 0; }) &&
                      v6[10] == 0xff && v6[11] == 0xff;
  return mapped && IsLocalIpv4({v6[12], v6[13], v6[14], v6[15]});
}

}  // namespace

Result<EndpointTransport> CheckEndpointTransport(std::string_view url, std::string_view from,
                                                 bool allow_insecure) {
  const std::string lower = AsciiLower(url.substr(0, 8));
  if (lower.starts_with("https://")) return EndpointTransport::kTls;
  const std::string host = HostOf(url);
  const std::string named = std::string(from) + " '" + std::string(url) + "'";
  if (IsAwsHost(host)) {
    return Status::InvalidArgument(named +
                                   " is plain http:// to AWS, which would send the credentials "
                                   "and requests in clear: use https://");
  }
  if (IsLocalHost(host)) return EndpointTransport::kPlainLocal;
  if (allow_insecure) return EndpointTransport::kPlainConsented;
  return Status::InvalidArgument(
      named +
      " is plain http:// to a host that is neither loopback nor a private address, which would "
      "send the credentials and requests in clear: use https://, or set "
      "allow_insecure_endpoint (--allow-insecure-endpoint) if this network is trusted");
}

std::string InsecureEndpointWarning(std::string_view url, std::string_view from) {
  return "plain http:// endpoint " + std::string(url) + " (from " + std::string(from) +
         "), allowed by allow_insecure_endpoint: credentials and requests cross the network "
         "in clear";
}

}  // namespace s3proc
