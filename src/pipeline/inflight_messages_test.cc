#include "pipeline/inflight_messages.h"

#include <gtest/gtest.h>

namespace s3proc {
namespace {

using Clock = InFlightMessages::Clock;
using std::chrono::seconds;

TEST(InFlightMessagesTest, AMessageIsFinishedWhenEveryRecordIsDone) {
  InFlightMessages held(60);
  const auto t0 = Clock::now();
  held.Add("m1", 1, 2, t0);
  held.Add("empty", 1, 0, t0);
  EXPECT_EQ(held.pending_records(), 2u);
  EXPECT_EQ(held.TakeFinished(), std::vector<std::string>{"empty"});
  held.Resolve("m1", true);
  EXPECT_TRUE(held.TakeFinished().empty());
  held.Resolve("m1", true);
  EXPECT_EQ(held.TakeFinished(), std::vector<std::string>{"m1"});
  EXPECT_EQ(held.size(), 0u);
}

TEST(InFlightMessagesTest, OneFailedRecordAbandonsTheMessage) {
  InFlightMessages held(60);
  held.Add("m1", 3, 2, Clock::now());
  held.Resolve("m1", false);
  held.Resolve("m1", true);
  EXPECT_TRUE(held.TakeFinished().empty());
  auto abandoned = held.TakeAbandoned();
  ASSERT_EQ(abandoned.size(), 1u);
  EXPECT_EQ(abandoned[0].receipt_handle, "m1");
  EXPECT_EQ(abandoned[0].receive_count, 3);
}

TEST(InFlightMessagesTest, ExtendsAtHalfLifeAndOnlyWhileInWork) {
  InFlightMessages held(60);
  const auto t0 = Clock::now();
  held.Add("m1", 1, 1, t0);
  held.Add("m2", 1, 1, t0 + seconds(20));
  EXPECT_TRUE(held.DueForExtension(t0 + seconds(29)).empty());
  EXPECT_EQ(held.DueForExtension(t0 + seconds(30)), std::vector<std::string>{"m1"});
  // m1's deadline moved to 90 s: not due again until 60 s.
  EXPECT_EQ(held.DueForExtension(t0 + seconds(50)), std::vector<std::string>{"m2"});
  held.Resolve("m1", true);
  EXPECT_EQ(held.DueForExtension(t0 + seconds(200)), std::vector<std::string>{"m2"});
}

}  // namespace
}  // namespace s3proc
