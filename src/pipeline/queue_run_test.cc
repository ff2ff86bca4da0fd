#include "pipeline/queue_run.h"

#include <gtest/gtest.h>
#include <stdio.h>

#include <chrono>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "pipeline/pipeline.h"
#include "pipeline/provenance.h"
#include "testutil/memory_message_queue.h"
#include "testutil/memory_object_store.h"
#include "testutil/temp_dir.h"

namespace s3proc {
namespace {

using testing::MemoryMessageQueue;
using testing::MemoryObjectStore;

// An S3 event notification for `key` (already URL-encoded as S3 sends it).
std::string EventFor(const std::string& encoded_key, const std::string& etag,
                     const std::string& bucket = "b",
                     const std::string& name = "ObjectCreated:Put") {
  return R"({"Records":[{"eventName":")" + name + R"(","s3":{"bucket":{"name":")" + bucket +
         R"("},"object":{"key":")" + encoded_key + R"(","size":7,"eTag":")" + etag + R"("}}}]})";
}

class QueueRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.bucket = "b";
    config_.queue_url = "mem://queue";
    config_.work_dir = tmp_.path().string();
    config_.concurrency = 3;
    config_.queue_wait_seconds = 0;
    config_.queue_visibility_seconds = 30;
    config_.progress = false;
    log_ = fopen("/dev/null", "w");
    logger_ = std::make_unique<Logger>(LogFormat::kJson, log_);
  }
  void TearDown() override { fclose(log_); }

  // Puts an input and sends its event.
  void Drop(const std::string& key, const std::string& content) {
    store_.Put(key, content);
    queue_.Send(EventFor(key, Etag(key)));
  }
  std::string Etag(const std::string& key) {
    auto head = store_.Head(key);
    return head.ok() ? head->etag : "";
  }
  RunSummary Run() {
    auto s = RunPipeline(config_, store_, *logger_, &queue_);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? *s : RunSummary{};
  }

  testing::TempDir tmp_;
  MemoryObjectStore store_;
  MemoryMessageQueue queue_;
  RunConfig config_;
  FILE* log_ = nullptr;
  std::unique_ptr<Logger> logger_;
};

TEST_F(QueueRunTest, ProcessesAnnouncedObjectsAndDeletesTheirMessages) {
  Drop("input/a.json", R"({"a":1})");
  Drop("input/bad.json", "{oops");
  store_.Put("input/unannounced.json", "{}");
  RunSummary s = Run();
  EXPECT_EQ(s.listed, 2u);
  EXPECT_EQ(s.done, 1u);
  EXPECT_EQ(s.rejected, 1u);
  EXPECT_EQ(s.ExitCode(), 0);
  EXPECT_TRUE(store_.Contains("output/a.json"));
  EXPECT_EQ(*store_.Get("errors/bad.json"), "{oops");
  EXPECT_EQ(store_.Keys("input/"), (std::vector<std::string>{"input/unannounced.json"}))
      << "queue mode never lists: only announced objects are processed";
  EXPECT_EQ(queue_.MessageCount(), 0u);
  EXPECT_TRUE(store_.Keys("leases/").empty()) << "no lease in queue mode";
  EXPECT_EQ(store_.CallCount("list"), 0);
}

TEST_F(QueueRunTest, DecodesKeysAsS3EncodesThem) {
  store_.Put("input/a b+c%.json", "{}");
  queue_.Send(EventFor("input/a+b%2Bc%25.json", Etag("input/a b+c%.json")));
  RunSummary s = Run();
  EXPECT_EQ(s.done, 1u);
  EXPECT_TRUE(store_.Contains("output/a b+c%.json"));
}

TEST_F(QueueRunTest, TestEventsAndForeignRecordsAreDeletedWithoutWork) {
  queue_.Send(R"({"Service":"Amazon S3","Event":"s3:TestEvent","Bucket":"b"})");
  queue_.Send(EventFor("other/x.json", "e"));
  queue_.Send(EventFor("input/x.json", "e", "another-bucket"));
  queue_.Send(EventFor("input/x.json", "e", "b", "ObjectRemoved:Delete"));
  // A folder marker: zero bytes under a key ending in '/'.
  queue_.Send(R"({"Records":[{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"},)"
              R"("object":{"key":"input/folder/","size":0,"eTag":"e"}}}]})");
  RunSummary s = Run();
  EXPECT_EQ(s.listed, 0u);
  EXPECT_EQ(s.ExitCode(), 0);
  EXPECT_EQ(queue_.MessageCount(), 0u);
}

TEST_F(QueueRunTest, AnEventForAKeyAlreadyGoneIsDeleted) {
  queue_.Send(EventFor("input/gone.json", "e"));
  RunSummary s = Run();
  EXPECT_EQ(s.listed, 1u);
  EXPECT_EQ(s.failed, 0u);
  EXPECT_EQ(queue_.MessageCount(), 0u);
}

