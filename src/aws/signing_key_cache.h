#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

#include "aws/sigv4.h"

namespace s3proc {

// The SigV4 signing key of the current day, region, service and secret. It changes once a day
// (or with the credentials): derived once, not four HMACs per request. Thread-safe; one per
// client (S3Client, SqsClient).
class SigningKeyCache {
 public:
  std::array<uint8_t, 32> Get(const std::string& secret, const SigV4Scope& scope);

 private:
  std::mutex mu_;
  std::string secret_;  // the secret it was derived from (in memory only, like the credentials)
  std::string scope_;   // "YYYYMMDD/region/service"
  std::array<uint8_t, 32> key_{};
};

// What one AWS client (S3Client, SqsClient) counts as it sends, and its signing key.
struct ClientCounters {
  std::atomic<uint64_t> requests{0};
  std::atomic<uint64_t> retries{0};
  std::atomic<uint64_t> credential_refreshes{0};
  SigningKeyCache signing_key;

  std::array<uint8_t, 32> SigningKey(const std::string& secret, const SigV4Scope& scope) {
    return signing_key.Get(secret, scope);
  }
};

}  // namespace s3proc
