#pragma once

#include <string>

#include "aws/credentials.h"

namespace s3proc::testing {

// Credentials whose secret (and token, when one is given) change with each Invalidate(), so a
// test can see that a retry after a refresh was signed with the fresh set, and count the
// refreshes. Reading from many threads is safe while nobody calls Invalidate().
class CountingCredentials : public CredentialsProvider {
 public:
  explicit CountingCredentials(std::string token = "") : token_(std::move(token)) {}
  Result<Credentials> GetCredentials() override {
    Credentials c;
    c.access_key_id = "AKIDEXAMPLE";
    c.secret_access_key = "secret-" + std::to_string(invalidations);
    c.session_token = token_.empty() ? "" : token_ + std::to_string(invalidations);
    c.source = "test";
    return c;
  }
  void Invalidate() override { ++invalidations; }
  int invalidations = 0;

 private:
  std::string token_;
};

}  // namespace s3proc::testing
