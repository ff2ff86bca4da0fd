#pragma once

// Shared body of the processor fuzz targets: the processor returns OK or Rejected for any
// bytes (never another error, never a crash or hang), and what it writes on OK is valid JSON
// (one text, or one text per line), checked with nlohmann::json, a parser we did not write. For
// a ".gz" key what it writes must be whole gzip data (gzip in, gzip out), checked decompressed.
#include <stddef.h>
#include <stdint.h>

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "fuzz_files.h"
#include "processors/gzip_input_processor.h"
#include "processors/processor.h"

namespace s3proc::fuzz {

enum class OutputShape { kOneText, kLines, kAny };

inline void CheckProcessor(Processor& processor, const uint8_t* data, size_t size,
                           const std::string& key, OutputShape shape) {
  std::string in = WriteScratch("in", data, size);
  std::string out = ScratchDir() + "/out";
  ProcessContext context;
  context.source_key = key;
  context.source_size = size;
  context.source_etag = "0123456789abcdef0123456789abcdef";
  context.processed_at = "2026-11-28T16:04:06Z";
  Status s = processor.Process(in, out, context);
  if (!s.ok() && !s.IsRejected()) Fail(processor.name() + " returned " + s.ToString());
  if (!s.ok()) return;
  if (IsGzipKey(key)) {
    uint64_t compressed_size = 0;
    std::string compressed_sha256;
    Status gunzip =
        GunzipFile(out, out + ".plain", UINT64_MAX, &compressed_size, &compressed_sha256);
    if (!gunzip.ok()) Fail(processor.name() + " wrote no whole gzip data: " + gunzip.ToString());
    out += ".plain";
  }
  std::string written = ReadScratch(out);
  if (shape == OutputShape::kOneText) {
    if (!nlohmann::json::accept(written)) Fail(processor.name() + " wrote invalid JSON");
  } else if (shape == OutputShape::kLines) {
    std::string_view rest(written);
    while (!rest.empty()) {
      size_t nl = rest.find('\n');
      if (nl == std::string_view::npos) Fail(processor.name() + " wrote a last line without \\n");
      std::string_view line = rest.substr(0, nl);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (!nlohmann::json::accept(line)) Fail(processor.name() + " wrote an invalid JSON line");
      rest.remove_prefix(nl + 1);
    }
  }
}

}  // namespace s3proc::fuzz
