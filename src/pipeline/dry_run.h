#pragma once

#include "common/logging.h"
#include "common/result.h"
#include "config/run_config.h"
#include "pipeline/pipeline.h"
#include "processors/processor_router.h"
#include "store/object_store.h"

namespace s3proc {

// `s3proc run --dry-run`: lists the input prefix as a run would (folder markers skipped, up to
// --max-files / --max-seconds) and logs, for each object, where its output would go and which
// processor would make it ("would-process"). Writes nothing anywhere: the listing is its only
// request; no work dir, lock, identity, lease or metrics file is created. Returns the summary
// (`listed` counts the objects) or the listing's error.
Result<RunSummary> DryRun(const RunConfig& config, ObjectStore& store, Logger& logger,
                          const ProcessorRouter& router);

}  // namespace s3proc
