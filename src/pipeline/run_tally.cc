#include "pipeline/run_tally.h"

#include <cstdio>

#include "pipeline/metrics_file.h"

namespace s3proc {

namespace {

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
  if (s.stopped_by_signal) {
    // Only then: a summary line without it is a run that went to its end (or bound).
    text += " stopped=signal not_started=" + std::to_string(s.not_started);
    json += ",\"stopped\":\"signal\",\"not_started\":" + std::to_string(s.not_started);
  }
  char timing[128];
  snprintf(timing, sizeof(timing), "seconds=%.3f files_per_second=%.1f", s.seconds, rate);
  text += std::string(" ") + timing;
  snprintf(timing, sizeof(timing), ",\"seconds\":%.3f,\"files_per_second\":%.1f", s.seconds, rate);
  json += timing;
  logger.Record(s.failed > 0 ? LogLevel::kWarning : LogLevel::kInfo, "run finished", text, json);
}

}  // namespace

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

double SecondsSince(RunTally::Clock::time_point t) {
  return std::chrono::duration<double>(RunTally::Clock::now() - t).count();
}

void RunTally::Update(const std::function<void(RunSummary&)>& change) {
  std::lock_guard<std::mutex> lock(mu_);
  change(summary_);
}

void RunTally::Record(const std::string& key, const ObjectOutcome& o, double seconds) {
  logger_.Object({OutcomeName(o.kind), key, o.destination, o.processor, o.reason, o.bytes_in,
                  o.bytes_out, seconds});
  std::lock_guard<std::mutex> lock(mu_);
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

void RunTally::CountDeleteFailures(const std::vector<DeleteFailure>& still_there) {
  uint64_t failed = 0;
  for (const DeleteFailure& f : still_there) {
    if (f.status.IsPreconditionFailed()) {
      logger_.Info(f.object.key +
                   " was replaced while s3proc processed it: the version processed is done, "
                   "the new one stays in input/ for the next run");
      continue;
    }
    ++failed;
    logger_.Object({"failed", f.object.key, "", "",
                    "the output is stored but deleting the input failed; the next run finishes it",
                    0, 0, 0});
  }
  std::lock_guard<std::mutex> lock(mu_);
  summary_.failed += failed;
}

RunSummary RunTally::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return summary_;
}

RunSummary RunTally::Finish(const RunConfig& config, Clock::time_point started,
                            bool stopped_early) {
  RunSummary summary;
  {
    std::lock_guard<std::mutex> lock(mu_);
    summary_.seconds = SecondsSince(started);
    summary_.stopped_early = stopped_early;
    summary = summary_;
  }
  if (!config.metrics_file.empty()) {
    Status m = WriteMetricsFile(config.metrics_file, summary);
    if (!m.ok()) logger_.Warn(m.message());
  }
  // A followed listing lists every poll_seconds: a line for each empty pass would bury the
  // journal (FollowListing says once that the input prefix is empty; the metrics file still
  // shows each pass).
  const bool empty_followed_pass = config.follow && config.queue_url.empty() &&
                                   summary.listed == 0 && !summary.stopped_by_signal;
  if (!empty_followed_pass) LogSummary(logger_, summary);
  return summary;
}

}  // namespace s3proc
