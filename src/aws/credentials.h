#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "common/result.h"

namespace s3proc {

// AWS credentials. Never log these: use Redacted() for diagnostics.
struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty for long-term keys
  // When temporary credentials stop working; nullopt for long-term keys.
  std::optional<std::chrono::system_clock::time_point> expiration;
  std::string source;  // "environment", "profile default", "imds", ... (for messages)

  // "AKIA…XYZ from <source>": the key id's first 4 and last 3 characters only.
  std::string Redacted() const;
};

// One source of credentials (aws-c-auth's shape): the environment, a profile, IMDS, a chain of
// those, a cache in front of one. Implementations are thread-safe.
class CredentialsProvider {
 public:
  virtual ~CredentialsProvider() = default;

  // Returns credentials, Status::NotFound when this source has none (so a chain moves on), or
  // another error when the source exists but is broken (a chain stops and reports it).
  virtual Result<Credentials> GetCredentials() = 0;

  // Forget any cached credentials: the server said they expired or are invalid. The next
  // GetCredentials() fetches fresh ones.
  virtual void Invalidate() {}
};

}  // namespace s3proc
