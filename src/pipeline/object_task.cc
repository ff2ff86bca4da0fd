#include "pipeline/object_task.h"

#include <stdio.h>
#include <unistd.h>

#include "common/atomic_file.h"
#include "common/local_path.h"
#include "common/logging.h"
#include "pipeline/destination_keys.h"
#include "pipeline/missing_key.h"
#include "s3proc_version.h"

namespace s3proc {

namespace {

// Object metadata that ties an output (or error copy) to the exact input it came from.
constexpr char kSourceEtagMeta[] = "s3proc-source-etag";
constexpr char kSourceVersionMeta[] = "s3proc-source-version";

// Ties an output or error copy to the exact input version it came from.
std::vector<std::pair<std::string, std::string>> SourceMetadata(const ObjectInfo& stored) {
  std::vector<std::pair<std::string, std::string>> metadata = {{kSourceEtagMeta, stored.etag}};
  if (!stored.version_id.empty()) metadata.emplace_back(kSourceVersionMeta, stored.version_id);
  return metadata;
}

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
                       WorkDir& work_dir, std::string processed_at)
    : config_(config),
      store_(store),
      router_(router),
      work_dir_(work_dir),
      processed_at_(std::move(processed_at)) {}

// One object's state through the stages.
struct ObjectTask::Job {
  const ObjectSummary& listed;  // as listed
  const DestinationKeys& dest;
  Processor& processor;
  const TaskOptions& options;
  const int attempts;  // including this one
  const std::string downloaded;
  const std::string processed;
  bool fetched = false;
  ObjectInfo stored;      // what Fetch got (set once fetched)
  ObjectSummary current;  // the listed object with the fetched ETag and size

  // An outcome with what is known so far: after Fetch, the exact version to delete.
  ObjectOutcome Outcome(ObjectOutcome::Kind kind, std::string reason = "") const {
    ObjectOutcome out;
    out.kind = kind;
    out.processor = processor.name();
    out.reason = std::move(reason);
    out.bytes_in = fetched ? stored.size : listed.size;
    if (fetched) out.input = {listed.key, stored.version_id, stored.etag};
    return out;
  }
};

namespace {

// Removes an object's local copies on every way out of Run, unless asked to keep them.
class LocalCopiesGuard {
 public:
  LocalCopiesGuard(const std::string& downloaded, const std::string& processed, bool keep)
      : downloaded_(downloaded), processed_(processed), keep_(keep) {}
  ~LocalCopiesGuard() {
    if (keep_) return;
    ::unlink(downloaded_.c_str());
    ::unlink(processed_.c_str());
  }
  LocalCopiesGuard(const LocalCopiesGuard&) = delete;
  LocalCopiesGuard& operator=(const LocalCopiesGuard&) = delete;

