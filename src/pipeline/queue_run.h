#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/logging.h"
#include "common/result.h"
#include "config/run_config.h"
#include "pipeline/inflight_messages.h"
#include "pipeline/object_task.h"
#include "pipeline/run_tally.h"
#include "pipeline/s3_event.h"
#include "pipeline/work_dir.h"
#include "pipeline/work_queue.h"
#include "processors/processor_router.h"
#include "store/message_queue.h"
#include "store/object_store.h"

namespace s3proc {

// One queue-mode pass (docs/semantics.md, "Queue mode"): the poller receives S3 event
// notifications from the queue, the workers take each announced object through the same
// ObjectTask as listing mode, and a heartbeat keeps held messages invisible (extending them at
// half-life) and deletes the finished ones. A message is deleted only after every object it
// announces has its output or error copy stored and its input deleted; a failed object leaves
// its message to come back after a backoff, its receive count serving as the attempt count. The
// pass ends when a poll finds the queue empty (unless config.follow), at --max-files /
// --max-seconds, or when `stop` is set; held work is finished first. No lease is taken: the
// queue's visibility timeout is the lease, and outputs are stored create-only.
class QueueRun {
 public:
  // All references must outlive the run.
  QueueRun(const RunConfig& config, ObjectStore& store, MessageQueue& queue, Logger& logger,
           WorkDir& work_dir, const ProcessorRouter& router, const std::atomic<bool>* stop);

  Result<RunSummary> Run();

 private:
  // Settles visibility_ and receive_visibility_ (see them), reading the queue's own visibility
  // timeout when the user set none. Its error ends the run before anything is received.
  Status ReadVisibility();
  // One poller: receives until its poll comes back empty (unless --follow), a bound or the stop
  // flag; returns an error that ended it (a queue that cannot be read), not the bounds. Several
  // run at once (one per 10 of --concurrency, at most 8): one receive at a time would cap a run
  // at 10 messages per round trip.
  Status Poll();
  // Whether the poller stops: a bound, the stop flag. Sets stopped_early_ for a bound.
  bool ShouldStop();
  // Decodes one message and queues the objects it announces.
  void Admit(const QueueMessage& message);
  // Why s3proc does not process this record ("" when it does).
  std::string Ignored(const S3EventRecord& record) const;
  // One worker: processes queued objects until the queue is closed.
  void Work();
  // Resolves the object's record, or (finished) queues its input for DeleteInputs.
  void Finish(const WorkItem& item, const ObjectOutcome& outcome);
  // Deletes the queued inputs (one DeleteObjects per 1,000) and resolves their records: done
  // when deleted, failed (the message comes back) when not.
  void DeleteInputs();
  // Inputs deleted in one request once this many are waiting (else at the next tick).
  size_t DeleteBatch() const { return static_cast<size_t>(std::max(10, config_.concurrency)); }
  // The heartbeat: every tick, extends due messages, deletes finished ones, backs off
  // abandoned ones; until told to stop, then once more.
  void Heartbeat();
  void Tick();

  const RunConfig& config_;
  MessageQueue& queue_;
  Logger& logger_;
  const std::atomic<bool>* stop_;
  const RunTally::Clock::time_point started_ = RunTally::Clock::now();
  ObjectTask task_;
  ObjectStore& store_;
  // An input version to delete, and the message that waits for it.
  struct PendingDelete {
    ObjectId input;
    std::string receipt_handle;
    // The version the message announced (its record in held_ is resolved by this delete), or
    // an earlier version of that key the outcome found processed (it only holds the message
    // back when its delete fails).
    bool announced = true;
  };
  // Finished objects' inputs, with their messages, deleted by the heartbeat's next tick: a
  // batch instead of a request per object, and a message still waits for its input's delete.
  std::mutex inputs_mu_;
  std::vector<PendingDelete> inputs_to_delete_;
  WorkQueue work_;
  // How long a received message stays hidden: the user's queue_visibility_seconds, else the
  // queue's own. Heartbeat extensions and backoffs use it.
  int visibility_ = 0;
  // What each receive asks for: the user's value, or nullopt (the queue's own applies).
  std::optional<int> receive_visibility_;
  std::optional<InFlightMessages> held_;  // made once visibility_ is known
  RunTally tally_;
  std::atomic<uint64_t> admitted_{0};  // objects queued
  std::atomic<bool> stopped_early_{false};
  std::mutex heartbeat_mu_;
  std::condition_variable heartbeat_wake_;
  bool workers_done_ = false;  // under heartbeat_mu_: the heartbeat's last tick is due
};

// The wait before a message whose object failed comes back: 5 s doubled per delivery, at most
// the visibility timeout (so a transient outage is retried soon, a poison object rarely).
int BackoffSeconds(int receive_count, int visibility_seconds);

}  // namespace s3proc
