#include "pipeline/work_queue.h"

namespace s3proc {

void WorkQueue::Push(WorkItem item) {
  std::unique_lock<std::mutex> lock(mu_);
  if (items_.size() >= capacity_) {
    ++blocked_pushes_;
    not_full_.wait(lock, [&] { return items_.size() < capacity_; });
    --blocked_pushes_;
  }
  items_.push_back(std::move(item));
  not_empty_.notify_one();
}

bool WorkQueue::Pop(WorkItem& item) {
  std::unique_lock<std::mutex> lock(mu_);
  if (items_.empty() && !closed_) {
    ++blocked_pops_;
    not_empty_.wait(lock, [&] { return !items_.empty() || closed_; });
    --blocked_pops_;
  }
  if (items_.empty()) return false;
  item = std::move(items_.front());
  items_.pop_front();
  not_full_.notify_one();
  return true;
}

int WorkQueue::TEST_BlockedPushes() {
  std::lock_guard<std::mutex> lock(mu_);
  return blocked_pushes_;
}

int WorkQueue::TEST_BlockedPops() {
  std::lock_guard<std::mutex> lock(mu_);
  return blocked_pops_;
}

void WorkQueue::Close() {
  std::lock_guard<std::mutex> lock(mu_);
  closed_ = true;
  not_empty_.notify_all();
}

}  // namespace s3proc
