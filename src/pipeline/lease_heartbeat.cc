#include "pipeline/lease_heartbeat.h"

namespace s3proc {

LeaseHeartbeat::LeaseHeartbeat(ShardLeases& leases, std::chrono::milliseconds period)
    : leases_(leases), period_(period), thread_([this] { Beat(); }) {}

LeaseHeartbeat::~LeaseHeartbeat() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void LeaseHeartbeat::Beat() {
  std::unique_lock<std::mutex> lock(mu_);
  // A condition variable, not a sleep: the end of the run need not wait out a period.
  while (!wake_.wait_for(lock, period_, [this] { return stopping_; })) {
    lock.unlock();
    leases_.RenewDue();
    lock.lock();
  }
}

}  // namespace s3proc
