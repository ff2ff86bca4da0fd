#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "config/run_config.h"
#include "pipeline/destination_keys.h"
#include "pipeline/work_dir.h"
#include "processors/processor_router.h"
#include "store/object_store.h"

namespace s3proc {

// What became of one input object.
struct ObjectOutcome {
  enum class Kind {
    kDone,         // output stored and verified: delete the input
    kRejected,     // unchanged copy and reason stored under errors/: delete the input
    kAlreadyDone,  // an interrupted run had stored its output: delete the input
    kGone,         // vanished before we could read it (another processor finished it)
    kFailed,       // could not finish: leave the input for the next run
  };
  Kind kind = Kind::kFailed;
  // The exact version to delete (kDone, kRejected, kAlreadyDone): its version id, or on an
  // unversioned bucket its ETag, so that a newer upload under the same key is not deleted.
  ObjectId input;
  std::string destination;  // output or error key
  std::string processor;
  std::string reason;  // kRejected, kFailed
  uint64_t bytes_in = 0;
  uint64_t bytes_out = 0;
};

// How one object is to be taken through its stages.
struct TaskOptions {
  // Look for a stored output (or error copy) of this input version before processing: an earlier
  // holder of the object (a recovered shard, a redelivered queue message) may have stored it.
  bool check_existing = false;
  // The attempts so far, this one included (queue mode: the message's receive count); 0: count
  // them in the work dir (listing mode).
  int attempts = 0;
  // Store outputs and error copies only if absent (If-None-Match: *); when one exists, it is
  // kept if it came from this input's ETag (kAlreadyDone) and replaced otherwise. Queue mode
  // sets it: two deliveries of one event on two hosts then store one output version, not two.
  bool create_only = false;
};

// Takes one object through its stages, leaving the input for the caller to delete:
//   FindStoredOutput (only for a recovered shard) -> Fetch (download) -> Transform (the
//   processor) -> Store (upload), or -> RouteToErrors when the processor rejects the content,
//   the attempts are used up, or the output key cannot exist.
// Thread-safe: one instance serves every worker.
class ObjectTask {
 public:
  // All references must outlive the task. `processed_at` is the run's RFC 3339 time.
  ObjectTask(const RunConfig& config, ObjectStore& store, const ProcessorRouter& router,
             WorkDir& work_dir, std::string processed_at);

  // `check_existing`: an earlier holder of this object's shard died; look for its output (or
  // error copy) of this very input version before processing again.
  ObjectOutcome Run(const ObjectSummary& object, bool check_existing) {
    return Run(object, TaskOptions{.check_existing = check_existing});
  }
  ObjectOutcome Run(const ObjectSummary& object, const TaskOptions& options);

 private:
  struct Job;

  // kAlreadyDone (or kGone / kFailed from reading the input's version) when an output or error
  // copy of this input's ETag is stored; nullopt when the object must be processed.
  std::optional<ObjectOutcome> FindStoredOutput(const ObjectSummary& object,
                                                const DestinationKeys& dest);
  // Downloads the input to job.downloaded and fills job.stored. The store's error, or kIoError
  // when the download cannot be renamed into place.
  Status Fetch(Job& job);
  // Runs the processor into job.processed. kRejected: the content is bad.
  Status Transform(Job& job);
  // Uploads job.processed to the output key.
  ObjectOutcome Store(Job& job);
  // Stores the reason, then the unchanged input, under errors/.
  ObjectOutcome RouteToErrors(Job& job, const std::string& reason);
  bool AlreadyStored(const std::string& key, const std::string& source_etag);
  // Uploads `local_path` under `key`, create-only when options.create_only asks. Returns the
  // store's result; `*existed` is set when an output of this same input was already there
  // (then nothing was written).
  Result<PutResult> StoreOnce(const Job& job, const std::string& key, const std::string& local_path,
                              const PutOptions& put, bool* existed);

  const RunConfig& config_;
  ObjectStore& store_;
  const ProcessorRouter& router_;
  WorkDir& work_dir_;
  const std::string processed_at_;
};

}  // namespace s3proc
