#include "cli/commands.h"
#include "cli/queue_context.h"
#include "cli/s3_context.h"
#include "cli/stop_signal.h"
#include "common/logging.h"
#include "pipeline/follow.h"
#include "pipeline/pipeline.h"

namespace s3proc {

namespace {

// The requests this run sent (retries included), for the operator's bill and the benchmarks'
// requests-per-file column: "requests s3=… sqs=… retries=…".
void LogRequestCounts(S3Context& s3, QueueContext* queue) {
  const AwsClientStats s3_stats = s3.client->stats();
  uint64_t sqs = 0, retries = s3_stats.retries;
  if (queue != nullptr) {
    const AwsClientStats sqs_stats = queue->client->stats();
    sqs = sqs_stats.requests;
    retries += sqs_stats.retries;
  }
  const std::string counts[] = {std::to_string(s3_stats.requests), std::to_string(sqs),
                                std::to_string(retries)};
  s3.logger->Record(LogLevel::kInfo, "requests",
                    "s3=" + counts[0] + " sqs=" + counts[1] + " retries=" + counts[2],
                    "\"event\":\"requests\",\"s3\":" + counts[0] + ",\"sqs\":" + counts[1] +
                        ",\"retries\":" + counts[2]);
}

// `run --follow` in listing mode: passes until a signal. A service's clean stop exits 0 (what a
// pass failed is in its summary line, and later passes try it again); only a configuration
// error, which no later pass could get past, exits 2.
int FollowCommand(const RunConfig& config, S3Context& s3, const std::atomic<bool>& stop,
                  const CliIo& io) {
  auto followed = FollowListing(config, *s3.store, *s3.logger, stop,
                                [](std::chrono::milliseconds t) { WaitForTermination(t); });
  LogRequestCounts(s3, nullptr);
  if (!followed.ok()) {
    std::fprintf(io.err, "s3proc: error: %s\n", TextEscaped(followed.status().message()).c_str());
    return 2;
  }
  return 0;
}

}  // namespace

int RunCommand(const RunConfig& config, const CliIo& io) {
  auto context = NewS3Context(config, io.env, io.err);
  if (!context.ok()) {
    std::fprintf(io.err, "s3proc: error: %s\n", TextEscaped(context.status().message()).c_str());
    return 2;
  }
  std::unique_ptr<QueueContext> queue;
  if (!config.queue_url.empty()) {
    auto built = NewQueueContext(config, io.env, **context);
    if (!built.ok()) {
      std::fprintf(io.err, "s3proc: error: %s\n", TextEscaped(built.status().message()).c_str());
      return 2;
    }
    queue = std::move(*built);
  }
  // Either mode: a stopped run finishes what it holds, so that what it logged is so.
  const std::atomic<bool>* stop = StopOnTermination();
  if (config.follow && !queue) return FollowCommand(config, **context, *stop, io);
  // RunPipeline logs the summary itself.
  auto summary = RunPipeline(config, *(*context)->store, *(*context)->logger,
                             queue ? queue->queue.get() : nullptr, stop);
  LogRequestCounts(**context, queue.get());
  if (!summary.ok()) {
    std::fprintf(io.err, "s3proc: error: %s\n", TextEscaped(summary.status().message()).c_str());
    // A missing bucket or queue, a request S3 calls invalid: no later run can succeed either.
    return summary.status().code() == StatusCode::kInvalidArgument ? 2 : 1;
  }
  // A service's clean stop is a success in queue mode too: what failed is in the summary line
  // and the metrics, and its messages come back to the queue for the next worker.
  if (config.follow && summary->stopped_by_signal) return 0;
  return summary->ExitCode();
}

}  // namespace s3proc
