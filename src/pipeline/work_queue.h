#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>

#include "store/object_types.h"

namespace s3proc {

// One listed (or, in queue mode, announced) object on its way to a worker.
struct WorkItem {
  ObjectSummary object;
  int shard = 0;                // its lease shard (listing mode)
  bool check_existing = false;  // the shard was recovered: look for a stored output first
  std::string receipt_handle;   // queue mode: the message that announced it
  int attempts = 0;             // queue mode: the message's receive count
};

// A bounded queue between the lister and the workers: the listing never runs more than
// `capacity` objects ahead, so memory stays flat however many keys the prefix holds.
// Thread-safe: one producer and any number of consumers.
class WorkQueue {
 public:
  // REQUIRES: capacity > 0.
  explicit WorkQueue(size_t capacity) : capacity_(capacity) {}

  // Blocks while the queue is full. REQUIRES: not closed.
  void Push(WorkItem item);

  // Blocks until an item is there (returns true with it in `item`) or the queue is closed and
  // empty (returns false).
  bool Pop(WorkItem& item);

  // No more items: Pop drains what is queued, then returns false.
  void Close();

  // For tests: how many Push calls wait because the queue is full, and how many Pop calls wait
  // because it is empty (and open).
  int TEST_BlockedPushes();
  int TEST_BlockedPops();

 private:
  const size_t capacity_;
  std::mutex mu_;
  std::condition_variable not_full_, not_empty_;
  std::deque<WorkItem> items_;
  bool closed_ = false;
  int blocked_pushes_ = 0;
  int blocked_pops_ = 0;
};

}  // namespace s3proc
