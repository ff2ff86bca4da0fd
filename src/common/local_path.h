#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace s3proc {

// The one function that turns an object key into a local file name. Whatever the key holds
// ("..", "/", NUL-free control bytes, 1024 bytes of UTF-8), the result is a single, flat,
// portable file name: [A-Za-z0-9._-] only, at most 120 bytes, never "." or "..", never
// starting with '.', and unique per key (a SHA-256 prefix of the whole key leads it). The key's
// last path segment is kept, sanitised, for people reading the directory.
// Joined under a directory, it cannot name anything outside that directory.
// A non-zero `instance` is put after the hash ("<hash>.<instance>-<tail>"): two copies of one key
// in one directory at once (two deliveries of one event) then never share a file.
std::string LocalNameForKey(std::string_view key, uint64_t instance = 0);

// `dir` + "/" + LocalNameForKey(key, instance).
std::string LocalPathForKey(const std::string& dir, std::string_view key, uint64_t instance = 0);

}  // namespace s3proc
