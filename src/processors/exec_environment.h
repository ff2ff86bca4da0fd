#pragma once

#include <string>
#include <utility>
#include <vector>

#include "processors/processor.h"

namespace s3proc {

// The exec command's whole environment, built from an allowlist: never s3proc's own (which may
// hold AWS credentials, a profile, an endpoint). From s3proc's environment, when set there:
// PATH, LANG, every LC_*, TZ, and the variables named in `passed_names` (exec_env, checked by
// CheckExecEnvName). Then HOME = `home`, TMPDIR = `tmp`, and the facts s3proc gives:
// S3PROC_SOURCE_KEY, S3PROC_SOURCE_SIZE, S3PROC_SOURCE_ETAG, S3PROC_PROCESSED_AT and
// S3PROC_INPUT_PATH.
std::vector<std::string> ExecEnvironment(const std::vector<std::string>& passed_names,
                                         const std::string& home, const std::string& tmp,
                                         const std::string& input_path,
                                         const ProcessContext& context);

// The values of the variables named in `passed_names` (long enough to be worth hiding), each
// with its stand-in ("<$NAME>"), to keep them out of what is published.
std::vector<std::pair<std::string, std::string>> PassedValues(
    const std::vector<std::string>& passed_names);

}  // namespace s3proc
