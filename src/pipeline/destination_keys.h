#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "config/run_config.h"

namespace s3proc {

// S3's limit on a key's length, in bytes of UTF-8.
inline constexpr size_t kMaxKeyBytes = 1024;

// Where one input object's results go.
struct DestinationKeys {
  std::string relative;    // the input key without the input prefix
  std::string output_key;  // output_prefix + relative; empty when that would exceed 1024 bytes
  std::string error_key;   // error_prefix + relative, shortened (with a hash) to fit if needed
  std::string reason_key;  // error_key + ".error.json", shortened the same way
};

// Maps an input key to its destinations. REQUIRES: input_key starts with config.input_prefix.
DestinationKeys DestinationsFor(const RunConfig& config, std::string_view input_key);

// Where a rejected input goes when its first-choice error_key or reason_key is taken by an object
// s3proc did not write for it (a user's file, or another input's error copy or reason:
// "y.json.error.json" is both y.json's reason and the error copy of an input of that name).
struct ErrorNames {
  std::string copy_key;    // error_prefix + relative + "." + EtagTag(etag), shortened as FitKey
  std::string reason_key;  // the same + ".error.json"
};
ErrorNames AlternativeErrorNames(const RunConfig& config, std::string_view relative,
                                 std::string_view etag);

// The first 12 characters of an ETag when they are lowercase hex (as S3's are), otherwise the
// first 12 hex digits of its SHA-256: always 12 characters of [0-9a-f], fit for a key.
std::string EtagTag(std::string_view etag);

// The relative key an alternative error copy name was made from ("y.json" for
// "y.json.0123456789ab"), or nullopt when `relative` does not end in "." and 12 hex digits. Only
// the shape is checked: a user's file may have it too (see provenance.h to tell them apart).
std::optional<std::string> RenamedFrom(std::string_view relative);

// Shortens `prefix + relative` to at most kMaxKeyBytes when needed: the relative part is cut at
// a UTF-8 boundary and "~<16 hex of SHA-256(relative)>" appended, so distinct keys stay distinct.
// `suffix` (e.g. ".error.json") is kept whole.
std::string FitKey(std::string_view prefix, std::string_view relative, std::string_view suffix);

}  // namespace s3proc
