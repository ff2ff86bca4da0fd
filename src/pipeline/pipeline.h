#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <functional>
#include <string>

#include "common/logging.h"
#include "common/result.h"
#include "config/run_config.h"
#include "store/message_queue.h"
#include "store/object_store.h"

namespace s3proc {

// The outcome of one `s3proc run` pass.
struct RunSummary {
  uint64_t listed = 0;           // input objects seen (folder markers excluded)
  uint64_t done = 0;             // output stored, input deleted
  uint64_t rejected = 0;         // routed to errors/ with a reason, input deleted
  uint64_t failed = 0;           // could not finish: left in input/ for the next run
  uint64_t skipped_claimed = 0;  // claimed by another live processor: not ours this run
  uint64_t already_done = 0;     // output found from an earlier, interrupted run: input deleted
  uint64_t bytes_in = 0;
  uint64_t bytes_out = 0;
  double seconds = 0;
  bool lock_busy = false;      // another run holds this work dir: nothing was done
  bool stopped_early = false;  // --max-files / --max-seconds ended the listing with objects left
  bool stopped_by_signal = false;  // SIGTERM / SIGINT: the run stopped listing (or receiving)
  uint64_t not_started = 0;  // listed before the signal, not started: left in input/, not failed

  // 0 when every object reached output/ or errors/ (or belongs to another processor),
  // 1 when some were left for the next run (failures, or a bounded run that stopped early).
  // A run stopped by a signal is judged by what it started: its `not_started` objects were
  // left because the operator asked, not because they failed.
  int ExitCode() const { return failed > 0 || stopped_early ? 1 : 0; }
};

// How a listing-mode run keeps its leases: the clock they are stamped with (seconds since the
// epoch) and how often the lease heartbeat looks for one past half its life. Tests replace both.
struct LeaseClock {
  std::function<int64_t()> now_unix = [] { return static_cast<int64_t>(std::time(nullptr)); };
  std::chrono::milliseconds heartbeat_period = std::chrono::seconds(1);
};

// One pass over the input prefix: list -> claim -> download -> process -> upload -> delete.
// See docs/semantics.md for the guarantees. Returns the summary, or an error that stopped the
// whole run before it could do anything (a bad configuration, the work dir unusable, the bucket
// unreachable: kInvalidArgument / kIoError / kAccessDenied / kTransient).
// Per-object failures never stop the run: they are counted in the summary and logged.
//
// With a `queue` (queue mode, config.queue_url set), the objects come from the S3 event
// notifications in it instead of a listing, and no lease is taken: see QueueRun.
//
// `stop`, when given, ends the run gracefully once set (a signal handler sets it): no more
// objects are listed (or received) or started, those in work are finished, the inputs of the
// finished ones deleted, the leases released, and the summary says `stopped_by_signal`. Listed
// objects not yet started are left in input/ for the next run (`not_started`).
Result<RunSummary> RunPipeline(const RunConfig& config, ObjectStore& store, Logger& logger,
                               MessageQueue* queue = nullptr,
                               const std::atomic<bool>* stop = nullptr,
                               const LeaseClock& lease_clock = {});

}  // namespace s3proc
