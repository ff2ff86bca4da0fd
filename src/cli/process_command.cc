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

// A private file in the temp dir, removed when it goes out of scope.
class ScratchFile {
 public:
  ScratchFile() = default;
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;
  ~ScratchFile() {
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  // Creates it (mode 0600); false when it cannot be made.
  bool Create(const std::string& name) {
    std::error_code ec;
    std::string pattern = (std::filesystem::temp_directory_path(ec) / (name + "-XXXXXX")).string();
    const int fd = ::mkstemp(pattern.data());
    if (fd < 0) return false;
    ::close(fd);
    path_ = pattern;
    return true;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

bool CopyStream(FILE* in, const std::string& path) {
  FILE* out = std::fopen(path.c_str(), "wb");
  if (out == nullptr) return false;
  char buf[64 * 1024];
  size_t n;
  bool ok = true;
  while (ok && (n = std::fread(buf, 1, sizeof(buf), in)) > 0) ok = std::fwrite(buf, 1, n, out) == n;
  ok = ok && !std::ferror(in);
  return std::fclose(out) == 0 && ok;
}

}  // namespace

int ProcessCommand(const RunConfig& config, const Invocation& invocation, const CliIo& io) {
  namespace fs = std::filesystem;
  auto fail = [&](const std::string& message) {
    std::fprintf(io.err, "s3proc: error: %s\n", TextEscaped(message).c_str());
    return 1;
  };
  std::error_code ec;
  // `-` is standard input, kept in a private file first: processors read their input by path,
  // and some twice.
  std::string input = invocation.file;
  ScratchFile stdin_copy;
  if (input == "-") {
    if (!stdin_copy.Create("s3proc-stdin") || !CopyStream(io.in, stdin_copy.path())) {
      return fail("process: cannot keep standard input in a temporary file");
    }
    input = stdin_copy.path();
  }
  // Not only regular files: named pipes are fine inputs for a quick check.
  if (!fs::exists(input, ec) || fs::is_directory(input, ec)) {
    std::fprintf(io.err, "s3proc: error: process: %s is not a readable file\n",
                 TextEscaped(input).c_str());
    return 2;  // a usage error, like a flag that is wrong
  }
  auto router = BuildRouter(config);
  if (!router.ok()) {
    std::fprintf(io.err, "s3proc: error: %s\n", TextEscaped(router.status().message()).c_str());
    return 2;
  }
  // Standard input has no name to route by: --key gives it one.
  std::string key = !invocation.key.empty()  ? invocation.key
                    : invocation.file == "-" ? "-"
                                             : fs::path(input).filename().string();
  Processor& processor = router->Route(key);

  // The result goes to a temporary file first, so a rejected or failed run never leaves a
  // partial --output behind.
  std::optional<AtomicFile> output;
  ScratchFile scratch;  // stdout: a private file in the temp dir, copied out, then removed
  if (!invocation.output.empty()) {
    output.emplace(invocation.output);
  } else if (!scratch.Create("s3proc-process")) {
    return fail("process: cannot create a temporary file in " +
                fs::temp_directory_path(ec).string());
  }
  const std::string temp = output ? output->temp_path() : scratch.path();

  ProcessContext context;
  context.source_key = config.input_prefix + key;
  context.source_size = fs::file_size(input, ec);
  context.processed_at = Rfc3339Now();
  std::string local_detail;  // this is local: the whole story, not the published reason
  context.local_detail = &local_detail;
  Status s = processor.Process(input, temp, context);
  if (!s.ok()) {
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
    if (!CopyToStream(scratch.path(), io.out)) {
      return fail("process: cannot write the result to stdout");
    }
  }
  return 0;
}

}  // namespace s3proc
