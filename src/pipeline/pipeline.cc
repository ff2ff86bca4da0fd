#include "pipeline/pipeline.h"

#include <chrono>
#include <cstdio>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "pipeline/destination_keys.h"
#include "pipeline/dry_run.h"
#include "pipeline/folder_marker.h"
#include "pipeline/input_deleter.h"
#include "pipeline/lease_heartbeat.h"
#include "pipeline/object_task.h"
#include "pipeline/progress_line.h"
#include "pipeline/queue_run.h"
#include "pipeline/router_config.h"
#include "pipeline/run_tally.h"
#include "pipeline/shard_lease.h"
#include "pipeline/work_dir.h"
#include "pipeline/work_queue.h"

namespace s3proc {

namespace {

using Clock = RunTally::Clock;

// One `s3proc run` pass over an open work dir: the state the lister and the workers share.
class PipelineRun {
 public:
  PipelineRun(const RunConfig& config, ObjectStore& store, Logger& logger, WorkDir& work_dir,
              const ProcessorRouter& router, const std::atomic<bool>* stop,
              const LeaseClock& lease_clock)
      : config_(config),
        store_(store),
        logger_(logger),
        stop_(stop),
        heartbeat_period_(lease_clock.heartbeat_period),
        leases_(store, config.lease_prefix, work_dir.identity(), config.lease_seconds,
                lease_clock.now_unix),
        task_(config, store, router, work_dir, Rfc3339Now()),
        deleter_(store),
        queue_(static_cast<size_t>(config.concurrency) * 2),
        tally_(logger) {}

  Result<RunSummary> Run();

 private:
  // Lists the input prefix and hands each object to the workers.
  // Returns a listing or lease failure; reaching --max-files / --max-seconds, or a stop
  // request, is not one.
  Status ListInputs();
  // Reads the leases before the first object is admitted rather than before the listing, so that
  // an empty tick costs one LIST. Its error is a lease failure, reported as such.
  Status LoadLeasesOnce();
  // Claims the object's shard and queues it, or counts why not.
  void Admit(ObjectSummary&& object);
  bool LimitReached() const;
  // A signal asked the run to stop: list and start nothing more.
  bool StopRequested() const { return stop_ != nullptr && stop_->load(); }
  // One worker: processes queued objects until the queue is closed; after a stop request it
  // only counts them, unstarted.
  void Work();
  // After the workers: releases the leases of the clean shards, see the definition.
  void ReleaseLeases();
  // Marks the summary stopped by a signal and says what was left.
  void LogStop();

