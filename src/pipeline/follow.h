#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>

#include "common/logging.h"
#include "common/result.h"
#include "config/run_config.h"
#include "pipeline/pipeline.h"
#include "store/object_store.h"

namespace s3proc {

// Waits until `timeout` has passed or a stop was requested, whichever comes first (the CLI's
// WaitForTermination; tests pass their own).
using StopWait = std::function<void(std::chrono::milliseconds timeout)>;

// What a followed run did, over all its passes: a few counters, whatever its length.
struct FollowSummary {
  uint64_t passes = 0;         // passes started
  uint64_t failed_passes = 0;  // passes that ended in an error (S3 unreachable, ...)
  RunSummary totals;           // the counts and bytes of every pass, added up
};

// `s3proc run --follow` in listing mode: RunPipeline passes, one after another, until `stop` is
// set. After a pass that finished at least one object (done, rejected or already done) the next
// lists at once, as more may be waiting (a --max-files / --max-seconds bound ends each pass on
// its own); after one that finished none, or failed, the next waits config.poll_seconds through
// `wait`, which returns early once `stop` is set.
// A failed pass (S3 unreachable or throttled, access denied, the work dir unusable) is logged
// and retried after the wait: a service outlives an outage. Only kInvalidArgument (a bucket that
// does not exist, a wrong region, a bad route: no later pass can succeed either) ends the run,
// with that error. Each pass logs its summary line and writes the metrics file, except that a
// pass that listed nothing logs nothing (one line says when the input prefix became empty).
// REQUIRES: config.follow, no queue (config.queue_url empty), not config.dry_run.
Result<FollowSummary> FollowListing(const RunConfig& config, ObjectStore& store, Logger& logger,
                                    const std::atomic<bool>& stop, const StopWait& wait,
                                    const LeaseClock& lease_clock = {});

}  // namespace s3proc
