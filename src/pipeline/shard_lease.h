#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "store/object_store.h"

namespace s3proc {

// Which of `shards` shards a key (relative to the input prefix) belongs to. Stable: FNV-1a.
int ShardOf(std::string_view relative_key, int shards);

// One lease generation as stored in `<lease_prefix>shard-NNN/<generation>`.
struct LeaseRecord {
  std::string owner;         // the processor id (host + random id), see WorkDir::identity()
  int64_t expires_unix = 0;  // seconds since the epoch, by the writer's clock
};
std::string EncodeLease(const LeaseRecord& lease);
Result<LeaseRecord> ParseLease(std::string_view text);

enum class ClaimOutcome {
  kOwned,           // the shard was free: ours now
  kOwnedRecovered,  // taken over from a crashed or expired holder: some of its inputs may
                    // already have outputs, so check before processing again
  kHeldByOther,     // another live processor holds it: skip its objects this run
};

// Claims on shards of the input key space, with conditional writes only (If-None-Match: *),
// so that each input is processed by one processor at a time, across hosts.
//
// A shard's lease is a series of generations: `shard-007/0000000003`. The highest existing
// generation is the current lease. Claiming a free shard, taking over an expired one, or
// renewing one's own means creating the next generation with If-None-Match: *: of several
// processors racing for it, exactly one succeeds. Releasing deletes one's generation. No
// If-Match is needed (Ceph RGW 16 mishandles it on PUT, see docs/semantics.md).
//
// A lease held by `owner_id` itself (a previous run on the same work dir that was killed) is
// taken over at once: the local work-dir lock guarantees that run is dead.
// Thread-safe.
class ShardLeases {
 public:
  ShardLeases(
      ObjectStore& store, std::string lease_prefix, std::string owner_id, int lease_seconds,
      std::function<int64_t()> now_unix = [] { return static_cast<int64_t>(std::time(nullptr)); });

  // Lists the lease prefix once: the current generation of every shard.
  Status Load();

  // Claims `shard` (cached: a shard is claimed once per run). Errors are transient store
  // failures; the caller skips the shard's objects this run.
  Result<ClaimOutcome> Claim(int shard);

  // True while this run holds `shard` (false after a renewal found it taken over).
  bool Owns(int shard);

  // Renews every held shard whose lease is past half its life. A shard that another processor
  // took over is dropped (Owns() turns false).
  void RenewDue();

  // Deletes this run's leases except those of the shards in `keep`. Best effort: a lease left
  // (kept or undeleted) expires, or is taken over at once by the next run on the same work dir.
  // Afterwards the run holds no shard.
  void ReleaseAllExcept(const std::set<int>& keep);
  void ReleaseAll() { ReleaseAllExcept({}); }

 private:
  std::string KeyFor(int shard, int64_t generation) const;
  Result<ClaimOutcome> CreateGeneration(int shard, int64_t generation, bool recovered);

  struct Held {
    int64_t generation = 0;
    int64_t renew_after = 0;
  };
  ObjectStore& store_;
  const std::string prefix_;
  const std::string owner_;
  const int lease_seconds_;
  const std::function<int64_t()> now_;
  std::mutex mu_;
  std::map<int, int64_t> current_;  // shard -> highest generation seen at Load()
  std::map<int, Held> held_;
  std::map<int, ClaimOutcome> decided_;
  std::map<int, std::mutex> shard_mu_;  // one claim at a time per shard
};

}  // namespace s3proc
