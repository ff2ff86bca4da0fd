#include "common/free_space.h"

#include <sys/statvfs.h>

#include <cerrno>
#include <cstring>

namespace s3proc {

Result<uint64_t> FreeSpaceOf(const std::string& dir) {
  struct statvfs fs {};
  if (::statvfs(dir.c_str(), &fs) != 0) {
    return Status::IoError("statvfs " + dir + ": " + std::strerror(errno));
  }
  return static_cast<uint64_t>(fs.f_bavail) * static_cast<uint64_t>(fs.f_frsize);
}

}  // namespace s3proc
