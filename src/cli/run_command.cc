#include "cli/commands.h"
#include "cli/s3_context.h"
#include "pipeline/pipeline.h"

namespace s3proc {

int RunCommand(const RunConfig& config, const CliIo& io) {
  auto context = NewS3Context(config, io.env, io.err);
  if (!context.ok()) {
    std::fprintf(io.err, "s3proc: error: %s\n", context.status().message().c_str());
    return 2;
  }
  // RunPipeline logs the summary itself.
  auto summary = RunPipeline(config, *(*context)->store, *(*context)->logger);
  if (!summary.ok()) {
    std::fprintf(io.err, "s3proc: error: %s\n", summary.status().message().c_str());
    return 1;
  }
  return summary->ExitCode();
}

}  // namespace s3proc