TEST_F(QueueRunTest, AFailedObjectLeavesItsMessageAndItsInput) {
  Drop("input/a.json", "{}");
  store_.FailNext("upload", Status::Transient("503 SlowDown"));
  RunSummary s = Run();
  EXPECT_EQ(s.failed, 1u);
  EXPECT_EQ(s.ExitCode(), 1);
  EXPECT_EQ(queue_.MessageCount(), 1u) << "left for redelivery";
  EXPECT_EQ(queue_.VisibleCount(), 0u) << "hidden for its backoff";
  EXPECT_TRUE(store_.Contains("input/a.json"));
}

TEST_F(QueueRunTest, AFailedInputDeleteKeepsTheMessage) {
  Drop("input/a.json", "{}");
  store_.FailNext("delete_request", Status::Transient("503"));
  RunSummary s = Run();
  EXPECT_TRUE(store_.Contains("output/a.json"));
  EXPECT_TRUE(store_.Contains("input/a.json"));
  EXPECT_EQ(queue_.MessageCount(), 1u) << "the message goes only after the input";
  EXPECT_EQ(s.ExitCode(), 1);
}

// A user re-uploads an input while it is processed: the delete that follows keeps the new bytes,
// and the message is done (the re-upload sent its own event, which brings the new version).
TEST_F(QueueRunTest, AnInputReplacedDuringProcessingSurvivesForItsOwnEvent) {
  Drop("input/a.json", R"({"v":1})");
  store_.PutOnceBefore("upload", "output/a.json", "input/a.json", R"({"v":2})");
  RunSummary first = Run();
  EXPECT_EQ(first.done, 1u);
  EXPECT_EQ(first.failed, 0u) << "a replaced input is no failure";
  EXPECT_EQ(first.ExitCode(), 0);
  EXPECT_NE(store_.Get("output/a.json").value_or("").find(R"({"v":1,)"), std::string::npos);
  EXPECT_EQ(store_.Get("input/a.json"), R"({"v":2})") << "the new bytes are still there";
  EXPECT_EQ(queue_.MessageCount(), 0u) << "the first event's message is done";

  queue_.Send(EventFor("input/a.json", Etag("input/a.json")));  // what S3 sends for the re-upload
  RunSummary second = Run();
  EXPECT_EQ(second.done, 1u);
  EXPECT_EQ(second.failed, 0u);
  EXPECT_NE(store_.Get("output/a.json").value_or("").find(R"({"v":2,)"), std::string::npos);
  EXPECT_FALSE(store_.Contains("input/a.json"));
  EXPECT_EQ(queue_.MessageCount(), 0u);
}

// An output that replaces an older version's names that version as processed (a crash came
// between its output and its delete): queue mode deletes it too, else it would be current again
// once the newer version is deleted, with no message left to bring it.
TEST_F(QueueRunTest, AnEarlierVersionFoundProcessedIsDeletedWithTheAnnouncedOne) {
  ObjectInfo earlier;
  earlier.etag = "0123456789abcdef0123456789abcdef";
  earlier.version_id = "version-0";
  PutOptions stored;
  stored.metadata = ProvenanceMetadata(Role::kOutput, "input/a.json", earlier);
  ASSERT_TRUE(store_.PutBytes("output/a.json", "version-0's output", stored).ok());
  Drop("input/a.json", R"({"v":1})");
  auto deletes = std::make_shared<int>(0);
  store_.SetFaultHook([deletes](std::string_view op, const std::string& key) {
    if (op == "delete" && key == "input/a.json") ++*deletes;
    return Status::Ok();
  });
  RunSummary s = Run();
  EXPECT_EQ(s.done, 1u);
  EXPECT_EQ(s.ExitCode(), 0);
  EXPECT_EQ(*deletes, 2) << "the announced version and version-0";
  EXPECT_EQ(queue_.MessageCount(), 0u);
}

TEST_F(QueueRunTest, ADuplicateDeliveryWritesNothingTwice) {
  store_.Put("input/a.json", "{}");
  // Two messages for one object (S3 and SQS both deliver at least once), worked on one after the
  // other while the input is still there (its delete, batched by the heartbeat, fails once).
  queue_.Send(EventFor("input/a.json", Etag("input/a.json")));
  queue_.Send(EventFor("input/a.json", Etag("input/a.json")));
  config_.concurrency = 1;
  store_.FailNext("delete_request", Status::Transient("503"));
  RunSummary s = Run();
  // The second delivery's create-only upload lost to the first's output of the same ETag: it
  // wrote nothing and counts as already done.
  EXPECT_EQ(s.done, 1u);
  EXPECT_EQ(s.already_done, 1u);
  EXPECT_EQ(store_.CallCount("upload"), 2);
  EXPECT_TRUE(store_.Contains("output/a.json"));
  EXPECT_TRUE(store_.Contains("input/a.json")) << "its delete failed";
  EXPECT_EQ(queue_.MessageCount(), 2u) << "both messages wait for the input's delete";
}

