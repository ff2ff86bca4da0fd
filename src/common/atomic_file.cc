#include "common/atomic_file.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/random.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <mutex>

#include "common/file_io.h"

namespace s3proc {
namespace {

uint64_t RandomTag() {
  uint64_t tag = 0;
  if (::getrandom(&tag, sizeof(tag), 0) != static_cast<ssize_t>(sizeof(tag))) {
    tag = static_cast<uint64_t>(::getpid()) << 32 ^ static_cast<uint64_t>(::time(nullptr));
  }
  return tag;
}

// A random tag drawn once per process (and again in a forked child), so temp names cost no
// system call per file and are not guessable from the pid.
std::atomic<uint64_t> g_tag{0};

uint64_t ProcessTag() {
  static std::once_flag once;
  std::call_once(once, [] {
    g_tag = RandomTag();
    ::pthread_atfork(nullptr, nullptr, [] { g_tag = RandomTag(); });
  });
  return g_tag.load(std::memory_order_relaxed);
}

std::string TempSuffix() {
  static std::atomic<uint64_t> counter{0};
  char tag[17];
  std::snprintf(tag, sizeof(tag), "%016llx", static_cast<unsigned long long>(ProcessTag()));
  return std::string(".tmp-") + tag + "-" + std::to_string(counter.fetch_add(1));
}

}  // namespace

AtomicFile::AtomicFile(std::string path, mode_t mode)
    : AtomicFile(AT_FDCWD, std::move(path), mode) {}

AtomicFile::AtomicFile(int dir_fd, std::string name, mode_t mode)
    : dir_fd_(dir_fd), path_(std::move(name)), temp_path_(path_ + TempSuffix()), mode_(mode) {}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : dir_fd_(other.dir_fd_),
      path_(std::move(other.path_)),
      temp_path_(std::move(other.temp_path_)),
      mode_(other.mode_),
      committed_(other.committed_) {
  other.committed_ = true;  // the moved-from object owns no temp file
}

AtomicFile::~AtomicFile() {
  if (!committed_) ::unlinkat(dir_fd_, temp_path_.c_str(), 0);
}

Status AtomicFile::Write(std::string_view content) {
  S3PROC_ASSIGN_OR_RETURN(ScopedFd fd, CreateForWriteAt(dir_fd_, temp_path_, mode_, temp_path_));
  S3PROC_RETURN_IF_ERROR(WriteAll(fd.get(), content, temp_path_));
  return fd.Close(temp_path_);
}

Status AtomicFile::Commit() {
  if (::renameat(dir_fd_, temp_path_.c_str(), dir_fd_, path_.c_str()) != 0) {
    return Status::IoError("rename " + temp_path_ + " to " + path_ + ": " + std::strerror(errno));
  }
  committed_ = true;
  return Status::Ok();
}

}  // namespace s3proc
