#include "processors/exec_processor.h"

#include <dirent.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

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

TEST_F(ExecProcessorTest, ACrashIsRejected) {
  Status s = Run({{"sh", "-c", "kill -SEGV $$"}});
  EXPECT_TRUE(s.IsRejected()) << s.ToString();
  EXPECT_NE(s.message().find("killed by signal 11"), std::string::npos) << s.message();
}

// Stopped from outside (a service manager stopping every process of the service, the OOM
// killer, an operator): nothing is known about the content, so the input stays for the next run.
TEST_F(ExecProcessorTest, AStopFromOutsideIsTransientNotARejection) {
  for (const char* sig : {"TERM", "INT", "HUP", "KILL"}) {
    Status s = Run({{"sh", "-c", std::string("kill -") + sig + " $$"}});
    EXPECT_TRUE(s.IsTransient()) << sig << ": " << s.ToString();
    EXPECT_NE(s.message().find("killed by signal"), std::string::npos) << s.message();
  }
}

// True while `pid` is a live (not zombie) member of process group `pgid`. The group check
// keeps a recycled pid from passing for the process we mean: a new process cannot join the
// group of a leader that is gone.
bool RunsInGroup(pid_t pid, pid_t pgid) {
  std::string stat = ReadFileOrEmpty("/proc/" + std::to_string(pid) + "/stat");
  size_t paren = stat.rfind(')');  // the command name may hold spaces and parentheses
  if (paren == std::string::npos) return false;
  char state = 0;
  int ppid = 0, group = 0;
  if (std::sscanf(stat.c_str() + paren + 1, " %c %d %d", &state, &ppid, &group) != 3) return false;
  return state != 'Z' && state != 'X' && group == pgid;
}

// Polls `condition` until it holds (true) or `limit` passes (false). The limit only bounds a
// failing test: the assertion is on the condition, never on the time taken.
template <typename F>
bool Eventually(F condition, std::chrono::seconds limit = 20s) {
  auto give_up = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= give_up) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

// A shell snippet that starts a grandchild (`sleep 30`) in the background and writes
// "<grandchild pid> <process group>" to the file named by $1; the grandchild inherits whatever
// stdout and stderr the shell has.
constexpr char kStartGrandchild[] = "sleep 30 & echo \"$! $$\" > \"$1\"; ";

// Checks that the grandchild recorded in `pids_file` by kStartGrandchild is dead (it is
// killed if not, so that a failing test leaves nothing behind).
void ExpectGrandchildGone(const std::string& pids_file) {
  pid_t grandchild = 0, group = 0;
  ASSERT_EQ(std::sscanf(ReadFileOrEmpty(pids_file).c_str(), "%d %d", &grandchild, &group), 2)
      << "the command did not record its pids";
  // SIGKILL is delivered asynchronously, and init reaps the orphan when it gets to it.
  bool gone = Eventually([&] { return !RunsInGroup(grandchild, group); });
  if (!gone) ::kill(grandchild, SIGKILL);
  EXPECT_TRUE(gone) << "grandchild " << grandchild << " of group " << group
                    << " survived the timeout";
}

TEST_F(ExecProcessorTest, TimeoutKillsTheProcessGroup) {
  // The grandchild holds stdout open; killing only the shell would leave it running.
  std::string pids = (dir_.path() / "pids").string();
  Status s =
      Run({{"sh", "-c", std::string(kStartGrandchild) + "echo started >&2; wait", "sh", pids},
           ExecInputMode::kStdin,
           1000ms});  // long enough for the shell to record its pids first
  EXPECT_TRUE(s.IsRejected()) << s.ToString();
  EXPECT_NE(s.message().find("timed out after 1000 ms"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("stderr: started"), std::string::npos) << s.message();
  ExpectGrandchildGone(pids);
}

// The timeout found while waiting for the exit (the pipes already closed) kills the group too.
TEST_F(ExecProcessorTest, TimeoutAfterClosingPipes) {
  std::string pids = (dir_.path() / "pids").string();
  Status s =
      Run({{"sh", "-c", std::string("exec >&- 2>&-; ") + kStartGrandchild + "wait", "sh", pids},
           ExecInputMode::kStdin,
           1000ms});
  EXPECT_TRUE(s.IsRejected()) << s.ToString();
  EXPECT_NE(s.message().find("timed out"), std::string::npos) << s.message();
  ExpectGrandchildGone(pids);
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
