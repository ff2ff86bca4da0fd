#pragma once

#include "common/result.h"
#include "config/run_config.h"
#include "processors/processor_router.h"

namespace s3proc {

// Builds the processor router a RunConfig describes: its routes in order, then the default
// processor; exec settings go to exec processors, the .gz limit to all, and one memory budget
// of max_memory MiB is shared by all (see BudgetedProcessor). The one place that maps
// configuration to processors, so `s3proc run` and `s3proc process` always route alike.
// Returns kInvalidArgument for a bad glob or processor setting.
Result<ProcessorRouter> BuildRouter(const RunConfig& config);

}  // namespace s3proc
