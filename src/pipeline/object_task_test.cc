#include "pipeline/object_task.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <optional>

#include "pipeline/router_config.h"
#include "testutil/gzip_bytes.h"
#include "testutil/memory_object_store.h"
#include "testutil/temp_dir.h"

namespace s3proc {
namespace {

using ::testing::HasSubstr;
using testing::MemoryObjectStore;
using Kind = ObjectOutcome::Kind;

class ObjectTaskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.work_dir = tmp_.path().string();
    config_.routes = {{"*.csv", "csv"}};
    auto router = BuildRouter(config_);
    ASSERT_TRUE(router.ok()) << router.status().ToString();
    router_.emplace(std::move(*router));
    auto work_dir = WorkDir::Open(config_.work_dir);
    ASSERT_TRUE(work_dir.ok()) << work_dir.status().ToString();
    work_dir_.emplace(std::move(*work_dir));
  }

  ObjectSummary Put(const std::string& key, std::string_view data) {
    store_.Put(key, data);
    auto head = store_.Head(key);
    EXPECT_TRUE(head.ok());
    return {key, head->size, head->etag, head->last_modified};
  }

  ObjectOutcome Run(const ObjectSummary& object, bool check_existing = false) {
    ObjectTask task(config_, store_, *router_, *work_dir_, "2026-01-01T00:00:00Z");
    return task.Run(object, check_existing);
  }

  // Local copies left in downloads/ and processed/ (temp files included).
  size_t LocalFiles() const {
    size_t n = 0;
    for (const char* sub : {"downloads", "processed"}) {
      for (const auto& e : std::filesystem::recursive_directory_iterator(tmp_.path() / sub)) {
        if (e.is_regular_file()) ++n;
      }
    }
    return n;
  }

  std::string Metadata(const std::string& key, const std::string& name) {
    auto head = store_.Head(key);
    if (!head.ok()) return "";
    for (const auto& [n, v] : head->metadata) {
      if (n == name) return v;
    }
    return "";
  }

  testing::TempDir tmp_;
  RunConfig config_;
  MemoryObjectStore store_;
  std::optional<ProcessorRouter> router_;
  std::optional<WorkDir> work_dir_;
};

TEST_F(ObjectTaskTest, DoneStoresTheOutputTiedToItsInput) {
  ObjectSummary in = Put("input/a.json", R"({"a":1})");
  ObjectOutcome o = Run(in);
  EXPECT_EQ(o.kind, Kind::kDone) << o.reason;
  EXPECT_EQ(o.destination, "output/a.json");
  EXPECT_EQ(o.processor, "json");
  EXPECT_EQ(o.input.key, "input/a.json");
  EXPECT_EQ(o.bytes_in, in.size);
  EXPECT_GT(o.bytes_out, in.size);
  EXPECT_THAT(*store_.Get("output/a.json"), HasSubstr("\"_s3proc\""));
  EXPECT_EQ(Metadata("output/a.json", "s3proc-source-etag"), in.etag);
  EXPECT_EQ(store_.Head("output/a.json")->content_type, "application/json");
  EXPECT_TRUE(store_.Contains("input/a.json")) << "the caller deletes the input";
  EXPECT_EQ(LocalFiles(), 0u);
}

TEST_F(ObjectTaskTest, ContentTypeFollowsTheProcessor) {
  EXPECT_EQ(Run(Put("input/p.csv", "a,b\n1,2\n")).kind, Kind::kDone);
  EXPECT_EQ(store_.Head("output/p.csv")->content_type, "application/x-ndjson");
}

// The output keeps the input's name, so an output named .gz is gzip: application/gzip, no
// Content-Encoding that would make an HTTP client unpack it under its .gz name.
TEST_F(ObjectTaskTest, AGzOutputIsGzipAndStoredAsSuch) {
  EXPECT_EQ(Run(Put("input/p.csv.gz", testing::GzipBytes("a,b\n1,2\n"))).kind, Kind::kDone);
  EXPECT_EQ(testing::GunzipBytes(*store_.Get("output/p.csv.gz")), "{\"a\":\"1\",\"b\":\"2\"}\n");
  EXPECT_EQ(store_.Head("output/p.csv.gz")->content_type, "application/gzip");
  EXPECT_EQ(LocalFiles(), 0u);
}

TEST_F(ObjectTaskTest, KeepLocalFilesKeepsBothCopies) {
  config_.keep_local_files = true;
  EXPECT_EQ(Run(Put("input/a.json", "{}")).kind, Kind::kDone);
  EXPECT_EQ(LocalFiles(), 2u);
}

TEST_F(ObjectTaskTest, RejectedInputGoesToErrorsWithItsReason) {
  ObjectSummary in = Put("input/bad.json", "{oops");
  ObjectOutcome o = Run(in);
  EXPECT_EQ(o.kind, Kind::kRejected);
  EXPECT_EQ(o.destination, "errors/bad.json");
  EXPECT_THAT(o.reason, HasSubstr("invalid JSON"));
  EXPECT_EQ(*store_.Get("errors/bad.json"), "{oops");
  EXPECT_EQ(Metadata("errors/bad.json", "s3proc-source-etag"), in.etag);
  std::string why = *store_.Get("errors/bad.json.error.json");
  EXPECT_THAT(why, HasSubstr("\"source_key\":\"input/bad.json\""));
  EXPECT_THAT(why, HasSubstr("\"attempts\":1"));
  EXPECT_FALSE(store_.Contains("output/bad.json"));
  EXPECT_EQ(LocalFiles(), 0u);
}

