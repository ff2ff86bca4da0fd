#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "common/file_io.h"
#include "common/result.h"

namespace s3proc {

// The local work directory of one processor: downloads/, processed/, state/, its lock and its
// identity. Only this class creates paths under it.
//
// Verified, not trusted: the directory and its folders must be owned by the user running s3proc
// and not writable by its group or others, since whoever can write there could swap what s3proc
// reads, writes and removes. They are opened once, and what this class does in them afterwards
// goes through those descriptors (openat, unlinkat, renameat, never following a link), so a
// folder renamed or swapped for a symlink later changes nothing.
class WorkDir {
 public:
  // Creates (if needed) the directory, with any missing parent, and downloads/, processed/,
  // state/ with mode 0700 (the umask may narrow it); a symlink as the directory itself is
  // resolved once, and the directory it names is the one used and checked. Refuses any folder
  // that is a symlink (kIoError), or that is not owned by the effective user or is writable by
  // group or others (kInvalidArgument, naming the folder, its owner and mode, and the fix).
  // Removes leftovers of a crashed run from downloads/ and processed/; takes the lock (flock on
  // .s3proc.lock). Returns kIoError when the directory is unusable, kPreconditionFailed when
  // another process holds the lock (a run is still busy here).
  static Result<WorkDir> Open(const std::string& path);

  WorkDir(WorkDir&& other) noexcept = default;
  WorkDir& operator=(WorkDir&&) = delete;
  ~WorkDir() = default;

  // The directory's path, symlinks resolved.
  const std::string& root() const { return root_; }
  std::string downloads() const { return root_ + "/downloads"; }
  std::string processed() const { return root_ + "/processed"; }
  // The folders, open: remove a local copy with unlinkat on these, not by path.
  int downloads_fd() const { return downloads_fd_.get(); }
  int processed_fd() const { return processed_fd_.get(); }

  // This processor's identity: "<host>:<random id>", made once and kept in .s3proc-id, so the
  // next run on this work dir recognises the leases of a run that was killed.
  const std::string& identity() const { return identity_; }

  // Counts attempts at one input version across runs: returns the count including this
  // attempt. A run that crashes while processing an object still counts, so an object that
  // crashes s3proc ends in errors/ instead of looping for ever. Kept in one append-only log,
  // state/attempts.log ("S <id>" when an attempt starts, "D <id>" when the object is finished),
  // compacted by Open(): two small appends per object instead of a file each. Thread-safe.
  int RecordAttempt(const std::string& key, const std::string& etag);
  void ClearAttempts(const std::string& key, const std::string& etag);

 private:
  WorkDir() = default;
  Status OpenAttemptsLog();
  void AppendAttempts(const std::string& line);
  std::string root_;
  std::string identity_;
  ScopedFd root_fd_;
  ScopedFd lock_fd_;  // closing it releases the flock
  ScopedFd downloads_fd_;
  ScopedFd processed_fd_;
  ScopedFd state_fd_;
  ScopedFd attempts_fd_;
  std::unique_ptr<std::mutex> attempts_mu_ = std::make_unique<std::mutex>();
  std::unordered_map<std::string, int> attempts_;  // unfinished inputs -> attempts so far
};

}  // namespace s3proc
