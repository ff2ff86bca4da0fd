#include "pipeline/object_task.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <optional>

#include "common/atomic_file.h"
#include "common/local_path.h"
#include "common/logging.h"
#include "pipeline/destination_keys.h"
#include "pipeline/missing_key.h"
#include "pipeline/provenance.h"
#include "s3proc_version.h"

namespace s3proc {

namespace {

std::string ReasonDocument(const ObjectSummary& object, const ObjectInfo& stored,
                           const std::string& processor, const std::string& reason,
                           const std::string& processed_at, int attempts) {
  std::string out = "{\"source_key\":\"";
  AppendJsonEscaped(out, object.key);
  out += "\",\"source_version\":\"";
  AppendJsonEscaped(out, stored.version_id);
  out += "\",\"source_etag\":\"";
  AppendJsonEscaped(out, stored.etag);
  out += "\",\"size\":" + std::to_string(object.size) + ",\"processor\":\"";
  AppendJsonEscaped(out, processor);
  out += "\",\"reason\":\"";
  AppendJsonEscaped(out, reason);
  out += "\",\"attempts\":" + std::to_string(attempts) + ",\"time\":\"" + processed_at +
         "\",\"s3proc_version\":\"" S3PROC_VERSION "\"}\n";
  return out;
}

}  // namespace

ObjectTask::ObjectTask(const RunConfig& config, ObjectStore& store, const ProcessorRouter& router,
                       WorkDir& work_dir, std::string processed_at, FreeSpaceProbe free_space)
    : config_(config),
      store_(store),
      router_(router),
      work_dir_(work_dir),
      processed_at_(std::move(processed_at)),
      free_space_(std::move(free_space)) {}

// One object's state through the stages.
struct ObjectTask::Job {
  const ObjectSummary& listed;  // as listed
  const DestinationKeys& dest;
  Processor& processor;
  const TaskOptions& options;
  const int attempts;  // including this one
  const std::string downloaded;
  const std::string processed;
  bool fetched = false;    // downloaded: `downloaded` holds the bytes
  bool described = false;  // fetched, or described by a HEAD (RouteUnread)
  ObjectInfo stored;       // what Fetch or Describe got (set once described)
  ObjectSummary current;   // the listed object with the fetched ETag and size
  // What the processor said for the local log only (the exec command's stderr as written),
  // beside a rejection's reason, which is published in errors/.
  std::string local_detail;

  // An outcome with what is known so far: after Fetch, the exact version to delete.
  ObjectOutcome Outcome(ObjectOutcome::Kind kind, std::string reason = "") const {
    ObjectOutcome out;
    out.kind = kind;
    out.processor = processor.name();
    out.reason = std::move(reason);
    out.bytes_in = described ? stored.size : listed.size;
    if (described) out.input = {listed.key, stored.version_id, stored.etag};
    return out;
  }
};

namespace {

// Removes an object's local copies on every way out of Run, unless asked to keep them. Through
// the work dir's open folders: a folder swapped for a link since the work dir was opened is
// not followed.
class LocalCopiesGuard {
 public:
  LocalCopiesGuard(const WorkDir& work_dir, std::string local_name, bool keep)
      : work_dir_(work_dir), local_name_(std::move(local_name)), keep_(keep) {}
  ~LocalCopiesGuard() {
    if (keep_) return;
    ::unlinkat(work_dir_.downloads_fd(), local_name_.c_str(), 0);
    ::unlinkat(work_dir_.processed_fd(), local_name_.c_str(), 0);
  }
  LocalCopiesGuard(const LocalCopiesGuard&) = delete;
  LocalCopiesGuard& operator=(const LocalCopiesGuard&) = delete;

 private:
  const WorkDir& work_dir_;
  const std::string local_name_;
  const bool keep_;
};

// Where a task writes one of its local copies. When the copies are kept, someone may read them:
// the copy appears under its name whole or not at all (a temp name, then a rename). Otherwise
// only this task reads it, and a killed run's partial copy is a leftover the next run removes
// (WorkDir::Open), so it is written under its own name: one rename fewer per copy.
class LocalCopy {
 public:
  LocalCopy(const std::string& path, bool kept) : path_(path) {
    if (kept) atomic_.emplace(path);
  }
  const std::string& write_path() const { return atomic_ ? atomic_->temp_path() : path_; }
  Status Commit() { return atomic_ ? atomic_->Commit() : Status::Ok(); }

