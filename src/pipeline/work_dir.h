#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "common/result.h"

namespace s3proc {

// The local work directory of one processor: downloads/, processed/, state/, its lock and its
// identity. Only this class creates paths under it.
class WorkDir {
 public:
  // Creates (if needed) the directory and downloads/, processed/, state/ with mode
  // 0700 (the umask may narrow it), refusing any of them that is a symlink; removes leftovers
  // of a crashed run from downloads/ and processed/; takes the lock (flock on .s3proc.lock).
  // Returns kIoError when the directory is unusable, kPreconditionFailed when another process
  // holds the lock (a run is still busy here).
  static Result<WorkDir> Open(const std::string& path);

  WorkDir(WorkDir&& other) noexcept;
  WorkDir& operator=(WorkDir&&) = delete;
  ~WorkDir();

  const std::string& root() const { return root_; }
  std::string downloads() const { return root_ + "/downloads"; }
  std::string processed() const { return root_ + "/processed"; }

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
  int lock_fd_ = -1;
  int attempts_fd_ = -1;
  std::unique_ptr<std::mutex> attempts_mu_ = std::make_unique<std::mutex>();
  std::unordered_map<std::string, int> attempts_;  // unfinished inputs -> attempts so far
};

}  // namespace s3proc
