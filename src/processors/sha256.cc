#include "processors/sha256.h"

#include <openssl/evp.h>

#include <cstdlib>
#include <vector>

#include "processors/file_io.h"

namespace s3proc {

struct Sha256::Impl {
  EVP_MD_CTX* ctx = nullptr;
};

Sha256::Sha256() : impl_(std::make_unique<Impl>()) {
  impl_->ctx = EVP_MD_CTX_new();
  // Allocation failure or a FIPS provider refusing SHA-256 leaves nothing sensible to return.
  if (impl_->ctx == nullptr || EVP_DigestInit_ex(impl_->ctx, EVP_sha256(), nullptr) != 1) {
    std::abort();
  }
}

Sha256::~Sha256() { EVP_MD_CTX_free(impl_->ctx); }

void Sha256::Update(std::string_view data) {
  if (!data.empty()) EVP_DigestUpdate(impl_->ctx, data.data(), data.size());
}

std::string Sha256::HexDigest() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(impl_->ctx, digest, &len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xf]);
  }
  return hex;
}

Result<std::string> Sha256File(const std::string& path) {
  S3PROC_ASSIGN_OR_RETURN(ScopedFd fd, OpenForRead(path));
  Sha256 hash;
  std::vector<char> buf(256 * 1024);
  for (;;) {
    S3PROC_ASSIGN_OR_RETURN(size_t n, ReadSome(fd.get(), buf.data(), buf.size(), path));
    if (n == 0) break;
    hash.Update(std::string_view(buf.data(), n));
  }
  return hash.HexDigest();
}

}  // namespace s3proc
