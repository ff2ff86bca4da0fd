#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"

namespace s3proc {

// Hashes and encodings on OpenSSL's libcrypto. Pure functions; thread-safe.

std::array<uint8_t, 32> Sha256(std::string_view data);
std::string Sha256Hex(std::string_view data);
std::array<uint8_t, 32> HmacSha256(std::string_view key, std::string_view data);
std::string HexEncode(const uint8_t* data, size_t size);
std::string Base64Encode(const uint8_t* data, size_t size);

// SHA-256 of a byte stream fed in chunks (processors hash what they read once).
class Sha256Hasher {
 public:
  Sha256Hasher();
  ~Sha256Hasher();
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;

  void Update(std::string_view data);
  // Lowercase hex of the digest. REQUIRES: called once, after the last Update().
  std::string HexDigest();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Lowercase hex SHA-256 of a whole file; kIoError when it cannot be read.
Result<std::string> Sha256FileHex(const std::string& path);

// Digests of one byte stream, fed in chunks: SHA-256 (for SigV4 payload hashes and metadata)
// and MD5 (for Content-MD5 and ETag checks) together, so a file is read once.
class StreamDigest {
 public:
  StreamDigest();
  ~StreamDigest();
  StreamDigest(const StreamDigest&) = delete;
  StreamDigest& operator=(const StreamDigest&) = delete;

  void Update(std::string_view chunk);
  // REQUIRES: called once, after the last Update().
  void Finish();

  const std::string& sha256_hex() const { return sha256_hex_; }
  const std::string& md5_hex() const { return md5_hex_; }
  const std::string& md5_base64() const { return md5_base64_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string sha256_hex_, md5_hex_, md5_base64_;
};

struct FileDigest {
  std::string sha256_hex;
  std::string md5_hex;
  std::string md5_base64;
  uint64_t size = 0;
};

// Digests the byte range [offset, offset + length) of a file; length UINT64_MAX = to the end.
// Returns kIoError when the file cannot be read.
Result<FileDigest> DigestFile(const std::string& path, uint64_t offset = 0,
                              uint64_t length = UINT64_MAX);

}  // namespace s3proc
