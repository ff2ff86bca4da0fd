#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace s3proc::testing {

// What a TinyHttpServer received.
struct ServedRequest {
  std::string method;
  std::string target;  // path and query, as sent
  std::string body;
};

// How a TinyHttpServer answers one request.
struct ServedReply {
  enum class Kind {
    kAnswer,  // status and body, then keep the connection for the next request
    kDrop,    // close the connection without answering (a reset between requests)
    kHang,    // answer nothing and keep the connection open until the server stops
  };
  Kind kind = Kind::kAnswer;
  int status = 200;
  std::string body;
};

// An HTTP/1.1 server on 127.0.0.1 (an ephemeral port) for tests of HTTP clients: a thread per
// connection reads requests (Content-Length bodies only) and answers each as the handler says,
// keeping connections alive. The handler runs on the connection threads, concurrently.
class TinyHttpServer {
 public:
  using Handler = std::function<ServedReply(const ServedRequest&)>;

  explicit TinyHttpServer(Handler handler);
  ~TinyHttpServer();  // closes every connection, joins every thread
  TinyHttpServer(const TinyHttpServer&) = delete;
  TinyHttpServer& operator=(const TinyHttpServer&) = delete;

  // "http://127.0.0.1:PORT"
  std::string url() const;
  // Connections accepted so far.
  int connections() const { return connections_.load(); }

 private:
  void Accept();
  void Serve(int fd);
  // Reads one request from `fd` (after what `buffer` holds) and answers it; false when the
  // connection is done.
  bool ServeOne(int fd, std::string& buffer);

  Handler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  std::thread acceptor_;
  std::mutex mu_;  // guards the two below
  std::vector<std::thread> servers_;
  std::vector<int> open_fds_;
};

}  // namespace s3proc::testing
