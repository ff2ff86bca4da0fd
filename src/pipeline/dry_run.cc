#include "pipeline/dry_run.h"

#include "pipeline/destination_keys.h"
#include "pipeline/run_tally.h"

namespace s3proc {

Result<RunSummary> DryRun(const RunConfig& config, ObjectStore& store, Logger& logger,
                          const ProcessorRouter& router) {
  const auto started = RunTally::Clock::now();
  RunTally tally(logger);
  uint64_t listed = 0;
  bool stopped_early = false;
  // Only an error ends a List early: `bound` is ours, told apart by stopped_early.
  const Status bound = Status::Internal("limit reached");
  Status status = store.List(config.input_prefix, [&](std::vector<ObjectSummary>&& page) {
    for (const ObjectSummary& object : page) {
      if (object.key.ends_with('/') || object.key.size() <= config.input_prefix.size()) continue;
      if ((config.max_files > 0 && listed >= static_cast<uint64_t>(config.max_files)) ||
          (config.max_seconds > 0 && SecondsSince(started) >= config.max_seconds)) {
        stopped_early = true;
        return bound;
      }
      ++listed;
      DestinationKeys dest = DestinationsFor(config, object.key);
      logger.Object({"would-process", object.key, dest.output_key,
                     router.Route(dest.relative).name(), "", object.size, 0, 0});
    }
    return Status::Ok();
  });
  if (!stopped_early && !status.ok()) {
    return status.WithContext("listing " + store.Describe() + "/" + config.input_prefix);
  }
  tally.Update([listed](RunSummary& s) { s.listed = listed; });
  RunConfig writes_nothing = config;
  writes_nothing.metrics_file.clear();
  return tally.Finish(writes_nothing, started, stopped_early);
}

}  // namespace s3proc
