#include "processors/exec_processor.h"

#include <dirent.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "testutil/temp_dir.h"

namespace s3proc {
namespace {

using testing::ReadFileOrEmpty;
using testing::TempDir;
using namespace std::chrono_literals;

class ExecProcessorTest : public ::testing::Test {
 protected:
  Status Run(ExecOptions options, std::string_view input = "hello\n") {
    auto processor = ExecProcessor::Create(std::move(options));
    if (!processor.ok()) return processor.status();
    std::string in = dir_.WriteFile("in.txt", input);
    out_path_ = (dir_.path() / "out.txt").string();
    return (*processor)->Process(in, out_path_, context_);
  }
  std::string Output() const { return ReadFileOrEmpty(out_path_); }

  TempDir dir_;
  ProcessContext context_{"input/a b/$(touch pwned);`id`|x'\"*.txt", 42, "etag-1",
                          "2026-11-28T16:04:06Z"};
  std::string out_path_;
};

int OpenFdCount() {
  int count = 0;
  DIR* d = opendir("/proc/self/fd");
  while (readdir(d) != nullptr) ++count;
  closedir(d);
  return count;
}

TEST_F(ExecProcessorTest, StdinToStdout) {
  ASSERT_TRUE(Run({{"tr", "a-z", "A-Z"}}).ok());
  EXPECT_EQ(Output(), "HELLO\n");
}

TEST_F(ExecProcessorTest, ArgumentMode) {
  ExecOptions options{{"/bin/cat", "--", "{input}"}, ExecInputMode::kArgument};
  ASSERT_TRUE(Run(options, "from arg").ok());
  EXPECT_EQ(Output(), "from arg");
  // stdin is /dev/null in argument mode.
  ASSERT_TRUE(
      Run({{"sh", "-c", "cat; echo \"[$1]\"", "sh", "x{input}y"}, ExecInputMode::kArgument}).ok());
  EXPECT_EQ(Output(), "[x" + (dir_.path() / "in.txt").string() + "y]\n");
}

TEST_F(ExecProcessorTest, ArgumentModeNeedsPlaceholder) {
  Status s = Run({{"cat"}, ExecInputMode::kArgument});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  EXPECT_EQ(Run({{}}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Run({{""}}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Run({{"cat"}, ExecInputMode::kStdin, 0ms}).code(), StatusCode::kInvalidArgument);
}

TEST_F(ExecProcessorTest, EnvironmentCarriesTheKeyUninterpreted) {
  ::setenv("S3PROC_SOURCE_KEY", "inherited-must-be-replaced", 1);
  Status s = Run({{"sh", "-c",
                   "printf '%s|%s|%s|%s|%s' \"$S3PROC_SOURCE_KEY\" \"$S3PROC_SOURCE_SIZE\" "
                   "\"$S3PROC_SOURCE_ETAG\" \"$S3PROC_PROCESSED_AT\" \"$S3PROC_INPUT_PATH\"; "
                   "env | grep -c '^S3PROC_SOURCE_KEY=' >&2; ls pwned 2>/dev/null && exit 9; "
                   "exit 0"}});
  ::unsetenv("S3PROC_SOURCE_KEY");
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(Output(), context_.source_key + "|42|etag-1|2026-11-28T16:04:06Z|" +
                          (dir_.path() / "in.txt").string());
}

TEST_F(ExecProcessorTest, NonZeroExitIsRejectedWithStderr) {
  Status s = Run({{"sh", "-c", "cat >/dev/null; echo 'bad row 7' >&2; exit 3"}});
  EXPECT_TRUE(s.IsRejected()) << s.ToString();
  EXPECT_NE(s.message().find("exited with code 3"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("stderr: bad row 7"), std::string::npos) << s.message();
}

TEST_F(ExecProcessorTest, OnlyTheStderrTailIsKept) {
  Status s = Run({{"sh", "-c", "head -c 100000 /dev/zero | tr '\\0' a >&2; echo END >&2; exit 1"}});
  EXPECT_TRUE(s.IsRejected());
  EXPECT_LT(s.message().size(), 4096u + 200u);
  EXPECT_NE(s.message().find("aaaaEND"), std::string::npos);
}

TEST_F(ExecProcessorTest, SignalIsRejected) {
  Status s = Run({{"sh", "-c", "kill -SEGV $$"}});
  EXPECT_TRUE(s.IsRejected()) << s.ToString();
  EXPECT_NE(s.message().find("killed by signal 11"), std::string::npos) << s.message();
}

TEST_F(ExecProcessorTest, TimeoutKillsTheProcessGroup) {
  auto start = std::chrono::steady_clock::now();
  // The grandchild holds stdout open; the whole group must die.
  Status s =
      Run({{"sh", "-c", "echo started >&2; sleep 30 & sleep 30"}, ExecInputMode::kStdin, 300ms});
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(s.IsRejected()) << s.ToString();
  EXPECT_NE(s.message().find("timed out after 300 ms"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("stderr: started"), std::string::npos) << s.message();
  EXPECT_LT(elapsed, 10s);
}

TEST_F(ExecProcessorTest, TimeoutAfterClosingPipes) {
  Status s = Run({{"sh", "-c", "exec >&- 2>&-; sleep 30"}, ExecInputMode::kStdin, 300ms});
  EXPECT_TRUE(s.IsRejected()) << s.ToString();
  EXPECT_NE(s.message().find("timed out"), std::string::npos) << s.message();
}

TEST_F(ExecProcessorTest, MissingExecutableIsAConfigurationError) {
  Status s = Run({{"s3proc-no-such-command-xyz"}});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  EXPECT_NE(s.message().find("s3proc-no-such-command-xyz"), std::string::npos);
  s = Run({{"/nonexistent/bin/tool"}});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  std::string not_executable = dir_.WriteFile("script.sh", "#!/bin/sh\n");
  s = Run({{not_executable}});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
}

TEST_F(ExecProcessorTest, LargeOutputAndStderrDoNotDeadlock) {
  std::string input(3 * 1024 * 1024, 'x');
  Status s = Run({{"sh", "-c", "tee /dev/stderr"}}, input);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(Output(), input);
}

TEST_F(ExecProcessorTest, NoDescriptorLeaks) {
  int before = OpenFdCount();
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(Run({{"cat"}}).ok());
    ASSERT_TRUE(Run({{"sh", "-c", "exit 1"}}).IsRejected());
    ASSERT_EQ(Run({{"s3proc-no-such-command-xyz"}}).code(), StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(OpenFdCount(), before);
  // The child sees only 0, 1 and 2 (plus the one ls opens to list them).
  ASSERT_TRUE(Run({{"sh", "-c", "ls /proc/self/fd | wc -l"}}).ok());
  EXPECT_EQ(Output(), "4\n");
}

TEST_F(ExecProcessorTest, DiskFullIsAnIoError) {
  auto processor = ExecProcessor::Create({{"cat"}});
  ASSERT_TRUE(processor.ok());
  std::string in = dir_.WriteFile("in.txt", std::string(1 << 20, 'x'));
  Status s = (*processor)->Process(in, "/dev/full", context_);
  EXPECT_EQ(s.code(), StatusCode::kIoError) << s.ToString();
}

}  // namespace
}  // namespace s3proc
