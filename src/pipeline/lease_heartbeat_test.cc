#include "pipeline/lease_heartbeat.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>

#include "testutil/memory_object_store.h"

namespace s3proc {
namespace {

using testing::MemoryObjectStore;

// A lease past half its life is renewed by the heartbeat alone, with nobody calling RenewDue.
TEST(LeaseHeartbeat, RenewsALeasePastHalfItsLife) {
  MemoryObjectStore store;
  std::atomic<int64_t> now{1'000'000};
  ShardLeases leases(store, "leases/", "host:a", 600, [&now] { return now.load(); });
  ASSERT_TRUE(leases.Load().ok());
  ASSERT_EQ(*leases.Claim(3), ClaimOutcome::kOwned);
  std::promise<void> renewed;
  std::atomic<bool> seen{false};
  store.SetFaultHook([&](std::string_view operation, const std::string& key) {
    if (operation == "put" && key == "leases/shard-003/0000000002" && !seen.exchange(true)) {
      renewed.set_value();
    }
    return Status::Ok();
  });
  LeaseHeartbeat heartbeat(leases, std::chrono::milliseconds(1));
  now += 301;
  // A guard against a hang, not a timing assertion: the renewal comes within a period or two.
  ASSERT_EQ(renewed.get_future().wait_for(std::chrono::seconds(30)), std::future_status::ready)
      << "no renewal";
  EXPECT_TRUE(leases.Owns(3));
}

// Stopping does not wait out the period: a heartbeat looking once an hour stops at once (a
// sleeping one would hang the test until its timeout).
TEST(LeaseHeartbeat, StopsWithoutWaitingForItsPeriod) {
  MemoryObjectStore store;
  ShardLeases leases(store, "leases/", "host:a", 600);
  { LeaseHeartbeat heartbeat(leases, std::chrono::hours(1)); }
  EXPECT_EQ(store.CallCount("put"), 0);
}

}  // namespace
}  // namespace s3proc
