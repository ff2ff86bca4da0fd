#include "aws/credential_process.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <nlohmann/json.hpp>
#include <vector>

#include "aws/credentials_imds.h"
#include "aws/shell_split.h"

extern char** environ;

namespace s3proc {
namespace {

// More than any credentials document; a command printing more is not printing credentials.
constexpr size_t kMaxOutput = 1 << 20;

struct Finished {
  std::string output;
  int wait_status = 0;
};

// The process's environment, with HOME as `env` has it.
std::vector<std::string> ChildEnvironment(const EnvLookup& env) {
  std::vector<std::string> out;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    if (std::string_view(*e).starts_with("HOME=")) continue;
    out.emplace_back(*e);
  }
  if (std::optional<std::string> home = env("HOME")) out.push_back("HOME=" + *home);
  return out;
}

// Runs argv with stdout captured, stdin from /dev/null and stderr discarded.
Result<Finished> Run(const std::vector<std::string>& words, const std::string& what,
                     const EnvLookup& env) {
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) {
    return Status::InvalidArgument(what + ": cannot create a pipe: " + std::strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  std::vector<char*> argv;
  for (const std::string& word : words) argv.push_back(const_cast<char*>(word.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  std::vector<std::string> variables = ChildEnvironment(env);
  std::vector<char*> envp;
  for (std::string& v : variables) envp.push_back(v.data());
  envp.push_back(nullptr);
  int rc = ::posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  if (rc != 0) {
    ::close(out[0]);
    return Status::InvalidArgument(what + " could not be started: " + std::strerror(rc) +
                                   ": check the command in credential_process");
  }
  Finished finished;
  char buffer[8192];
  for (;;) {
    ssize_t n = ::read(out[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (finished.output.size() < kMaxOutput) finished.output.append(buffer, n);
  }
  ::close(out[0]);
  while (::waitpid(pid, &finished.wait_status, 0) < 0 && errno == EINTR) {
  }
  return finished;
}

std::string StringField(const nlohmann::json& doc, const char* name) {
  auto it = doc.find(name);
  if (it == doc.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

}  // namespace

Result<Credentials> RunCredentialProcess(std::string_view command, const std::string& source,
                                         const EnvLookup& env) {
  std::optional<std::vector<std::string>> words = ShellSplit(command);
  if (!words) {
    return Status::InvalidArgument(source +
                                   ": credential_process has an unclosed quote or a trailing "
                                   "backslash: quote it as you would in a shell");
  }
  if (words->empty()) {
    return Status::InvalidArgument(source + ": credential_process is empty");
  }
  const std::string what = source + ": credential_process " + words->front();
  S3PROC_ASSIGN_OR_RETURN(Finished finished, Run(*words, what, env));
  if (WIFSIGNALED(finished.wait_status)) {
    return Status::InvalidArgument(what + " was killed by signal " +
                                   std::to_string(WTERMSIG(finished.wait_status)));
  }
  if (WEXITSTATUS(finished.wait_status) != 0) {
    return Status::InvalidArgument(
        what + " exited with status " + std::to_string(WEXITSTATUS(finished.wait_status)) +
        " (its standard error is not shown, as it may hold secrets: run the command yourself to "
        "see why)");
  }
  return ParseCredentialProcessOutput(finished.output, what, source);
}

Result<Credentials> ParseCredentialProcessOutput(std::string_view output, const std::string& what,
                                                 const std::string& source) {
  nlohmann::json doc = nlohmann::json::parse(output, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Status::InvalidArgument(what + " printed something that is not a JSON object");
  }
  auto version = doc.find("Version");
  if (version == doc.end() || !version->is_number() || version->get<double>() != 1) {
    return Status::InvalidArgument(
        what +
        " printed a document without \"Version\": 1 (the only version the AWS tools "
        "know)");
  }
  Credentials credentials;
  credentials.access_key_id = StringField(doc, "AccessKeyId");
  credentials.secret_access_key = StringField(doc, "SecretAccessKey");
  credentials.session_token = StringField(doc, "SessionToken");
  if (credentials.access_key_id.empty() || credentials.secret_access_key.empty()) {
    return Status::InvalidArgument(
        what + " printed a document without " +
        (credentials.access_key_id.empty() ? "AccessKeyId" : "SecretAccessKey"));
  }
  std::string expiration = StringField(doc, "Expiration");
  if (!expiration.empty()) {
    credentials.expiration = ParseIso8601Utc(expiration);
    if (!credentials.expiration) {
      return Status::InvalidArgument(what +
                                     " printed an Expiration that is not an ISO 8601 UTC "
                                     "time such as 2026-11-28T17:00:00Z");
    }
  }
  credentials.source = source;
  return credentials;
}

}  // namespace s3proc
