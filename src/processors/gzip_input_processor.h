#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/free_space.h"
#include "common/result.h"
#include "processors/processor.h"

namespace s3proc {

// True when `key` ends in ".gz" (any case): the only way s3proc decides an input is gzip. Magic
// bytes are not sniffed, so a processor never sees its input change format behind its back;
// a ".gz" key whose content is not gzip is rejected as corrupt.
bool IsGzipKey(std::string_view key);

// Decompresses the gzip file `input_path` (one or more concatenated members, RFC 1952) into
// `output_path`. Sets *compressed_size and *compressed_sha256 (hex) to describe the input bytes.
// Returns Rejected for corrupt or truncated data, trailing bytes that are not another gzip
// member, or more than `max_decompressed_bytes` of output (a zip bomb); IoError for local I/O,
// and when the output's file system would be left with less than kKeepFreeBytes (asked of
// `free_space` every kFreeSpaceCheckBytes written): concurrent objects and the host itself keep
// their room, and the object is tried again in a later run.
inline constexpr uint64_t kKeepFreeBytes = uint64_t{256} << 20;
inline constexpr uint64_t kFreeSpaceCheckBytes = uint64_t{64} << 20;
Status GunzipFile(const std::string& input_path, const std::string& output_path,
                  uint64_t max_decompressed_bytes, uint64_t* compressed_size,
                  std::string* compressed_sha256,
                  const FreeSpaceProbe& free_space = FreeSpaceProbe(FreeSpaceOf));

// The Content-Type of a gzip file. Outputs named ".gz" are stored with it and no
// Content-Encoding: the bytes are what the name says, and no HTTP client (a browser, curl
// --compressed, CloudFront) unpacks them on the way to a file still named ".gz".
inline constexpr std::string_view kGzipContentType = "application/gzip";

// Compresses `input_path` into `output_path` as one gzip member (RFC 1952, zlib's default
// level), streaming: memory use does not grow with the file. Returns IoError for local I/O.
Status GzipFile(const std::string& input_path, const std::string& output_path);

// A decorator that makes .gz inputs transparent to a processor that reads their content (the
// registry wraps every processor but passthrough in one), keeping the rule "an output named .gz
// is gzip": gzip in, gzip out. For a key that IsGzipKey, the input is decompressed into a
// temporary file next to `output_path` ("<output_path>.gunzip.XXXXXX"), the inner processor
// runs on it, with a context whose source_size and source_sha256 describe the compressed bytes
// as stored, into another ("<output_path>.plain.XXXXXX"), and its output is compressed into
// `output_path`; both temporary files are removed before returning. Other keys go straight to
// the inner processor.
// Returns what GunzipFile, the inner processor or GzipFile returns. Thread-safe if the inner
// one is.
class GzipInputProcessor : public Processor {
 public:
  static constexpr uint64_t kDefaultMaxDecompressedBytes = uint64_t{1} << 30;  // 1 GiB

  // REQUIRES: inner != nullptr.
  GzipInputProcessor(std::unique_ptr<Processor> inner, uint64_t max_decompressed_bytes)
      : inner_(std::move(inner)), max_decompressed_bytes_(max_decompressed_bytes) {}

  Status Process(const std::string& input_path, const std::string& output_path,
                 const ProcessContext& context) override;
  // The inner processor's name; its content type, or kGzipContentType for a ".gz" key.
  std::string name() const override { return inner_->name(); }
  std::string content_type(std::string_view source_key) const override;
  // For a ".gz" key, the inner processor's for an input of max_decompressed_bytes (what it
  // decompresses to is not known before), or zlib's buffers if more; else the inner one's.
  uint64_t WorkingMemory(const ProcessContext& context) const override;

 private:
  std::unique_ptr<Processor> inner_;
  uint64_t max_decompressed_bytes_;
};

}  // namespace s3proc
