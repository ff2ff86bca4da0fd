#include "cli/commands.h"
#include "cli/s3_context.h"
#include "common/logging.h"
#include "pipeline/redrive.h"

namespace s3proc {

int RedriveCommand(const RunConfig& config, const Invocation& invocation, const CliIo& io) {
  auto context = NewS3Context(config, io.env, io.err);
  if (!context.ok()) {
    std::fprintf(io.err, "s3proc: error: %s\n", TextEscaped(context.status().message()).c_str());
    return 2;
  }
  RedriveOptions options;
  options.filter = invocation.filter;
  options.dry_run = config.dry_run;
  auto summary = Redrive(*(*context)->store, config, options, *(*context)->logger);
  if (!summary.ok()) {
    std::fprintf(io.err, "s3proc: error: %s\n", TextEscaped(summary.status().message()).c_str());
    return summary.status().code() == StatusCode::kInvalidArgument ? 2 : 1;
  }
  return summary->ExitCode();
}

}  // namespace s3proc
