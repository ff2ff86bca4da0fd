#include "pipeline/input_deleter.h"

#include <string>

namespace s3proc {

std::vector<ObjectId> InputDeleter::Add(ObjectId id, int shard) {
  Batch batch;
  {
    std::lock_guard<std::mutex> lock(mu_);
    pending_.emplace_back(std::move(id), shard);
    if (pending_.size() < batch_size_) return {};
    batch.swap(pending_);
  }
  return Delete(batch);
}

std::vector<ObjectId> InputDeleter::FlushAll() {
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

std::vector<ObjectId> InputDeleter::Delete(const Batch& batch) {
  if (batch.empty()) return {};
  std::vector<ObjectId> ids;
  ids.reserve(batch.size());
  for (const auto& [id, shard] : batch) ids.push_back(id);
  std::vector<ObjectId> failed;
  auto result = store_.Delete(ids);
  if (!result.ok()) {
    failed = ids;
  } else {
    for (const auto& f : result->failures) failed.push_back(f.object);
  }
  if (failed.empty()) return failed;
  std::set<std::string> failed_keys;
  for (const auto& f : failed) failed_keys.insert(f.key);
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [id, shard] : batch) {
    if (failed_keys.count(id.key) > 0) dirty_.insert(shard);
  }
  return failed;
}

}  // namespace s3proc
