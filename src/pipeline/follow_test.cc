#include "pipeline/follow.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdio.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "testutil/memory_object_store.h"
#include "testutil/temp_dir.h"

namespace s3proc {
namespace {

using ::testing::HasSubstr;
using testing::MemoryObjectStore;
using ::testing::Not;

// Runs FollowListing on a memory store with a scripted wait: the i-th wait runs script[i] (a
// user uploading, a signal) instead of sleeping, and a wait past the script sets the stop flag,
// so that no test can follow for ever.
class FollowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.bucket = "b";
    config_.work_dir = tmp_.path().string();
    config_.concurrency = 2;
    config_.follow = true;
    config_.poll_seconds = 30;
    config_.progress = false;
    log_ = open_memstream(&log_text_, &log_size_);
    logger_ = std::make_unique<Logger>(LogFormat::kText, log_);
    store_.SetFaultHook([this](std::string_view op, const std::string& key) {
      if (op == "list" && key == "input/") ++input_listings_;
      return Status::Ok();
    });
  }
  void TearDown() override {
    fclose(log_);
    free(log_text_);
  }

  Result<FollowSummary> Follow() {
    StopWait wait = [this](std::chrono::milliseconds timeout) {
      waits_.push_back(timeout);
      lists_before_wait_.push_back(input_listings_);
      if (waits_.size() <= script_.size()) {
        script_[waits_.size() - 1]();
      } else {
        stop_ = true;
      }
    };
    return FollowListing(config_, store_, *logger_, stop_, wait);
  }

  std::string Log() {
    fflush(log_);
    return std::string(log_text_, log_size_);
  }

  testing::TempDir tmp_;
  MemoryObjectStore store_;
  RunConfig config_;
  std::atomic<bool> stop_{false};
  std::vector<std::function<void()>> script_;
  std::vector<std::chrono::milliseconds> waits_;
  std::atomic<int> input_listings_{0};  // listings of input/ that reached the store
  std::vector<int> lists_before_wait_;  // input_listings_ at each wait
  FILE* log_ = nullptr;
  char* log_text_ = nullptr;
  size_t log_size_ = 0;
  std::unique_ptr<Logger> logger_;
};

TEST_F(FollowTest, ListsAgainAtOnceAfterWorkAndWaitsPollSecondsAfterAnEmptyPass) {
  store_.Put("input/a.json", "{}");
  script_ = {[this] { store_.Put("input/b.json", "[]"); }};
  auto followed = Follow();
  ASSERT_TRUE(followed.ok()) << followed.status().ToString();

  // Pass 1 did a.json and pass 2 (at once) found nothing: the first wait. Pass 3 did b.json,
  // pass 4 found nothing: the second wait, which stops.
  EXPECT_EQ(followed->passes, 4u);
  EXPECT_EQ(followed->totals.done, 2u);
  EXPECT_EQ(followed->failed_passes, 0u);
  EXPECT_EQ(waits_, (std::vector<std::chrono::milliseconds>{std::chrono::seconds(30),
                                                            std::chrono::seconds(30)}));
  EXPECT_EQ(lists_before_wait_, (std::vector<int>{2, 4}));
  EXPECT_TRUE(store_.Keys("input/").empty());
  EXPECT_TRUE(store_.Contains("output/a.json"));
  EXPECT_TRUE(store_.Contains("output/b.json"));
}

TEST_F(FollowTest, AnEmptyPassLogsNoSummaryOnlyThatTheInputIsEmptyOnce) {
  script_ = {[] {}, [] {}};  // three empty passes
  auto followed = Follow();
  ASSERT_TRUE(followed.ok()) << followed.status().ToString();
  EXPECT_EQ(followed->passes, 3u);
  const std::string log = Log();
  EXPECT_THAT(log, Not(HasSubstr("run finished"))) << log;
  const std::string idle = "input/ is empty; listing it every 30 s";
  ASSERT_THAT(log, HasSubstr(idle));
  EXPECT_EQ(log.find(idle), log.rfind(idle)) << "said once, not at every pass:\n" << log;
  EXPECT_THAT(log, HasSubstr("stopped by a signal passes=3 failed_passes=0"));
}

TEST_F(FollowTest, APassThatFailsIsLoggedAndTheNextPassesGoOn) {
  // S3 is down for the first two passes (every LIST attempt fails).
  store_.FailNext("list", Status::Transient("connection refused"), 2);
  store_.Put("input/a.json", "{}");
  script_ = {[] {}, [] {}};
  auto followed = Follow();
  ASSERT_TRUE(followed.ok()) << followed.status().ToString();
  EXPECT_EQ(followed->failed_passes, 2u);
  EXPECT_EQ(followed->totals.done, 1u);
  EXPECT_TRUE(store_.Contains("output/a.json"));
  EXPECT_TRUE(store_.Keys("input/").empty());
  // Each failed pass waited before the next (no spinning against a server that is down); the
  // third did a.json, the fourth found input/ empty.
  EXPECT_EQ(followed->passes, 4u);
  EXPECT_EQ(lists_before_wait_, (std::vector<int>{0, 0, 2}));
  EXPECT_THAT(Log(), HasSubstr("this pass failed: listing mem:///input/: connection refused; "
                               "listing again in 30 s"));
}

TEST_F(FollowTest, AnObjectThatFailsIsRetriedAfterTheWaitNotAtOnce) {
  store_.Put("input/a.json", "{}");
  store_.FailNext("download", Status::Transient("slow down"), 1);
  script_ = {[] {}};
  auto followed = Follow();
  ASSERT_TRUE(followed.ok()) << followed.status().ToString();
  EXPECT_EQ(followed->totals.failed, 1u);
  EXPECT_EQ(followed->totals.done, 1u);
  EXPECT_EQ(lists_before_wait_.front(), 1) << "the failed pass waited before listing again";
}

TEST_F(FollowTest, AConfigurationErrorEndsTheRunAtOnce) {
  store_.FailNext("list", Status::InvalidArgument("NoSuchBucket: the bucket does not exist"), 1);
  auto followed = Follow();
  ASSERT_FALSE(followed.ok());
  EXPECT_EQ(followed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(followed.status().message(), HasSubstr("NoSuchBucket"));
  EXPECT_TRUE(waits_.empty());
}

TEST_F(FollowTest, AStopDuringTheWaitEndsTheRunWithoutAnotherPass) {
  script_ = {[this] { stop_ = true; }};
  auto followed = Follow();
  ASSERT_TRUE(followed.ok()) << followed.status().ToString();
  EXPECT_EQ(followed->passes, 1u);
  EXPECT_EQ(input_listings_, 1);
}

TEST_F(FollowTest, EachPassHonoursMaxFilesOnItsOwn) {
  config_.max_files = 2;
  for (const char* key :
       {"input/a.json", "input/b.json", "input/c.json", "input/d.json", "input/e.json"}) {
    store_.Put(key, "{}");
  }
  auto followed = Follow();
  ASSERT_TRUE(followed.ok()) << followed.status().ToString();
  // 2 + 2 + 1 without waiting, then an empty pass and its wait.
  EXPECT_EQ(followed->totals.done, 5u);
  EXPECT_EQ(followed->passes, 4u);
  EXPECT_EQ(lists_before_wait_, (std::vector<int>{4}));
  EXPECT_TRUE(store_.Keys("input/").empty());
}

}  // namespace
}  // namespace s3proc
