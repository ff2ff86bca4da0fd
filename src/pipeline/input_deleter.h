#pragma once

#include <cstddef>
#include <mutex>
#include <set>
#include <utility>
#include <vector>

#include "store/object_store.h"

namespace s3proc {

// Deletes processed inputs in batches (one ObjectStore::Delete per `batch_size` inputs) and
// remembers the lease shards of the inputs it could not delete. An input with an ETag is deleted
// only if it still has it (ObjectStore::Delete): one replaced while it was processed stays.
// Thread-safe.
class InputDeleter {
 public:
  static constexpr size_t kDefaultBatch = 500;

  // `store` must outlive the deleter. REQUIRES: batch_size > 0.
  explicit InputDeleter(ObjectStore& store, size_t batch_size = kDefaultBatch)
      : store_(store), batch_size_(batch_size) {}

  // Queues one input of `shard`; deletes the batch when it is full. Returns the inputs of that
  // batch still there, else nothing: kPreconditionFailed for those replaced by a newer version,
  // another code for those that could not be deleted (all of them, with the call's error, when
  // the Delete call failed).
  std::vector<DeleteFailure> Add(ObjectId id, int shard);

  // Deletes what is queued. Returns the inputs still there, as Add.
  std::vector<DeleteFailure> FlushAll();

  // Shards with an input whose delete failed: their output is stored but the input is still
  // there, so their leases are kept for the next run to recover (see RunPipeline). Not those of
  // replaced inputs: the newer version is a new input, with no output yet.
  std::set<int> dirty_shards() const;

 private:
  using Batch = std::vector<std::pair<ObjectId, int>>;
  std::vector<DeleteFailure> Delete(const Batch& batch);

  ObjectStore& store_;
  const size_t batch_size_;
  mutable std::mutex mu_;
  Batch pending_;
  std::set<int> dirty_;
};

}  // namespace s3proc
