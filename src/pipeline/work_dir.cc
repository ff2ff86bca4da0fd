#include "pipeline/work_dir.h"

#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <random>

#include "common/atomic_file.h"
#include "common/hash.h"

namespace s3proc {

namespace {

Status EnsureDir(const std::string& path) {
  if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) {
    return Status::IoError("cannot create " + path + ": " + strerror(errno) +
                           "; check --work-dir and its permissions");
  }
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return Status::IoError("cannot stat " + path);
  if (S_ISLNK(st.st_mode) || !S_ISDIR(st.st_mode)) {
    return Status::IoError(path + " is not a directory (a symlink?): refusing to use it");
  }
  return Status::Ok();
}

// Leftovers of a killed run: temp files and copies nobody will upload. Removing entries never
// follows symlinks (std::filesystem::remove removes the link itself).
void RemoveLeftovers(const std::string& dir) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    std::filesystem::remove_all(entry.path(), ec);
  }
}

// Replaces `path` with `content` at once (mode 0600): a crash leaves the old file or the new one.
Status ReplacePrivateFile(const std::string& path, std::string_view content) {
  AtomicFile file(path);
  S3PROC_RETURN_IF_ERROR(file.Write(content));
  return file.Commit();
}

std::string RandomHex(size_t bytes) {
  std::random_device rd;
  std::string raw;
  for (size_t i = 0; i < bytes; ++i) raw.push_back(static_cast<char>(rd() & 0xff));
  return HexEncode(reinterpret_cast<const uint8_t*>(raw.data()), raw.size());
}

std::string HostName() {
  char host[256] = {0};
  gethostname(host, sizeof(host) - 1);
  std::string out;
  for (char c : std::string(host)) {
    if (isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.') out.push_back(c);
  }
  return out.empty() ? "host" : out;
}

}  // namespace

Result<WorkDir> WorkDir::Open(const std::string& path) {
  WorkDir w;
  w.root_ = path.empty() ? "." : path;
  while (w.root_.size() > 1 && w.root_.back() == '/') w.root_.pop_back();
  S3PROC_RETURN_IF_ERROR(EnsureDir(w.root_));

  std::string lock_path = w.root_ + "/.s3proc.lock";
  w.lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (w.lock_fd_ < 0) {
    return Status::IoError("cannot open " + lock_path + ": " + strerror(errno));
  }
  if (::flock(w.lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    return Status::PreconditionFailed("another s3proc run is busy in " + w.root_);
  }

  for (const char* sub : {"/downloads", "/processed", "/state"}) {
    S3PROC_RETURN_IF_ERROR(EnsureDir(w.root_ + sub));
  }
  RemoveLeftovers(w.downloads());
  RemoveLeftovers(w.processed());
  S3PROC_RETURN_IF_ERROR(w.OpenAttemptsLog());

  std::string id_path = w.root_ + "/.s3proc-id";
  std::ifstream in(id_path);
  std::getline(in, w.identity_);
  if (w.identity_.empty() || w.identity_.find('"') != std::string::npos) {
    w.identity_ = HostName() + ":" + RandomHex(12);
    S3PROC_RETURN_IF_ERROR(ReplacePrivateFile(id_path, w.identity_ + "\n"));
  }
  return w;
}

WorkDir::WorkDir(WorkDir&& other) noexcept
    : root_(std::move(other.root_)),
      identity_(std::move(other.identity_)),
      lock_fd_(other.lock_fd_),
      attempts_fd_(other.attempts_fd_),
      attempts_mu_(std::move(other.attempts_mu_)),
      attempts_(std::move(other.attempts_)) {
  other.lock_fd_ = -1;
  other.attempts_fd_ = -1;
}

WorkDir::~WorkDir() {
  if (attempts_fd_ >= 0) ::close(attempts_fd_);
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the flock
}

namespace {

std::string AttemptId(const std::string& key, const std::string& etag) {
  return Sha256Hex(key + "\n" + etag).substr(0, 32);
}

}  // namespace

Status WorkDir::OpenAttemptsLog() {
  // Replay the log, keep only the unfinished inputs, and rewrite it compacted (temp + rename).
  const std::string path = root_ + "/state/attempts.log";
  {
    std::ifstream in(path);
    std::string op, id;
    while (in >> op >> id) {
      if (op == "S") {
        ++attempts_[id];
      } else if (op == "D") {
        attempts_.erase(id);
      }
    }
  }
  std::string compacted;
  for (const auto& [id, count] : attempts_) {
    for (int i = 0; i < count; ++i) compacted += "S " + id + "\n";
  }
  S3PROC_RETURN_IF_ERROR(ReplacePrivateFile(path, compacted));
  attempts_fd_ = ::open(path.c_str(), O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
  if (attempts_fd_ < 0) return Status::IoError("cannot open " + path + ": " + strerror(errno));
  return Status::Ok();
}

void WorkDir::AppendAttempts(const std::string& line) {
  // One write(2) per line on an O_APPEND descriptor: lines never interleave, and a killed run
  // loses nothing the kernel already has.
  if (attempts_fd_ >= 0) (void)!::write(attempts_fd_, line.data(), line.size());
}

int WorkDir::RecordAttempt(const std::string& key, const std::string& etag) {
  std::string id = AttemptId(key, etag);
  std::lock_guard<std::mutex> lock(*attempts_mu_);
  int count = ++attempts_[id];
  AppendAttempts("S " + id + "\n");
  return count;
}

void WorkDir::ClearAttempts(const std::string& key, const std::string& etag) {
  std::string id = AttemptId(key, etag);
  std::lock_guard<std::mutex> lock(*attempts_mu_);
  if (attempts_.erase(id) > 0) AppendAttempts("D " + id + "\n");
}

}  // namespace s3proc
