#pragma once

#include <string>
#include <string_view>

namespace s3proc {

// AWS's UriEncode: every byte except the RFC 3986 unreserved characters (A-Z a-z 0-9 - . _ ~)
// becomes %XX (upper-case hex); '/' is kept when `keep_slash` (object key paths) and encoded
// otherwise (query names and values). The same function builds the URL on the wire and the
// canonical request, so the two can never disagree.
std::string UriEncode(std::string_view in, bool keep_slash);

// Decodes %XX escapes (and nothing else: '+' stays '+', as S3 means it in XML-listed keys).
// Malformed escapes are kept literally.
std::string UriDecode(std::string_view in);

}  // namespace s3proc
