#include "processors/exec_processor.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <gtest/gtest.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/file_io.h"
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
    detail_.clear();
    context_.local_detail = &detail_;
    return (*processor)->Process(in, out_path_, context_);
  }
  std::string Output() const { return ReadFileOrEmpty(out_path_); }

  TempDir dir_;
  ProcessContext context_{"input/a b/$(touch pwned);`id`|x'\"*.txt", 42, "etag-1",
                          "2026-11-28T16:04:06Z"};
  std::string out_path_;
  std::string detail_;  // what the local log gets beside the published reason
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

// The reason published in errors/ holds the last 512 bytes of stderr, starting on a line; the
// local log gets its last 4 KiB.
TEST_F(ExecProcessorTest, OnlyTheStderrTailIsKept) {
  Status s =
      Run({{"sh", "-c",
            "head -c 100000 /dev/zero | tr '\\0' a >&2; echo >&2; "
            "head -c 2000 /dev/zero | tr '\\0' b >&2; echo >&2; echo LAST LINE >&2; exit 1"}});
  EXPECT_TRUE(s.IsRejected());
  EXPECT_LT(s.message().size(), 512u + 100u) << s.message();
  EXPECT_NE(s.message().find("stderr: ...LAST LINE"), std::string::npos) << s.message();
  EXPECT_LT(detail_.size(), 4096u + 100u);
  EXPECT_NE(detail_.find("bbbb\nLAST LINE"), std::string::npos) << detail_;
  EXPECT_NE(detail_.find("aaaa"), std::string::npos) << detail_;
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

// The command gets an allowlist, not s3proc's environment: no AWS credentials or settings
// (a key, a session token, a profile or a config file that names an endpoint), nothing else.
TEST_F(ExecProcessorTest, EnvironmentHoldsNoCredentials) {
  const char* kept_out[] = {"AWS_SECRET_ACCESS_KEY",
                            "AWS_SESSION_TOKEN",
                            "AWS_ACCESS_KEY_ID",
                            "AWS_PROFILE",
                            "AWS_CONFIG_FILE",
                            "AWS_ENDPOINT_URL",
                            "AWS_SHARED_CREDENTIALS_FILE",
                            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                            "S3PROC_TEST_SECRET",
                            "SOME_OTHER_SECRET"};
  for (const char* name : kept_out) ::setenv(name, "leaked-value", 1);
  Status s = Run({{"env"}});
  for (const char* name : kept_out) ::unsetenv(name);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(Output().find("leaked-value"), std::string::npos) << Output();
  EXPECT_EQ(Output().find("AWS_"), std::string::npos) << Output();
  EXPECT_NE(Output().find("\nPATH="), std::string::npos) << Output();
}

// The service user's home is the work dir: a command with HOME there could write ~/.aws/config
// (an endpoint_url) and redirect every later run. Its HOME is a private folder, removed after.
TEST_F(ExecProcessorTest, HomeIsAPrivateFolderNotTheServiceUsersHome) {
  const std::string service_home = (dir_.path() / "service-home").string();
  std::filesystem::create_directories(service_home);
  const char* saved = std::getenv("HOME");
  const std::string saved_home = saved ? saved : "";
  ::setenv("HOME", service_home.c_str(), 1);
  Status s = Run({{"sh", "-c",
                   "mkdir -p \"$HOME/.aws\" && echo x > \"$HOME/.aws/config\" && "
                   "printf '%s\\n%s\\n%s\\n' \"$HOME\" \"$PWD\" \"$TMPDIR\" && "
                   "stat -c %a \"$HOME\""}});
  if (saved) ::setenv("HOME", saved_home.c_str(), 1);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_FALSE(std::filesystem::exists(service_home + "/.aws/config"));
  std::istringstream lines(Output());
  std::string home, cwd, tmp, mode;
  std::getline(lines, home);
  std::getline(lines, cwd);
  std::getline(lines, tmp);
  std::getline(lines, mode);
  EXPECT_NE(home, service_home);
  EXPECT_EQ(cwd, home);
  EXPECT_EQ(tmp.rfind(home + "/", 0), 0u) << tmp;
  EXPECT_EQ(mode, "700");
  EXPECT_FALSE(home.empty() || std::filesystem::exists(home)) << home << " was not removed";
}

// True while `pid` is a live (not zombie) process whose command name is `name`.
bool RunsAs(pid_t pid, const std::string& name) {
  std::string stat = ReadFileOrEmpty("/proc/" + std::to_string(pid) + "/stat");
  size_t open = stat.find('('), close = stat.rfind(')');
  if (open == std::string::npos || close == std::string::npos) return false;
  char state = stat.size() > close + 2 ? stat[close + 2] : 'X';
  return stat.substr(open + 1, close - open - 1) == name && state != 'Z' && state != 'X';
}

void ExpectGone(const std::string& pid_file, const std::string& what) {
  pid_t pid = 0;
  ASSERT_EQ(std::sscanf(ReadFileOrEmpty(pid_file).c_str(), "%d", &pid), 1)
      << what << ": the command did not record its pid";
  bool gone = Eventually([&] { return !RunsAs(pid, "sleep"); });
  if (!gone) ::kill(pid, SIGKILL);
  EXPECT_TRUE(gone) << what << " (pid " << pid << ") outlived the command";
}

// A command that exits 0 leaves nothing running: neither a backgrounded child (still in its
// process group) nor one that left the group with setsid.
TEST_F(ExecProcessorTest, NoDescendantOutlivesASuccessfulCommand) {
  std::string background = (dir_.path() / "background.pid").string();
  std::string detached = (dir_.path() / "detached.pid").string();
  Status s = Run({{"sh", "-c",
                   "sleep 1000 >/dev/null 2>&1 </dev/null & echo $! > \"$1\"; "
                   "setsid sh -c 'echo $$ > \"$1\"; exec sleep 1000' sh \"$2\" "
                   ">/dev/null 2>&1 </dev/null & "
                   "while [ ! -s \"$2\" ]; do sleep 0.01; done; echo done",
                   "sh", background, detached}});
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(Output(), "done\n");
  ExpectGone(background, "a backgrounded grandchild");
  ExpectGone(detached, "a setsid grandchild");
}

// The timeout reaches a grandchild that left the process group too.
TEST_F(ExecProcessorTest, TimeoutKillsASetsidGrandchild) {
  std::string detached = (dir_.path() / "detached.pid").string();
  Status s = Run({{"sh", "-c",
                   "setsid sh -c 'echo $$ > \"$1\"; exec sleep 1000' sh \"$1\" "
                   ">/dev/null 2>&1 </dev/null & sleep 1000",
                   "sh", detached},
                  ExecInputMode::kStdin,
                  1000ms});
  EXPECT_TRUE(s.IsRejected()) << s.ToString();
  ExpectGone(detached, "a setsid grandchild");
}

// s3proc killed with SIGKILL (no chance to clean up) takes its command with it.
TEST_F(ExecProcessorTest, KillingS3procEndsTheCommand) {
  std::string pid_file = (dir_.path() / "command.pid").string();
  std::string in = dir_.WriteFile("in.txt", "x");
  pid_t s3proc = ::fork();
  ASSERT_GE(s3proc, 0);
  if (s3proc == 0) {
    auto processor =
        ExecProcessor::Create({{"sh", "-c", "echo $$ > \"$1\"; exec sleep 1000", "sh", pid_file}});
    if (processor.ok()) (void)(*processor)->Process(in, in + ".out", context_);
    ::_exit(0);
  }
  ASSERT_TRUE(Eventually([&] { return !ReadFileOrEmpty(pid_file).empty(); }));
  ::kill(s3proc, SIGKILL);
  ::waitpid(s3proc, nullptr, 0);
  ExpectGone(pid_file, "the command");
}

// ... and every process the command started, in its process group or out of it (setsid): in a
// cron job there is no service manager to clean up after s3proc.
TEST_F(ExecProcessorTest, KillingS3procEndsTheCommandsDescendants) {
  std::string background = (dir_.path() / "background.pid").string();
  std::string detached = (dir_.path() / "detached.pid").string();
  std::string in = dir_.WriteFile("in.txt", "x");
  pid_t s3proc = ::fork();
  ASSERT_GE(s3proc, 0);
  if (s3proc == 0) {
    auto processor = ExecProcessor::Create(
        {{"sh", "-c",
          "sh -c 'echo $$ > \"$1\"; exec sleep 1000' sh \"$1\" >/dev/null 2>&1 </dev/null & "
          "setsid sh -c 'echo $$ > \"$1\"; exec sleep 1000' sh \"$2\" >/dev/null 2>&1 "
          "</dev/null & sleep 1000",
          "sh", background, detached}});
    if (processor.ok()) (void)(*processor)->Process(in, in + ".out", context_);
    ::_exit(0);
  }
  ASSERT_TRUE(Eventually(
      [&] { return !ReadFileOrEmpty(background).empty() && !ReadFileOrEmpty(detached).empty(); }));
  ::kill(s3proc, SIGKILL);
  ::waitpid(s3proc, nullptr, 0);
  ExpectGone(background, "a backgrounded grandchild");
  ExpectGone(detached, "a setsid grandchild");
}

// What goes to errors/ is published: it names no local path (the input, the work dir, HOME).
TEST_F(ExecProcessorTest, TheReasonNamesNoLocalPath) {
  const char* saved = std::getenv("HOME");
  const std::string saved_home = saved ? saved : "";
  ::setenv("HOME", dir_.path().c_str(), 1);
  Status s =
      Run({{"sh", "-c", "echo \"cannot parse $1 (home $HOME, cwd $PWD, tmp $TMPDIR)\" >&2; exit 1",
            "sh", "{input}"},
           ExecInputMode::kArgument});
  if (saved) ::setenv("HOME", saved_home.c_str(), 1);
  EXPECT_TRUE(s.IsRejected()) << s.ToString();
  EXPECT_EQ(s.message().find(dir_.path().string()), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("exited with code 1"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("cannot parse"), std::string::npos) << s.message();
  // The local log has it all, as the command wrote it.
  EXPECT_NE(detail_.find("cannot parse " + (dir_.path() / "in.txt").string()), std::string::npos)
      << detail_;
}

TEST_F(ExecProcessorTest, TheReasonHidesPathsAndPassedValues) {
  ::setenv("S3PROC_TEST_TOKEN", "tok-123456", 1);
  Status s = Run({{"/bin/sh", "-c",
                   "echo \"error at /etc/tool/conf.d/x.conf:3 (token $S3PROC_TEST_TOKEN) "
                   "from=/var/lib/y and 1/2 of 'a/b'\" >&2; exit 2"},
                  ExecInputMode::kStdin,
                  60s,
                  {"S3PROC_TEST_TOKEN"}});
  ::unsetenv("S3PROC_TEST_TOKEN");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << "S3PROC_* cannot be passed";
  ::setenv("TOOL_TOKEN", "tok-123456", 1);
  s = Run({{"/bin/sh", "-c",
            "echo \"error at /etc/tool/conf.d/x.conf:3 (token $TOOL_TOKEN) "
            "from=/var/lib/y and 1/2 of 'a/b'\" >&2; exit 2"},
           ExecInputMode::kStdin,
           60s,
           {"TOOL_TOKEN"}});
  ::unsetenv("TOOL_TOKEN");
  EXPECT_EQ(s.message(),
            "command 'sh' exited with code 2; stderr: error at <path>:3 (token <$TOOL_TOKEN>) "
            "from=<path> and 1/2 of 'a/b'");
}

// exec_env passes the variables it names, and never an AWS_* one.
TEST_F(ExecProcessorTest, ExecEnvPassesTheNamedVariables) {
  ::setenv("TOOL_CONFIG", "fast", 1);
  ::setenv("TOOL_OTHER", "not passed", 1);
  Status s = Run({{"sh", "-c", "printf '%s|%s' \"$TOOL_CONFIG\" \"$TOOL_OTHER\""},
                  ExecInputMode::kStdin,
                  60s,
                  {"TOOL_CONFIG", "TOOL_UNSET"}});
  ::unsetenv("TOOL_CONFIG");
  ::unsetenv("TOOL_OTHER");
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(Output(), "fast|");
  for (const char* name :
       {"AWS_SECRET_ACCESS_KEY", "aws_profile", "HOME", "TMPDIR", "S3PROC_SOURCE_KEY", "A-B", ""}) {
    s = Run({{"env"}, ExecInputMode::kStdin, 60s, {name}});
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << name << ": " << s.ToString();
  }
}

// stdout past exec_max_output_bytes kills the command; the output holds no more than the cap.
TEST_F(ExecProcessorTest, OutputPastTheCapIsRejected) {
  ExecOptions options{{"yes"}};
  options.max_output_bytes = 1 << 20;
  Status s = Run(options);
  EXPECT_TRUE(s.IsRejected()) << s.ToString();
  EXPECT_NE(s.message().find("wrote more than 1048576 bytes to stdout (exec_max_output_bytes)"),
            std::string::npos)
      << s.message();
  EXPECT_LE(std::filesystem::file_size(out_path_), 1u << 20);
  options.max_output_bytes = 6;  // exactly the cap is fine
  ASSERT_TRUE(Run({{"tr", "a-z", "A-Z"}, ExecInputMode::kStdin, 60s, {}, 6}).ok());
  EXPECT_EQ(Output(), "HELLO\n");
}

// Commands run at once each get their own exit status: each has its own supervisor, and no
// waitpid in s3proc takes any child but its own.
TEST_F(ExecProcessorTest, ConcurrentCommandsKeepTheirOwnExitStatus) {
  auto processor = ExecProcessor::Create({{"sh", "-c",
                                           "sleep 1000 >/dev/null 2>&1 & "
                                           "setsid sleep 1000 >/dev/null 2>&1 & "
                                           "sleep 0.05; exit $(cat)"}});
  ASSERT_TRUE(processor.ok());
  std::vector<std::thread> threads;
  std::vector<Status> results(8);
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      std::string in = dir_.WriteFile("in" + std::to_string(i), std::to_string(i));
      results[i] = (*processor)->Process(in, in + ".out", context_);
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_TRUE(results[0].ok()) << results[0].ToString();
  for (int i = 1; i < 8; ++i) {
    EXPECT_NE(results[i].message().find("exited with code " + std::to_string(i) + ";"),
              std::string::npos)
        << results[i].ToString();
  }
}

// A TCP listener on 127.0.0.1 in s3proc's process, to see whether a command connected to it.
class LocalListener {
 public:
  LocalListener() : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    auto* any = reinterpret_cast<sockaddr*>(&address);
    if (::bind(fd_.get(), any, size) != 0 || ::listen(fd_.get(), 8) != 0 ||
        ::getsockname(fd_.get(), any, &size) != 0) {
      ADD_FAILURE() << "cannot listen on 127.0.0.1: " << std::strerror(errno);
    }
    port_ = ntohs(address.sin_port);
  }
  std::string port() const { return std::to_string(port_); }
  bool WasConnected() {
    ScopedFd connection(::accept4(fd_.get(), nullptr, nullptr, SOCK_CLOEXEC));
    return connection.valid();
  }

 private:
  ScopedFd fd_;
  int port_ = 0;
};

// Tries every kind of socket and prints one line each: "tcp ok" or "tcp EACCES". The first
// argument is the port of a TCP listener on 127.0.0.1.
constexpr char kTrySockets[] = R"(
import errno, socket, sys
def attempt(name, open_it):
    try:
        open_it()
        print(name, "ok")
    except OSError as e:
        print(name, errno.errorcode.get(e.errno, e.errno))
attempt("tcp", lambda: socket.create_connection(("127.0.0.1", int(sys.argv[1])), 5).close())
attempt("udp", lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).close())
attempt("inet6", lambda: socket.socket(socket.AF_INET6, socket.SOCK_STREAM).close())
attempt("netlink", lambda: socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0).close())
attempt("packet", lambda: socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, 0).close())
attempt("unix", lambda: socket.socket(socket.AF_UNIX, socket.SOCK_STREAM).close())
attempt("socketpair", lambda: [s.close() for s in socket.socketpair()])
)";

