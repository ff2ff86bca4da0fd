#include "aws/signing_key_cache.h"

namespace s3proc {

std::array<uint8_t, 32> SigningKeyCache::Get(const std::string& secret, const SigV4Scope& scope) {
  std::string scope_id = scope.amz_date.substr(0, 8) + "/" + scope.region + "/" + scope.service;
  std::lock_guard<std::mutex> lock(mu_);
  if (secret != secret_ || scope_id != scope_) {
    key_ = DeriveSigningKey(secret, scope);
    secret_ = secret;
    scope_ = std::move(scope_id);
  }
  return key_;
}

}  // namespace s3proc