 private:
  const std::string& downloaded_;
  const std::string& processed_;
  const bool keep_;
};

}  // namespace

ObjectOutcome ObjectTask::Run(const ObjectSummary& object, const TaskOptions& options) {
  const DestinationKeys dest = DestinationsFor(config_, object.key);
  if (options.check_existing) {
    if (std::optional<ObjectOutcome> stored = FindStoredOutput(object, dest)) return *stored;
  }
  Job job{
      object,
      dest,
      router_.Route(dest.relative),
      options,
      options.attempts > 0 ? options.attempts : work_dir_.RecordAttempt(object.key, object.etag),
      LocalPathForKey(work_dir_.downloads(), object.key),
      LocalPathForKey(work_dir_.processed(), object.key)};
  LocalCopiesGuard guard(job.downloaded, job.processed, config_.keep_local_files);

  if (Status fetched = Fetch(job); !fetched.ok()) {
    if (!fetched.IsNotFound()) return job.Outcome(ObjectOutcome::Kind::kFailed, fetched.message());
    work_dir_.ClearAttempts(object.key, object.etag);
    return job.Outcome(ObjectOutcome::Kind::kGone, fetched.message());
  }
  if (job.attempts > config_.max_attempts) {
    return RouteToErrors(job, "gave up after " + std::to_string(job.attempts - 1) +
                                  " attempts that did not finish (transient errors or a crash)");
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
  for (const std::string* key : {&dest.output_key, &dest.error_key}) {
    if (!AlreadyStored(*key, object.etag)) continue;
    ObjectOutcome out;
    out.kind = ObjectOutcome::Kind::kAlreadyDone;
    out.processor = router_.Route(dest.relative).name();
    out.bytes_in = object.size;
    out.input = {object.key, ""};
    out.destination = *key;
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
    if (head->etag != object.etag) return std::nullopt;  // overwritten: process the new content
    out.input.version_id = head->version_id;
    out.input.etag = head->etag;
    return out;
  }
  return std::nullopt;
}

bool ObjectTask::AlreadyStored(const std::string& key, const std::string& source_etag) {
  if (key.empty()) return false;
  auto head = store_.Head(key);
  if (!head.ok()) return false;
  for (const auto& [name, value] : head->metadata) {
    if (name == kSourceEtagMeta && value == source_etag) return true;
  }
  return false;
}

Status ObjectTask::Fetch(Job& job) {
  // Download to a temp name, then rename: a killed run never leaves a partial file under the
  // final name.
  AtomicFile download(job.downloaded);
  auto stored = store_.Download(job.listed.key, "", download.temp_path());
  // Gone since the listing (another processor finished it) is NotFound; on AWS that can be a 403.
  if (!stored.ok()) return ResolveAccessDenied(store_, job.listed.key, stored.status());
  job.stored = std::move(*stored);
  if (!download.Commit().ok()) {
    return Status::IoError("cannot rename the download into " + job.downloaded);
  }
  job.fetched = true;
  job.current = job.listed;
  job.current.etag = job.stored.etag;  // what we process is what we got, even if overwritten since
  job.current.size = job.stored.size;
  return Status::Ok();
}

Status ObjectTask::Transform(Job& job) {
  ProcessContext context;
  context.source_key = job.listed.key;
  context.source_size = job.stored.size;
  context.source_etag = job.stored.etag;
  context.source_sha256 = job.stored.sha256_hex;
  context.processed_at = processed_at_;
  AtomicFile output(job.processed);
  Status processed = job.processor.Process(job.downloaded, output.temp_path(), context);
  if (processed.IsRejected()) return processed;
  if (!processed.ok()) return processed.WithContext("processing");
  if (!output.Commit().ok()) {
    return Status::IoError("cannot rename the output into " + job.processed);
  }
  return Status::Ok();
}

ObjectOutcome ObjectTask::Store(Job& job) {
  PutOptions put;
  put.content_type = job.processor.content_type();
  put.metadata = SourceMetadata(job.stored);
  bool existed = false;
  auto uploaded = StoreOnce(job, job.dest.output_key, job.processed, put, &existed);
  if (!uploaded.ok()) return job.Outcome(ObjectOutcome::Kind::kFailed, uploaded.status().message());
  work_dir_.ClearAttempts(job.listed.key, job.listed.etag);
  ObjectOutcome out =
      job.Outcome(existed ? ObjectOutcome::Kind::kAlreadyDone : ObjectOutcome::Kind::kDone);
  out.bytes_out = uploaded->size;
  out.destination = job.dest.output_key;
  return out;
}

ObjectOutcome ObjectTask::RouteToErrors(Job& job, const std::string& reason) {
  ObjectOutcome out = job.Outcome(ObjectOutcome::Kind::kFailed, reason);
  if (job.options.create_only && AlreadyStored(job.dest.error_key, job.stored.etag)) {
    // Another delivery of this event routed it already: write neither file again.
    out.kind = ObjectOutcome::Kind::kAlreadyDone;
    out.destination = job.dest.error_key;
    return out;
  }
  // The reason first: an error copy never exists without it.
  PutOptions json;
  json.content_type = "application/json";
  auto why = store_.PutBytes(job.dest.reason_key,
                             ReasonDocument(job.current, job.stored, job.processor.name(), reason,
                                            processed_at_, job.attempts),
                             json);
  if (!why.ok()) {
    out.reason = "storing the rejection reason: " + why.status().message();
    return out;
  }
  // The unchanged input: uploaded from the bytes we downloaded (exactly the version we
  // processed, byte for byte, whatever its size).
  PutOptions copy;
  copy.content_type = job.stored.content_type;
  copy.metadata = SourceMetadata(job.stored);
  bool existed = false;
  auto copied = StoreOnce(job, job.dest.error_key, job.downloaded, copy, &existed);
  if (!copied.ok()) {
    out.reason = "storing the error copy: " + copied.status().message();
    return out;
  }
  work_dir_.ClearAttempts(job.listed.key, job.listed.etag);
  out.kind = existed ? ObjectOutcome::Kind::kAlreadyDone : ObjectOutcome::Kind::kRejected;
  out.destination = job.dest.error_key;
  return out;
}

Result<PutResult> ObjectTask::StoreOnce(const Job& job, const std::string& key,
                                        const std::string& local_path, const PutOptions& put,
                                        bool* existed) {
  *existed = false;
  if (!job.options.create_only) return store_.Upload(key, local_path, put);
  PutOptions create = put;
  create.if_none_match_any = true;
  auto created = store_.Upload(key, local_path, create);
  if (!created.status().IsPreconditionFailed()) return created;
  // Someone stored this key first: another delivery of the same event (keep its copy), or an
  // output of an older version of the input (replace it, as listing mode does).
  if (AlreadyStored(key, job.stored.etag)) {
    *existed = true;
    return PutResult{};
  }
  return store_.Upload(key, local_path, put);
}

}  // namespace s3proc
