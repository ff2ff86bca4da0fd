#pragma once

#include <cstdint>
#include <string>

#include "common/logging.h"
#include "common/result.h"
#include "config/run_config.h"
#include "store/object_store.h"

namespace s3proc {

struct RedriveOptions {
  // A Glob (see processors/glob.h) on the key relative to the error prefix; empty: every object.
  std::string filter;
  bool dry_run = false;  // log what would be moved; change nothing
};

struct RedriveSummary {
  uint64_t matched = 0;    // rejected objects (not reason files) that match the filter
  uint64_t redriven = 0;   // copied back to input/ (or found there already) and removed
  uint64_t conflicts = 0;  // input/ holds a different object under that key: left in errors/
  uint64_t failed = 0;     // a copy or delete failed: left in errors/ (safe to run again)

  int ExitCode() const { return conflicts + failed > 0 ? 1 : 0; }
};

// Moves rejected inputs back for another try: for each object under config.error_prefix that
// is not a reason file (same rule as CollectStatus) and whose relative key matches
// options.filter, in key order:
//   0. The input key is input_prefix + relative, or, for an error copy s3proc renamed because
//      its first-choice name was taken (relative = <key>.<12 hex>, with s3proc's provenance
//      naming input_prefix + <key>), input_prefix + <key>. A failed look counts as failed.
//   1. Head the input key. When it exists with a different ETag, a newer input has
//      arrived under that key: count a conflict, leave both alone. When it exists with the same
//      ETag, an earlier redrive copied it and was interrupted: skip to 3.
//   2. Copy the error object -> the input key (server side).
//   3. Delete the error object and its reason file (<error key>.error.json).
// Copy before delete makes it safe to interrupt and idempotent: running it again finishes what
// a previous run started, and never loses an object. Each object is logged (outcome
// "redriven", "would-redrive", "conflict" or "failed"). Per-object failures are counted, not
// returned. Returns InvalidArgument for an invalid filter glob, or the List error that stopped
// it before it could start.
Result<RedriveSummary> Redrive(ObjectStore& store, const RunConfig& config,
                               const RedriveOptions& options, Logger& logger);

}  // namespace s3proc
