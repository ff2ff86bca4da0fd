#pragma once

#include <memory>
#include <vector>

#include "common/result.h"
#include "config/run_config.h"
#include "processors/processor_router.h"

namespace s3proc {

// Builds the processor router a RunConfig describes: its routes in order, then the default
// processor; exec settings go to exec processors, a route's schema and filter to its processor, the
// .gz limit to all, and one memory budget of max_memory MiB is shared by all (see
// BudgetedProcessor). The one place that maps configuration to processors, so `s3proc run` and
// `s3proc process` always route alike.
// Returns kInvalidArgument for a bad glob, processor setting or schema.
Result<ProcessorRouter> BuildRouter(const RunConfig& config);

// Each route's schema and filter (null where it has none), each schema file read and each
// filter compiled once, as BuildRouter does; `s3proc config check` calls it alone.
// InvalidArgument naming the route, and the file when a schema cannot be read, is not JSON or
// is not a usable schema, or jq's messages when a filter does not compile.
Result<std::vector<RecordRules>> LoadRouteRules(const RunConfig& config);

}  // namespace s3proc
