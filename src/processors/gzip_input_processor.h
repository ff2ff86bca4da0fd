#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

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
// member, or more than `max_decompressed_bytes` of output (a zip bomb); IoError for local I/O.
Status GunzipFile(const std::string& input_path, const std::string& output_path,
                  uint64_t max_decompressed_bytes, uint64_t* compressed_size,
                  std::string* compressed_sha256);

// A decorator that makes .gz inputs transparent to the processor it wraps (the registry wraps
// every processor in one). For a key that IsGzipKey, the input is decompressed into a temporary
// file next to `output_path` ("<output_path>.gunzip.XXXXXX", removed before returning), and the
// inner processor runs on it with a context whose source_size and source_sha256 describe the
// compressed bytes as stored. Other keys go straight to the inner processor.
// Returns what GunzipFile or the inner processor returns. Thread-safe if the inner one is.
class GzipInputProcessor : public Processor {
 public:
  static constexpr uint64_t kDefaultMaxDecompressedBytes = uint64_t{1} << 30;  // 1 GiB

  // REQUIRES: inner != nullptr.
  GzipInputProcessor(std::unique_ptr<Processor> inner, uint64_t max_decompressed_bytes)
      : inner_(std::move(inner)), max_decompressed_bytes_(max_decompressed_bytes) {}

  Status Process(const std::string& input_path, const std::string& output_path,
                 const ProcessContext& context) override;
  // The inner processor's name and content type.
  std::string name() const override { return inner_->name(); }
  std::string content_type() const override { return inner_->content_type(); }

 private:
  std::unique_ptr<Processor> inner_;
  uint64_t max_decompressed_bytes_;
};

}  // namespace s3proc
