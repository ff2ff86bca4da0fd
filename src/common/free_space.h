#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "common/result.h"

namespace s3proc {

// The bytes an unprivileged writer may still put in the filesystem holding `dir` (statvfs:
// f_bavail blocks), or IoError.
Result<uint64_t> FreeSpaceOf(const std::string& dir);

// How ObjectTask asks; tests substitute a figure.
using FreeSpaceProbe = std::function<Result<uint64_t>(const std::string& dir)>;

}  // namespace s3proc
