#include "http/curl_http_client.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace s3proc {

namespace {

std::once_flag g_curl_init;

// Bodies up to this size, when in memory, are sent with the request headers (see Perform).
// curl's own limit for that is 64 KiB (MAX_INITIAL_POST_SIZE); above it curl would send them
// separately anyway.
constexpr uint64_t kInlineBodyLimit = 64 * 1024 - 1;

// State of one transfer, reached from curl's callbacks (on the loop's thread) and from the
// Send that waits for it.
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
  // Set by the loop when curl is done with the transfer.
  std::mutex done_mu;
  std::condition_variable done_cv;
  bool done = false;
  CURLcode result = CURLE_OK;
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

// Every transfer of the client runs on one thread, in one multi handle: its event loop
// (curl_multi_poll over every transfer's socket) sends, receives and streams bodies to and
// from files, and its connection cache keeps the kept-alive connections for all of them. A
// caller's Send prepares the easy handle on its own thread, hands it to the loop and sleeps
// until the loop finishes it: no thread of its own polls a socket, and one wake-up of the loop
// serves every transfer that became ready at once.
class CurlHttpClient final : public HttpClient {
 public:
  explicit CurlHttpClient(CurlHttpClientOptions options) : options_(std::move(options)) {
    std::call_once(g_curl_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    multi_ = curl_multi_init();
    epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
    wake_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    epoll_event wake{};
    wake.events = EPOLLIN;
    wake.data.fd = wake_;
    if (multi_ == nullptr || epoll_ < 0 || wake_ < 0 ||
        ::epoll_ctl(epoll_, EPOLL_CTL_ADD, wake_, &wake) != 0) {
      return;  // Send reports it
    }
    curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS,
                      static_cast<long>(options_.max_idle_connections));
    curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, OnSocket);
    curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, OnTimer);
    curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
    loop_ = std::thread([this] { Loop(); });
  }

  ~CurlHttpClient() override {
    if (loop_.joinable()) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        stopping_ = true;
      }
      Wake();
      loop_.join();
    }
    for (CURL* easy : idle_) curl_easy_cleanup(easy);
    if (multi_ != nullptr) curl_multi_cleanup(multi_);
    if (wake_ >= 0) ::close(wake_);
    if (epoll_ >= 0) ::close(epoll_);
  }

  Result<HttpResponse> Send(const HttpRequest& request) override {
    CURL* easy = loop_.joinable() ? Borrow() : nullptr;
    if (easy == nullptr) return Status::Internal("cannot start curl (out of memory?)");
    Result<HttpResponse> result = Perform(easy, request);
    Return(easy);
    return result;
  }

 private:
  // curl says which sockets to watch for what (curl_multi_socket_action's contract): the
  // loop's epoll set follows.
  static int OnSocket(CURL*, curl_socket_t socket, int what, void* self_ptr, void*) {
    auto* self = static_cast<CurlHttpClient*>(self_ptr);
    if (what == CURL_POLL_REMOVE) {
      ::epoll_ctl(self->epoll_, EPOLL_CTL_DEL, socket, nullptr);
      return 0;
    }
    epoll_event event{};
    event.events =
        ((what & CURL_POLL_IN) != 0 ? EPOLLIN : 0u) | ((what & CURL_POLL_OUT) != 0 ? EPOLLOUT : 0u);
    event.data.fd = socket;
    if (::epoll_ctl(self->epoll_, EPOLL_CTL_MOD, socket, &event) != 0 && errno == ENOENT) {
      ::epoll_ctl(self->epoll_, EPOLL_CTL_ADD, socket, &event);
    }
    return 0;
  }

  // curl's one timer (timeouts, and "act now" after a transfer is added): -1 cancels it.
  static int OnTimer(CURLM*, long timeout_ms, void* self_ptr) {
    auto* self = static_cast<CurlHttpClient*>(self_ptr);
    self->timer_set_ = timeout_ms >= 0;
    self->timer_due_ = Clock::now() + std::chrono::milliseconds(std::max(0L, timeout_ms));
    return 0;
  }

  // The loop: takes new transfers, sleeps in epoll_wait until a socket is ready, curl's timer
  // is due or Submit wakes it, tells curl exactly which socket is ready (so curl polls
  // nothing itself), and hands finished transfers back.
  void Loop() {
    std::vector<Transfer*> incoming;
    epoll_event events[64];
    for (;;) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (stopping_) return;
        incoming.swap(submitted_);
      }
      for (Transfer* t : incoming) {
        if (curl_multi_add_handle(multi_, t->handle) != CURLM_OK) Finish(t, CURLE_OUT_OF_MEMORY);
      }
      incoming.clear();

      int wait_ms = WaitMs();
      if (wait_ms != 0) {
        // Only a loop about to sleep needs Submit's wake-up (a system call on each side).
        std::lock_guard<std::mutex> lock(mu_);
        if (!submitted_.empty() || stopping_) continue;
        sleeping_ = true;
      }
      const int ready = ::epoll_wait(epoll_, events, 64, wait_ms);
      if (wait_ms != 0) {
        std::lock_guard<std::mutex> lock(mu_);
        sleeping_ = false;
      }
      int running = 0;
      for (int i = 0; i < ready; ++i) {
        if (events[i].data.fd == wake_) {
          uint64_t count;
          while (::read(wake_, &count, sizeof(count)) > 0) {
          }
          continue;
        }
        const uint32_t e = events[i].events;
        const int mask = ((e & EPOLLIN) != 0 ? CURL_CSELECT_IN : 0) |
                         ((e & EPOLLOUT) != 0 ? CURL_CSELECT_OUT : 0) |
                         ((e & (EPOLLERR | EPOLLHUP)) != 0 ? CURL_CSELECT_ERR : 0);
        curl_multi_socket_action(multi_, events[i].data.fd, mask, &running);
      }
      if (timer_set_ && Clock::now() >= timer_due_) {
        timer_set_ = false;
        curl_multi_socket_action(multi_, CURL_SOCKET_TIMEOUT, 0, &running);
      }
      HandBackFinished();
    }
  }

  // How long the loop may sleep: until curl's timer, at most a second.
  int WaitMs() const {
    if (!timer_set_) return 1000;
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(timer_due_ - Clock::now()).count();
    return static_cast<int>(std::clamp<long long>(left, 0, 1000));
  }

  void HandBackFinished() {
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi_, &queued)) {
      if (msg->msg != CURLMSG_DONE) continue;
      CURL* easy = msg->easy_handle;
      const CURLcode rc = msg->data.result;
      Transfer* t = nullptr;
      curl_easy_getinfo(easy, CURLINFO_PRIVATE, &t);
      curl_multi_remove_handle(multi_, easy);
      Finish(t, rc);
    }
  }

  void Wake() {
    const uint64_t one = 1;
    ssize_t n = ::write(wake_, &one, sizeof(one));
    (void)n;  // a full counter (EAGAIN) wakes the loop as well
  }

  // Hands a prepared transfer to the loop and waits until the loop has finished it.
  CURLcode Submit(Transfer& t) {
    curl_easy_setopt(t.handle, CURLOPT_PRIVATE, &t);
    bool wake;
    {
      std::lock_guard<std::mutex> lock(mu_);
      submitted_.push_back(&t);
      wake = sleeping_;
      sleeping_ = false;  // one wake-up is enough for every transfer submitted meanwhile
    }
    if (wake) Wake();
    std::unique_lock<std::mutex> lock(t.done_mu);
    t.done_cv.wait(lock, [&] { return t.done; });
    return t.result;
  }

  static void Finish(Transfer* t, CURLcode rc) {
    std::lock_guard<std::mutex> lock(t->done_mu);
    t->result = rc;
    t->done = true;
    t->done_cv.notify_one();
  }

  CURL* Borrow() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!idle_.empty()) {
        CURL* easy = idle_.back();
        idle_.pop_back();
        return easy;
      }
    }
    return curl_easy_init();
  }

  void Return(CURL* easy) {
    // curl_easy_reset forgets the options; connections live in the multi handle's cache, so
    // any handle's next request reuses them.
    curl_easy_reset(easy);
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (idle_.size() < options_.max_idle_connections) {
        idle_.push_back(easy);
        return;
      }
    }
    curl_easy_cleanup(easy);
  }

  Result<HttpResponse> Perform(CURL* h, const HttpRequest& request) {
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
    CURLcode rc = Submit(t);
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

  using Clock = std::chrono::steady_clock;

  const CurlHttpClientOptions options_;
  CURLM* multi_ = nullptr;
  int epoll_ = -1;  // the sockets curl asked to watch, and wake_
  int wake_ = -1;   // an eventfd: Submit's wake-up of a sleeping loop
  // curl's timer; the loop's thread only (curl calls OnTimer from the loop's own calls).
  bool timer_set_ = false;
  Clock::time_point timer_due_;
  std::thread loop_;
  std::mutex mu_;                     // guards the four below
  std::vector<Transfer*> submitted_;  // handed to the loop, not yet added to multi_
  std::vector<CURL*> idle_;           // easy handles to reuse
  bool stopping_ = false;
  bool sleeping_ = false;  // the loop is in (or about to enter) epoll_wait
};

}  // namespace

std::unique_ptr<HttpClient> NewCurlHttpClient(const CurlHttpClientOptions& options) {
  return std::make_unique<CurlHttpClient>(options);
}

}  // namespace s3proc
