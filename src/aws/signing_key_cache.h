#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <string>

#include "aws/sigv4.h"

namespace s3proc {

// The SigV4 signing key of the current day, region, service and secret. It changes once a day
// (or with the credentials): derived once, not four HMACs per request. Thread-safe; one per
// AwsRequestLoop.
class SigningKeyCache {
 public:
  std::array<uint8_t, 32> Get(const std::string& secret, const SigV4Scope& scope);

 private:
  std::mutex mu_;
  std::string secret_;  // the secret it was derived from (in memory only, like the credentials)
  std::string scope_;   // "YYYYMMDD/region/service"
  std::array<uint8_t, 32> key_{};
};

}  // namespace s3proc
