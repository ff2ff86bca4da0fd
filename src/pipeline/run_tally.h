#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <string_view>
#include <vector>

#include "common/logging.h"
#include "config/run_config.h"
#include "pipeline/object_task.h"
#include "pipeline/pipeline.h"

namespace s3proc {

// The running summary of one pass, shared by its threads, and the log lines that go with it:
// both pipelines (listing and queue mode) count and report through it, so their summaries,
// object lines and metrics cannot drift apart. Thread-safe.
class RunTally {
 public:
  using Clock = std::chrono::steady_clock;

  explicit RunTally(Logger& logger) : logger_(logger) {}

  // Changes the summary under the lock.
  void Update(const std::function<void(RunSummary&)>& change);
  // Logs one object's outcome and counts it.
  void Record(const std::string& key, const ObjectOutcome& outcome, double seconds);
  // Logs inputs whose output (or error copy) is stored but which are still in input/: one whose
  // delete failed is counted as failed (the next run finishes it); one replaced by a newer
  // version while it was processed (kPreconditionFailed) is not a failure: only logged, as its
  // new version waits in input/ for the next run.
  void CountDeleteFailures(const std::vector<DeleteFailure>& still_there);
  RunSummary Snapshot() const;

  // Closes the summary (seconds since `started`), writes the metrics file when configured and
  // logs the summary line (not for a pass of a followed listing that listed nothing). Returns
  // the summary.
  RunSummary Finish(const RunConfig& config, Clock::time_point started, bool stopped_early);

 private:
  Logger& logger_;
  mutable std::mutex mu_;
  RunSummary summary_;
};

std::string_view OutcomeName(ObjectOutcome::Kind kind);

double SecondsSince(RunTally::Clock::time_point t);

}  // namespace s3proc
