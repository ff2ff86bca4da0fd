#include "http/curl_http_client.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <cerrno>
#include <mutex>
#include <vector>

namespace s3proc {

namespace {

std::once_flag g_curl_init;

// Bodies up to this size, when in memory, are sent with the request headers (see Perform).
// curl's own limit for that is 64 KiB (MAX_INITIAL_POST_SIZE); above it curl would send them
// separately anyway.
constexpr uint64_t kInlineBodyLimit = 64 * 1024 - 1;

// State of one transfer, reached from curl's callbacks.
struct Transfer {
  const HttpRequest* request = nullptr;
  HttpResponse* response = nullptr;
  CURL* handle = nullptr;
  // Request body.
  int body_fd = -1;
  uint64_t body_sent = 0;
  Status read_error;
  // Response body.
  bool status_known = false;
  bool to_sink = false;
  Status sink_error;
};

size_t ReadBody(char* buffer, size_t size, size_t nitems, void* userdata) {
  auto* t = static_cast<Transfer*>(userdata);
  const HttpBody& body = t->request->body;
  uint64_t remaining = body.size() - t->body_sent;
  size_t want = static_cast<size_t>(std::min<uint64_t>(remaining, size * nitems));
  if (want == 0) return 0;
  if (body.file_path.empty()) {
    memcpy(buffer, body.data.data() + t->body_sent, want);
    t->body_sent += want;
    return want;
  }
  for (;;) {
    ssize_t n =
        ::pread(t->body_fd, buffer, want, static_cast<off_t>(body.file_offset + t->body_sent));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      t->read_error = Status::IoError("cannot read " + body.file_path + ": " +
                                      (n == 0 ? "file shrank while uploading" : strerror(errno)));
      return CURL_READFUNC_ABORT;
    }
    t->body_sent += static_cast<uint64_t>(n);
    return static_cast<size_t>(n);
  }
}

int SeekBody(void* userdata, curl_off_t offset, int origin) {
  auto* t = static_cast<Transfer*>(userdata);
  if (origin != SEEK_SET || offset < 0 || static_cast<uint64_t>(offset) > t->request->body.size()) {
    return CURL_SEEKFUNC_FAIL;
  }
  t->body_sent = static_cast<uint64_t>(offset);
  return CURL_SEEKFUNC_OK;
}

size_t WriteBody(char* ptr, size_t size, size_t nmemb, void* userdata) {
  auto* t = static_cast<Transfer*>(userdata);
  size_t n = size * nmemb;
  if (!t->status_known) {
    long code = 0;
    curl_easy_getinfo(t->handle, CURLINFO_RESPONSE_CODE, &code);
    t->status_known = true;
    t->to_sink = t->request->body_sink && code >= 200 && code < 300;
  }
  if (t->to_sink) {
    Status s = t->request->body_sink(std::string_view(ptr, n));
    if (!s.ok()) {
      t->sink_error = std::move(s);
      return 0;  // makes curl fail with CURLE_WRITE_ERROR
    }
    return n;
  }
  t->response->body.append(ptr, n);
  return n;
}

size_t WriteHeader(char* buffer, size_t size, size_t nitems, void* userdata) {
  auto* t = static_cast<Transfer*>(userdata);
  size_t n = size * nitems;
  std::string_view line(buffer, n);
  if (line.starts_with("HTTP/")) {
    // A new response (after a redirect or a 100 Continue): forget the previous one's headers.
    t->response->headers.clear();
    return n;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  std::string name(line.substr(0, colon));
  for (char& c : name) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
    value.remove_suffix(1);
  }
  t->response->headers.emplace_back(std::move(name), std::string(value));
  return n;
}

class CurlHttpClient final : public HttpClient {
 public:
  explicit CurlHttpClient(CurlHttpClientOptions options) : options_(std::move(options)) {
    std::call_once(g_curl_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  }

  ~CurlHttpClient() override {
    for (Connection& c : idle_) Cleanup(c);
  }

  Result<HttpResponse> Send(const HttpRequest& request) override {
    Connection c = Borrow();
    if (c.easy == nullptr || c.multi == nullptr) {
      Cleanup(c);
      return Status::Internal("curl_easy_init failed (out of memory?)");
    }
    Result<HttpResponse> result = Perform(c, request);
    Return(c);
    return result;
  }

 private:
  // An easy handle with a multi handle of its own, whose connection cache keeps the kept-alive
  // connection between requests (see Drive for why not curl_easy_perform).
  struct Connection {
    CURL* easy = nullptr;
    CURLM* multi = nullptr;
  };

  static void Cleanup(Connection& c) {
    if (c.easy != nullptr) curl_easy_cleanup(c.easy);
    if (c.multi != nullptr) curl_multi_cleanup(c.multi);
    c = Connection{};
  }

  Connection Borrow() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!idle_.empty()) {
        Connection c = idle_.back();
        idle_.pop_back();
        return c;
      }
    }
    return Connection{curl_easy_init(), curl_multi_init()};
  }

  void Return(Connection& c) {
    // curl_easy_reset forgets the options; the live connection stays in the multi handle's
    // cache, so the next request on this pair reuses it.
    curl_easy_reset(c.easy);
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (idle_.size() < options_.max_idle_connections) {
        idle_.push_back(c);
        return;
      }
    }
    Cleanup(c);
  }

  // Runs one transfer to completion. curl_easy_perform polls before its first step and then
  // after every step; driving the handle's multi directly starts with the step (the send) and
  // waits only while the transfer is unfinished: one poll(2) fewer per request, which is a
  // measurable share of the CPU for the 1 KiB objects of a drop folder.
  static CURLcode Drive(Connection& c) {
    CURLMcode m = curl_multi_add_handle(c.multi, c.easy);
    int running = 1;
    while (m == CURLM_OK) {
      m = curl_multi_perform(c.multi, &running);
      if (m != CURLM_OK || running == 0) break;
      // curl_multi_poll (not _wait) also sleeps when curl has no descriptor to offer yet.
      m = curl_multi_poll(c.multi, nullptr, 0, 1000, nullptr);
    }
    CURLcode rc = m == CURLM_OK ? CURLE_OK : CURLE_OUT_OF_MEMORY;  // multi errors: OOM or misuse
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(c.multi, &queued)) {
      if (msg->msg == CURLMSG_DONE && msg->easy_handle == c.easy) rc = msg->data.result;
    }
    curl_multi_remove_handle(c.multi, c.easy);
    return rc;
  }

  Result<HttpResponse> Perform(Connection& c, const HttpRequest& request) {
    CURL* h = c.easy;
    HttpResponse response;
    Transfer t;
    t.request = &request;
    t.response = &response;
    t.handle = h;

    if (!request.body.file_path.empty()) {
      t.body_fd = ::open(request.body.file_path.c_str(), O_RDONLY | O_CLOEXEC);
      if (t.body_fd < 0) {
        return Status::IoError("cannot open " + request.body.file_path +
                               " to upload: " + strerror(errno));
      }
    }

    curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    // Keys like "a/../b" are names, not paths: send them exactly as signed.
    curl_easy_setopt(h, CURLOPT_PATH_AS_IS, 1L);
    curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!options_.ca_bundle.empty())
      curl_easy_setopt(h, CURLOPT_CAINFO, options_.ca_bundle.c_str());
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, options_.connect_timeout_ms);
    long timeout = request.timeout_ms > 0 ? request.timeout_ms : options_.request_timeout_ms;
    if (timeout > 0) curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, options_.low_speed_limit_bytes);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, options_.low_speed_time_s);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, WriteBody);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, WriteHeader);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &t);

    const uint64_t body_size = request.body.size();
    const bool has_body = body_size > 0 || request.method == "PUT" || request.method == "POST";
    if (request.method == "HEAD") {
      curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    } else if (has_body && request.body.file_path.empty() && body_size <= kInlineBodyLimit) {
      // A small body from memory goes out in the same send() as the headers: curl appends
      // POSTFIELDS below 64 KiB to its request buffer (and sends a streamed UPLOAD body
      // separately). One segment and one wake-up of the server per PUT instead of two; the
      // method stays the caller's.
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body_size));
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, body_size > 0 ? request.body.data.data() : "");
      curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    } else if (has_body) {
      // UPLOAD sends a PUT; CUSTOMREQUEST renames it (POST) while keeping the streamed body
      // with an exact Content-Length.
      curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(body_size));
      curl_easy_setopt(h, CURLOPT_READFUNCTION, ReadBody);
      curl_easy_setopt(h, CURLOPT_READDATA, &t);
      curl_easy_setopt(h, CURLOPT_SEEKFUNCTION, SeekBody);
      curl_easy_setopt(h, CURLOPT_SEEKDATA, &t);
      if (request.method != "PUT")
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    } else if (request.method != "GET") {
      curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }

    curl_slist* headers = nullptr;
    for (const auto& [name, value] : request.headers) {
      std::string line = name + ": " + value;
      headers = curl_slist_append(headers, line.c_str());
    }
    if (has_body) {
      // No "Expect: 100-continue" round trip before a PUT body, and no default Content-Type.
      // (Only with a body: curl compares every custom header with each header it considers,
      // so three needless ones cost a GET measurable CPU.)
      headers = curl_slist_append(headers, "Expect:");
      headers = curl_slist_append(headers, "Content-Type:");
      headers = curl_slist_append(headers, "Transfer-Encoding:");
    }
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);

    char error_buffer[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
    CURLcode rc = Drive(c);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, nullptr);
    curl_slist_free_all(headers);
    if (t.body_fd >= 0) ::close(t.body_fd);

    if (!t.sink_error.ok()) return t.sink_error;
    if (!t.read_error.ok()) return t.read_error;
    if (rc != CURLE_OK) {
      std::string detail = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(rc);
      std::string message = request.method + " " + RedactQuery(request.url) + ": " + detail +
                            " (curl error " + std::to_string(static_cast<int>(rc)) + ")";
      if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE ||
          rc == CURLE_SSL_CERTPROBLEM) {
        return Status::InvalidArgument(
            message +
            ": the server's TLS certificate is not trusted; give its CA with AWS_CA_BUNDLE");
      }
      if (rc == CURLE_URL_MALFORMAT || rc == CURLE_UNSUPPORTED_PROTOCOL) {
        return Status::InvalidArgument(message);
      }
      return Status::Transient(message);
    }
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
    return response;
  }

  // URLs carry no secrets (we sign with headers), but keep messages short: drop the query.
  static std::string RedactQuery(const std::string& url) {
    size_t q = url.find('?');
    return q == std::string::npos ? url : url.substr(0, q) + "?…";
  }

  const CurlHttpClientOptions options_;
  std::mutex mu_;
  std::vector<Connection> idle_;
};

}  // namespace

std::unique_ptr<HttpClient> NewCurlHttpClient(const CurlHttpClientOptions& options) {
  return std::make_unique<CurlHttpClient>(options);
}

}  // namespace s3proc
