#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/free_space.h"
#include "config/run_config.h"
#include "pipeline/destination_keys.h"
#include "pipeline/provenance.h"
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
  // Earlier versions of the input whose output this one replaced (versioned buckets): they were
  // processed, but a run stopped before deleting them, and deleting `input` would make them
  // current again, to be processed a second time. Deleted with `input`.
  std::vector<ObjectId> earlier_versions_done;
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
};

// Takes one object through its stages, leaving the input for the caller to delete:
//   FindStoredOutput (only for a recovered shard) -> Fetch (download) -> Transform (the
//   processor) -> Store (upload), or -> RouteToErrors when the processor rejects the content,
//   the output key cannot exist or is taken. Size before work: an object whose attempts are
//   used up, or larger than max_object_bytes, is routed to errors/ without being downloaded
//   (RouteUnread: a server-side copy); one larger than the work dir's free space is a failed
//   attempt, not downloaded either.
// Every object is stored create-only and carries its provenance (provenance.h): s3proc never
// overwrites an object it did not write for this input, and what a duplicate worker stored for
// this very input version is kept (kAlreadyDone), not written twice.
// Thread-safe: one instance serves every worker.
class ObjectTask {
 public:
  // All references must outlive the task. `processed_at` is the run's RFC 3339 time.
  ObjectTask(const RunConfig& config, ObjectStore& store, const ProcessorRouter& router,
             WorkDir& work_dir, std::string processed_at, FreeSpaceProbe free_space = FreeSpaceOf);

  // `check_existing`: an earlier holder of this object's shard died; look for its output (or
  // error copy) of this very input version before processing again.
  ObjectOutcome Run(const ObjectSummary& object, bool check_existing) {
    return Run(object, TaskOptions{.check_existing = check_existing});
  }
  ObjectOutcome Run(const ObjectSummary& object, const TaskOptions& options);

 private:
  struct Job;

  // What a create-only store did.
  enum class Placed {
    kStored,        // written now (or an output of another version of this input replaced)
    kAlreadyThere,  // this role's object for this very input version was there: nothing written
    kTaken,         // something else is there: left unchanged, nothing written
  };
  struct Placement {
    Placed placed = Placed::kTaken;
    PutResult put;  // kStored: what was written
    // kStored over an output of another version of this input: that version's id, if recorded.
    std::string replaced_version;
  };
  using PutFunction = std::function<Result<PutResult>(const PutOptions&)>;

  // kAlreadyDone (or kGone / kFailed from reading the input's version) when an output or error
  // copy of this input's ETag is stored; kFailed when looking failed; nullopt when the object
  // must be processed.
  std::optional<ObjectOutcome> FindStoredOutput(const ObjectSummary& object,
                                                const DestinationKeys& dest);
  // Downloads the input to job.downloaded and fills job.stored. The store's error, or kIoError
  // when the download cannot be renamed into place.
  Status Fetch(Job& job);
  // Describes the input (HEAD) instead of downloading it; fills job.stored. The store's error
  // (kNotFound when it is gone).
  Status Describe(Job& job);
  // Why the object must not be downloaded now ("" when it may): more bytes than the work dir's
  // free space.
  std::string NoRoomReason(const Job& job) const;
  // Routes the input to errors/ without downloading it: Describe, then RouteToErrors, whose
  // error copy is then a server-side copy (CopyInput).
  ObjectOutcome RouteUnread(Job& job, const std::string& reason);
  // Copies the input's described version to `key` inside the store: create-only even on a
  // server that ignores If-None-Match on a copy (the key is looked at first), and only while
  // the input is still that version.
  Result<PutResult> CopyInput(const Job& job, const std::string& key, PutOptions options);
  // Runs the processor into job.processed. kRejected: the content is bad.
  Status Transform(Job& job);
  // Uploads job.processed to the output key; routes the input to errors/ when the key is taken.
  ObjectOutcome Store(Job& job);
  // Stores the reason, then the unchanged input, under errors/: under their first-choice names,
  // or the alternative ones when those are taken; kFailed when both are.
  ObjectOutcome RouteToErrors(Job& job, const std::string& reason);
  // Stores one reason and error copy pair. kTaken when either name is taken (then neither is
  // left written: a reason this call stored is deleted again).
  Result<Placed> StoreErrorPair(const Job& job, const ErrorNames& names, bool first_choice,
                                const std::string& reason);
  // The object at `key` (HEAD); nullopt when there is none (a 403 for a missing key resolved as
  // ResolveAccessDenied does). Any other error is returned, never read as "absent".
  Result<std::optional<ObjectInfo>> Look(const std::string& key);
  // Stores with `put` under `key`, create-only (If-None-Match: *). When the key exists: kept if
  // this role's object for this very input version (kAlreadyThere); replaced if an output of
  // another version of this input (outputs follow their input), only while it is still that
  // object (If-Match on its ETag); otherwise kTaken. Errors, including a failed look after the
  // 412, are returned: never an unconditional write.
  Result<Placement> StoreCreateOnly(const std::string& key, const Destination& destination,
                                    const PutOptions& options, const PutFunction& put);

  const RunConfig& config_;
  ObjectStore& store_;
  const ProcessorRouter& router_;
  WorkDir& work_dir_;
  const std::string processed_at_;
  const FreeSpaceProbe free_space_;
  // Numbers each Run's local files, so that two runs of one key at once never share them.
  std::atomic<uint64_t> runs_started_{0};
};

}  // namespace s3proc
