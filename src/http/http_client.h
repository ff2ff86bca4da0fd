#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace s3proc {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// Where a request body comes from: nothing, a string in memory, or a byte range of a local file
// (streamed, never loaded whole).
struct HttpBody {
  std::string_view data;  // used when file_path is empty
  std::string file_path;  // stream [file_offset, file_offset + file_length) of this file
  uint64_t file_offset = 0;
  uint64_t file_length = 0;

  uint64_t size() const { return file_path.empty() ? data.size() : file_length; }
};

struct HttpRequest {
  std::string method;   // "GET", "PUT", ...
  std::string url;      // fully encoded, as it goes on the wire
  HttpHeaders headers;  // sent as given (already signed); no Expect: 100-continue is added
  HttpBody body;
  // When set, a 2xx response body is handed to this sink chunk by chunk instead of being kept in
  // HttpResponse::body; a non-OK Status from the sink aborts the transfer with that Status.
  // Error (non-2xx) bodies are always kept in HttpResponse::body so they can be parsed.
  std::function<Status(std::string_view chunk)> body_sink;
  long timeout_ms = 0;  // whole request; 0 = the client's default
};

struct HttpResponse {
  long status = 0;
  HttpHeaders headers;  // names lower-cased
  std::string body;     // see HttpRequest::body_sink

  // Returns the first header named `name` (lower case), or "" when absent.
  std::string_view Header(std::string_view name) const;
};

// Sends one HTTP request. Implementations are thread-safe: many threads may call Send at once,
// and connections are kept alive and reused between calls.
// Returns the response for any HTTP status (4xx and 5xx included: interpreting them is the
// caller's job), or Status::Transient for a transport failure (connect, reset, timeout,
// truncated body), or the sink's own error.
class HttpClient {
 public:
  virtual ~HttpClient() = default;
  virtual Result<HttpResponse> Send(const HttpRequest& request) = 0;
};

}  // namespace s3proc