// Create-only means it: when the 412's look at what is there fails, nothing is written over it
// and the object waits for the next delivery.
TEST_F(QueueRunTest, AFailedLookAfterA412LeavesWhatIsThereAndTheMessage) {
  store_.Put("output/a.json", "another delivery's, or a user's");
  Drop("input/a.json", "{}");
  store_.SetFaultHook([](std::string_view op, const std::string& key) {
    return op == "head" && key == "output/a.json" ? Status::Transient("head: 503 SlowDown")
                                                  : Status::Ok();
  });
  RunSummary s = Run();
  EXPECT_EQ(s.failed, 1u);
  EXPECT_EQ(*store_.Get("output/a.json"), "another delivery's, or a user's");
  EXPECT_TRUE(store_.Keys("errors/").empty());
  EXPECT_TRUE(store_.Contains("input/a.json"));
  EXPECT_EQ(queue_.MessageCount(), 1u);
}

TEST_F(QueueRunTest, ARedeliveryPastMaxAttemptsGoesToErrors) {
  Drop("input/poison.json", "{}");
  config_.max_attempts = 2;
  config_.queue_visibility_seconds = 10;
  // Three deliveries that never finished (a worker crashed each time) are simulated by
  // receiving and abandoning the message.
  for (int i = 0; i < 2; ++i) {
    auto got = queue_.Receive(1, 0, 10);
    ASSERT_EQ(got->size(), 1u);
    ASSERT_TRUE(queue_.ExtendVisibility((*got)[0].receipt_handle, 0).ok());
  }
  RunSummary s = Run();
  EXPECT_EQ(s.rejected, 1u);
  EXPECT_NE(store_.Get("errors/poison.json.error.json")->find("gave up after 2 attempts"),
            std::string::npos);
  EXPECT_EQ(queue_.MessageCount(), 0u);
}

TEST_F(QueueRunTest, NonEventMessagesStayForTheDeadLetterQueue) {
  queue_.Send("hello");
  RunSummary s = Run();
  EXPECT_EQ(s.failed, 1u);
  EXPECT_EQ(queue_.MessageCount(), 1u);
}

TEST_F(QueueRunTest, MaxFilesBoundsTheRun) {
  for (int i = 0; i < 5; ++i) Drop("input/" + std::to_string(i) + ".json", "{}");
  config_.max_files = 2;
  RunSummary s = Run();
  EXPECT_EQ(s.done, 2u);
  EXPECT_TRUE(s.stopped_early);
  EXPECT_EQ(queue_.MessageCount(), 3u);
}

// Unless the user sets one, no visibility timeout is sent: the queue's own applies, so what a
// killed worker held comes back after the queue's timeout, not after one of s3proc's choosing.
TEST_F(QueueRunTest, ReceivesWithTheQueuesOwnVisibilityTimeoutUnlessOneIsSet) {
  config_.queue_visibility_seconds = RunConfig{}.queue_visibility_seconds;  // unset
  queue_.SetVisibilityTimeout(45);
  Drop("input/a.json", "{}");
  EXPECT_EQ(Run().done, 1u);
  std::vector<std::optional<int>> received = queue_.ReceivedWith();
  ASSERT_FALSE(received.empty());
  for (const auto& v : received) EXPECT_EQ(v, std::nullopt);

  config_.queue_visibility_seconds = 60;
  Drop("input/b.json", "{}");
  EXPECT_EQ(Run().done, 1u);
  received = queue_.ReceivedWith();
  EXPECT_EQ(received.back(), 60) << "the user's value is sent";
}

// The heartbeat extends a message in work by the queue's own timeout, read once at start.
TEST_F(QueueRunTest, TheHeartbeatExtendsByTheQueuesOwnTimeout) {
  config_.queue_visibility_seconds = 0;
  queue_.SetVisibilityTimeout(1);
  Drop("input/slow.json", "{}");
  // The download waits until the heartbeat has extended the message (at half of its 1 s).
  store_.SetFaultHook([this](std::string_view operation, const std::string& key) {
    if (operation == "download" && key == "input/slow.json") {
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
      while (queue_.ExtendCalls() == 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    }
    return Status::Ok();
  });
  EXPECT_EQ(Run().done, 1u);
  std::vector<int> extended = queue_.ExtendedWith();
  ASSERT_FALSE(extended.empty()) << "the message was never extended";
  for (int v : extended) EXPECT_EQ(v, 1);
  EXPECT_EQ(queue_.MessageCount(), 0u);
}

// A queue whose messages are never hidden would hand each to every worker: s3proc asks for its
// minimum instead.
TEST_F(QueueRunTest, AQueueWithoutVisibilityTimeoutGetsTheMinimum) {
  config_.queue_visibility_seconds = 0;
  queue_.SetVisibilityTimeout(0);
  Drop("input/a.json", "{}");
  EXPECT_EQ(Run().done, 1u);
  EXPECT_EQ(queue_.ReceivedWith().front(), kMinQueueVisibilitySeconds);
}

TEST(QueueBackoffTest, DoublesUpToTheVisibilityTimeout) {
  EXPECT_EQ(BackoffSeconds(1, 300), 5);
  EXPECT_EQ(BackoffSeconds(2, 300), 10);
  EXPECT_EQ(BackoffSeconds(4, 300), 40);
  EXPECT_EQ(BackoffSeconds(10, 300), 300);
  EXPECT_EQ(BackoffSeconds(1000, 30), 30);
}

}  // namespace
}  // namespace s3proc
