#pragma once

#include <string>
#include <string_view>

#include "aws/credentials.h"
#include "aws/credentials_env.h"
#include "common/result.h"

namespace s3proc {

// Runs a profile's `credential_process` command and reads the credentials it prints, as the AWS
// CLI does: the command is split into words like a shell would (shlex, no shell runs it), found
// on PATH, run with the environment (HOME as `env` has it: s3proc keeps HOME out of its own
// environment, and tools such as aws-vault find their files through it), standard input from
// /dev/null and standard error discarded
// (it may hold secrets, so s3proc neither shows nor logs it), and must print
//   {"Version": 1, "AccessKeyId": ..., "SecretAccessKey": ..., "SessionToken": ...,
//    "Expiration": "2026-11-28T17:00:00Z"}
// (SessionToken and Expiration optional; without Expiration the credentials never expire).
// `source` is what the credentials say they came from ("profile dev (credential_process)").
// Returns InvalidArgument when the command is empty or cannot be split, cannot be started,
// exits non-zero or is killed, or prints something else (not JSON, a Version other than 1, a
// field missing, an unreadable Expiration). Messages name the program (the first word) only,
// never the output.
Result<Credentials> RunCredentialProcess(std::string_view command, const std::string& source,
                                         const EnvLookup& env);

// The second half of RunCredentialProcess: reads the JSON the command printed. `what` begins
// every message ("profile dev: credential_process aws-vault").
Result<Credentials> ParseCredentialProcessOutput(std::string_view output, const std::string& what,
                                                 const std::string& source);

}  // namespace s3proc
