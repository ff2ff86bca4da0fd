#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace s3proc::testing {

// A fresh directory under $TMPDIR, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // Writes `content` to path()/relative (parents created) and returns the full path.
  std::string WriteFile(std::string_view relative, std::string_view content) const;

 private:
  std::filesystem::path path_;
};

// Reads a whole file; "" when it cannot be read.
std::string ReadFileOrEmpty(const std::filesystem::path& path);

}  // namespace s3proc::testing
