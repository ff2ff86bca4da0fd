#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include "aws/credentials.h"

namespace s3proc {

struct CredentialsCacheOptions {
  // Temporary credentials are refreshed once they are this close to their expiration.
  std::chrono::seconds refresh_window{300};
  // After a failed refresh while the old credentials still work, wait this long (at most half
  // of their remaining life) before asking the source again.
  std::chrono::seconds retry_after_failure{10};
  std::function<std::chrono::system_clock::time_point()> now = std::chrono::system_clock::now;
};

// A decorator that caches `inner`'s credentials (aws-c-auth's cached provider).
// - Credentials without an expiration are kept until Invalidate().
// - Temporary credentials are kept until refresh_window before their expiration. When they
//   arrive with less life than that, they are used for half of what remains before the next
//   refresh.
// - Refreshes happen one at a time: concurrent callers wait for the refresh in progress and get
//   its result, except that a caller holding still-valid (unexpired) credentials gets those at
//   once instead of waiting.
// - When a refresh fails but the cached credentials have not expired yet, they are returned (and
//   the source is asked again after retry_after_failure); once they have expired, the source's
//   error is returned.
// - Invalidate() drops the cached credentials (and invalidates `inner`), so the next call
//   refreshes: call it when S3 answers ExpiredToken, InvalidToken or a 403 for expired
//   credentials.
// Thread-safe. REQUIRES: inner is non-null.
std::unique_ptr<CredentialsProvider> NewCachingCredentialsProvider(
    std::unique_ptr<CredentialsProvider> inner, CredentialsCacheOptions options = {});

}  // namespace s3proc
