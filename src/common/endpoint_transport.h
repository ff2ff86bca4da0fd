#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace s3proc {

// What a signed request to an endpoint URL crosses on its way.
enum class EndpointTransport {
  kTls,             // https://
  kPlainLocal,      // http:// to this machine or a private network: does not cross the internet
  kPlainConsented,  // http:// elsewhere, allowed by allow_insecure_endpoint: warn
};

// Decides from the URL's text alone, before any name is resolved or request sent, whether
// signed requests (a session token, signed headers) may go there in clear:
//   - https:// always;
//   - http:// to an AWS host (*.amazonaws.com, *.amazonaws.com.cn, *.api.aws) never: AWS serves
//     every endpoint over TLS, so plain HTTP there only exposes the credentials;
//   - http:// to a loopback or private address literal (127.0.0.0/8, ::1, localhost,
//     10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fc00::/7): a local S3 server or one on a
//     private network;
//   - http:// to anything else (a name, a public or link-local address) only with
//     `allow_insecure`.
// A name other than localhost counts as public whatever it resolves to: the check must hold
// before DNS. Link-local addresses (169.254.0.0/16, fe80::/10) are refused: that is where the
// instance metadata service lives, never an S3 or SQS endpoint.
// Returns InvalidArgument naming `from` ("--endpoint-url", "AWS_ENDPOINT_URL_SQS") and the
// way out. REQUIRES: `url` starts with http:// or https:// (checked by the callers).
Result<EndpointTransport> CheckEndpointTransport(std::string_view url, std::string_view from,
                                                 bool allow_insecure);

// The warning logged once at start for a kPlainConsented endpoint.
std::string InsecureEndpointWarning(std::string_view url, std::string_view from);

}  // namespace s3proc