  const RunConfig& config_;
  ObjectStore& store_;
  Logger& logger_;
  const std::atomic<bool>* const stop_;
  const std::chrono::milliseconds heartbeat_period_;
  const Clock::time_point started_ = Clock::now();
  ShardLeases leases_;
  bool leases_loaded_ = false;
  ObjectTask task_;
  InputDeleter deleter_;
  WorkQueue queue_;
  uint64_t admitted_ = 0;
  bool stopped_early_ = false;      // the listing ended at a bound, with objects left
  bool stopped_by_signal_ = false;  // the listing ended at a stop request, not at an error
  RunTally tally_;
};

Result<RunSummary> PipelineRun::Run() {
  std::vector<std::thread> workers;
  for (int i = 0; i < config_.concurrency; ++i) workers.emplace_back([this] { Work(); });
  // Renews the leases while objects are in work, the last ones included (Admit is not called
  // for them); stopped once their inputs are deleted, before the leases are released.
  std::optional<LeaseHeartbeat> heartbeat(std::in_place, leases_, heartbeat_period_);
  std::optional<ProgressLine> progress;
  if (config_.progress) progress.emplace(logger_, [this] { return tally_.Snapshot(); });

  Status listed = ListInputs();
  queue_.Close();
  for (auto& t : workers) t.join();
  tally_.CountDeleteFailures(deleter_.FlushAll());
  heartbeat.reset();
  progress.reset();
  ReleaseLeases();
  S3PROC_RETURN_IF_ERROR(listed);
  if (stopped_early_) {
    logger_.Info("stopped listing at the --max-files / --max-seconds bound; the next run goes on");
  }
  // Also when the signal came after the listing: the workers may have left queued objects.
  if (StopRequested()) LogStop();
  return tally_.Finish(config_, started_, stopped_early_);
}

void PipelineRun::LogStop() {
  tally_.Update([](RunSummary& s) { s.stopped_by_signal = true; });
  const uint64_t not_started = tally_.Snapshot().not_started;
  logger_.Info("stopped by a signal after finishing the objects in work; " +
               std::to_string(not_started) +
               " listed but not started are left in input/ for the next run");
}

Status PipelineRun::ListInputs() {
  // Only an error ends a List early: `end` is ours, told apart by stopped_early_ and
  // stopped_by_signal_, not by its message.
  Status end = Status::Internal("listing ended early");
  Status lease_error;
  Status listed = store_.List(config_.input_prefix, [&](std::vector<ObjectSummary>&& page) {
    for (ObjectSummary& object : page) {
      if (IsFolderMarker(object.key, object.size) ||
          object.key.size() <= config_.input_prefix.size()) {
        continue;
      }
      if (StopRequested()) {
        stopped_by_signal_ = true;
        return end;
      }
      if (LimitReached()) {
        stopped_early_ = true;
        return end;
      }
      lease_error = LoadLeasesOnce();
      if (!lease_error.ok()) return lease_error;
      Admit(std::move(object));
    }
    return Status::Ok();
  });
  if (stopped_early_ || stopped_by_signal_) return Status::Ok();
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
  tally_.Update([](RunSummary& s) { ++s.listed; });
  DestinationKeys dest = DestinationsFor(config_, object.key);
  int shard = ShardOf(dest.relative, config_.lease_shards);
  auto claim = leases_.Claim(shard);
  if (!claim.ok()) {
    logger_.Object({"failed", object.key, "", "", "claiming its shard: " + claim.status().message(),
                    object.size, 0, 0});
    tally_.Update([](RunSummary& s) { ++s.failed; });
    return;
  }
  if (*claim == ClaimOutcome::kHeldByOther) {
    tally_.Update([](RunSummary& s) { ++s.skipped_claimed; });
    return;
  }
  queue_.Push({std::move(object), shard, *claim == ClaimOutcome::kOwnedRecovered});
}

void PipelineRun::Work() {
  WorkItem item;
  while (queue_.Pop(item)) {
    if (StopRequested()) {
      // Left as it is: its input stays in input/ and nothing was written for it.
      tally_.Update([](RunSummary& s) { ++s.not_started; });
      continue;
    }
    auto t0 = Clock::now();
    ObjectOutcome o;
    if (!leases_.Owns(item.shard)) {
      o.kind = ObjectOutcome::Kind::kFailed;
      o.reason = "another processor took over this object's shard; left for it";
    } else {
      o = task_.Run(item.object, item.check_existing);
    }
    tally_.Record(item.object.key, o, SecondsSince(t0));
    if (o.kind == ObjectOutcome::Kind::kDone || o.kind == ObjectOutcome::Kind::kRejected ||
        o.kind == ObjectOutcome::Kind::kAlreadyDone) {
      for (const ObjectId& earlier : o.earlier_versions_done) {
        tally_.CountDeleteFailures(deleter_.Add(earlier, item.shard));
      }
      tally_.CountDeleteFailures(deleter_.Add(o.input, item.shard));
    }
  }
}

void PipelineRun::ReleaseLeases() {
  // Keep the leases of shards whose inputs could not be deleted: the next run on this work dir
  // takes them over at once and, seeing a recovered shard, finds the stored outputs instead of
  // processing again. The clean shards are free for anyone at once.
  if (leases_loaded_) leases_.ReleaseAllExcept(deleter_.dirty_shards());
}

}  // namespace

Result<RunSummary> RunPipeline(const RunConfig& config, ObjectStore& store, Logger& logger,
                               MessageQueue* queue, const std::atomic<bool>* stop,
                               const LeaseClock& lease_clock) {
  S3PROC_ASSIGN_OR_RETURN(ProcessorRouter router, BuildRouter(config));
  // Before the work dir is opened: a dry run creates nothing, not even locally.
  if (config.dry_run) return DryRun(config, store, logger, router);
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
  if (queue != nullptr) {
    QueueRun run(config, store, *queue, logger, *work_dir, router, stop);
    return run.Run();
  }
  PipelineRun run(config, store, logger, *work_dir, router, stop, lease_clock);
  return run.Run();
}

}  // namespace s3proc
