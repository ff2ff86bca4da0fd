#include "pipeline/work_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace s3proc {
namespace {

WorkItem Item(std::string key) { return {{std::move(key), 0, "", ""}, 0, false}; }

TEST(WorkQueueTest, PopsInOrderThenEndsWhenClosedAndDrained) {
  WorkQueue queue(4);
  queue.Push(Item("a"));
  queue.Push(Item("b"));
  queue.Close();
  WorkItem item;
  ASSERT_TRUE(queue.Pop(item));
  EXPECT_EQ(item.object.key, "a");
  ASSERT_TRUE(queue.Pop(item));
  EXPECT_EQ(item.object.key, "b");
  EXPECT_FALSE(queue.Pop(item));
  EXPECT_FALSE(queue.Pop(item));
}

// Polls `condition` until it holds (true) or a limit that only bounds a failing test passes.
template <typename F>
bool Eventually(F condition) {
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= give_up) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

TEST(WorkQueueTest, CloseWakesEveryWaitingConsumer) {
  WorkQueue queue(1);
  std::atomic<int> ended{0};
  std::vector<std::thread> consumers;
  consumers.reserve(3);
  for (int i = 0; i < 3; ++i) {
    consumers.emplace_back([&] {
      WorkItem item;
      while (queue.Pop(item)) {
      }
      ++ended;
    });
  }
  // Close only once all three wait: a Close before that would not test the wake-up.
  ASSERT_TRUE(Eventually([&] { return queue.TEST_BlockedPops() == 3; }));
  queue.Close();
  EXPECT_TRUE(Eventually([&] { return ended == 3; })) << ended << " of 3 consumers woke up";
  while (ended < 3) queue.Close();  // a failed test must still end
  for (auto& t : consumers) t.join();
}

// The lister never runs more than `capacity` objects ahead of the workers.
TEST(WorkQueueTest, AFullQueueHoldsTheProducerBack) {
  WorkQueue queue(2);
  std::atomic<int> pushed{0};
  std::atomic<bool> producer_done{false};
  std::thread producer([&] {
    for (int i = 0; i < 5; ++i) {
      queue.Push(Item(std::to_string(i)));
      ++pushed;
    }
    queue.Close();
    producer_done = true;
  });
  // Either the producer blocks (it must, on its third item) or it gets through all five (the
  // bug): wait for whichever comes, not for a time.
  ASSERT_TRUE(Eventually([&] { return queue.TEST_BlockedPushes() == 1 || producer_done; }));
  EXPECT_EQ(queue.TEST_BlockedPushes(), 1) << "the producer was never held back";
  EXPECT_EQ(pushed, 2);
  std::vector<std::string> got;
  WorkItem item;
  // Each Pop makes room for exactly one more.
  ASSERT_TRUE(queue.Pop(item));
  got.push_back(item.object.key);
  ASSERT_TRUE(Eventually([&] { return pushed == 3 || producer_done; }));
  ASSERT_TRUE(Eventually([&] { return queue.TEST_BlockedPushes() == 1 || producer_done; }));
  EXPECT_EQ(pushed, 3);
  while (queue.Pop(item)) got.push_back(item.object.key);
  producer.join();
  EXPECT_EQ(got, (std::vector<std::string>{"0", "1", "2", "3", "4"}));
}

}  // namespace
}  // namespace s3proc
