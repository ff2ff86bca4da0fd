#include "cli/commands.h"
#include "cli/queue_context.h"
#include "cli/s3_context.h"
#include "cli/stop_signal.h"
#include "pipeline/pipeline.h"

namespace s3proc {

int RunCommand(const RunConfig& config, const CliIo& io) {
  auto context = NewS3Context(config, io.env, io.err);
  if (!context.ok()) {
    std::fprintf(io.err, "s3proc: error: %s\n", context.status().message().c_str());
    return 2;
  }
  std::unique_ptr<QueueContext> queue;
  if (!config.queue_url.empty()) {
    auto built = NewQueueContext(config, io.env, **context);
    if (!built.ok()) {
      std::fprintf(io.err, "s3proc: error: %s\n", built.status().message().c_str());
      return 2;
    }
    queue = std::move(*built);
  }
  const std::atomic<bool>* stop = config.follow ? StopOnTermination() : nullptr;
  // RunPipeline logs the summary itself.
  auto summary = RunPipeline(config, *(*context)->store, *(*context)->logger,
                             queue ? queue->queue.get() : nullptr, stop);
  if (!summary.ok()) {
    std::fprintf(io.err, "s3proc: error: %s\n", summary.status().message().c_str());
    return 1;
  }
  return summary->ExitCode();
}

}  // namespace s3proc
