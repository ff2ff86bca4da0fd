#pragma once

#include <string>
#include <string_view>

namespace s3proc::testing {

// `plain` as one gzip member (zlib, an oracle s3proc's own GzipFile is checked against).
std::string GzipBytes(std::string_view plain, int level = 6);

// What gunzip(1) makes of `stored` (every member, concatenated). Adds a test failure, and
// returns what it could decompress, when `stored` is not whole gzip data.
std::string GunzipBytes(std::string_view stored);

}  // namespace s3proc::testing
