#include "common/hash.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <memory>

namespace s3proc {

namespace {

// A read buffer for hashing a file: at most 1 MiB, no bigger than the bytes to read (+1, so a
// small file is read and its end seen in two calls), and not zero-filled. A zeroed 1 MiB
// vector per call cost more than the hashing itself for the 1 KiB objects of a typical drop
// folder (~11% of s3proc's CPU per object).
std::unique_ptr<char[]> NewReadBuffer(int fd, uint64_t length, size_t* size) {
  uint64_t want = length;
  struct stat st;
  if (::fstat(fd, &st) == 0 && st.st_size >= 0) {
    want = std::min<uint64_t>(want, static_cast<uint64_t>(st.st_size));
  }
  *size = static_cast<size_t>(std::clamp<uint64_t>(want + 1, 4096, 1 << 20));
  return std::unique_ptr<char[]>(new char[*size]);
}

// OpenSSL 3 looks an algorithm up by name on every implicit fetch (EVP_sha256() passed to
// EVP_DigestInit_ex, and HMAC(), which fetches both the MAC and the digest): for the 1 KiB
// objects of a drop folder that lookup cost more than the hashing. Fetch each digest once.
const EVP_MD* FetchedDigest(const char* name, const EVP_MD* implicit) {
#ifdef S3PROC_STATIC_BUILD
  // The static build carries its own libcrypto, built for Debian's paths: reading the host's
  // openssl.cnf could make it dlopen() the host's providers or engines, linked against another
  // libcrypto. Nothing s3proc does needs a configuration file. (libcurl is built with
  // --disable-openssl-auto-load-config for the same reason; whichever initialises first wins.)
  OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, nullptr);
#endif
  EVP_MD* md = EVP_MD_fetch(nullptr, name, nullptr);
  return md != nullptr ? md : implicit;  // e.g. MD5 unavailable: keep OpenSSL's own error path
}

const EVP_MD* Sha256Md() {
  static const EVP_MD* const md = FetchedDigest("SHA256", EVP_sha256());
  return md;
}

const EVP_MD* Md5Md() {
  static const EVP_MD* const md = FetchedDigest("MD5", EVP_md5());
  return md;
}

// One digest context per thread, reset by each use, instead of one allocated per call.
EVP_MD_CTX* ThreadDigestContext() {
  struct Owner {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~Owner() { EVP_MD_CTX_free(ctx); }
  };
  thread_local Owner owner;
  return owner.ctx;
}

}  // namespace

std::array<uint8_t, 32> Sha256(std::string_view data) {
  std::array<uint8_t, 32> out{};
  unsigned int len = 0;
  EVP_MD_CTX* ctx = ThreadDigestContext();
  EVP_DigestInit_ex2(ctx, Sha256Md(), nullptr);
  EVP_DigestUpdate(ctx, data.data(), data.size());
  EVP_DigestFinal_ex(ctx, out.data(), &len);
  return out;
}

std::string Sha256Hex(std::string_view data) {
  auto digest = Sha256(data);
  return HexEncode(digest.data(), digest.size());
}

// HMAC (RFC 2104) over the pre-fetched SHA-256: OpenSSL 3's one-shot HMAC() fetches the MAC
// and the digest by name on every call, and SigV4 makes one HMAC per request.
std::array<uint8_t, 32> HmacSha256(std::string_view key, std::string_view data) {
  constexpr size_t kBlock = 64;
  uint8_t block_key[kBlock] = {0};
  if (key.size() > kBlock) {
    auto hashed = Sha256(key);
    memcpy(block_key, hashed.data(), hashed.size());
  } else {
    memcpy(block_key, key.data(), key.size());
  }
  uint8_t pad[kBlock];
  std::array<uint8_t, 32> inner{}, out{};
  unsigned int len = 0;
  EVP_MD_CTX* ctx = ThreadDigestContext();
  for (size_t i = 0; i < kBlock; ++i) pad[i] = block_key[i] ^ 0x36;
  EVP_DigestInit_ex2(ctx, Sha256Md(), nullptr);
  EVP_DigestUpdate(ctx, pad, kBlock);
  EVP_DigestUpdate(ctx, data.data(), data.size());
  EVP_DigestFinal_ex(ctx, inner.data(), &len);
  for (size_t i = 0; i < kBlock; ++i) pad[i] = block_key[i] ^ 0x5c;
  EVP_DigestInit_ex2(ctx, Sha256Md(), nullptr);
  EVP_DigestUpdate(ctx, pad, kBlock);
  EVP_DigestUpdate(ctx, inner.data(), inner.size());
  EVP_DigestFinal_ex(ctx, out.data(), &len);
  OPENSSL_cleanse(block_key, sizeof block_key);
  OPENSSL_cleanse(pad, sizeof pad);
  return out;
}

