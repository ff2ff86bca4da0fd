#include "common/atomic_file.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "common/file_io.h"

namespace s3proc {
namespace {

std::string TempSuffix() {
  static std::atomic<uint64_t> counter{0};
  // getpid() at each call, not once: a forked child gets names of its own.
  return ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter.fetch_add(1));
}

}  // namespace

AtomicFile::AtomicFile(std::string path, mode_t mode)
    : path_(std::move(path)), temp_path_(path_ + TempSuffix()), mode_(mode) {}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : path_(std::move(other.path_)),
      temp_path_(std::move(other.temp_path_)),
      mode_(other.mode_),
      committed_(other.committed_) {
  other.committed_ = true;  // the moved-from object owns no temp file
}

AtomicFile::~AtomicFile() {
  if (!committed_) ::unlink(temp_path_.c_str());
}

Status AtomicFile::Write(std::string_view content) {
  S3PROC_ASSIGN_OR_RETURN(OutputFile out, OutputFile::Create(temp_path_, mode_));
  S3PROC_RETURN_IF_ERROR(out.Append(content));
  return out.Close();
}

Status AtomicFile::Commit() {
  if (::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    return Status::IoError("rename " + temp_path_ + " to " + path_ + ": " + std::strerror(errno));
  }
  committed_ = true;
  return Status::Ok();
}

}  // namespace s3proc
