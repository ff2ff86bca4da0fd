#include "testutil/tiny_http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

namespace s3proc::testing {
namespace {

bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// Reads more bytes into `buffer`; false at end of stream or on an error.
bool ReadMore(int fd, std::string& buffer) {
  char chunk[16384];
  for (;;) {
    ssize_t n = ::recv(fd, chunk, sizeof(chunk), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    buffer.append(chunk, static_cast<size_t>(n));
    return true;
  }
}

// The value of header `name` (lower case) in a header block, or "".
std::string HeaderValue(std::string_view head, std::string_view name) {
  size_t pos = 0;
  while ((pos = head.find("\r\n", pos)) != std::string_view::npos) {
    pos += 2;
    size_t end = head.find("\r\n", pos);
    std::string_view line = head.substr(pos, end == std::string_view::npos ? end : end - pos);
    size_t colon = line.find(':');
    if (colon != std::string_view::npos && colon == name.size()) {
      bool same = true;
      for (size_t i = 0; i < colon; ++i) {
        same = same && std::tolower(static_cast<unsigned char>(line[i])) == name[i];
      }
      if (same) {
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        return std::string(value);
      }
    }
  }
  return "";
}

}  // namespace

TinyHttpServer::TinyHttpServer(Handler handler) : handler_(std::move(handler)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      ::listen(listen_fd_, 128) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw std::runtime_error("TinyHttpServer: cannot listen on 127.0.0.1");
  }
  port_ = ntohs(address.sin_port);
  acceptor_ = std::thread([this] { Accept(); });
}

TinyHttpServer::~TinyHttpServer() {
  stopping_ = true;
  ::shutdown(listen_fd_, SHUT_RDWR);
  acceptor_.join();
  ::close(listen_fd_);
  std::vector<std::thread> servers;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
    servers.swap(servers_);
  }
  for (std::thread& t : servers) t.join();
}

std::string TinyHttpServer::url() const { return "http://127.0.0.1:" + std::to_string(port_); }

void TinyHttpServer::Accept() {
  while (!stopping_) {
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;  // shut down
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    ++connections_;
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) {
      ::close(fd);
      return;
    }
    open_fds_.push_back(fd);
    servers_.emplace_back([this, fd] { Serve(fd); });
  }
}

void TinyHttpServer::Serve(int fd) {
  std::string buffer;
  while (ServeOne(fd, buffer)) {
  }
  std::lock_guard<std::mutex> lock(mu_);
  std::erase(open_fds_, fd);
  ::close(fd);
}

bool TinyHttpServer::ServeOne(int fd, std::string& buffer) {
  size_t head_end;
  while ((head_end = buffer.find("\r\n\r\n")) == std::string::npos) {
    if (!ReadMore(fd, buffer)) return false;
  }
  const std::string head = buffer.substr(0, head_end);
  ServedRequest request;
  const size_t space1 = head.find(' ');
  const size_t space2 = head.find(' ', space1 + 1);
  request.method = head.substr(0, space1);
  request.target = head.substr(space1 + 1, space2 - space1 - 1);
  const std::string length_text = HeaderValue(head, "content-length");
  const size_t length = length_text.empty() ? 0 : std::stoul(length_text);
  while (buffer.size() < head_end + 4 + length) {
    if (!ReadMore(fd, buffer)) return false;
  }
  request.body = buffer.substr(head_end + 4, length);
  buffer.erase(0, head_end + 4 + length);

  const ServedReply reply = handler_(request);
  switch (reply.kind) {
    case ServedReply::Kind::kDrop: return false;
    case ServedReply::Kind::kHang:
      while (ReadMore(fd, buffer)) {
      }
      return false;
    case ServedReply::Kind::kAnswer: break;
  }
  std::string out = "HTTP/1.1 " + std::to_string(reply.status) +
                    " X\r\nContent-Length: " + std::to_string(reply.body.size()) + "\r\n\r\n";
  if (request.method != "HEAD") out += reply.body;
  return WriteAll(fd, out);
}

}  // namespace s3proc::testing
