#include "pipeline/input_deleter.h"

#include <string>

namespace s3proc {

std::vector<DeleteFailure> InputDeleter::Add(ObjectId id, int shard) {
  Batch batch;
  {
    std::lock_guard<std::mutex> lock(mu_);
    pending_.emplace_back(std::move(id), shard);
    if (pending_.size() < batch_size_) return {};
    batch.swap(pending_);
  }
  return Delete(batch);
}

std::vector<DeleteFailure> InputDeleter::FlushAll() {
  Batch batch;
  {
    std::lock_guard<std::mutex> lock(mu_);
    batch.swap(pending_);
  }
  return Delete(batch);
}

std::set<int> InputDeleter::dirty_shards() const {
  std::lock_guard<std::mutex> lock(mu_);
  return dirty_;
}

std::vector<DeleteFailure> InputDeleter::Delete(const Batch& batch) {
  if (batch.empty()) return {};
  std::vector<ObjectId> ids;
  ids.reserve(batch.size());
  for (const auto& [id, shard] : batch) ids.push_back(id);
  std::vector<DeleteFailure> failed;
  auto result = store_.Delete(ids);
  if (!result.ok()) {
    for (const ObjectId& id : ids) failed.push_back({id, result.status()});
  } else {
    failed = std::move(result->failures);
  }
  if (failed.empty()) return failed;
  std::set<std::string> undeleted_keys;
  for (const DeleteFailure& f : failed) {
    if (!f.status.IsPreconditionFailed()) undeleted_keys.insert(f.object.key);
  }
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [id, shard] : batch) {
    if (undeleted_keys.count(id.key) > 0) dirty_.insert(shard);
  }
  return failed;
}

}  // namespace s3proc
