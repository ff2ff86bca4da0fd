#include <chrono>

#include "cli/commands.h"
#include "cli/queue_context.h"
#include "cli/s3_context.h"
#include "common/logging.h"
#include "pipeline/status_report.h"

namespace s3proc {

int StatusCommand(const RunConfig& config, bool json, const CliIo& io) {
  auto context = NewS3Context(config, io.env, io.err);
  if (!context.ok()) {
    std::fprintf(io.err, "s3proc: error: %s\n", TextEscaped(context.status().message()).c_str());
    return 2;
  }
  auto report = CollectStatus(*(*context)->store, config, std::chrono::system_clock::now());
  if (!report.ok()) {
    std::fprintf(io.err, "s3proc: error: %s\n", TextEscaped(report.status().message()).c_str());
    return 1;
  }
  if (!config.queue_url.empty()) {
    auto queue = NewQueueContext(config, io.env, **context);
    if (!queue.ok()) {
      std::fprintf(io.err, "s3proc: error: %s\n", TextEscaped(queue.status().message()).c_str());
      return 2;
    }
    Status counted = CollectQueueStatus(*(*queue)->queue, *report);
    if (!counted.ok()) {
      std::fprintf(io.err, "s3proc: error: %s\n", TextEscaped(counted.message()).c_str());
      return 1;
    }
  }
  std::string text = json || config.log_format == "json" ? FormatStatusJson(*report) + "\n"
                                                         : FormatStatusText(*report);
  std::fputs(text.c_str(), io.out);
  return 0;
}

}  // namespace s3proc
