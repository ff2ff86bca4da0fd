#include "processors/exec_private_folder.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace s3proc {

Result<PrivateFolder> PrivateFolder::Create(const std::string& parent) {
  std::string pattern = parent + "/.exec-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {  // mode 0700
    return Status::IoError("cannot create the exec command's private folder in " + parent + ": " +
                           std::strerror(errno));
  }
  PrivateFolder folder(std::move(pattern));
  if (::mkdir(folder.tmp().c_str(), 0700) != 0) {
    return Status::IoError("cannot create " + folder.tmp() + ": " + std::strerror(errno));
  }
  return folder;
}

PrivateFolder::~PrivateFolder() {
  if (path_.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);  // removes symlinks inside, never what they name
}

}  // namespace s3proc
