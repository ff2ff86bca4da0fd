#include "common/dir_fd.h"

#include <dirent.h>
#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace s3proc {
namespace {

// Deep enough for anything a killed run leaves (downloads/ holds flat files); deeper trees are
// left rather than recursed into without bound.
constexpr int kMaxRemoveDepth = 16;

// The user's name, or its number when it has none: what chown accepts.
std::string UserName(uid_t uid) {
  struct passwd pw {};
  struct passwd* found = nullptr;
  char buf[1024];
  if (::getpwuid_r(uid, &pw, buf, sizeof(buf), &found) == 0 && found != nullptr) {
    return found->pw_name;
  }
  return std::to_string(uid);
}

std::string DescribeUser(uid_t uid) { return UserName(uid) + " (uid " + std::to_string(uid) + ")"; }

std::string OctalMode(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof(buf), "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

void RemoveEntriesBelow(int dir_fd, int depth) {
  int listing_fd = ::dup(dir_fd);
  if (listing_fd < 0) return;
  DIR* dir = ::fdopendir(listing_fd);
  if (dir == nullptr) {
    ::close(listing_fd);
    return;
  }
  ::rewinddir(dir);
  while (struct dirent* entry = ::readdir(dir)) {
    const char* name = entry->d_name;
    if (std::strcmp(name, ".") == 0 || std::strcmp(name, "..") == 0) continue;
    if (::unlinkat(dir_fd, name, 0) == 0 || (errno != EISDIR && errno != EPERM)) continue;
    // A directory: opened without following a link (a link swapped in since is refused), then
    // emptied and removed.
    int sub = ::openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (sub < 0) continue;
    if (depth < kMaxRemoveDepth) RemoveEntriesBelow(sub, depth + 1);
    ::close(sub);
    ::unlinkat(dir_fd, name, AT_REMOVEDIR);
  }
  ::closedir(dir);  // closes listing_fd
}

}  // namespace

Result<ScopedFd> OpenDirAt(int parent_fd, const std::string& name, const std::string& shown) {
  int fd = ::openat(parent_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd >= 0) return ScopedFd(fd);
  if (errno == ELOOP || errno == ENOTDIR) {
    return Status::IoError(shown + " is not a directory (a symlink?): refusing to use it");
  }
  return Status::IoError("cannot open " + shown + ": " + std::strerror(errno) +
                         "; check --work-dir and its permissions");
}

Result<ScopedFd> MakeAndOpenDirAt(int parent_fd, const std::string& name, mode_t mode,
                                  const std::string& shown) {
  if (::mkdirat(parent_fd, name.c_str(), mode) != 0 && errno != EEXIST) {
    return Status::IoError("cannot create " + shown + ": " + std::strerror(errno) +
                           "; check --work-dir and its permissions");
  }
  return OpenDirAt(parent_fd, name, shown);
}

Status CheckPrivateDir(int dir_fd, const std::string& shown) {
  struct stat st {};
  if (::fstat(dir_fd, &st) != 0) {
    return Status::IoError("cannot stat " + shown + ": " + std::strerror(errno));
  }
  const uid_t me = ::geteuid();
  if (st.st_uid != me) {
    return Status::InvalidArgument(shown + " is owned by " + DescribeUser(st.st_uid) + ", not by " +
                                   DescribeUser(me) +
                                   " who runs s3proc: its owner could change what s3proc reads "
                                   "and writes there. Fix: chown " +
                                   UserName(me) + " " + shown + ", or use another work dir");
  }
  if ((st.st_mode & 022) != 0) {
    return Status::InvalidArgument(shown + " has mode " + OctalMode(st.st_mode) +
                                   ": writable by its group or others, who could swap what s3proc "
                                   "reads and writes there. Fix: chmod go-w " +
                                   shown);
  }
  return Status::Ok();
}

void RemoveEntriesAt(int dir_fd) { RemoveEntriesBelow(dir_fd, 0); }

Result<std::string> ReadFileAt(int dir_fd, const std::string& name, const std::string& shown) {
  int raw = ::openat(dir_fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (raw < 0) {
    if (errno == ENOENT) return std::string();
    return Status::IoError("open " + shown + ": " + std::strerror(errno));
  }
  ScopedFd fd(raw);
  std::string content;
  char buf[64 * 1024];
  for (;;) {
    S3PROC_ASSIGN_OR_RETURN(size_t n, ReadSome(fd.get(), buf, sizeof(buf), shown));
    if (n == 0) return content;
    content.append(buf, n);
  }
}

}  // namespace s3proc
