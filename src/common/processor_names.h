#pragma once

#include <array>
#include <string>
#include <string_view>

namespace s3proc {

// The one table of processor names, in the order messages list them. It sits below both
// layers that need it: processors/registry.cc builds one processor per name (its test creates
// every one), and config/ validates routes against it while loading, before any processor
// exists (config may not depend on processors: see CMakeLists.txt's layers).
inline constexpr std::array<std::string_view, 5> kProcessorNames = {"json", "ndjson", "csv",
                                                                    "passthrough", "exec"};

// True when `name` is in kProcessorNames.
bool IsProcessorName(std::string_view name);

// "unknown processor 'jsn': expected one of json, ndjson, csv, passthrough, exec".
std::string UnknownProcessorMessage(std::string_view name);

}  // namespace s3proc
