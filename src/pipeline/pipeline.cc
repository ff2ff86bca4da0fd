#include "pipeline/pipeline.h"

#include <chrono>
#include <cstdio>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "pipeline/destination_keys.h"
#include "pipeline/input_deleter.h"
#include "pipeline/metrics_file.h"
#include "pipeline/object_task.h"
#include "pipeline/progress_line.h"
#include "pipeline/router_config.h"
#include "pipeline/shard_lease.h"
#include "pipeline/work_dir.h"
#include "pipeline/work_queue.h"

namespace s3proc {

namespace {

using Clock = std::chrono::steady_clock;

std::string_view OutcomeName(ObjectOutcome::Kind kind) {
  switch (kind) {
    case ObjectOutcome::Kind::kDone: return "done";
    case ObjectOutcome::Kind::kRejected: return "rejected";
    case ObjectOutcome::Kind::kAlreadyDone: return "already-done";
    case ObjectOutcome::Kind::kGone: return "gone";
    case ObjectOutcome::Kind::kFailed: return "failed";
  }
  return "unknown";
}

void LogSummary(Logger& logger, const RunSummary& s) {
  double rate = s.seconds > 0 ? static_cast<double>(s.done + s.rejected) / s.seconds : 0;
  // One field list renders both formats, so the text and JSON summaries cannot disagree.
  const std::pair<const char*, uint64_t> counts[] = {
      {"listed", s.listed},           {"done", s.done},
      {"rejected", s.rejected},       {"failed", s.failed},
      {"skipped", s.skipped_claimed}, {"already_done", s.already_done},
      {"bytes_in", s.bytes_in},       {"bytes_out", s.bytes_out}};
  std::string text, json = "\"event\":\"summary\"";
  for (const auto& [name, value] : counts) {
    text += (text.empty() ? "" : " ") + std::string(name) + "=" + std::to_string(value);
    json += ",\"" + std::string(name) + "\":" + std::to_string(value);
  }
  char timing[128];
  snprintf(timing, sizeof(timing), "seconds=%.3f files_per_second=%.1f", s.seconds, rate);
  text += std::string(" ") + timing;
  snprintf(timing, sizeof(timing), ",\"seconds\":%.3f,\"files_per_second\":%.1f", s.seconds, rate);
  json += timing;
  logger.Record(s.failed > 0 ? LogLevel::kWarning : LogLevel::kInfo, "run finished", text, json);
}

// One `s3proc run` pass over an open work dir: the state the lister and the workers share.
class PipelineRun {
 public:
  PipelineRun(const RunConfig& config, ObjectStore& store, Logger& logger, WorkDir& work_dir,
              const ProcessorRouter& router)
      : config_(config),
        store_(store),
        logger_(logger),
        router_(router),
        leases_(store, config.lease_prefix, work_dir.identity(), config.lease_seconds),
        task_(config, store, router, work_dir, Rfc3339Now()),
        deleter_(store),
        queue_(static_cast<size_t>(config.concurrency) * 2) {}

  Result<RunSummary> Run();

 private:
  // Lists the input prefix and hands each object to the workers (or, in a dry run, logs it).
  // Returns a listing or lease failure; reaching --max-files / --max-seconds is not one.
  Status ListInputs();
  // Reads the leases before the first object is admitted rather than before the listing, so that
  // an empty tick costs one LIST. Its error is a lease failure, reported as such.
  Status LoadLeasesOnce();
  // Claims the object's shard and queues it, or counts why not (a dry run only logs it).
  void Admit(ObjectSummary&& object);
  bool LimitReached() const;
  // One worker: processes queued objects until the queue is closed.
  void Work();
  void Record(const WorkItem& item, const ObjectOutcome& o, double seconds);
  void CountDeleteFailures(const std::vector<ObjectId>& failed);
  void Finish();
  RunSummary Snapshot() {
    std::lock_guard<std::mutex> lock(summary_mu_);
    return summary_;
  }

