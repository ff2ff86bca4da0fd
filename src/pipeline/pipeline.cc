#include "pipeline/pipeline.h"

#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "pipeline/destination_keys.h"
#include "pipeline/metrics_file.h"
#include "pipeline/object_task.h"
#include "pipeline/progress_line.h"
#include "pipeline/shard_lease.h"
#include "pipeline/work_dir.h"
#include "pipeline/router_config.h"

namespace s3proc {

namespace {

using Clock = std::chrono::steady_clock;

struct WorkItem {
  ObjectSummary object;
  int shard = 0;
  bool check_existing = false;
};

// A bounded queue between the lister and the workers: the listing never runs more than a few
// objects ahead, so memory stays flat however many keys the prefix holds.
class WorkQueue {
 public:
  explicit WorkQueue(size_t capacity) : capacity_(capacity) {}

  void Push(WorkItem item) {
    std::unique_lock<std::mutex> lock(mu_);
    not_full_.wait(lock, [&] { return items_.size() < capacity_; });
    items_.push_back(std::move(item));
    not_empty_.notify_one();
  }

  bool Pop(WorkItem& item) {
    std::unique_lock<std::mutex> lock(mu_);
    not_empty_.wait(lock, [&] { return !items_.empty() || closed_; });
    if (items_.empty()) return false;
    item = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return true;
  }

  void Close() {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    not_empty_.notify_all();
  }

 private:
  const size_t capacity_;
  std::mutex mu_;
  std::condition_variable not_full_, not_empty_;
  std::deque<WorkItem> items_;
  bool closed_ = false;
};

// Deletes processed inputs in DeleteObjects batches (one request per up to 1000 inputs).
class InputDeleter {
 public:
  explicit InputDeleter(ObjectStore& store) : store_(store) {}

  // Queues an input; flushes a full batch. Returns the inputs of this flush that could not be
  // deleted.
  std::vector<ObjectId> Add(ObjectId id, int shard) {
    std::vector<std::pair<ObjectId, int>> batch;
    {
      std::lock_guard<std::mutex> lock(mu_);
      pending_.emplace_back(std::move(id), shard);
      if (pending_.size() < kBatch) return {};
      batch.swap(pending_);
    }
    return Flush(batch);
  }

  std::vector<ObjectId> FlushAll() {
    std::vector<std::pair<ObjectId, int>> batch;
    {
      std::lock_guard<std::mutex> lock(mu_);
      batch.swap(pending_);
    }
    return Flush(batch);
  }

  // Shards with an input whose delete failed: their output is stored but the input is still
  // there, so their leases are kept for the next run to recover (see RunPipeline).
  std::set<int> dirty_shards() {
    std::lock_guard<std::mutex> lock(mu_);
    return dirty_;
  }

 private:
  static constexpr size_t kBatch = 500;

  std::vector<ObjectId> Flush(const std::vector<std::pair<ObjectId, int>>& batch) {
    if (batch.empty()) return {};
    std::vector<ObjectId> ids;
    for (const auto& [id, shard] : batch) ids.push_back(id);
    std::vector<ObjectId> failed;
    auto result = store_.Delete(ids);
    if (!result.ok()) {
      failed = ids;
    } else {
      for (const auto& f : result->failures) failed.push_back(f.object);
    }
    if (!failed.empty()) {
      std::lock_guard<std::mutex> lock(mu_);
      for (const auto& [id, shard] : batch) {
        for (const auto& f : failed) {
          if (f.key == id.key) dirty_.insert(shard);
        }
      }
    }
    return failed;
  }

  ObjectStore& store_;
  std::mutex mu_;
  std::vector<std::pair<ObjectId, int>> pending_;
  std::set<int> dirty_;
};

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
      {"listed", s.listed},     {"done", s.done},
      {"rejected", s.rejected}, {"failed", s.failed},
      {"skipped", s.skipped_claimed}, {"already_done", s.already_done},
      {"bytes_in", s.bytes_in}, {"bytes_out", s.bytes_out}};
  std::string text, json = "\"event\":\"summary\"";
  for (const auto& [name, value] : counts) {
    text += (text.empty() ? "" : " ") + std::string(name) + "=" + std::to_string(value);
    json += ",\"" + std::string(name) + "\":" + std::to_string(value);
  }
  char timing[128];
  snprintf(timing, sizeof(timing), "seconds=%.3f files_per_second=%.1f", s.seconds, rate);
  text += std::string(" ") + timing;
  snprintf(timing, sizeof(timing), ",\"seconds\":%.3f,\"files_per_second\":%.1f", s.seconds,
           rate);
  json += timing;
  logger.Record(s.failed > 0 ? "warning" : "info", "run finished", text, json);
}

}  // namespace

