#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/status.h"

namespace s3proc {

// Local-file plumbing shared by the processors, the pipeline and the S3 client's downloads. Every
// failure is Status::IoError with a message
// "<operation> <path>: <strerror>"; nothing here ever returns Rejected. Every descriptor is
// opened with O_CLOEXEC so that a command spawned concurrently by another thread (the exec
// processor) cannot inherit it.

// Owns one file descriptor; closes it (ignoring errors) on destruction. Move-only.
class ScopedFd {
 public:
  ScopedFd() = default;
  explicit ScopedFd(int fd) : fd_(fd) {}
  ScopedFd(ScopedFd&& other) noexcept : fd_(other.Release()) {}
  ScopedFd& operator=(ScopedFd&& other) noexcept;
  ScopedFd(const ScopedFd&) = delete;
  ScopedFd& operator=(const ScopedFd&) = delete;
  ~ScopedFd();

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  // Gives up ownership without closing.
  int Release();
  // Closes now and reports close(2)'s error (an NFS or disk-full error may only show up here).
  Status Close(std::string_view path);

 private:
  int fd_ = -1;
};

// Opens `path` read-only.
Result<ScopedFd> OpenForRead(const std::string& path);

// Creates `path` for writing, with `mode`. The file must be new (O_EXCL): whatever already has
// that name (a file planted by someone else, a symbolic link, a leftover) is never opened,
// truncated or written through, so the file is s3proc's own, with s3proc's owner and `mode`.
// Fails with kIoError ("create <path>: File exists") instead.
Result<ScopedFd> CreateForWrite(const std::string& path, mode_t mode = 0600);

// CreateForWrite for `name` in the directory `dir_fd`; `shown` names it in messages.
Result<ScopedFd> CreateForWriteAt(int dir_fd, const std::string& name, mode_t mode,
                                  std::string_view shown);

// Creates `path` as CreateForWrite does or, when something already has the name, opens and
// truncates it only if it belongs to the running user (or is a device): a file planted by another
// user is refused
// (kIoError "create <path>: it exists and belongs to uid N"), never reused, so the output never
// takes on its owner; a symbolic link is never followed; a reused regular file is given `mode`.
// For a file rewritten from the start (a retried download, an output written again).
Result<ScopedFd> CreateOrTruncateOwn(const std::string& path, mode_t mode = 0600);

// Reads up to `n` bytes into `buf`, retrying on EINTR. Returns 0 only at end of file.
Result<size_t> ReadSome(int fd, char* buf, size_t n, std::string_view path);

// Like ReadSome, at `offset` (pread: the descriptor's own offset is left where it is).
Result<size_t> ReadSomeAt(int fd, char* buf, size_t n, uint64_t offset, std::string_view path);

// Writes all of `data`, retrying on EINTR and short writes.
Status WriteAll(int fd, std::string_view data, std::string_view path);

// A write-only file created at construction, with a 256 KiB write buffer. Opened as
// CreateOrTruncateOwn does, with `mode` (0600 unless the file is meant for another user): Create()
// fails (kIoError) on a symbolic link or another user's file.
// Callers must call Close() and check it: the destructor closes silently (for error paths).
// Not thread-safe; each Process() call owns its own.
class OutputFile {
 public:
  static Result<OutputFile> Create(const std::string& path, mode_t mode = 0600);
  OutputFile(OutputFile&&) = default;
  OutputFile& operator=(OutputFile&&) = default;

  Status Append(std::string_view data);
  // Flushes the buffer and closes the file. REQUIRES: called at most once.
  Status Close();
  const std::string& path() const { return path_; }

 private:
  OutputFile(ScopedFd fd, std::string path) : fd_(std::move(fd)), path_(std::move(path)) {}
  Status Flush();

  ScopedFd fd_;
  std::string path_;
  std::string buffer_;
};

// Copies all bytes of `in_fd` (from its current offset) to `out`.
Status CopyFdToOutput(int in_fd, std::string_view in_path, OutputFile& out);

}  // namespace s3proc
