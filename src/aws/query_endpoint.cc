#include "aws/query_endpoint.h"

namespace s3proc {

std::string EndpointAuthority(const std::string& endpoint) {
  size_t sep = endpoint.find("://");
  std::string rest = sep == std::string::npos ? endpoint : endpoint.substr(sep + 3);
  return rest.substr(0, rest.find('/'));
}

std::string EndpointRootUrl(const std::string& endpoint) {
  size_t sep = endpoint.find("://");
  std::string scheme = sep == std::string::npos ? "https" : endpoint.substr(0, sep);
  return scheme + "://" + EndpointAuthority(endpoint) + "/";
}

}  // namespace s3proc
