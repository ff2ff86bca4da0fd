#include "pipeline/follow.h"

#include <string>

namespace s3proc {

namespace {

// Adds one pass's counts to the totals (the flags of a single pass mean nothing summed).
void AddPass(const RunSummary& pass, RunSummary& totals) {
  totals.listed += pass.listed;
  totals.done += pass.done;
  totals.rejected += pass.rejected;
  totals.failed += pass.failed;
  totals.skipped_claimed += pass.skipped_claimed;
  totals.already_done += pass.already_done;
  totals.bytes_in += pass.bytes_in;
  totals.bytes_out += pass.bytes_out;
  totals.seconds += pass.seconds;
}

// Whether the pass moved something along, so that more may be waiting right behind it. A pass
// that only failed or skipped (another processor's shards) waits: listing again at once would
// spin on the same objects.
bool FinishedSome(const RunSummary& pass) {
  return pass.done + pass.rejected + pass.already_done > 0;
}

void LogFollowEnd(Logger& logger, const FollowSummary& f) {
  const std::pair<const char*, uint64_t> counts[] = {
      {"passes", f.passes},    {"failed_passes", f.failed_passes}, {"listed", f.totals.listed},
      {"done", f.totals.done}, {"rejected", f.totals.rejected},    {"failed", f.totals.failed}};
  std::string text, json = "\"event\":\"follow_stopped\"";
  for (const auto& [name, value] : counts) {
    text += (text.empty() ? "" : " ") + std::string(name) + "=" + std::to_string(value);
    json += ",\"" + std::string(name) + "\":" + std::to_string(value);
  }
  logger.Record(LogLevel::kInfo, "stopped by a signal", text, json);
}

}  // namespace

Result<FollowSummary> FollowListing(const RunConfig& config, ObjectStore& store, Logger& logger,
                                    const std::atomic<bool>& stop, const StopWait& wait,
                                    const LeaseClock& lease_clock) {
  const auto poll = std::chrono::seconds(config.poll_seconds);
  const std::string poll_text = std::to_string(config.poll_seconds) + " s";
  FollowSummary follow;
  bool idle = false;  // the last pass listed nothing: said once, not at every pass
  while (!stop.load()) {
    ++follow.passes;
    Result<RunSummary> pass = RunPipeline(config, store, logger, nullptr, &stop, lease_clock);
    if (!pass.ok()) {
      if (pass.status().code() == StatusCode::kInvalidArgument) return pass.status();
      ++follow.failed_passes;
      idle = false;
      logger.Warn("this pass failed: " + pass.status().message() + "; listing again in " +
                  poll_text);
    } else {
      AddPass(*pass, follow.totals);
      if (FinishedSome(*pass)) {
        idle = false;
        continue;
      }
      if (pass->listed == 0 && !pass->lock_busy && !idle && !stop.load()) {
        logger.Info(config.input_prefix + " is empty; listing it every " + poll_text +
                    " until objects arrive");
      }
      idle = pass->listed == 0;
    }
    if (stop.load()) break;
    wait(poll);
  }
  LogFollowEnd(logger, follow);
  return follow;
}

}  // namespace s3proc
