#include "pipeline/shard_lease.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "testutil/memory_object_store.h"
#include "testutil/prefix_policy_object_store.h"

namespace s3proc {
namespace {

using testing::MemoryObjectStore;
using testing::PrefixPolicyObjectStore;

// What the Terraform module's instance role may list (s3:ListBucket under s3:prefix only).
const std::vector<std::string> kRolePrefixes = {"input/", "output/", "errors/", "leases/"};

struct FakeClock {
  std::atomic<int64_t> now{1'000'000};
  std::function<int64_t()> fn() {
    return [this] { return now.load(); };
  }
};

// ShardOf is a wire format: processors of different versions, on different hosts, claim the
// same key space through leases named by shard number. If a new version mapped a key to another
// shard, two processors could each hold "the" lease of that key and both process it. These
// values were computed by the implementation that shipped (64-bit FNV-1a of the key's UTF-8
// bytes, modulo the shard count); they must never change. A change of function needs a new
// lease prefix (or shard count) that no running version uses.
TEST(ShardOf, IsPinnedAcrossVersions) {
  struct Pinned {
    std::string_view key;
    int shards;
    int shard;
  };
  constexpr Pinned kPinned[] = {
      {"", 16, 3},
      {"", 4096, 899},
      {"a.json", 16, 10},
      {"a.json", 100, 46},
      {"a.json", 4096, 218},
      {"a/b.json", 16, 13},
      {"a/b.json", 100, 49},
      {"a/b.json", 4096, 2365},
      {"batch/00001.json", 16, 7},
      {"batch/00001.json", 100, 39},
      {"batch/00001.json", 4096, 455},
      {"k0", 16, 8},
      {"k999", 16, 5},
      {"k999", 4096, 165},
      {"dir/\xc3\xbc \xc3\xa9.csv", 16, 10},  // "dir/\u00fc \u00e9.csv": bytes, not characters
      {"dir/\xc3\xbc \xc3\xa9.csv", 4096, 2698},
      {"a.json", 1, 0},
  };
  for (const Pinned& p : kPinned) {
    EXPECT_EQ(ShardOf(p.key, p.shards), p.shard)
        << "ShardOf(\"" << p.key << "\", " << p.shards << ")";
  }
}

TEST(ShardOf, IsInRange) {
  for (int i = 0; i < 1000; ++i) {
    int s = ShardOf("k" + std::to_string(i), 16);
    EXPECT_GE(s, 0);
    EXPECT_LT(s, 16);
  }
}

TEST(LeaseRecord, RoundTrips) {
  auto parsed = ParseLease(EncodeLease({"host:abc", 12345}));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->owner, "host:abc");
  EXPECT_EQ(parsed->expires_unix, 12345);
  EXPECT_FALSE(ParseLease("garbage").ok());
}

// The lease body is read by other versions too (a round trip alone would pass a format change
// made on both sides): pinned like ShardOf.
TEST(LeaseRecord, IsPinnedAcrossVersions) {
  EXPECT_EQ(EncodeLease({"host:abc", 12345}), "{\"owner\":\"host:abc\",\"expires\":12345}\n");
  auto parsed = ParseLease("{\"owner\":\"ip-10-0-0-7:9f2c\",\"expires\":1800000600}\n");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->owner, "ip-10-0-0-7:9f2c");
  EXPECT_EQ(parsed->expires_unix, 1800000600);
}

TEST(ShardLeases, AFreeShardIsOwnedAndOthersAreKeptOut) {
  MemoryObjectStore store;
  FakeClock clock;
  ShardLeases a(store, "leases/", "host:a", 600, clock.fn());
  ASSERT_TRUE(a.Load().ok());
  auto claim = a.Claim(3);
  ASSERT_TRUE(claim.ok());
  EXPECT_EQ(*claim, ClaimOutcome::kOwned);
  EXPECT_TRUE(a.Owns(3));
  EXPECT_EQ(store.Keys("leases/"), std::vector<std::string>{"leases/shard-003/0000000001"});

  ShardLeases b(store, "leases/", "host:b", 600, clock.fn());
  ASSERT_TRUE(b.Load().ok());
  EXPECT_EQ(*b.Claim(3), ClaimOutcome::kHeldByOther);
  EXPECT_FALSE(b.Owns(3));
  EXPECT_EQ(*b.Claim(4), ClaimOutcome::kOwned);
}