std::string HexEncode(const uint8_t* data, size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(size * 2, '\0');
  for (size_t i = 0; i < size; ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 0xf];
  }
  return out;
}

std::string Base64Encode(const uint8_t* data, size_t size) {
  std::string out(4 * ((size + 2) / 3), '\0');
  int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
  out.resize(static_cast<size_t>(n));
  return out;
}

struct Sha256Hasher::Impl {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~Impl() { EVP_MD_CTX_free(ctx); }
};

Sha256Hasher::Sha256Hasher() : impl_(std::make_unique<Impl>()) {
  EVP_DigestInit_ex2(impl_->ctx, Sha256Md(), nullptr);
}

Sha256Hasher::~Sha256Hasher() = default;

void Sha256Hasher::Update(std::string_view data) {
  EVP_DigestUpdate(impl_->ctx, data.data(), data.size());
}

std::string Sha256Hasher::HexDigest() {
  uint8_t buf[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(impl_->ctx, buf, &len);
  return HexEncode(buf, len);
}

Result<std::string> Sha256FileHex(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IoError("cannot open " + path + ": " + strerror(errno));
  Sha256Hasher hasher;
  size_t buf_size = 0;
  std::unique_ptr<char[]> buf = NewReadBuffer(fd, UINT64_MAX, &buf_size);
  for (;;) {
    ssize_t n = ::read(fd, buf.get(), buf_size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return Status::IoError("cannot read " + path + ": " + strerror(err));
    }
    if (n == 0) break;
    hasher.Update(std::string_view(buf.get(), static_cast<size_t>(n)));
  }
  ::close(fd);
  return hasher.HexDigest();
}

struct StreamDigest::Impl {
  EVP_MD_CTX* sha = EVP_MD_CTX_new();
  EVP_MD_CTX* md5 = EVP_MD_CTX_new();
  ~Impl() {
    EVP_MD_CTX_free(sha);
    EVP_MD_CTX_free(md5);
  }
};

StreamDigest::StreamDigest() : impl_(std::make_unique<Impl>()) {
  EVP_DigestInit_ex2(impl_->sha, Sha256Md(), nullptr);
  EVP_DigestInit_ex2(impl_->md5, Md5Md(), nullptr);
}

StreamDigest::~StreamDigest() = default;

void StreamDigest::Update(std::string_view chunk) {
  EVP_DigestUpdate(impl_->sha, chunk.data(), chunk.size());
  EVP_DigestUpdate(impl_->md5, chunk.data(), chunk.size());
}

void StreamDigest::Finish() {
  uint8_t buf[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(impl_->sha, buf, &len);
  sha256_hex_ = HexEncode(buf, len);
  EVP_DigestFinal_ex(impl_->md5, buf, &len);
  md5_hex_ = HexEncode(buf, len);
  md5_base64_ = Base64Encode(buf, len);
}

Result<FileDigest> DigestFile(const std::string& path, uint64_t offset, uint64_t length) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IoError("cannot open " + path + ": " + strerror(errno));
  StreamDigest digest;
  size_t buf_size = 0;
  std::unique_ptr<char[]> buf = NewReadBuffer(fd, length, &buf_size);
  uint64_t done = 0;
  while (done < length) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(buf_size, length - done));
    ssize_t n = ::pread(fd, buf.get(), want, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return Status::IoError("cannot read " + path + ": " + strerror(err));
    }
    if (n == 0) break;
    digest.Update(std::string_view(buf.get(), static_cast<size_t>(n)));
    done += static_cast<uint64_t>(n);
  }
  ::close(fd);
  if (length != UINT64_MAX && done != length) {
    return Status::IoError(path + " is shorter than expected (changed while reading?)");
  }
  digest.Finish();
  return FileDigest{digest.sha256_hex(), digest.md5_hex(), digest.md5_base64(), done};
}

}  // namespace s3proc
