#include "common/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

namespace s3proc {
namespace {

constexpr size_t kOutputBufferBytes = 256 * 1024;

Status ErrnoStatus(std::string_view operation, std::string_view path, int err) {
  std::string m(operation);
  m += " ";
  m += path;
  m += ": ";
  m += std::strerror(err);
  return Status::IoError(std::move(m));
}

int OpenAt(int dir_fd, const std::string& name, int flags, mode_t mode = 0) {
  int fd;
  do {
    fd = ::openat(dir_fd, name.c_str(), flags | O_CLOEXEC | O_NOFOLLOW, mode);
  } while (fd < 0 && errno == EINTR);
  return fd;
}

}  // namespace

ScopedFd& ScopedFd::operator=(ScopedFd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.Release();
  }
  return *this;
}

ScopedFd::~ScopedFd() {
  if (fd_ >= 0) ::close(fd_);
}

int ScopedFd::Release() {
  int fd = fd_;
  fd_ = -1;
  return fd;
}

Status ScopedFd::Close(std::string_view path) {
  if (fd_ < 0) return Status::Ok();
  int fd = Release();
  // Linux closes the descriptor even when close() fails (EINTR included): never retry.
  if (::close(fd) != 0) return ErrnoStatus("close", path, errno);
  return Status::Ok();
}

Result<ScopedFd> OpenForRead(const std::string& path) {
  int fd;
  do {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return ErrnoStatus("open", path, errno);
  return ScopedFd(fd);
}

Result<size_t> ReadSome(int fd, char* buf, size_t n, std::string_view path) {
  for (;;) {
    ssize_t r = ::read(fd, buf, n);
    if (r >= 0) return static_cast<size_t>(r);
    if (errno != EINTR) return ErrnoStatus("read", path, errno);
  }
}

Result<size_t> ReadSomeAt(int fd, char* buf, size_t n, uint64_t offset, std::string_view path) {
  for (;;) {
    ssize_t r = ::pread(fd, buf, n, static_cast<off_t>(offset));
    if (r >= 0) return static_cast<size_t>(r);
    if (errno != EINTR) return ErrnoStatus("read", path, errno);
  }
}

Status WriteAll(int fd, std::string_view data, std::string_view path) {
  while (!data.empty()) {
    ssize_t w = ::write(fd, data.data(), data.size());
    if (w < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("write", path, errno);
    }
    data.remove_prefix(static_cast<size_t>(w));
  }
  return Status::Ok();
}

Result<ScopedFd> CreateForWriteAt(int dir_fd, const std::string& name, mode_t mode,
                                  std::string_view shown) {
  // 0600 by default: outputs are the customer's data, private whatever the umask. O_EXCL: a
  // file planted under the name (with its owner and mode) is never reused, and a link there
  // is never written through (O_NOFOLLOW says so twice).
  int fd = OpenAt(dir_fd, name, O_WRONLY | O_CREAT | O_EXCL, mode);
  if (fd < 0) return ErrnoStatus("create", shown, errno);
  return ScopedFd(fd);
}

Result<ScopedFd> CreateForWrite(const std::string& path, mode_t mode) {
  return CreateForWriteAt(AT_FDCWD, path, mode, path);
}

Result<ScopedFd> CreateOrTruncateOwn(const std::string& path, mode_t mode) {
  int raw = OpenAt(AT_FDCWD, path, O_WRONLY | O_CREAT | O_EXCL, mode);
  if (raw >= 0) return ScopedFd(raw);
  if (errno != EEXIST) return ErrnoStatus("create", path, errno);
  raw = OpenAt(AT_FDCWD, path, O_WRONLY);
  if (raw < 0) return ErrnoStatus("create", path, errno);
  ScopedFd fd(raw);
  // Judged on the open file, not the name: what was checked is what gets written.
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return ErrnoStatus("stat", path, errno);
  // A character device (/dev/null, /dev/full) can only be made by root: not a plant.
  if (st.st_uid != ::geteuid() && !S_ISCHR(st.st_mode)) {
    return Status::IoError("create " + path + ": it exists and belongs to uid " +
                           std::to_string(st.st_uid) + "; not reused");
  }
  if (S_ISREG(st.st_mode)) {  // not a device such as /dev/null
    if (::ftruncate(fd.get(), 0) != 0) return ErrnoStatus("truncate", path, errno);
    if (::fchmod(fd.get(), mode) != 0) return ErrnoStatus("chmod", path, errno);
  }
  return fd;
}

Result<OutputFile> OutputFile::Create(const std::string& path, mode_t mode) {
  S3PROC_ASSIGN_OR_RETURN(ScopedFd fd, CreateOrTruncateOwn(path, mode));
  return OutputFile(std::move(fd), path);
}

Status OutputFile::Append(std::string_view data) {
  if (buffer_.size() + data.size() > kOutputBufferBytes) {
    S3PROC_RETURN_IF_ERROR(Flush());
    // Large pieces go straight to the file rather than through the buffer.
    if (data.size() >= kOutputBufferBytes) return WriteAll(fd_.get(), data, path_);
  }
  // No up-front reserve of the whole 256 KiB: most outputs are a few KiB, and a 256 KiB
  // malloc/free per object made glibc consolidate its free lists every time.
  buffer_.append(data);
  return Status::Ok();
}

Status OutputFile::Flush() {
  if (buffer_.empty()) return Status::Ok();
  Status s = WriteAll(fd_.get(), buffer_, path_);
  buffer_.clear();
  return s;
}

Status OutputFile::Close() {
  Status flushed = Flush();
  Status closed = fd_.Close(path_);
  S3PROC_RETURN_IF_ERROR(flushed);
  return closed;
}

Status CopyFdToOutput(int in_fd, std::string_view in_path, OutputFile& out) {
  // Not zero-filled: clearing 256 KiB cost more than copying a small file.
  constexpr size_t kBufferBytes = 256 * 1024;
  std::unique_ptr<char[]> buf(new char[kBufferBytes]);
  for (;;) {
    S3PROC_ASSIGN_OR_RETURN(size_t n, ReadSome(in_fd, buf.get(), kBufferBytes, in_path));
    if (n == 0) return Status::Ok();
    S3PROC_RETURN_IF_ERROR(out.Append(std::string_view(buf.get(), n)));
  }
}

}  // namespace s3proc
