#include "pipeline/work_dir.h"

#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <random>
#include <sstream>

#include "common/atomic_file.h"
#include "common/dir_fd.h"
#include "common/hash.h"

namespace s3proc {

namespace {

constexpr mode_t kPrivateDirMode = 0700;

// Creates `path` and any missing parent with mode 0700, as `mkdir -p -m 0700` would; what
// exists is left as it is (and checked later).
Status CreateMissingDirs(const std::string& path) {
  for (size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
    const std::string prefix = path.substr(0, slash);
    if (::mkdir(prefix.c_str(), kPrivateDirMode) != 0 && errno != EEXIST) {
      return Status::IoError("cannot create " + prefix + ": " + strerror(errno) +
                             "; check --work-dir and its permissions");
    }
    if (slash == std::string::npos) return Status::Ok();
  }
}

// `path` with its symlinks resolved: a work dir given as a link is the directory it names, and
// that directory is the one opened and checked.
Result<std::string> ResolvedPath(const std::string& path) {
  char* resolved = ::realpath(path.c_str(), nullptr);
  if (resolved == nullptr) {
    return Status::IoError("cannot resolve " + path + ": " + strerror(errno) +
                           "; check --work-dir and its permissions");
  }
  std::string out(resolved);
  ::free(resolved);
  return out;
}

// Opens (creating it if needed) a folder of the work dir and checks that only its user can
// change it.
Result<ScopedFd> OpenPrivateDirAt(int parent_fd, const std::string& name,
                                  const std::string& shown) {
  S3PROC_ASSIGN_OR_RETURN(ScopedFd fd, MakeAndOpenDirAt(parent_fd, name, kPrivateDirMode, shown));
  S3PROC_RETURN_IF_ERROR(CheckPrivateDir(fd.get(), shown));
  return fd;
}

// Replaces `name` in `dir_fd` with `content` at once (mode 0600): a crash leaves the old file or
// the new one.
Status ReplacePrivateFile(int dir_fd, const std::string& name, std::string_view content) {
  AtomicFile file(dir_fd, name);
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
  if (path.empty()) {
    return Status::InvalidArgument(
        "no work dir: give --work-dir DIR (or work_dir in the config file, S3PROC_WORK_DIR), or "
        "set HOME or XDG_STATE_HOME for the default");
  }
  std::string given = path;
  while (given.size() > 1 && given.back() == '/') given.pop_back();
  S3PROC_RETURN_IF_ERROR(CreateMissingDirs(given));
  WorkDir w;
  S3PROC_ASSIGN_OR_RETURN(w.root_, ResolvedPath(given));
  S3PROC_ASSIGN_OR_RETURN(w.root_fd_, OpenDirAt(AT_FDCWD, w.root_, w.root_));
  S3PROC_RETURN_IF_ERROR(CheckPrivateDir(w.root_fd_.get(), w.root_));
  const int root = w.root_fd_.get();

  w.lock_fd_ =
      ScopedFd(::openat(root, ".s3proc.lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!w.lock_fd_.valid()) {
    return Status::IoError("cannot open " + w.root_ + "/.s3proc.lock: " + strerror(errno));
  }
  if (::flock(w.lock_fd_.get(), LOCK_EX | LOCK_NB) != 0) {
    return Status::PreconditionFailed("another s3proc run is busy in " + w.root_);
  }

  S3PROC_ASSIGN_OR_RETURN(w.downloads_fd_, OpenPrivateDirAt(root, "downloads", w.downloads()));
  S3PROC_ASSIGN_OR_RETURN(w.processed_fd_, OpenPrivateDirAt(root, "processed", w.processed()));
  S3PROC_ASSIGN_OR_RETURN(w.state_fd_, OpenPrivateDirAt(root, "state", w.root_ + "/state"));
  // Through the descriptors just checked: a folder swapped for a link since is not followed.
  RemoveEntriesAt(w.downloads_fd_.get());
  RemoveEntriesAt(w.processed_fd_.get());
  S3PROC_RETURN_IF_ERROR(w.OpenAttemptsLog());

  const std::string id_path = w.root_ + "/.s3proc-id";
  S3PROC_ASSIGN_OR_RETURN(std::string id_file, ReadFileAt(root, ".s3proc-id", id_path));
  w.identity_ = id_file.substr(0, id_file.find('\n'));
  if (w.identity_.empty() || w.identity_.find('"') != std::string::npos) {
    w.identity_ = HostName() + ":" + RandomHex(12);
    S3PROC_RETURN_IF_ERROR(ReplacePrivateFile(root, ".s3proc-id", w.identity_ + "\n"));
  }
  return w;
}

namespace {

std::string AttemptId(const std::string& key, const std::string& etag) {
  return Sha256Hex(key + "\n" + etag).substr(0, 32);
}

}  // namespace

Status WorkDir::OpenAttemptsLog() {
  // Replay the log, keep only the unfinished inputs, and rewrite it compacted (temp + rename).
  const std::string path = root_ + "/state/attempts.log";
  S3PROC_ASSIGN_OR_RETURN(std::string log, ReadFileAt(state_fd_.get(), "attempts.log", path));
  {
    std::istringstream in(log);
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
  S3PROC_RETURN_IF_ERROR(ReplacePrivateFile(state_fd_.get(), "attempts.log", compacted));
  attempts_fd_ = ScopedFd(
      ::openat(state_fd_.get(), "attempts.log", O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC));
  if (!attempts_fd_.valid()) {
    return Status::IoError("cannot open " + path + ": " + strerror(errno));
  }
  return Status::Ok();
}

void WorkDir::AppendAttempts(const std::string& line) {
  // One write(2) per line on an O_APPEND descriptor: lines never interleave, and a killed run
  // loses nothing the kernel already has.
  if (attempts_fd_.valid()) (void)!::write(attempts_fd_.get(), line.data(), line.size());
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