TEST(ShardLeases, AnExpiredLeaseIsTakenOverAndMarkedRecovered) {
  MemoryObjectStore store;
  FakeClock clock;
  ShardLeases a(store, "leases/", "host:a", 600, clock.fn());
  ASSERT_TRUE(a.Load().ok());
  ASSERT_EQ(*a.Claim(1), ClaimOutcome::kOwned);
  clock.now += 601;  // a died without releasing
  ShardLeases b(store, "leases/", "host:b", 600, clock.fn());
  ASSERT_TRUE(b.Load().ok());
  EXPECT_EQ(*b.Claim(1), ClaimOutcome::kOwnedRecovered);
  EXPECT_EQ(store.Keys("leases/"), std::vector<std::string>{"leases/shard-001/0000000002"});
  // a's renewal now finds the next generation taken: it lets go.
  clock.now += 400;
  a.RenewDue();
  EXPECT_FALSE(a.Owns(1));
}

TEST(ShardLeases, ItsOwnStaleLeaseIsTakenOverAtOnce) {
  MemoryObjectStore store;
  FakeClock clock;
  {
    ShardLeases killed(store, "leases/", "host:same", 600, clock.fn());
    ASSERT_TRUE(killed.Load().ok());
    ASSERT_EQ(*killed.Claim(2), ClaimOutcome::kOwned);
    // kill -9: no ReleaseAll.
  }
  ShardLeases next(store, "leases/", "host:same", 600, clock.fn());
  ASSERT_TRUE(next.Load().ok());
  EXPECT_EQ(*next.Claim(2), ClaimOutcome::kOwnedRecovered);
}

TEST(ShardLeases, ReleaseFreesTheShardForOthers) {
  MemoryObjectStore store;
  FakeClock clock;
  ShardLeases a(store, "leases/", "host:a", 600, clock.fn());
  ASSERT_TRUE(a.Load().ok());
  ASSERT_EQ(*a.Claim(5), ClaimOutcome::kOwned);
  ShardLeases b(store, "leases/", "host:b", 600, clock.fn());
  ASSERT_TRUE(b.Load().ok());  // b saw a's lease...
  a.ReleaseAll();              // ...which is released before b claims
  EXPECT_TRUE(store.Keys("leases/").empty());
  EXPECT_EQ(*b.Claim(5), ClaimOutcome::kOwned);
}

TEST(ShardLeases, RenewalKeepsTheLeaseAlive) {
  MemoryObjectStore store;
  FakeClock clock;
  ShardLeases a(store, "leases/", "host:a", 600, clock.fn());
  ASSERT_TRUE(a.Load().ok());
  ASSERT_EQ(*a.Claim(0), ClaimOutcome::kOwned);
  clock.now += 301;
  a.RenewDue();
  EXPECT_TRUE(a.Owns(0));
  EXPECT_EQ(store.Keys("leases/"), std::vector<std::string>{"leases/shard-000/0000000002"});
  clock.now += 500;  // past the first generation's expiry, not the second's
  ShardLeases b(store, "leases/", "host:b", 600, clock.fn());
  ASSERT_TRUE(b.Load().ok());
  EXPECT_EQ(*b.Claim(0), ClaimOutcome::kHeldByOther);
}

