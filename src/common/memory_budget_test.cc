#include "common/memory_budget.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <random>
#include <thread>
#include <vector>

namespace s3proc {
namespace {

// Waits (a bounded while) until `n` Reserve calls are waiting.
void WaitUntilWaiting(MemoryBudget& budget, int n) {
  for (int i = 0; i < 10000 && budget.waiting() != n; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_EQ(budget.waiting(), n);
}

TEST(MemoryBudgetTest, ReservationsThatFitDoNotWait) {
  MemoryBudget budget(100);
  MemoryBudget::Reservation a = budget.Reserve(60);
  MemoryBudget::Reservation b = budget.Reserve(40);
  EXPECT_EQ(budget.reserved(), 100u);
  a.Release();
  EXPECT_EQ(budget.reserved(), 40u);
  {
    MemoryBudget::Reservation moved = std::move(b);  // the bytes go with it
    EXPECT_EQ(moved.bytes(), 40u);
    EXPECT_EQ(budget.reserved(), 40u);
  }
  EXPECT_EQ(budget.reserved(), 0u);
}

TEST(MemoryBudgetTest, AReservationThatDoesNotFitWaitsForARelease) {
  MemoryBudget budget(100);
  MemoryBudget::Reservation held = budget.Reserve(70);
  std::atomic<bool> admitted{false};
  std::thread waiter([&] {
    MemoryBudget::Reservation r = budget.Reserve(40);
    admitted = true;
  });
  WaitUntilWaiting(budget, 1);
  EXPECT_FALSE(admitted);
  held.Release();
  waiter.join();
  EXPECT_TRUE(admitted);
  EXPECT_EQ(budget.reserved(), 0u);
}

// Larger than the whole budget: admitted once alone, and alone while it runs; never refused.
TEST(MemoryBudgetTest, ALargerThanBudgetReservationRunsAlone) {
  MemoryBudget budget(100);
  MemoryBudget::Reservation small = budget.Reserve(10);
  std::atomic<bool> big_admitted{false};
  std::thread big([&] {
    MemoryBudget::Reservation r = budget.Reserve(500);
    big_admitted = true;
    EXPECT_EQ(budget.reserved(), 500u);
    WaitUntilWaiting(budget, 1);  // the small one below waits for it
  });
  WaitUntilWaiting(budget, 1);
  EXPECT_FALSE(big_admitted);
  small.Release();
  std::thread later([&] { MemoryBudget::Reservation r = budget.Reserve(1); });
  big.join();
  later.join();
  EXPECT_TRUE(big_admitted);
  EXPECT_EQ(budget.reserved(), 0u);
}

// In arrival order: a waiting large request is not overtaken by a small one that would fit.
TEST(MemoryBudgetTest, RequestsAreServedInArrivalOrder) {
  MemoryBudget budget(100);
  MemoryBudget::Reservation held = budget.Reserve(50);
  std::atomic<bool> big_admitted{false}, small_admitted{false};
  std::thread big([&] {
    MemoryBudget::Reservation r = budget.Reserve(80);
    big_admitted = true;
  });
  WaitUntilWaiting(budget, 1);
  std::thread small([&] {
    MemoryBudget::Reservation r = budget.Reserve(10);  // 50 + 10 fits, but it came second
    small_admitted = true;
  });
  WaitUntilWaiting(budget, 2);  // both wait: the small one did not go ahead
  EXPECT_FALSE(big_admitted);
  EXPECT_FALSE(small_admitted);
  held.Release();
  big.join();
  small.join();
  EXPECT_TRUE(big_admitted);
  EXPECT_TRUE(small_admitted);
}

TEST(MemoryBudgetTest, ManyThreadsNeverHoldMoreThanTheBudget) {
  MemoryBudget budget(1000);
  std::atomic<uint64_t> held{0};
  std::atomic<uint64_t> most{0};
  std::atomic<int> alone_over_budget{0};
  std::vector<std::thread> threads;
  threads.reserve(8);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(static_cast<uint32_t>(t));
      for (int i = 0; i < 300; ++i) {
        uint64_t want = 1 + rng() % (i % 50 == 0 ? 2000 : 400);
        MemoryBudget::Reservation r = budget.Reserve(want);
        uint64_t now = held += want;
        uint64_t seen = most.load();
        while (now > seen && !most.compare_exchange_weak(seen, now)) {
        }
        if (want > 1000 && now != want) ++alone_over_budget;  // not alone
        held -= want;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(alone_over_budget, 0);
  EXPECT_EQ(budget.reserved(), 0u);
  EXPECT_EQ(budget.waiting(), 0);
  // Over the budget only while one larger-than-budget request held it alone.
  EXPECT_LE(most.load(), 2000u);
}

}  // namespace
}  // namespace s3proc
