#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "aws/credentials.h"

namespace s3proc {

// Looks up an environment variable. Returns nullopt when it is unset or empty (the AWS SDKs treat
// an empty variable as unset). Injected everywhere the aws layer reads the environment, so tests
// never touch the real one.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

// The process environment (getenv). Thread-safe as long as nobody calls setenv concurrently.
EnvLookup ProcessEnvLookup();

// A fixed environment (tests, or settings merged elsewhere); empty values count as unset.
EnvLookup MapEnvLookup(std::map<std::string, std::string, std::less<>> vars);

// Credentials from AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN when set), or
// the legacy names AWS_ACCESS_KEY + AWS_SECRET_KEY when the modern ones are unset. Long-term:
// no expiration. source = "environment".
// GetCredentials() returns NotFound when neither a key id nor a secret is set, and
// InvalidArgument when only one of the pair is set (naming the variable that is missing).
// The variables are read on every call; wrap in a cache to read them once.
// REQUIRES: env is callable.
std::unique_ptr<CredentialsProvider> NewEnvCredentialsProvider(EnvLookup env = ProcessEnvLookup());

}  // namespace s3proc
