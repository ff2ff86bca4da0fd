// The fake beside the real one: MemoryMessageQueue must answer as SqsMessageQueue does, or the
// queue-mode tests that use it prove nothing about SQS.

#include "testutil/memory_message_queue.h"

#include <gtest/gtest.h>

namespace s3proc {
namespace {

using testing::MemoryMessageQueue;

// Receives the one message in `queue`, visible again at once (visibility 0).
QueueMessage ReceiveAgain(MemoryMessageQueue& queue) {
  auto got = queue.Receive(1, 0, 0);
  EXPECT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got.ok() ? got->size() : 0u, 1u);
  return got.ok() && got->size() == 1 ? (*got)[0] : QueueMessage{};
}

TEST(MemoryMessageQueueTest, AHandleFromAnEarlierReceiveIsRefusedAsOnSqs) {
  MemoryMessageQueue queue;
  queue.Send("m");
  QueueMessage first = ReceiveAgain(queue);
  QueueMessage second = ReceiveAgain(queue);
  ASSERT_EQ(second.receive_count, 2);
  ASSERT_NE(first.receipt_handle, second.receipt_handle);

  // SqsMessageQueue maps SQS's ReceiptHandleIsInvalid to NotFound (sqs_error_table.cc).
  Status extended = queue.ExtendVisibility(first.receipt_handle, 60);
  EXPECT_EQ(extended.code(), StatusCode::kNotFound) << extended.ToString();
  EXPECT_EQ(queue.VisibleCount(), 1u) << "the stale handle changed nothing";

  auto deleted = queue.Delete({first.receipt_handle});
  ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
  ASSERT_EQ(deleted->size(), 1u);
  EXPECT_EQ((*deleted)[0].receipt_handle, first.receipt_handle);
  EXPECT_EQ((*deleted)[0].status.code(), StatusCode::kNotFound);
  EXPECT_EQ(queue.MessageCount(), 1u) << "the message is still there";

  // The current handle works.
  EXPECT_TRUE(queue.ExtendVisibility(second.receipt_handle, 60).ok());
  EXPECT_EQ(queue.VisibleCount(), 0u);
  deleted = queue.Delete({second.receipt_handle});
  ASSERT_TRUE(deleted.ok());
  EXPECT_TRUE(deleted->empty());
  EXPECT_EQ(queue.MessageCount(), 0u);
}

TEST(MemoryMessageQueueTest, AHandleOfADeletedMessageCountsAsDeleted) {
  MemoryMessageQueue queue;
  queue.Send("m");
  QueueMessage got = ReceiveAgain(queue);
  ASSERT_TRUE(queue.Delete({got.receipt_handle}).ok());
  auto again = queue.Delete({got.receipt_handle});
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->empty());
  EXPECT_EQ(queue.ExtendVisibility(got.receipt_handle, 60).code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace s3proc
