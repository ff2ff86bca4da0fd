#include "pipeline/object_task.h"

#include <stdio.h>
#include <unistd.h>

#include "common/atomic_file.h"
#include "common/local_path.h"
#include "common/logging.h"
#include "pipeline/destination_keys.h"
#include "s3proc_version.h"

namespace s3proc {

namespace {

// Object metadata that ties an output (or error copy) to the exact input it came from.
constexpr char kSourceEtagMeta[] = "s3proc-source-etag";
constexpr char kSourceVersionMeta[] = "s3proc-source-version";

std::string ContentTypeFor(const std::string& processor) {
  if (processor == "json") return "application/json";
  if (processor == "ndjson" || processor == "csv") return "application/x-ndjson";
  return "application/octet-stream";
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

bool ObjectTask::AlreadyStored(const std::string& key, const std::string& source_etag) {
  if (key.empty()) return false;
  auto head = store_.Head(key);
  if (!head.ok()) return false;
  for (const auto& [name, value] : head->metadata) {
    if (name == kSourceEtagMeta && value == source_etag) return true;
  }
  return false;
}

ObjectOutcome ObjectTask::Run(const ObjectSummary& object, bool check_existing) {
  const DestinationKeys dest = DestinationsFor(config_, object.key);
  Processor& processor = router_.Route(dest.relative);
  ObjectOutcome out;
  out.processor = processor.name();
  out.bytes_in = object.size;

  if (check_existing) {
    for (const std::string* key : {&dest.output_key, &dest.error_key}) {
      if (AlreadyStored(*key, object.etag)) {
        out.kind = ObjectOutcome::Kind::kAlreadyDone;
        out.input = {object.key, ""};
        out.destination = *key;
        // The version is unknown without a GET; deleting the current version is right unless a
        // producer overwrote the input since: then its etag differs and we do not get here for
        // the new one, so read the version to be exact.
        auto head = store_.Head(object.key);
        if (!head.ok()) {
          out.kind = head.status().IsNotFound() ? ObjectOutcome::Kind::kGone
                                                : ObjectOutcome::Kind::kFailed;
          out.reason = head.status().message();
          return out;
        }
        if (head->etag != object.etag) break;  // overwritten: process the new content
        out.input.version_id = head->version_id;
        return out;
      }
    }
  }

  const int attempts = work_dir_.RecordAttempt(object.key, object.etag);
  const std::string downloaded = LocalPathForKey(work_dir_.downloads(), object.key);
  const std::string processed = LocalPathForKey(work_dir_.processed(), object.key);
  auto cleanup = [&] {
    if (!config_.keep_local_files) {
      ::unlink(downloaded.c_str());
      ::unlink(processed.c_str());
    }
  };

  // Download to a temp name, then rename: a killed run never leaves a partial file under the
  // final name.
  AtomicFile download(downloaded);
  auto stored = store_.Download(object.key, "", download.temp_path());
  if (!stored.ok()) {
    if (stored.status().IsNotFound()) work_dir_.ClearAttempts(object.key, object.etag);
    out.kind = stored.status().IsNotFound() ? ObjectOutcome::Kind::kGone
                                            : ObjectOutcome::Kind::kFailed;
    out.reason = stored.status().message();
    return out;
  }
  if (Status committed = download.Commit(); !committed.ok()) {
    out.reason = "cannot rename the download into " + downloaded;
    return out;
  }
  out.input = {object.key, stored->version_id};
  out.bytes_in = stored->size;
  ObjectSummary current = object;
  current.etag = stored->etag;  // what we process is what we got, even if overwritten since
  current.size = stored->size;

  if (attempts > config_.max_attempts) {
    auto routed = RouteToErrors(current, dest, *stored, downloaded, processor.name(),
                                "gave up after " + std::to_string(attempts - 1) +
                                    " attempts that did not finish (transient errors or a crash)",
                                attempts);
    cleanup();
    return routed;
  }
  if (dest.output_key.empty()) {
    auto routed = RouteToErrors(current, dest, *stored, downloaded, processor.name(),
                                "the output key would be longer than S3's 1024-byte limit",
                                attempts);
    cleanup();
    return routed;
  }

  ProcessContext context;
  context.source_key = object.key;
  context.source_size = stored->size;
  context.source_etag = stored->etag;
  context.source_sha256 = stored->sha256_hex;
  context.processed_at = processed_at_;
  AtomicFile output(processed);
  Status processed_status = processor.Process(downloaded, output.temp_path(), context);
  if (processed_status.IsRejected()) {
    auto routed = RouteToErrors(current, dest, *stored, downloaded, processor.name(),
                                processed_status.message(), attempts);
    cleanup();
    return routed;
  }
  if (!processed_status.ok()) {
    cleanup();
    out.reason = "processing: " + processed_status.message();
    return out;
  }
  if (Status committed = output.Commit(); !committed.ok()) {
    cleanup();
    out.reason = "cannot rename the output into " + processed;
    return out;
  }

  PutOptions put;
  put.content_type = ContentTypeFor(processor.name());
  put.metadata = {{kSourceEtagMeta, stored->etag}};
  if (!stored->version_id.empty()) put.metadata.emplace_back(kSourceVersionMeta, stored->version_id);
  auto uploaded = store_.Upload(dest.output_key, processed, put);
  cleanup();
  if (!uploaded.ok()) {
    out.reason = uploaded.status().message();
    return out;
  }
  out.bytes_out = uploaded->size;
  work_dir_.ClearAttempts(object.key, object.etag);
  out.kind = ObjectOutcome::Kind::kDone;
  out.destination = dest.output_key;
  return out;
}

ObjectOutcome ObjectTask::RouteToErrors(const ObjectSummary& object, const DestinationKeys& dest,
                                        const ObjectInfo& stored, const std::string& downloaded,
                                        const std::string& processor, std::string reason,
                                        int attempts) {
  ObjectOutcome out;
  out.processor = processor;
  out.bytes_in = stored.size;
  out.input = {object.key, stored.version_id};
  out.reason = reason;

  // The reason first: an error copy never exists without it.
  PutOptions json;
  json.content_type = "application/json";
  auto why = store_.PutBytes(
      dest.reason_key,
      ReasonDocument(object, stored, processor, reason, processed_at_, attempts), json);
  if (!why.ok()) {
    out.reason = "storing the rejection reason: " + why.status().message();
    return out;
  }
  // The unchanged input: uploaded from the bytes we downloaded (exactly the version we
  // processed, byte for byte, whatever its size).
  PutOptions copy;
  copy.content_type = stored.content_type;
  copy.metadata = {{kSourceEtagMeta, stored.etag}};
  if (!stored.version_id.empty()) copy.metadata.emplace_back(kSourceVersionMeta, stored.version_id);
  auto copied = store_.Upload(dest.error_key, downloaded, copy);
  if (!copied.ok()) {
    out.reason = "storing the error copy: " + copied.status().message();
    return out;
  }
  work_dir_.ClearAttempts(object.key, object.etag);
  out.kind = ObjectOutcome::Kind::kRejected;
  out.destination = dest.error_key;
  return out;
}

}  // namespace s3proc