Result<RunSummary> RunPipeline(const RunConfig& config, ObjectStore& store, Logger& logger) {
  const auto started = Clock::now();
  RunSummary summary;
  auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - started).count(); };

  auto work_dir = WorkDir::Open(config.work_dir);
  if (!work_dir.ok()) {
    if (work_dir.status().IsPreconditionFailed()) {
      logger.Info(work_dir.status().message() + ": this run has nothing to do");
      summary.lock_busy = true;
      return summary;
    }
    return work_dir.status();
  }
  S3PROC_ASSIGN_OR_RETURN(ProcessorRouter router, BuildRouter(config));

  ShardLeases leases(store, config.lease_prefix, work_dir->identity(), config.lease_seconds);
  bool leases_loaded = false;
  ObjectTask task(config, store, router, *work_dir, Rfc3339Now());
  InputDeleter deleter(store);
  std::mutex summary_mu;

  auto record = [&](const WorkItem& item, const ObjectOutcome& o, double seconds) {
    logger.Object({OutcomeName(o.kind), item.object.key, o.destination, o.processor, o.reason,
                   o.bytes_in, o.bytes_out, seconds});
    std::lock_guard<std::mutex> lock(summary_mu);
    switch (o.kind) {
      case ObjectOutcome::Kind::kDone: ++summary.done; break;
      case ObjectOutcome::Kind::kRejected: ++summary.rejected; break;
      case ObjectOutcome::Kind::kAlreadyDone: ++summary.already_done; break;
      case ObjectOutcome::Kind::kGone: break;
      case ObjectOutcome::Kind::kFailed: ++summary.failed; break;
    }
    summary.bytes_in += o.bytes_in;
    summary.bytes_out += o.bytes_out;
  };
  auto count_delete_failures = [&](const std::vector<ObjectId>& failed) {
    for (const auto& id : failed) {
      logger.Object({"failed", id.key, "", "", "the output is stored but deleting the input "
                     "failed; the next run finishes it", 0, 0, 0});
    }
    std::lock_guard<std::mutex> lock(summary_mu);
    summary.failed += failed.size();
  };

  WorkQueue queue(static_cast<size_t>(config.concurrency) * 2);
  std::vector<std::thread> workers;
  if (!config.dry_run) {
    for (int i = 0; i < config.concurrency; ++i) {
      workers.emplace_back([&] {
        WorkItem item;
        while (queue.Pop(item)) {
          auto t0 = Clock::now();
          ObjectOutcome o;
          if (!leases.Owns(item.shard)) {
            o.kind = ObjectOutcome::Kind::kFailed;
            o.reason = "another processor took over this object's shard; left for it";
          } else {
            o = task.Run(item.object, item.check_existing);
          }
          record(item, o, std::chrono::duration<double>(Clock::now() - t0).count());
          if (o.kind == ObjectOutcome::Kind::kDone || o.kind == ObjectOutcome::Kind::kRejected ||
              o.kind == ObjectOutcome::Kind::kAlreadyDone) {
            count_delete_failures(deleter.Add(o.input, item.shard));
          }
        }
      });
    }
  }

  std::optional<ProgressLine> progress;
  if (config.progress && !config.dry_run) {
    progress.emplace(logger, [&] {
      std::lock_guard<std::mutex> lock(summary_mu);
      return summary;
    });
  }

  // The lister: claims shards as their objects show up, feeds the workers.
  Status stop_listing = Status::Internal("limit reached");
  uint64_t admitted = 0;
  Status listed = store.List(config.input_prefix, [&](std::vector<ObjectSummary>&& page) {
    for (ObjectSummary& object : page) {
      if (object.key.ends_with('/') || object.key.size() <= config.input_prefix.size()) continue;
      if ((config.max_files > 0 && admitted >= static_cast<uint64_t>(config.max_files)) ||
          (config.max_seconds > 0 && elapsed() >= config.max_seconds)) {
        return stop_listing;
      }
      ++admitted;
      {
        std::lock_guard<std::mutex> lock(summary_mu);
        ++summary.listed;
      }
      DestinationKeys dest = DestinationsFor(config, object.key);
      if (config.dry_run) {
        logger.Object({"would-process", object.key, dest.output_key,
                       router.Route(dest.relative).name(), "", object.size, 0, 0});
        continue;
      }
      if (!leases_loaded) {
        S3PROC_RETURN_IF_ERROR(leases.Load());
        leases_loaded = true;
      }
      leases.RenewDue();
      int shard = ShardOf(dest.relative, config.lease_shards);
      auto claim = leases.Claim(shard);
      if (!claim.ok()) {
        logger.Object({"failed", object.key, "", "", "claiming its shard: " +
                       claim.status().message(), object.size, 0, 0});
        std::lock_guard<std::mutex> lock(summary_mu);
        ++summary.failed;
        continue;
      }
      if (*claim == ClaimOutcome::kHeldByOther) {
        std::lock_guard<std::mutex> lock(summary_mu);
        ++summary.skipped_claimed;
        continue;
      }
      queue.Push({std::move(object), shard, *claim == ClaimOutcome::kOwnedRecovered});
    }
    return Status::Ok();
  });
  queue.Close();
  for (auto& t : workers) t.join();
  count_delete_failures(deleter.FlushAll());
  progress.reset();

  if (leases_loaded) {
    // Keep the leases of shards whose inputs could not be deleted: the next run on this work
    // dir takes them over at once and, seeing a recovered shard, finds the stored outputs
    // instead of processing again.
    if (deleter.dirty_shards().empty()) leases.ReleaseAll();
  }

  summary.seconds = elapsed();
  if (!listed.ok()) {
    if (listed.message() != stop_listing.message()) {
      return listed.WithContext("listing " + store.Describe() + "/" + config.input_prefix);
    }
    summary.stopped_early = true;
    logger.Info("stopped listing at the --max-files / --max-seconds bound; the next run goes on");
  }
  if (!config.metrics_file.empty()) {
    Status m = WriteMetricsFile(config.metrics_file, summary);
    if (!m.ok()) logger.Warn(m.message());
  }
  LogSummary(logger, summary);
  return summary;
}

}  // namespace s3proc
