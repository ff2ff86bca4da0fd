#pragma once

#include <memory>
#include <string>

#include "http/http_client.h"

namespace s3proc {

struct CurlHttpClientOptions {
  long connect_timeout_ms = 5000;
  long request_timeout_ms = 0;     // 0: no overall limit (large transfers); see low_speed_*
  long low_speed_limit_bytes = 1;  // abort a transfer slower than this...
  long low_speed_time_s = 60;      // ...for this many seconds (a stalled connection)
  // A PEM file of CAs (FindCaBundle); empty: curl's built-in default. TLS is always verified.
  std::string ca_bundle;
  size_t max_idle_connections = 64;  // kept-alive handles to reuse
};

// The HttpClient on libcurl. This is the only file pair that includes curl.
// Thread-safe: each Send() borrows an easy handle from a pool (keeping its connection alive for
// the next request), so many requests can be in flight from many threads.
std::unique_ptr<HttpClient> NewCurlHttpClient(const CurlHttpClientOptions& options);

}  // namespace s3proc
