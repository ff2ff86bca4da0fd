#pragma once

#include <string>

#include "common/result.h"

namespace s3proc {

// A folder of one run of the exec command, that only this user may enter (mode 0700): its HOME,
// its working directory, and TMPDIR (tmp/ inside it). Removed with all it holds on destruction,
// once the command and everything it started are gone. Named ".exec-XXXXXX" (random): no local
// copy of an object starts with '.', so it can share their directory.
class PrivateFolder {
 public:
  // kIoError when `parent` cannot hold it.
  static Result<PrivateFolder> Create(const std::string& parent);

  PrivateFolder(PrivateFolder&& other) noexcept : path_(std::move(other.path_)) {
    other.path_.clear();
  }
  PrivateFolder& operator=(PrivateFolder&&) = delete;
  ~PrivateFolder();

  const std::string& path() const { return path_; }
  std::string tmp() const { return path_ + "/tmp"; }

 private:
  explicit PrivateFolder(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

}  // namespace s3proc
