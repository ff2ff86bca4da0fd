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
  queue.Close();
  for (auto& t : consumers) t.join();
  EXPECT_EQ(ended, 3);
}

// The lister never runs more than `capacity` objects ahead of the workers.
TEST(WorkQueueTest, AFullQueueHoldsTheProducerBack) {
  WorkQueue queue(2);
  std::atomic<int> pushed{0};
  std::thread producer([&] {
    for (int i = 0; i < 5; ++i) {
      queue.Push(Item(std::to_string(i)));
      ++pushed;
    }
    queue.Close();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(pushed, 2);
  std::vector<std::string> got;
  WorkItem item;
  while (queue.Pop(item)) got.push_back(item.object.key);
  producer.join();
  EXPECT_EQ(got, (std::vector<std::string>{"0", "1", "2", "3", "4"}));
}

}  // namespace
}  // namespace s3proc