// By default (exec_network = false) the command, and what it starts (python3 under sh here),
// cannot open an Internet, packet or netlink socket, so it cannot ask the instance metadata
// service for the role's credentials: the listener sees no connection. Local (AF_UNIX) sockets
// still work, and s3proc itself keeps the network.
TEST_F(ExecProcessorTest, WithoutExecNetworkOnlyLocalSocketsOpen) {
  LocalListener listener;
  Status s = Run({{"sh", "-c", "python3 -c \"$1\" \"$2\"", "sh", kTrySockets, listener.port()}});
  ASSERT_TRUE(s.ok()) << s.ToString() << "\n" << detail_;
  EXPECT_EQ(Output(),
            "tcp EACCES\nudp EACCES\ninet6 EACCES\nnetlink EACCES\npacket EACCES\nunix ok\n"
            "socketpair ok\n");
  EXPECT_FALSE(listener.WasConnected());
  ScopedFd mine(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  EXPECT_TRUE(mine.valid()) << "s3proc lost its own network: " << std::strerror(errno);
}

// exec_network = true gives the command the network as s3proc has it.
TEST_F(ExecProcessorTest, ExecNetworkLetsTheCommandConnect) {
  LocalListener listener;
  ExecOptions options{{"python3", "-c", kTrySockets, listener.port()}};
  options.network = true;
  Status s = Run(options);
  ASSERT_TRUE(s.ok()) << s.ToString() << "\n" << detail_;
  EXPECT_NE(Output().find("tcp ok\nudp ok\n"), std::string::npos) << Output();
  EXPECT_NE(Output().find("unix ok\nsocketpair ok\n"), std::string::npos) << Output();
  EXPECT_TRUE(listener.WasConnected());
}

// Where seccomp filters are refused (qemu-user answers EINVAL, as here), the network cannot be
// taken away: the command does not run, and the error says what to set. Run in a child process
// that refuses filters the way qemu does (a filter cannot be removed once installed).
TEST_F(ExecProcessorTest, WithoutSeccompTheCommandDoesNotRunWithTheNetwork) {
  const std::string ran = (dir_.path() / "ran").string();
  const std::string verdict = (dir_.path() / "verdict").string();
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    sock_filter refuse[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_prctl, 0, 3),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, args[0])),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PR_SET_SECCOMP, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EINVAL),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    sock_fprog program{sizeof refuse / sizeof refuse[0], refuse};
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
        ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program, 0, 0) != 0) {
      ::_exit(2);
    }
    Status s = Run({{"sh", "-c", "echo ran > \"$1\"", "sh", ran}});
    std::string text = std::to_string(static_cast<int>(s.code())) + " " + s.message();
    dir_.WriteFile("verdict", text);
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  const std::string text = ReadFileOrEmpty(verdict);
  EXPECT_EQ(text.rfind(std::to_string(static_cast<int>(StatusCode::kInvalidArgument)) + " ", 0), 0u)
      << text;
  EXPECT_NE(text.find("cannot take the network away from the exec command 'sh': Invalid "
                      "argument"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("set exec_network = true to run it with the network"), std::string::npos)
      << text;
  EXPECT_FALSE(std::filesystem::exists(ran)) << "the command ran with the network";
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
  ExecOptions options{{"cat"}};
  options.private_folder_parent = dir_.path().string();
  auto processor = ExecProcessor::Create(options);
  ASSERT_TRUE(processor.ok());
  std::string in = dir_.WriteFile("in.txt", std::string(1 << 20, 'x'));
  Status s = (*processor)->Process(in, "/dev/full", context_);
  EXPECT_EQ(s.code(), StatusCode::kIoError) << s.ToString();
}

}  // namespace
}  // namespace s3proc
