#include "pipeline/shard_lease.h"

#include <cinttypes>
#include <cstdio>
#include <cstdlib>

#include "pipeline/missing_key.h"

namespace s3proc {

int ShardOf(std::string_view relative_key, int shards) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : relative_key) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return static_cast<int>(h % static_cast<uint64_t>(shards));
}

std::string EncodeLease(const LeaseRecord& lease) {
  // The owner id is ours (hex and host name characters), so no escaping is needed; checked on
  // parse.
  return "{\"owner\":\"" + lease.owner + "\",\"expires\":" + std::to_string(lease.expires_unix) +
         "}\n";
}

Result<LeaseRecord> ParseLease(std::string_view text) {
  LeaseRecord r;
  size_t o = text.find("\"owner\":\"");
  size_t e = text.find("\"expires\":");
  if (o == std::string_view::npos || e == std::string_view::npos) {
    return Status::Internal("unreadable lease: " + std::string(text.substr(0, 80)));
  }
  size_t start = o + 9;
  size_t end = text.find('"', start);
  if (end == std::string_view::npos) return Status::Internal("unreadable lease owner");
  r.owner = std::string(text.substr(start, end - start));
  r.expires_unix = std::strtoll(std::string(text.substr(e + 10)).c_str(), nullptr, 10);
  return r;
}

ShardLeases::ShardLeases(ObjectStore& store, std::string lease_prefix, std::string owner_id,
                         int lease_seconds, std::function<int64_t()> now_unix)
    : store_(store),
      prefix_(std::move(lease_prefix)),
      owner_(std::move(owner_id)),
      lease_seconds_(lease_seconds),
      now_(std::move(now_unix)) {}

std::string ShardLeases::KeyFor(int shard, int64_t generation) const {
  char buf[48];
  snprintf(buf, sizeof(buf), "shard-%03d/%010" PRId64, shard, generation);
  return prefix_ + buf;
}

Status ShardLeases::Load() {
  std::map<int, int64_t> current;
  Status s = store_.List(prefix_, [&](std::vector<ObjectSummary>&& page) {
    for (const auto& o : page) {
      int shard = -1;
      long long generation = -1;
      std::string rest = o.key.substr(prefix_.size());
      if (sscanf(rest.c_str(), "shard-%d/%lld", &shard, &generation) != 2) continue;
      auto& g = current[shard];
      g = std::max<int64_t>(g, generation);
    }
    return Status::Ok();
  });
  if (!s.ok()) return s.WithContext("reading the leases under " + prefix_);
  std::lock_guard<std::mutex> lock(mu_);
  current_ = std::move(current);
  return Status::Ok();
}

Result<ClaimOutcome> ShardLeases::CreateGeneration(int shard, int64_t generation, bool recovered) {
  LeaseRecord record{owner_, now_() + lease_seconds_};
  PutOptions create_only;
  create_only.if_none_match_any = true;
  create_only.content_type = "application/json";
  auto put = store_.PutBytes(KeyFor(shard, generation), EncodeLease(record), create_only);
  if (!put.ok()) {
    if (!put.status().IsPreconditionFailed()) return put.status();
    // 412: somebody holds this generation. It may be us: a retried PUT whose first attempt
    // was stored but whose answer was lost. The owner field tells.
    auto existing = store_.GetBytes(KeyFor(shard, generation));
    if (!existing.ok()) {
      // Gone already: its winner released it (on AWS the read of a missing lease answers 403).
      Status why = ResolveAccessDenied(store_, KeyFor(shard, generation), existing.status());
      return why.IsNotFound() ? Result<ClaimOutcome>(ClaimOutcome::kHeldByOther)
                              : Result<ClaimOutcome>(why);
    }
    auto lease = ParseLease(*existing);
    if (!lease.ok() || lease->owner != owner_) return ClaimOutcome::kHeldByOther;  // lost the race
  }
  std::lock_guard<std::mutex> lock(mu_);
  held_[shard] = {generation, now_() + lease_seconds_ / 2};
  current_[shard] = generation;
  return recovered ? ClaimOutcome::kOwnedRecovered : ClaimOutcome::kOwned;
}

Result<ClaimOutcome> ShardLeases::Claim(int shard) {
  std::mutex* shard_mu;
  int64_t top = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = decided_.find(shard); it != decided_.end()) return it->second;
    shard_mu = &shard_mu_[shard];
    if (auto it = current_.find(shard); it != current_.end()) top = it->second;
  }
  std::lock_guard<std::mutex> shard_lock(*shard_mu);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = decided_.find(shard); it != decided_.end()) return it->second;
  }

  bool recovered = false;
  if (top > 0) {
    auto text = store_.GetBytes(KeyFor(shard, top));
    if (text.ok()) {
      auto lease = ParseLease(*text);
      bool mine = lease.ok() && lease->owner == owner_;
      bool expired = !lease.ok() || lease->expires_unix <= now_();
      if (!mine && !expired) {
        std::lock_guard<std::mutex> lock(mu_);
        decided_[shard] = ClaimOutcome::kHeldByOther;
        return ClaimOutcome::kHeldByOther;
      }
      recovered = true;  // its holder died or stalled: it may have finished some objects
    } else if (Status why = ResolveAccessDenied(store_, KeyFor(shard, top), text.status());
               !why.IsNotFound()) {
      // Not a missing lease but one we cannot read: taking the shard over could let two
      // processors work on it.
      return why;
    }
    // NotFound (on AWS a 403 for a key that is not listed): released since Load(); the shard is
    // free, the next generation claims it.
  }
  auto outcome = CreateGeneration(shard, top + 1, recovered);
  if (!outcome.ok()) return outcome;
  if (*outcome != ClaimOutcome::kHeldByOther && top > 0) {
    // The previous generation is dead weight now; losing this delete is harmless.
    (void)store_.Delete({{KeyFor(shard, top), ""}});
  }
  std::lock_guard<std::mutex> lock(mu_);
  decided_[shard] = *outcome;
  return outcome;
}

bool ShardLeases::Owns(int shard) {
  std::lock_guard<std::mutex> lock(mu_);
  return held_.count(shard) > 0;
}

void ShardLeases::RenewDue() {
  std::vector<std::pair<int, int64_t>> due;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [shard, held] : held_) {
      if (now_() >= held.renew_after) due.emplace_back(shard, held.generation);
    }
  }
  for (const auto& [shard, generation] : due) {
    auto outcome = CreateGeneration(shard, generation + 1, false);
    if (outcome.ok() && *outcome != ClaimOutcome::kHeldByOther) {
      (void)store_.Delete({{KeyFor(shard, generation), ""}});
      continue;
    }
    if (outcome.ok()) {  // somebody took it over: stop starting its objects
      std::lock_guard<std::mutex> lock(mu_);
      held_.erase(shard);
      decided_[shard] = ClaimOutcome::kHeldByOther;
    }
    // A transient failure: keep the lease and try again at the next call.
  }
}

void ShardLeases::ReleaseAllExcept(const std::set<int>& keep) {
  std::vector<ObjectId> ids;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [shard, held] : held_) {
      if (keep.count(shard) == 0) ids.push_back({KeyFor(shard, held.generation), ""});
    }
    held_.clear();
  }
  if (!ids.empty()) (void)store_.Delete(ids);
}

}  // namespace s3proc
