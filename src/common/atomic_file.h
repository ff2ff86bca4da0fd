#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "common/status.h"

namespace s3proc {

// A local file that appears under its final name whole or not at all: it is written to a temp
// file beside the final one, then renamed over it, so a crash leaves the old file (or none), never
// a half-written one. The one way s3proc writes a local file that anyone else reads.
//
//   AtomicFile file(path);
//   S3PROC_RETURN_IF_ERROR(file.Write(content));  // or let a writer fill file.temp_path()
//   S3PROC_RETURN_IF_ERROR(file.Commit());
//
// The temp file is created new (O_EXCL) with `mode` (0600 unless the file is meant for another
// user): a file or link planted under the temp name is never reused nor followed, the write fails
// instead. Until Commit() succeeds, the destructor removes the temp file, whoever wrote it.
// Failures are kIoError, "<operation> <path>: <strerror>".
// Move-only; not thread-safe (each writer owns its own).
class AtomicFile {
 public:
  // Chooses the temp name "<path>.tmp-<random process tag>-<n>", unique among the threads and
  // processes that share the directory. Creates nothing.
  explicit AtomicFile(std::string path, mode_t mode = 0600);
  // The file `name` in the directory `dir_fd`, used through the descriptor (openat, renameat):
  // what is renamed or swapped in under the directory's path meanwhile is not written.
  // temp_path() is then relative to `dir_fd`. REQUIRES: dir_fd stays open while this lives.
  AtomicFile(int dir_fd, std::string name, mode_t mode = 0600);
  ~AtomicFile();
  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&&) = delete;
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  const std::string& path() const { return path_; }
  // Where a writer that opens files by name (a processor, a download) puts the content. It
  // must create the file without following links and with the mode it wants (OutputFile does).
  const std::string& temp_path() const { return temp_path_; }

  // Creates the temp file and writes all of `content` to it, retrying on EINTR and short
  // writes. REQUIRES: not committed, and called at most once.
  Status Write(std::string_view content);

  // Renames the temp file over path(). After a failure the temp file is still removed by the
  // destructor. REQUIRES: called at most once, after the temp file was written.
  Status Commit();

 private:
  int dir_fd_;  // AT_FDCWD for a path
  std::string path_;
  std::string temp_path_;
  mode_t mode_;
  bool committed_ = false;
};

}  // namespace s3proc
