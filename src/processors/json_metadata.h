#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/file_io.h"
#include "common/result.h"
#include "processors/json_text.h"
#include "processors/processor.h"

namespace s3proc {

// What the metadata says about the stored object: its size and SHA-256 as stored (before any
// .gz decompression).
struct SourceFacts {
  uint64_t size = 0;
  std::string sha256_hex;
};

// Facts from the context when the caller (the .gz layer) already set them, else computed from
// the input's bytes: `bytes` in memory, or the file (streamed; IoError when unreadable).
SourceFacts SourceFactsFromBytes(const ProcessContext& context, std::string_view bytes);
Result<SourceFacts> SourceFactsFromFile(const ProcessContext& context, const std::string& path);

// The metadata member, without a leading comma:
//   "_s3proc":{"source_key":"...","processed_at":"...","size":N,"sha256":"...","version":"..."}
// plus ,"line":N when `line` is set (ndjson). Strings are JSON-escaped; bytes that are not valid
// UTF-8 (a local file name can be anything) become U+FFFD so the output stays valid JSON.
std::string MetadataMember(const ProcessContext& context, const SourceFacts& facts,
                           std::optional<uint64_t> line = std::nullopt);

// Writes `text` to `out`, with `member` spliced in at info.insert_at when info.is_object
// (preceded by a comma unless the object is empty); unchanged otherwise.
Status WriteWithMember(std::string_view text, const JsonTextInfo& info, std::string_view member,
                       OutputFile& out);

// Writes one JSON text a filter returned as WriteWithMember does, learning where the member
// goes with `validator` (the text gets room for its padding). Rejected when it cannot take the
// member (an object that has "_s3proc" already).
Status WriteEnriched(JsonValidator& validator, std::string& text, std::string_view member,
                     OutputFile& out);

// Appends `s` as a JSON string literal (quotes included). REQUIRES: `s` is valid UTF-8.
void AppendJsonString(std::string_view s, std::string& out);

}  // namespace s3proc
