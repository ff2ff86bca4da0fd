#include "testutil/source_dir.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace s3proc::testing {
namespace {

std::string FindSourceDir() {
  if (const char* env = std::getenv("S3PROC_SOURCE_DIR"); env != nullptr && *env != '\0') {
    return env;
  }
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::read_symlink("/proc/self/exe", ec).parent_path();
  for (; !ec && !dir.empty() && dir != dir.root_path(); dir = dir.parent_path()) {
    if (std::filesystem::exists(dir / "testutil" / "source_dir.h", ec)) return dir.string();
  }
  std::fprintf(stderr,
               "s3proc tests: cannot find the source tree above this binary; set "
               "S3PROC_SOURCE_DIR\n");
  std::abort();
}

}  // namespace

const std::string& SourceDir() {
  static const std::string dir = FindSourceDir();
  return dir;
}

}  // namespace s3proc::testing
