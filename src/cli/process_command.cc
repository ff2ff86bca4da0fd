#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>

#include "cli/commands.h"
#include "common/atomic_file.h"
#include "common/logging.h"
#include "pipeline/router_config.h"

namespace s3proc {

namespace {

bool CopyToStream(const std::string& path, FILE* out) {
  FILE* in = std::fopen(path.c_str(), "rb");
  if (in == nullptr) return false;
  char buf[64 * 1024];
  size_t n;
  bool ok = true;
  while ((n = std::fread(buf, 1, sizeof(buf), in)) > 0) {
    if (std::fwrite(buf, 1, n, out) != n) {
      ok = false;
      break;
    }
  }
  ok = ok && !std::ferror(in);
  std::fclose(in);
  return ok && std::fflush(out) == 0;
}

}  // namespace

int ProcessCommand(const RunConfig& config, const Invocation& invocation, const CliIo& io) {
  namespace fs = std::filesystem;
  auto fail = [&](const std::string& message) {
    std::fprintf(io.err, "s3proc: error: %s\n", TextEscaped(message).c_str());
    return 1;
  };
  std::error_code ec;
  // Not only regular files: /dev/stdin and named pipes are fine inputs for a quick check.
  if (!fs::exists(invocation.file, ec) || fs::is_directory(invocation.file, ec)) {
    return fail("process: " + invocation.file + " is not a readable file");
  }
  auto router = BuildRouter(config);
  if (!router.ok()) {
    std::fprintf(io.err, "s3proc: error: %s\n", TextEscaped(router.status().message()).c_str());
    return 2;
  }
  std::string key =
      invocation.key.empty() ? fs::path(invocation.file).filename().string() : invocation.key;
  Processor& processor = router->Route(key);

  // The result goes to a temporary file first, so a rejected or failed run never leaves a
  // partial --output behind.
  std::optional<AtomicFile> output;
  std::string scratch;  // stdout: a private file in the temp dir, copied out, then removed
  if (!invocation.output.empty()) {
    output.emplace(invocation.output);
  } else {
    std::string pattern = (fs::temp_directory_path(ec) / "s3proc-process-XXXXXX").string();
    int fd = mkstemp(pattern.data());
    if (fd < 0) return fail("process: cannot create a temporary file in " + pattern);
    close(fd);
    scratch = pattern;
  }
  const std::string temp = output ? output->temp_path() : scratch;

  ProcessContext context;
  context.source_key = config.input_prefix + key;
  context.source_size = fs::file_size(invocation.file, ec);
  context.processed_at = Rfc3339Now();
  std::string local_detail;  // this is local: the whole story, not the published reason
  context.local_detail = &local_detail;
  Status s = processor.Process(invocation.file, temp, context);
  if (!s.ok()) {
    if (!scratch.empty()) fs::remove(scratch, ec);
    if (s.IsRejected()) {
      std::fprintf(io.err, "rejected: %s\n",
                   TextEscaped(local_detail.empty() ? s.message() : local_detail).c_str());
      return 1;
    }
    return fail("process " + invocation.file + " with " + processor.name() + ": " + s.message());
  }
  if (output) {
    Status committed = output->Commit();
    if (!committed.ok())
      return fail("process: cannot write " + invocation.output + ": " + committed.message());
  } else {
    bool copied = CopyToStream(scratch, io.out);
    fs::remove(scratch, ec);
    if (!copied) return fail("process: cannot write the result to stdout");
  }
  return 0;
}

}  // namespace s3proc
