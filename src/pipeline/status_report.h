#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "config/run_config.h"
#include "store/message_queue.h"
#include "store/object_store.h"

namespace s3proc {

// Counts for one prefix of the bucket.
struct PrefixStatus {
  std::string name;      // "input", "output", "errors", "leases"
  std::string prefix;    // "input/"
  uint64_t objects = 0;  // folder markers (keys ending in '/') and reason files excluded
  uint64_t bytes = 0;
  // The oldest counted object's LastModified as S3 sent it, and its age at `now`; empty / 0
  // when there is none.
  std::string oldest_last_modified;
  int64_t oldest_age_seconds = 0;
  // errors/ only: the <key>.error.json reason files, counted apart.
  uint64_t reason_files = 0;
  uint64_t reason_bytes = 0;
};

// Queue mode: the queue's approximate counts.
struct QueueStatus {
  std::string queue;  // MessageQueue::Describe()
  QueueCounts counts;
};

struct StatusReport {
  std::string store;                   // ObjectStore::Describe()
  std::vector<PrefixStatus> prefixes;  // input, output, errors, leases, in that order
  std::optional<QueueStatus> queue;    // when a queue is configured
};

// Lists the four prefixes of `config` and counts them. In the error prefix, a key ending in
// ".error.json" is a reason file unless the listing also holds the same key with another
// ".error.json" appended (then it is a rejected input whose name happens to end so).
// Returns the first List error, with the prefix as context.
Result<StatusReport> CollectStatus(ObjectStore& store, const RunConfig& config,
                                   std::chrono::system_clock::time_point now);

// Reads the queue's counts into report.queue. The queue's error, with context.
Status CollectQueueStatus(MessageQueue& queue, StatusReport& report);

// A table for people:
//   PREFIX    OBJECTS  BYTES  OLDEST
//   input/          3  1.2 KiB  5m ago
// and, when there are reason files, a line about them; with a queue, a line of its counts.
std::string FormatStatusText(const StatusReport& report);

// One JSON object: {"store":"s3://b","prefixes":[{"name":"input","prefix":"input/",
// "objects":3,"bytes":1200,"oldest_last_modified":"...","oldest_age_seconds":300,...}]}.
std::string FormatStatusJson(const StatusReport& report);

// Parses S3's LastModified ("2026-11-28T16:04:06.000Z", fraction optional). nullopt when it
// does not parse.
std::optional<std::chrono::system_clock::time_point> ParseS3Time(const std::string& text);

}  // namespace s3proc