 private:
  const std::string& path_;
  std::optional<AtomicFile> atomic_;
};

}  // namespace

ObjectOutcome ObjectTask::Run(const ObjectSummary& object, const TaskOptions& options) {
  const DestinationKeys dest = DestinationsFor(config_, object.key);
  const int attempts =
      options.attempts > 0 ? options.attempts : work_dir_.RecordAttempt(object.key, object.etag);
  // An attempt that did not finish may have stored the result before it stopped: found, it is
  // done (and giving up on it now would route to errors an input whose output is stored).
  if (options.check_existing || attempts > 1) {
    if (std::optional<ObjectOutcome> stored = FindStoredOutput(object, dest)) {
      if (stored->kind == ObjectOutcome::Kind::kAlreadyDone ||
          stored->kind == ObjectOutcome::Kind::kGone) {
        work_dir_.ClearAttempts(object.key, object.etag);
      }
      return *stored;
    }
  }
  const uint64_t instance = ++runs_started_;
  Job job{object,
          dest,
          router_.Route(dest.relative),
          options,
          attempts,
          LocalPathForKey(work_dir_.downloads(), object.key, instance),
          LocalPathForKey(work_dir_.processed(), object.key, instance)};
  LocalCopiesGuard guard(work_dir_, LocalNameForKey(object.key, instance),
                         config_.keep_local_files);

  // Size before work: what cannot or must not be downloaded is decided from the listed size
  // (or the event's), and an attempt that failed before or during its download counts.
  const std::string no_room = NoRoomReason(job);
  if (job.attempts > config_.max_attempts) {
    return RouteUnread(job, "gave up after " + std::to_string(job.attempts - 1) +
                                " attempts that did not finish (transient errors or a crash)" +
                                (no_room.empty() ? "" : "; " + no_room));
  }
  if (config_.max_object_bytes > 0 && object.size > config_.max_object_bytes) {
    return RouteUnread(job, "object is " + std::to_string(object.size) +
                                " bytes, larger than max_object_bytes " +
                                std::to_string(config_.max_object_bytes));
  }
  if (!no_room.empty()) return job.Outcome(ObjectOutcome::Kind::kFailed, no_room);
  if (Status fetched = Fetch(job); !fetched.ok()) {
    if (!fetched.IsNotFound()) return job.Outcome(ObjectOutcome::Kind::kFailed, fetched.message());
    work_dir_.ClearAttempts(object.key, object.etag);
    return job.Outcome(ObjectOutcome::Kind::kGone, fetched.message());
  }
  if (dest.output_key.empty()) {
    return RouteToErrors(job, "the output key would be longer than S3's 1024-byte limit");
  }
  Status transformed = Transform(job);
  if (transformed.IsRejected()) return RouteToErrors(job, transformed.message());
  if (!transformed.ok()) return job.Outcome(ObjectOutcome::Kind::kFailed, transformed.message());
  return Store(job);
}

std::optional<ObjectOutcome> ObjectTask::FindStoredOutput(const ObjectSummary& object,
                                                          const DestinationKeys& dest) {
  const ErrorNames renamed = AlternativeErrorNames(config_, dest.relative, object.etag);
  struct Place {
    const std::string& key;
    Destination destination;
  };
  const Place places[] = {
      {dest.output_key, {Role::kOutput, true, object.key, object.etag}},
      {dest.error_key, {Role::kErrorCopy, true, object.key, object.etag}},
      {renamed.copy_key, {Role::kErrorCopy, false, object.key, object.etag}},
  };
  for (const auto& [key, destination] : places) {
    if (key.empty()) continue;
    ObjectOutcome out;
    out.processor = router_.Route(dest.relative).name();
    out.bytes_in = object.size;
    out.input = {object.key, ""};
    auto found = Look(key);
    if (!found.ok()) {
      // Not knowing is not "absent": processing again could store a second output.
      out.kind = ObjectOutcome::Kind::kFailed;
      out.reason = "looking for a stored output of this input: " + found.status().message();
      return out;
    }
    if (!*found) continue;
    const Ownership owner = OwnershipOf(**found, destination);
    // A newer version's output that replaced this version's (versioned buckets): this version
    // was processed, and became current again when the newer one was deleted.
    const std::string replaced =
        destination.role == Role::kOutput ? ReplacedSourceVersionOf(**found) : std::string();
    const bool superseded = owner == Ownership::kOtherVersion && !replaced.empty();
    if (owner != Ownership::kThisVersion && !superseded) continue;
    out.kind = ObjectOutcome::Kind::kAlreadyDone;
    out.destination = key;
    // The version is unknown without a GET; deleting the current version is right unless a
    // producer overwrote the input since: then its etag differs and we do not get here for
    // the new one, so read the version to be exact.
    auto head = store_.Head(object.key);
    if (!head.ok()) {
      // AWS answers 403 for a missing key to a role that may list only some prefixes.
      Status why = ResolveAccessDenied(store_, object.key, head.status());
      out.kind = why.IsNotFound() ? ObjectOutcome::Kind::kGone : ObjectOutcome::Kind::kFailed;
      out.reason = why.message();
      return out;
    }
    if (head->etag != object.etag) {
      // Another version is current now: it has its own listing or event. This one was
      // processed; on a versioned bucket its output names it, so delete exactly it (left for a
      // later look, a newer version deleted meanwhile would make it current again, and
      // whatever took it then would process it twice).
      const std::string processed_version = SourceVersionOf(**found);
      if (owner != Ownership::kThisVersion || processed_version.empty()) return std::nullopt;
      out.input = {object.key, processed_version, ""};
      return out;
    }
    if (superseded && head->version_id != replaced) continue;
    out.input.version_id = head->version_id;
    if (owner == Ownership::kThisVersion && !replaced.empty() && replaced != head->version_id) {
      // The version this output replaced may still be there if its delete never happened.
      out.earlier_versions_done.push_back({object.key, replaced});
    }
    out.input.etag = head->etag;
    return out;
  }
  return std::nullopt;
}

Result<std::optional<ObjectInfo>> ObjectTask::Look(const std::string& key) {
  auto head = store_.Head(key);
  if (head.ok()) return std::optional<ObjectInfo>(std::move(*head));
  // AWS answers 403 for a missing key to a role that may list only some prefixes.
  Status why = ResolveAccessDenied(store_, key, head.status());
  if (why.IsNotFound()) return std::optional<ObjectInfo>();
  return why;
}

Status ObjectTask::Fetch(Job& job) {
  LocalCopy download(job.downloaded, config_.keep_local_files);
  auto stored = store_.Download(job.listed.key, "", download.write_path());
  // Gone since the listing (another processor finished it) is NotFound; on AWS that can be a 403.
  if (!stored.ok()) return ResolveAccessDenied(store_, job.listed.key, stored.status());
  job.stored = std::move(*stored);
  if (!download.Commit().ok()) {
    return Status::IoError("cannot rename the download into " + job.downloaded);
  }
  job.fetched = true;
  job.described = true;
  job.current = job.listed;
  job.current.etag = job.stored.etag;  // what we process is what we got, even if overwritten since
  job.current.size = job.stored.size;
  return Status::Ok();
}

Status ObjectTask::Describe(Job& job) {
  auto head = store_.Head(job.listed.key);
  if (!head.ok()) return ResolveAccessDenied(store_, job.listed.key, head.status());
  job.stored = std::move(*head);
  job.described = true;
  job.current = job.listed;
  job.current.etag = job.stored.etag;
  job.current.size = job.stored.size;
  return Status::Ok();
}

std::string ObjectTask::NoRoomReason(const Job& job) const {
  auto free = free_space_(work_dir_.downloads());
  // Not knowing is no reason to refuse: the download itself fails if the disk is full.
  if (!free.ok() || job.listed.size <= *free) return "";
  return "object is " + std::to_string(job.listed.size) + " bytes, larger than the free space " +
         std::to_string(*free) + " of the work dir";
}

ObjectOutcome ObjectTask::RouteUnread(Job& job, const std::string& reason) {
  if (Status described = Describe(job); !described.ok()) {
    if (!described.IsNotFound()) {
      return job.Outcome(ObjectOutcome::Kind::kFailed, described.message());
    }
    work_dir_.ClearAttempts(job.listed.key, job.listed.etag);
    return job.Outcome(ObjectOutcome::Kind::kGone, described.message());
  }
  if (!job.listed.etag.empty() && job.stored.etag != job.listed.etag) {
    // Replaced since it was listed (or announced): the reason (its attempts, its size) was the
    // old version's. The new one comes with its own listing or event, and may be on its way to
    // output/ in another run right now: routing it to errors/ would give it two places.
    work_dir_.ClearAttempts(job.listed.key, job.listed.etag);
    return job.Outcome(ObjectOutcome::Kind::kGone,
                       "replaced by a newer version (ETag " + job.stored.etag +
                           ") since it was listed; the newer one is processed on its own");
  }
  return RouteToErrors(job, reason);
}

Result<PutResult> ObjectTask::CopyInput(const Job& job, const std::string& key,
                                        PutOptions options) {
  // The version described, not whatever replaced it since (no version id: reading one needs
  // s3:GetObjectVersion, which the role does not have).
  options.copy_source_if_match = job.stored.etag;
  options.copy_source_size = job.stored.size;  // over 5 GiB, S3 copies it in parts
  return store_.Copy(job.listed.key, "", key, options);
}

Status ObjectTask::Transform(Job& job) {
  ProcessContext context;
  context.source_key = job.listed.key;
  context.source_size = job.stored.size;
  context.source_etag = job.stored.etag;
  context.source_sha256 = job.stored.sha256_hex;
  context.processed_at = processed_at_;
  context.local_detail = &job.local_detail;
  LocalCopy output(job.processed, config_.keep_local_files);
  Status processed = job.processor.Process(job.downloaded, output.write_path(), context);
  if (processed.IsRejected()) return processed;
  if (!processed.ok()) return processed.WithContext("processing");
  if (!output.Commit().ok()) {
    return Status::IoError("cannot rename the output into " + job.processed);
  }
  return Status::Ok();
}

ObjectOutcome ObjectTask::Store(Job& job) {
  const std::string& key = job.dest.output_key;
  PutOptions put;
  put.content_type = job.processor.content_type(job.listed.key);
  put.metadata = ProvenanceMetadata(Role::kOutput, job.listed.key, job.stored);
  auto stored = StoreCreateOnly(
      key, {Role::kOutput, true, job.listed.key, job.stored.etag, job.stored.version_id}, put,
      [&](const PutOptions& o) { return store_.Upload(key, job.processed, o); });
  if (!stored.ok()) return job.Outcome(ObjectOutcome::Kind::kFailed, stored.status().message());
  if (stored->placed == Placed::kTaken) {
    return RouteToErrors(job, key +
                                  " already exists and was not written by s3proc for this "
                                  "input; it was left unchanged");
  }
  work_dir_.ClearAttempts(job.listed.key, job.listed.etag);
  ObjectOutcome out =
      job.Outcome(stored->placed == Placed::kAlreadyThere ? ObjectOutcome::Kind::kAlreadyDone
                                                          : ObjectOutcome::Kind::kDone);
  out.bytes_out = stored->put.size;
  out.destination = key;
  if (!stored->replaced_version.empty() && stored->replaced_version != job.stored.version_id) {
    out.earlier_versions_done.push_back({job.listed.key, stored->replaced_version});
  }
  return out;
}

ObjectOutcome ObjectTask::RouteToErrors(Job& job, const std::string& reason) {
  // The log line gets the whole story; the reason file what may be published.
  ObjectOutcome out = job.Outcome(ObjectOutcome::Kind::kFailed,
                                  job.local_detail.empty() ? reason : job.local_detail);
  const ErrorNames first{job.dest.error_key, job.dest.reason_key};
  const ErrorNames renamed = AlternativeErrorNames(config_, job.dest.relative, job.stored.etag);
  const ErrorNames* names = &first;
  auto placed = StoreErrorPair(job, first, /*first_choice=*/true, reason);
  if (placed.ok() && *placed == Placed::kTaken) {
    names = &renamed;
    placed = StoreErrorPair(job, renamed, /*first_choice=*/false, reason);
  }
  if (!placed.ok()) {
    out.reason = placed.status().message();
    return out;
  }
  if (*placed == Placed::kTaken) {
    out.reason = "cannot route to " + config_.error_prefix + ": " + first.copy_key + " and " +
                 renamed.copy_key +
                 " (or their .error.json) hold objects s3proc did not write for this input, "
                 "left unchanged; move them away and the next run stores it (rejected: " +
                 reason + ")";
    return out;
  }
  work_dir_.ClearAttempts(job.listed.key, job.listed.etag);
  out.kind = *placed == Placed::kAlreadyThere ? ObjectOutcome::Kind::kAlreadyDone
                                              : ObjectOutcome::Kind::kRejected;
  out.destination = names->copy_key;
  return out;
}

Result<ObjectTask::Placed> ObjectTask::StoreErrorPair(const Job& job, const ErrorNames& names,
                                                      bool first_choice,
                                                      const std::string& reason) {
  const std::string& input_key = job.listed.key;
  // The reason first: an error copy never exists without it.
  PutOptions json;
  json.content_type = "application/json";
  json.metadata = ProvenanceMetadata(Role::kReason, input_key, job.stored);
  const std::string document = ReasonDocument(job.current, job.stored, job.processor.name(), reason,
                                              processed_at_, job.attempts);
  auto why = StoreCreateOnly(
      names.reason_key, {Role::kReason, first_choice, input_key, job.stored.etag}, json,
      [&](const PutOptions& o) { return store_.PutBytes(names.reason_key, document, o); });
  if (!why.ok()) return why.status().WithContext("storing the rejection reason");
  if (why->placed == Placed::kTaken) return Placed::kTaken;
  // The unchanged input: uploaded from the bytes we downloaded (exactly the version we
  // processed, byte for byte, whatever its size), or copied by the server when it was not
  // downloaded.
  PutOptions copy;
  copy.content_type = job.stored.content_type;
  copy.metadata = ProvenanceMetadata(Role::kErrorCopy, input_key, job.stored);
  auto copied =
      StoreCreateOnly(names.copy_key, {Role::kErrorCopy, first_choice, input_key, job.stored.etag},
                      copy, [&](const PutOptions& o) {
                        return job.fetched ? store_.Upload(names.copy_key, job.downloaded, o)
                                           : CopyInput(job, names.copy_key, o);
                      });
  if (!copied.ok()) return copied.status().WithContext("storing the error copy");
  if (copied->placed != Placed::kTaken) return copied->placed;
  // Our reason beside another object would be read as that object's (by status and redrive):
  // remove it. It is this input's reason (stored now, or found as this version's). Deleted
  // without a version id: on a versioned bucket that hides it under a delete marker, which needs
  // only s3:DeleteObject (the instance role has no s3:DeleteObjectVersion on errors/).
  auto removed = store_.Delete({{names.reason_key, ""}});
  Status problem = removed.ok() ? Status::Ok() : removed.status();
  if (removed.ok() && !removed->failures.empty()) problem = removed->failures.front().status;
  if (!problem.ok()) {
    return problem.WithContext("removing " + names.reason_key + " (" + names.copy_key +
                               " is taken)");
  }
  return Placed::kTaken;
}

Result<ObjectTask::Placement> ObjectTask::StoreCreateOnly(const std::string& key,
                                                          const Destination& destination,
                                                          const PutOptions& options,
                                                          const PutFunction& put) {
  // Each write is conditional on what was last seen at the key, so a write that races another
  // (or is retried after its answer was lost) never lands over it: create-only while the key is
  // free, replace-only (If-Match) over an older version's output. When the condition fails, what
  // is there now decides again; a key that keeps changing is left for the next run.
  constexpr int kRounds = 4;
  PutOptions attempt = options;
  attempt.if_none_match_any = true;
  std::string replaced_version;
  for (int round = 1;; ++round) {
    auto written = put(attempt);
    if (written.ok()) return Placement{Placed::kStored, *written, replaced_version};
    const bool replacing = !attempt.if_match_etag.empty();
    // S3 answers a replace-only write to a key that is gone 404 NoSuchKey.
    if (!written.status().IsPreconditionFailed() && !(replacing && written.status().IsNotFound())) {
      return written.status();
    }
    if (round == kRounds) {
      return Status::Transient("store " + key + ": it changed " + std::to_string(kRounds) +
                               " times while s3proc wrote it; left for the next run");
    }
    // Whose is it now? A failed look leaves the object for the next run: writing without
    // knowing could replace another input's object.
    S3PROC_ASSIGN_OR_RETURN(std::optional<ObjectInfo> found, Look(key));
    attempt = options;
    replaced_version.clear();
    if (!found) {
      attempt.if_none_match_any = true;  // gone since: create it
      continue;
    }
    const Ownership owner = OwnershipOf(*found, destination);
    if (owner == Ownership::kThisVersion) {
      // Another delivery of this very input (or an interrupted attempt) stored it: keep it.
      return Placement{Placed::kAlreadyThere, PutResult{}};
    }
    if (owner != Ownership::kOtherVersion || destination.role != Role::kOutput) {
      // Error copies and reasons of another version are kept: they may be that version's only
      // copy. What s3proc did not write is never replaced.
      return Placement{Placed::kTaken, PutResult{}};
    }
    if (!destination.source_version.empty() &&
        ReplacedSourceVersionOf(*found) == destination.source_version) {
      // This very version was processed, and a newer version's output replaced its own: it
      // became current again when the newer one was deleted. Done; the newer output stays.
      return Placement{Placed::kAlreadyThere, PutResult{}};
    }
    // An output follows its input: an older version's is replaced, and the replacement names
    // that version.
    attempt.if_match_etag = found->etag;
    for (auto& entry : ReplacedMetadata(*found)) attempt.metadata.push_back(std::move(entry));
    replaced_version = SourceVersionOf(*found);
  }
}

}  // namespace s3proc
