#pragma once

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

// Shortens `prefix + relative` to at most kMaxKeyBytes when needed: the relative part is cut at
// a UTF-8 boundary and "~<16 hex of SHA-256(relative)>" appended, so distinct keys stay distinct.
// `suffix` (e.g. ".error.json") is kept whole.
std::string FitKey(std::string_view prefix, std::string_view relative, std::string_view suffix);

}  // namespace s3proc
