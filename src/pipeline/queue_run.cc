#include "pipeline/queue_run.h"

#include <algorithm>
#include <map>
#include <set>
#include <thread>
#include <tuple>
#include <vector>

#include "pipeline/folder_marker.h"
#include "pipeline/progress_line.h"

namespace s3proc {

namespace {

using Clock = RunTally::Clock;

bool IsFinished(ObjectOutcome::Kind kind) {
  return kind == ObjectOutcome::Kind::kDone || kind == ObjectOutcome::Kind::kRejected ||
         kind == ObjectOutcome::Kind::kAlreadyDone;
}

}  // namespace

int BackoffSeconds(int receive_count, int visibility_seconds) {
  const int doublings = std::clamp(receive_count - 1, 0, 16);
  return std::min(visibility_seconds, 5 << doublings);
}

QueueRun::QueueRun(const RunConfig& config, ObjectStore& store, MessageQueue& queue, Logger& logger,
                   WorkDir& work_dir, const ProcessorRouter& router, const std::atomic<bool>* stop)
    : config_(config),
      queue_(queue),
      logger_(logger),
      stop_(stop),
      task_(config, store, router, work_dir, Rfc3339Now()),
      store_(store),
      work_(static_cast<size_t>(config.concurrency) * 2),
      tally_(logger) {}

Status QueueRun::ReadVisibility() {
  if (config_.queue_visibility_seconds > 0) {
    visibility_ = config_.queue_visibility_seconds;
    receive_visibility_ = visibility_;
    return Status::Ok();
  }
  // Read once: a queue's attributes rarely change, and the heartbeat needs a number each tick.
  auto own = queue_.VisibilityTimeout();
  if (!own.ok()) {
    return own.status().WithContext("reading the visibility timeout of " + queue_.Describe());
  }
  if (*own > 0) {
    visibility_ = *own;
    return Status::Ok();
  }
  // A queue whose messages are never hidden would hand each to every worker at once.
  visibility_ = kMinQueueVisibilitySeconds;
  receive_visibility_ = visibility_;
  logger_.Warn(queue_.Describe() + " has a visibility timeout of 0 s: asking for " +
               std::to_string(visibility_) +
               " s on each receive (set queue_visibility_seconds "
               "to choose another)");
  return Status::Ok();
}

Result<RunSummary> QueueRun::Run() {
  S3PROC_RETURN_IF_ERROR(ReadVisibility());
  held_.emplace(visibility_);
  std::vector<std::thread> workers;
  for (int i = 0; i < config_.concurrency; ++i) workers.emplace_back([this] { Work(); });
  std::thread heartbeat([this] { Heartbeat(); });
  std::optional<ProgressLine> progress;
  if (config_.progress) progress.emplace(logger_, [this] { return tally_.Snapshot(); });

  // With --max-files, one poller: it alone asks for no more than what is left.
  const int pollers = config_.max_files > 0 ? 1 : std::clamp((config_.concurrency + 9) / 10, 1, 8);
  std::vector<Status> polled(static_cast<size_t>(pollers));
  std::vector<std::thread> poll_threads;
  for (int i = 0; i < pollers; ++i)
    poll_threads.emplace_back([this, &polled, i] { polled[i] = Poll(); });
  for (auto& t : poll_threads) t.join();
  work_.Close();
  for (auto& t : workers) t.join();
  {
    std::lock_guard<std::mutex> lock(heartbeat_mu_);
    workers_done_ = true;
  }
  heartbeat_wake_.notify_all();
  heartbeat.join();  // its last tick deletes what the workers finished
  progress.reset();
  for (const Status& status : polled) S3PROC_RETURN_IF_ERROR(status);
  if (stopped_early_) {
    logger_.Info(
        "stopped receiving at the --max-files / --max-seconds bound; the next run goes on");
  }
  if (stop_ != nullptr && stop_->load()) {
    tally_.Update([](RunSummary& s) { s.stopped_by_signal = true; });
  }
  return tally_.Finish(config_, started_, stopped_early_);
}

bool QueueRun::ShouldStop() {
  if (stop_ != nullptr && stop_->load()) return true;
  if ((config_.max_files > 0 && admitted_ >= static_cast<uint64_t>(config_.max_files)) ||
      (config_.max_seconds > 0 && SecondsSince(started_) >= config_.max_seconds)) {
    stopped_early_ = true;
    return true;
  }
  return false;
}

Status QueueRun::Poll() {
  // Received ahead of the workers, so they never wait for a poll; the heartbeat keeps these
  // invisible while they wait.
  // (Plus the finished objects whose inputs wait for their batched delete.)
  const size_t ahead = static_cast<size_t>(config_.concurrency) * 2 + DeleteBatch();
  while (!ShouldStop()) {
    held_->WaitForRoom(ahead, std::chrono::seconds(1));
    const size_t pending = held_->pending_records();
    if (pending >= ahead) continue;
    int room = static_cast<int>(std::min<size_t>(10, ahead - pending));
    if (config_.max_files > 0) {
      room = std::min<int>(room, config_.max_files - static_cast<int>(admitted_.load()));
    }
    int wait = config_.queue_wait_seconds;
    if (config_.max_seconds > 0) {
      wait = std::clamp(config_.max_seconds - static_cast<int>(SecondsSince(started_)), 0, wait);
    }
    auto messages = queue_.Receive(room, wait, receive_visibility_);
    if (!messages.ok()) {
      Status why = messages.status().WithContext("receiving from " + queue_.Describe());
      if (!config_.follow || !why.IsTransient()) return why;
      logger_.Warn(why.message() + "; trying again in 5 s");
      std::this_thread::sleep_for(std::chrono::seconds(5));
      continue;
    }
    if (messages->empty() && !config_.follow) return Status::Ok();
    for (const QueueMessage& message : *messages) Admit(message);
  }
  return Status::Ok();
}

void QueueRun::Admit(const QueueMessage& message) {
  const auto now = Clock::now();
  auto event = ParseS3EventMessage(message.body);
  if (!event.ok()) {
    logger_.Warn("message " + message.message_id + " of " + queue_.Describe() +
                 " is not an S3 event notification (" + event.status().message() +
                 "): left in the queue, for its dead-letter queue after maxReceiveCount");
    tally_.Update([](RunSummary& s) { ++s.failed; });
    held_->Add(message.receipt_handle, message.receive_count, 1, now);
    held_->Resolve(message.receipt_handle, /*done=*/false);
    return;
  }
  if (event->test_event) {
    logger_.Info("deleting the s3:TestEvent message S3 sent when the notification was set up");
  }
  std::vector<WorkItem> items;
  for (S3EventRecord& record : event->records) {
    if (std::string why = Ignored(record); !why.empty()) {
      logger_.Info("ignoring the event for s3://" + record.bucket + "/" + record.key + ": " + why +
                   "; deleting its message");
      continue;
    }
    WorkItem item;
    item.object = {std::move(record.key), record.size, std::move(record.etag), ""};
    item.receipt_handle = message.receipt_handle;
    item.attempts = message.receive_count;
    items.push_back(std::move(item));
  }
  held_->Add(message.receipt_handle, message.receive_count, static_cast<int>(items.size()), now);
  for (WorkItem& item : items) {
    ++admitted_;
    tally_.Update([](RunSummary& s) { ++s.listed; });
    work_.Push(std::move(item));
  }
}

std::string QueueRun::Ignored(const S3EventRecord& record) const {
  if (!record.IsObjectCreated()) return "a " + record.event_name + " event, not ObjectCreated";
  if (record.bucket != config_.bucket) return "not the bucket s3proc processes";
  const std::string& prefix = config_.input_prefix;
  if (!record.key.starts_with(prefix) || record.key.size() <= prefix.size()) {
    return "outside the input prefix " + prefix;
  }
  if (IsFolderMarker(record.key, record.size)) return "a folder marker";
  return "";
}

void QueueRun::Work() {
  WorkItem item;
  while (work_.Pop(item)) {
    const auto t0 = Clock::now();
    TaskOptions options;
    // A redelivery: an earlier holder may have stored the output before it died.
    options.check_existing = item.attempts > 1;
    options.attempts = item.attempts;
    ObjectOutcome outcome = task_.Run(item.object, options);
    tally_.Record(item.object.key, outcome, SecondsSince(t0));
    Finish(item, outcome);
  }
}

void QueueRun::Finish(const WorkItem& item, const ObjectOutcome& outcome) {
  if (!IsFinished(outcome.kind)) {
    // Gone: nothing is left to do for it. Failed: the message must come back.
    held_->Resolve(item.receipt_handle, outcome.kind == ObjectOutcome::Kind::kGone);
    return;
  }
  bool full = false;
  {
    std::lock_guard<std::mutex> lock(inputs_mu_);
    // An earlier version of this key that was processed too (a crash came between its output
    // and its delete): left behind, it would become current again once this one is deleted,
    // with no message left to bring it.
    for (const ObjectId& earlier : outcome.earlier_versions_done) {
      inputs_to_delete_.push_back({earlier, item.receipt_handle, /*announced=*/false});
    }
    inputs_to_delete_.push_back({outcome.input, item.receipt_handle});
    full = inputs_to_delete_.size() >= DeleteBatch();
  }
  // A full batch goes now, not at the next tick: the tick would cap a run at a batch a second.
  if (full) DeleteInputs();
}

void QueueRun::DeleteInputs() {
  std::vector<PendingDelete> batch;
  {
    std::lock_guard<std::mutex> lock(inputs_mu_);
    batch.swap(inputs_to_delete_);
  }
  // Keyed by the whole id: two deliveries of one key (its first and its re-upload) can share
  // a batch, and only their ETags tell them apart.
  std::map<std::tuple<std::string, std::string, std::string>, Status> still_there;
  constexpr size_t kMaxPerRequest = 1000;  // DeleteObjects' limit
  for (size_t begin = 0; begin < batch.size(); begin += kMaxPerRequest) {
    const size_t end = std::min(batch.size(), begin + kMaxPerRequest);
    std::vector<ObjectId> ids;
    for (size_t i = begin; i < end; ++i) ids.push_back(batch[i].input);
    auto deleted = store_.Delete(ids);
    if (!deleted.ok()) {
      for (const ObjectId& id : ids) {
        still_there.emplace(std::tuple(id.key, id.version_id, id.etag), deleted.status());
      }
    } else {
      for (const DeleteFailure& f : deleted->failures) {
        still_there.emplace(std::tuple(f.object.key, f.object.version_id, f.object.etag), f.status);
      }
    }
  }
  // Replaced while it was processed (a failed ETag condition): the new version's own event
  // brings it back, so that is no reason to keep the message.
  std::set<std::string> held_back;  // messages with an earlier version still to delete
  std::vector<DeleteFailure> undeleted;
  std::vector<std::pair<const PendingDelete*, bool>> resolved;
  for (const PendingDelete& pending : batch) {
    const ObjectId& input = pending.input;
    auto why = still_there.find({input.key, input.version_id, input.etag});
    const bool done = why == still_there.end() || why->second.IsPreconditionFailed();
    if (why != still_there.end()) undeleted.push_back({input, why->second});
    if (!pending.announced && !done) held_back.insert(pending.receipt_handle);
    if (pending.announced) resolved.emplace_back(&pending, done);
  }
  for (const auto& [pending, done] : resolved) {
    held_->Resolve(pending->receipt_handle, done && !held_back.contains(pending->receipt_handle));
  }
  tally_.CountDeleteFailures(undeleted);
}

void QueueRun::Heartbeat() {
  // Often enough to extend a message well before half its visibility has gone by.
  const auto period = std::chrono::milliseconds(std::clamp(visibility_ * 1000 / 4, 100, 1000));
  std::unique_lock<std::mutex> lock(heartbeat_mu_);
  while (!heartbeat_wake_.wait_for(lock, period, [this] { return workers_done_; })) {
    lock.unlock();
    Tick();
    lock.lock();
  }
  lock.unlock();
  Tick();
}

void QueueRun::Tick() {
  DeleteInputs();
  for (const std::string& handle : held_->DueForExtension(Clock::now())) {
    Status extended = queue_.ExtendVisibility(handle, visibility_);
    if (!extended.ok()) {
      logger_.Warn("extending a message's visibility: " + extended.message() +
                   "; another worker may receive it (its output is stored create-only)");
    }
  }
  std::vector<std::string> finished = held_->TakeFinished();
  if (!finished.empty()) {
    auto deleted = queue_.Delete(finished);
    if (!deleted.ok()) {
      logger_.Warn("deleting " + std::to_string(finished.size()) + " finished messages: " +
                   deleted.status().message() + "; they come back and find their work done");
    } else {
      for (const QueueDeleteFailure& f : *deleted) {
        logger_.Warn("deleting a finished message: " + f.status.message() +
                     "; it comes back and finds its work done");
      }
    }
  }
  for (const InFlightMessages::Abandoned& a : held_->TakeAbandoned()) {
    // Best effort: when it fails the message comes back at the end of its visibility anyway.
    (void)queue_.ExtendVisibility(a.receipt_handle, BackoffSeconds(a.receive_count, visibility_));
  }
}

}  // namespace s3proc
