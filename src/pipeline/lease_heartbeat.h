#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "pipeline/shard_lease.h"

namespace s3proc {

// Renews a listing-mode run's shard leases from a thread of its own: every `period` it asks
// `leases` to renew those past half their life (ShardLeases::RenewDue, which sends nothing for
// the others). Renewal does not wait for the next object to be admitted, so a run whose last
// objects take longer than half a lease keeps its shards while it finishes them.
class LeaseHeartbeat {
 public:
  // Starts the thread. `leases` must outlive the heartbeat. REQUIRES: period > 0.
  LeaseHeartbeat(ShardLeases& leases, std::chrono::milliseconds period);
  // Stops it, at once (a renewal under way is finished first).
  ~LeaseHeartbeat();

  LeaseHeartbeat(const LeaseHeartbeat&) = delete;
  LeaseHeartbeat& operator=(const LeaseHeartbeat&) = delete;

 private:
  void Beat();

  ShardLeases& leases_;
  const std::chrono::milliseconds period_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // under mu_
  std::thread thread_;     // last: started once the members it reads exist
};

}  // namespace s3proc
