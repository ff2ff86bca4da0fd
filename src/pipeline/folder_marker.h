#pragma once

#include <cstdint>
#include <string_view>

namespace s3proc {

// A zero-byte key ending in '/': what the S3 console and most tools create to show a folder. It
// holds no file, so it is neither processed nor deleted. A key ending in '/' that holds bytes is
// a file like any other (S3 allows it, and skipping it would leave it in input/ for ever).
inline bool IsFolderMarker(std::string_view key, uint64_t size) {
  return size == 0 && key.ends_with('/');
}

}  // namespace s3proc