TEST(ShardLeases, OfManyRacingProcessorsExactlyOneWins) {
  for (int round = 0; round < 20; ++round) {
    MemoryObjectStore store;
    FakeClock clock;
    std::vector<std::unique_ptr<ShardLeases>> racers;
    for (int i = 0; i < 8; ++i) {
      racers.push_back(std::make_unique<ShardLeases>(store, "leases/", "host:" + std::to_string(i),
                                                     600, clock.fn()));
      ASSERT_TRUE(racers.back()->Load().ok());
    }
    std::atomic<int> owners{0};
    std::vector<std::thread> threads;
    for (auto& r : racers) {
      threads.emplace_back([&, p = r.get()] {
        auto c = p->Claim(9);
        if (c.ok() && *c != ClaimOutcome::kHeldByOther) ++owners;
      });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(owners.load(), 1);
  }
}

TEST(ShardLeases, ALeaseStoredButWhoseAnswerWasLostIsStillOurs) {
  MemoryObjectStore store;
  FakeClock clock;
  ShardLeases a(store, "leases/", "host:a", 600, clock.fn());
  ASSERT_TRUE(a.Load().ok());
  // The first attempt of the PUT was stored; the client retried and got 412 for it.
  store.Put("leases/shard-001/0000000001", EncodeLease({"host:a", clock.now + 600}));
  store.FailNext("put", Status::PreconditionFailed("412"));
  EXPECT_EQ(*a.Claim(1), ClaimOutcome::kOwned);
  EXPECT_TRUE(a.Owns(1));
}

TEST(ShardLeases, AStoreFailureIsAnErrorNotAClaim) {
  MemoryObjectStore store;
  FakeClock clock;
  ShardLeases a(store, "leases/", "host:a", 600, clock.fn());
  ASSERT_TRUE(a.Load().ok());
  store.FailNext("put", Status::Transient("503 SlowDown"));
  auto c = a.Claim(1);
  EXPECT_FALSE(c.ok());
  EXPECT_FALSE(a.Owns(1));
}

// On AWS the GET of a lease released since Load() answers 403, not 404: the shard is free.
TEST(ShardLeases, OnAwsALeaseReleasedMeanwhileAnswers403AndTheShardIsFree) {
  MemoryObjectStore store;
  PrefixPolicyObjectStore aws(store, kRolePrefixes);
  FakeClock clock;
  ShardLeases a(aws, "leases/", "host:a", 600, clock.fn());
  ASSERT_TRUE(a.Load().ok());
  ASSERT_EQ(*a.Claim(5), ClaimOutcome::kOwned);
  ShardLeases b(aws, "leases/", "host:b", 600, clock.fn());
  ASSERT_TRUE(b.Load().ok());
  a.ReleaseAll();
  auto claim = b.Claim(5);
  ASSERT_TRUE(claim.ok()) << claim.status().ToString();
  EXPECT_EQ(*claim, ClaimOutcome::kOwned);
  EXPECT_EQ(aws.denied_missing_keys(), 1) << "the 403 path was taken";
}

// A lease that is there but cannot be read (a real 403) is an error: taking the shard over would
// let two processors work on it.
TEST(ShardLeases, A403ForALeaseThatExistsIsAnErrorNotAFreeShard) {
  MemoryObjectStore store;
  PrefixPolicyObjectStore aws(store, kRolePrefixes);
  FakeClock clock;
  ShardLeases a(aws, "leases/", "host:a", 600, clock.fn());
  ASSERT_TRUE(a.Load().ok());
  ASSERT_EQ(*a.Claim(5), ClaimOutcome::kOwned);
  ShardLeases b(aws, "leases/", "host:b", 600, clock.fn());
  ASSERT_TRUE(b.Load().ok());
  store.FailNext("get", Status::AccessDenied("GetObject mem://leases/shard-005/0000000001: 403"));
  auto claim = b.Claim(5);
  EXPECT_FALSE(claim.ok());
  EXPECT_EQ(claim.status().code(), StatusCode::kAccessDenied);
  EXPECT_FALSE(b.Owns(5));
  EXPECT_EQ(store.Keys("leases/"), std::vector<std::string>{"leases/shard-005/0000000001"});
}

// Lost the race for a generation (412), whose winner released it before we could read it: on AWS
// that read answers 403. The shard was somebody else's, not an error.
TEST(ShardLeases, OnAwsAGenerationLostAndReleasedBeforeItIsReadIsHeldByOther) {
  MemoryObjectStore store;
  PrefixPolicyObjectStore aws(store, kRolePrefixes);
  FakeClock clock;
  ShardLeases a(aws, "leases/", "host:a", 600, clock.fn());
  ASSERT_TRUE(a.Load().ok());
  store.FailNext("put", Status::PreconditionFailed("412"));
  auto claim = a.Claim(1);
  ASSERT_TRUE(claim.ok()) << claim.status().ToString();
  EXPECT_EQ(*claim, ClaimOutcome::kHeldByOther);
  EXPECT_EQ(aws.denied_missing_keys(), 1) << "the 403 path was taken";
}

}  // namespace
}  // namespace s3proc
