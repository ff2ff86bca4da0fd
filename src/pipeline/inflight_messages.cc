#include "pipeline/inflight_messages.h"

namespace s3proc {

void InFlightMessages::Add(const std::string& receipt_handle, int receive_count, int records,
                           Clock::time_point received_at) {
  std::lock_guard<std::mutex> lock(mu_);
  held_[receipt_handle] = {receive_count, records, false, received_at + visibility_};
  pending_records_ += static_cast<size_t>(records);
}

void InFlightMessages::Resolve(const std::string& receipt_handle, bool done) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = held_.find(receipt_handle);
    if (it == held_.end() || it->second.pending == 0) return;
    --it->second.pending;
    --pending_records_;
    if (!done) it->second.failed = true;
  }
  resolved_.notify_all();
}

std::vector<std::string> InFlightMessages::TakeFinished() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> finished;
  for (auto it = held_.begin(); it != held_.end();) {
    if (it->second.pending == 0 && !it->second.failed) {
      finished.push_back(it->first);
      it = held_.erase(it);
    } else {
      ++it;
    }
  }
  return finished;
}

std::vector<InFlightMessages::Abandoned> InFlightMessages::TakeAbandoned() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Abandoned> abandoned;
  for (auto it = held_.begin(); it != held_.end();) {
    if (it->second.pending == 0 && it->second.failed) {
      abandoned.push_back({it->first, it->second.receive_count});
      it = held_.erase(it);
    } else {
      ++it;
    }
  }
  return abandoned;
}

std::vector<std::string> InFlightMessages::DueForExtension(Clock::time_point now) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> due;
  for (auto& [handle, held] : held_) {
    if (held.pending > 0 && held.hidden_until - now <= visibility_ / 2) {
      held.hidden_until = now + visibility_;
      due.push_back(handle);
    }
  }
  return due;
}

size_t InFlightMessages::pending_records() const {
  std::lock_guard<std::mutex> lock(mu_);
  return pending_records_;
}

size_t InFlightMessages::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return held_.size();
}

void InFlightMessages::WaitForRoom(size_t limit, std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  resolved_.wait_for(lock, timeout, [&] { return pending_records_ < limit; });
}

}  // namespace s3proc