  const RunConfig& config_;
  ObjectStore& store_;
  Logger& logger_;
  const ProcessorRouter& router_;
  const Clock::time_point started_ = Clock::now();
  ShardLeases leases_;
  bool leases_loaded_ = false;
  ObjectTask task_;
  InputDeleter deleter_;
  WorkQueue queue_;
  uint64_t admitted_ = 0;
  bool stopped_early_ = false;  // the listing ended at a bound, with objects left
  std::mutex summary_mu_;
  RunSummary summary_;
};

double SecondsSince(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

Result<RunSummary> PipelineRun::Run() {
  std::vector<std::thread> workers;
  if (!config_.dry_run) {
    for (int i = 0; i < config_.concurrency; ++i) workers.emplace_back([this] { Work(); });
  }
  std::optional<ProgressLine> progress;
  if (config_.progress && !config_.dry_run)
    progress.emplace(logger_, [this] { return Snapshot(); });

  Status listed = ListInputs();
  queue_.Close();
  for (auto& t : workers) t.join();
  CountDeleteFailures(deleter_.FlushAll());
  progress.reset();
  Finish();
  S3PROC_RETURN_IF_ERROR(listed);
  if (stopped_early_) {
    logger_.Info("stopped listing at the --max-files / --max-seconds bound; the next run goes on");
  }
  if (!config_.metrics_file.empty()) {
    Status m = WriteMetricsFile(config_.metrics_file, summary_);
    if (!m.ok()) logger_.Warn(m.message());
  }
  LogSummary(logger_, summary_);
  return summary_;
}

Status PipelineRun::ListInputs() {
  // Only an error ends a List early: `stop` is ours, told apart by stopped_early_, not by its
  // message.
  Status stop = Status::Internal("limit reached");
  Status lease_error;
  Status listed = store_.List(config_.input_prefix, [&](std::vector<ObjectSummary>&& page) {
    for (ObjectSummary& object : page) {
      if (object.key.ends_with('/') || object.key.size() <= config_.input_prefix.size()) continue;
      if (LimitReached()) {
        stopped_early_ = true;
        return stop;
      }
      if (!config_.dry_run) {
        lease_error = LoadLeasesOnce();
        if (!lease_error.ok()) return lease_error;
      }
      Admit(std::move(object));
    }
    return Status::Ok();
  });
  if (stopped_early_) return Status::Ok();
  if (!lease_error.ok()) return lease_error;
  if (!listed.ok()) {
    return listed.WithContext("listing " + store_.Describe() + "/" + config_.input_prefix);
  }
  return Status::Ok();
}

bool PipelineRun::LimitReached() const {
  return (config_.max_files > 0 && admitted_ >= static_cast<uint64_t>(config_.max_files)) ||
         (config_.max_seconds > 0 && SecondsSince(started_) >= config_.max_seconds);
}

Status PipelineRun::LoadLeasesOnce() {
  if (leases_loaded_) return Status::Ok();
  S3PROC_RETURN_IF_ERROR(leases_.Load());
  leases_loaded_ = true;
  return Status::Ok();
}

void PipelineRun::Admit(ObjectSummary&& object) {
  ++admitted_;
  {
    std::lock_guard<std::mutex> lock(summary_mu_);
    ++summary_.listed;
  }
  DestinationKeys dest = DestinationsFor(config_, object.key);
  if (config_.dry_run) {
    logger_.Object({"would-process", object.key, dest.output_key,
                    router_.Route(dest.relative).name(), "", object.size, 0, 0});
    return;
  }
  leases_.RenewDue();
  int shard = ShardOf(dest.relative, config_.lease_shards);
  auto claim = leases_.Claim(shard);
  if (!claim.ok()) {
    logger_.Object({"failed", object.key, "", "", "claiming its shard: " + claim.status().message(),
                    object.size, 0, 0});
    std::lock_guard<std::mutex> lock(summary_mu_);
    ++summary_.failed;
    return;
  }
  if (*claim == ClaimOutcome::kHeldByOther) {
    std::lock_guard<std::mutex> lock(summary_mu_);
    ++summary_.skipped_claimed;
    return;
  }
  queue_.Push({std::move(object), shard, *claim == ClaimOutcome::kOwnedRecovered});
}

void PipelineRun::Work() {
  WorkItem item;
  while (queue_.Pop(item)) {
    auto t0 = Clock::now();
    ObjectOutcome o;
    if (!leases_.Owns(item.shard)) {
      o.kind = ObjectOutcome::Kind::kFailed;
      o.reason = "another processor took over this object's shard; left for it";
    } else {
      o = task_.Run(item.object, item.check_existing);
    }
    Record(item, o, SecondsSince(t0));
    if (o.kind == ObjectOutcome::Kind::kDone || o.kind == ObjectOutcome::Kind::kRejected ||
        o.kind == ObjectOutcome::Kind::kAlreadyDone) {
      CountDeleteFailures(deleter_.Add(o.input, item.shard));
    }
  }
}

void PipelineRun::Record(const WorkItem& item, const ObjectOutcome& o, double seconds) {
  logger_.Object({OutcomeName(o.kind), item.object.key, o.destination, o.processor, o.reason,
                  o.bytes_in, o.bytes_out, seconds});
  std::lock_guard<std::mutex> lock(summary_mu_);
  switch (o.kind) {
    case ObjectOutcome::Kind::kDone: ++summary_.done; break;
    case ObjectOutcome::Kind::kRejected: ++summary_.rejected; break;
    case ObjectOutcome::Kind::kAlreadyDone: ++summary_.already_done; break;
    case ObjectOutcome::Kind::kGone: break;
    case ObjectOutcome::Kind::kFailed: ++summary_.failed; break;
  }
  summary_.bytes_in += o.bytes_in;
  summary_.bytes_out += o.bytes_out;
}

void PipelineRun::CountDeleteFailures(const std::vector<ObjectId>& failed) {
  for (const auto& id : failed) {
    logger_.Object({"failed", id.key, "", "",
                    "the output is stored but deleting the input failed; the next run finishes it",
                    0, 0, 0});
  }
  std::lock_guard<std::mutex> lock(summary_mu_);
  summary_.failed += failed.size();
}

// After the workers: releases the leases and closes the summary.
void PipelineRun::Finish() {
  // Keep the leases of shards whose inputs could not be deleted: the next run on this work dir
  // takes them over at once and, seeing a recovered shard, finds the stored outputs instead of
  // processing again.
  if (leases_loaded_ && deleter_.dirty_shards().empty()) leases_.ReleaseAll();
  summary_.seconds = SecondsSince(started_);
  summary_.stopped_early = stopped_early_;
}

}  // namespace

Result<RunSummary> RunPipeline(const RunConfig& config, ObjectStore& store, Logger& logger) {
  auto work_dir = WorkDir::Open(config.work_dir);
  if (!work_dir.ok()) {
    if (work_dir.status().IsPreconditionFailed()) {
      logger.Info(work_dir.status().message() + ": this run has nothing to do");
      RunSummary summary;
      summary.lock_busy = true;
      return summary;
    }
    return work_dir.status();
  }
  S3PROC_ASSIGN_OR_RETURN(ProcessorRouter router, BuildRouter(config));
  PipelineRun run(config, store, logger, *work_dir, router);
  return run.Run();
}

}  // namespace s3proc