TEST_F(ObjectTaskTest, TheReasonIsStoredBeforeTheCopy) {
  store_.FailNext("put", Status::Transient("503"));
  ObjectOutcome o = Run(Put("input/bad.json", "{oops"));
  EXPECT_EQ(o.kind, Kind::kFailed);
  EXPECT_THAT(o.reason, HasSubstr("storing the rejection reason"));
  EXPECT_FALSE(store_.Contains("errors/bad.json"));
  EXPECT_EQ(LocalFiles(), 0u);
}

TEST_F(ObjectTaskTest, AVanishedInputIsGone) {
  ObjectSummary in = Put("input/a.json", "{}");
  store_.FailNext("download", Status::NotFound("NoSuchKey"));
  ObjectOutcome o = Run(in);
  EXPECT_EQ(o.kind, Kind::kGone);
  EXPECT_EQ(LocalFiles(), 0u);
}

TEST_F(ObjectTaskTest, AFailedUploadLeavesTheInputAndNoLocalFiles) {
  store_.FailNext("upload", Status::Transient("503 SlowDown"));
  ObjectOutcome o = Run(Put("input/a.json", "{}"));
  EXPECT_EQ(o.kind, Kind::kFailed);
  EXPECT_THAT(o.reason, HasSubstr("503 SlowDown"));
  EXPECT_FALSE(store_.Contains("output/a.json"));
  EXPECT_EQ(LocalFiles(), 0u);
}

TEST_F(ObjectTaskTest, AFailedDownloadLeavesNoLocalFiles) {
  store_.FailNext("download", Status::Transient("reset"));
  ObjectOutcome o = Run(Put("input/a.json", "{}"));
  EXPECT_EQ(o.kind, Kind::kFailed);
  EXPECT_EQ(o.reason, "reset");
  EXPECT_EQ(LocalFiles(), 0u);
}

TEST_F(ObjectTaskTest, GivesUpAfterMaxAttempts) {
  config_.max_attempts = 1;
  ObjectSummary in = Put("input/a.json", "{}");
  store_.FailNext("upload", Status::Transient("timeout"));
  EXPECT_EQ(Run(in).kind, Kind::kFailed);
  ObjectOutcome o = Run(in);
  EXPECT_EQ(o.kind, Kind::kRejected);
  EXPECT_THAT(o.reason, HasSubstr("gave up after 1 attempts"));
  EXPECT_EQ(*store_.Get("errors/a.json"), "{}");
}

TEST_F(ObjectTaskTest, ARecoveredShardFindsTheStoredOutput) {
  ObjectSummary in = Put("input/a.json", "{}");
  ASSERT_EQ(Run(in).kind, Kind::kDone);
  int uploads = store_.CallCount("upload");
  ObjectOutcome again = Run(in, /*check_existing=*/true);
  EXPECT_EQ(again.kind, Kind::kAlreadyDone);
  EXPECT_EQ(again.destination, "output/a.json");
  EXPECT_EQ(again.input.key, "input/a.json");
  EXPECT_EQ(store_.CallCount("upload"), uploads) << "nothing processed twice";
}

TEST_F(ObjectTaskTest, ARecoveredShardFindsTheStoredErrorCopy) {
  ObjectSummary in = Put("input/bad.json", "{oops");
  ASSERT_EQ(Run(in).kind, Kind::kRejected);
  EXPECT_EQ(Run(in, true).kind, Kind::kAlreadyDone);
}

TEST_F(ObjectTaskTest, AnOutputOfOtherContentIsNotTakenForDone) {
  ObjectSummary old_input = Put("input/a.json", "{}");
  ASSERT_EQ(Run(old_input).kind, Kind::kDone);
  ObjectSummary new_input = Put("input/a.json", R"({"new":true})");
  ObjectOutcome o = Run(new_input, true);
  EXPECT_EQ(o.kind, Kind::kDone);
  EXPECT_THAT(*store_.Get("output/a.json"), HasSubstr("\"new\""));
}

TEST_F(ObjectTaskTest, WithoutARecoveryStoredOutputsAreNotLookedFor) {
  ObjectSummary in = Put("input/a.json", "{}");
  ASSERT_EQ(Run(in).kind, Kind::kDone);
  int heads = store_.CallCount("head");
  EXPECT_EQ(Run(in).kind, Kind::kDone);
  EXPECT_EQ(store_.CallCount("head"), heads);
}

TEST_F(ObjectTaskTest, AnOutputKeyTooLongForS3IsRejected) {
  std::string key = "input/" + std::string(1013, 'k') + ".json";  // 1024 bytes; output/ is one more
  ObjectOutcome o = Run(Put(key, "{}"));
  EXPECT_EQ(o.kind, Kind::kRejected);
  EXPECT_THAT(o.reason, HasSubstr("1024-byte limit"));
}

}  // namespace
}  // namespace s3proc
