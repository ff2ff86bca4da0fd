#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "config/config_loader.h"
#include "config/run_config.h"

namespace s3proc::config_internal {

using s3proc::SettingField;
using s3proc::SettingKind;

// The row's field of setting `key`. REQUIRES: `key` is the key of one of RunSettings().
SettingField FieldOf(std::string_view key);

// Parses `text` as the setting's value and stores it. `where` prefixes messages
// ("S3PROC_CONCURRENCY", "--concurrency"). Lists: `values` are the elements (routes:
// "GLOB=PROCESSOR" each). Scalars: REQUIRES values.size() == 1.
// InvalidArgument when a value does not parse ("'many' is not an integer").
Status SetFromText(RunConfig& config, std::string_view key, const std::vector<std::string>& values,
                   std::string_view where);

// Parses "GLOB=PROCESSOR" (the last '=' splits, so globs may hold '=').
Status ParseRoute(std::string_view text, RouteRule* rule);

// The key under which SettingOrigins records where route `index` (0-based) was set, when it was
// set by a file ("route 1" -> "s3proc.toml:12"): a file names each route's line, unlike the
// environment and flags, whose whole list has one origin under "route".
std::string RouteOriginKey(size_t index);
// Removes those keys: the routes were replaced by a later source.
void ForgetRouteOrigins(SettingOrigins& origin);

}  // namespace s3proc::config_internal
