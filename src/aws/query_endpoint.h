#pragma once

#include <string>

namespace s3proc {

// For the AWS services whose requests all go to "/" of their endpoint (SQS, STS):
// "https://host:port/..." -> "host:port", what the request is signed for.
std::string EndpointAuthority(const std::string& endpoint);
// The URL requests go to: "http://h:1/path" -> "http://h:1/" (https when no scheme is given).
std::string EndpointRootUrl(const std::string& endpoint);

}  // namespace s3proc
