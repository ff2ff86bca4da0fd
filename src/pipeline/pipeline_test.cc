#include "pipeline/pipeline.h"

#include <gtest/gtest.h>
#include <stdio.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <map>
#include <memory>
#include <set>

#include "pipeline/redrive.h"
#include "pipeline/shard_lease.h"
#include "testutil/memory_object_store.h"
#include "testutil/prefix_policy_object_store.h"
#include "testutil/temp_dir.h"

namespace s3proc {
namespace {

using testing::MemoryObjectStore;
using testing::PrefixPolicyObjectStore;

// What the Terraform module's instance role may list (s3:ListBucket under s3:prefix only).
const std::vector<std::string> kRolePrefixes = {"input/", "output/", "errors/", "leases/"};

// Makes `key` vanish just before the first `operation` on `watched`, as when another processor
// finishes the input between our listing and our request.
void DeleteBefore(MemoryObjectStore& store, std::string operation, std::string watched,
                  std::string key) {
  auto done = std::make_shared<bool>(false);
  store.SetFaultHook(
      [&store, operation, watched, key, done](std::string_view op, const std::string& k) {
        if (!*done && op == operation && k == watched) {
          *done = true;
          (void)store.Delete({{key, ""}});
        }
        return Status::Ok();
      });
}

class PipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.bucket = "b";
    config_.work_dir = tmp_.path().string();
    config_.concurrency = 4;
    log_ = open_memstream(&log_text_, &log_size_);
    logger_ = std::make_unique<Logger>(LogFormat::kJson, log_);
  }
  void TearDown() override {
    fclose(log_);
    free(log_text_);
  }

  // The outcome last logged for `key` ("done", "gone", ...), or "" when none was logged.
  std::string LoggedOutcome(const std::string& key) {
    fflush(log_);
    std::string text(log_text_, log_size_);
    std::string object = "\"event\":\"object\",\"outcome\":\"";
    std::string outcome;
    for (size_t at = text.find(object); at != std::string::npos; at = text.find(object, at + 1)) {
      size_t begin = at + object.size();
      size_t end = text.find('"', begin);
      std::string key_field = "\",\"key\":\"" + key + "\"";
      if (text.compare(end, key_field.size(), key_field) == 0) {
        outcome = text.substr(begin, end - begin);
      }
    }
    return outcome;
  }

  RunSummary Run(const std::atomic<bool>* stop = nullptr, const LeaseClock& clock = {}) {
    auto s = RunPipeline(config_, store_, *logger_, nullptr, stop, clock);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? *s : RunSummary{};
  }

  testing::TempDir tmp_;
  MemoryObjectStore store_;
  RunConfig config_;
  FILE* log_ = nullptr;
  char* log_text_ = nullptr;
  size_t log_size_ = 0;
  std::unique_ptr<Logger> logger_;
};

TEST_F(PipelineTest, GoodFilesGoToOutputBadOnesToErrorsAndInputsAreDeleted) {
  store_.Put("input/a.json", R"({"a":1})");
  store_.Put("input/sub/b.json", "[1,2]");
  store_.Put("input/bad.json", "{oops");
  store_.Put("input/", "");
  store_.Put("input/folder/", "");
  store_.Put("other/c.json", "{}");
  RunSummary s = Run();
  EXPECT_EQ(s.listed, 3u);
  EXPECT_EQ(s.done, 2u);
  EXPECT_EQ(s.rejected, 1u);
  EXPECT_EQ(s.failed, 0u);
  EXPECT_EQ(s.ExitCode(), 0);
  EXPECT_EQ(store_.Keys("input/"), (std::vector<std::string>{"input/", "input/folder/"}));
  EXPECT_TRUE(store_.Contains("output/a.json"));
  EXPECT_EQ(*store_.Get("output/sub/b.json"), "[1,2]");
  EXPECT_EQ(*store_.Get("errors/bad.json"), "{oops");
  EXPECT_NE(store_.Get("errors/bad.json.error.json")->find("\"reason\""), std::string::npos);
  EXPECT_TRUE(store_.Contains("other/c.json"));
  EXPECT_TRUE(store_.Keys("leases/").empty()) << "leases are released at the end";
}

TEST_F(PipelineTest, AKeyEndingInASlashThatHoldsBytesIsAFileNotAFolderMarker) {
  store_.Put("input/notes.json/", R"({"a":1})");
  store_.Put("input/folder/", "");
  RunSummary s = Run();
  EXPECT_EQ(s.listed, 1u);
  EXPECT_EQ(s.done, 1u);
  EXPECT_TRUE(store_.Contains("output/notes.json/"));
  EXPECT_EQ(store_.Keys("input/"), (std::vector<std::string>{"input/folder/"}));
}

// y.json's reason and y.json.error.json's error copy would share a name; in one run (in either
// order, concurrently) each input lands whole under a name of its own, and redrive returns both.
TEST_F(PipelineTest, TwoInputsWhoseErrorNamesCollideBothLandWholeAndComeBack) {
  const std::map<std::string, std::string> inputs = {{"input/y.json", "{y"},
                                                     {"input/y.json.error.json", "{y.error"}};
  for (const auto& [key, body] : inputs) store_.Put(key, body);
  RunSummary s = Run();
  EXPECT_EQ(s.rejected, 2u);
  EXPECT_EQ(s.ExitCode(), 0);
  // Every error copy has its own reason beside it, naming the input its bytes came from.
  std::vector<std::string> keys = store_.Keys("errors/");
  std::set<std::string> landed;
  for (const std::string& key : keys) {
    if (!store_.Contains(key + ".error.json")) continue;
    std::string why = *store_.Get(key + ".error.json");
    for (const auto& [input, body] : inputs) {
      if (why.find("\"source_key\":\"" + input + "\"") == std::string::npos) continue;
      EXPECT_EQ(*store_.Get(key), body) << key;
      landed.insert(input);
    }
  }
  EXPECT_EQ(landed.size(), 2u) << ::testing::PrintToString(keys);
  EXPECT_EQ(keys.size(), 4u) << ::testing::PrintToString(keys);

  auto redriven = Redrive(store_, config_, RedriveOptions{}, *logger_);
  ASSERT_TRUE(redriven.ok()) << redriven.status().ToString();
  EXPECT_EQ(redriven->redriven, 2u);
  for (const auto& [key, body] : inputs) EXPECT_EQ(store_.Get(key), body) << key;
  EXPECT_TRUE(store_.Keys("errors/").empty());
}

TEST_F(PipelineTest, ATransientFailureLeavesTheInputForTheNextRun) {
  store_.Put("input/a.json", "{}");
  store_.FailNext("upload", Status::Transient("503 SlowDown after retries"));
  RunSummary first = Run();
  EXPECT_EQ(first.failed, 1u);
  EXPECT_EQ(first.ExitCode(), 1);
  EXPECT_TRUE(store_.Contains("input/a.json"));
  EXPECT_FALSE(store_.Contains("output/a.json"));
  RunSummary second = Run();
  EXPECT_EQ(second.done, 1u);
  EXPECT_EQ(second.ExitCode(), 0);
  EXPECT_FALSE(store_.Contains("input/a.json"));
}

TEST_F(PipelineTest, AnObjectThatKeepsFailingEndsInErrorsAfterMaxAttempts) {
  config_.max_attempts = 2;
  store_.Put("input/a.json", "{}");
  for (int run = 1; run <= 2; ++run) {
    store_.FailNext("upload", Status::Transient("timeout"));
    EXPECT_EQ(Run().failed, 1u) << "run " << run;
  }
  RunSummary third = Run();
  EXPECT_EQ(third.rejected, 1u);
  EXPECT_TRUE(store_.Contains("errors/a.json"));
  EXPECT_NE(store_.Get("errors/a.json.error.json")->find("gave up after 2 attempts"),
            std::string::npos);
}

TEST_F(PipelineTest, AVanishedInputIsNotAFailure) {
  store_.Put("input/a.json", "{}");
  DeleteBefore(store_, "download", "input/a.json", "input/a.json");
  RunSummary s = Run();
  EXPECT_EQ(s.listed, 1u);
  EXPECT_EQ(s.done + s.rejected + s.already_done + s.failed, 0u) << "gone is none of these";
  EXPECT_EQ(s.ExitCode(), 0);
  EXPECT_EQ(LoggedOutcome("input/a.json"), "gone");
  // Whoever finished it wrote its output; we wrote nothing anywhere, and tried no upload.
  EXPECT_EQ(store_.Keys(), std::vector<std::string>{}) << "nothing in input/, output/, errors/";
  EXPECT_EQ(store_.CallCount("upload"), 0);
}

// A NotFound for an input that is still listed (a lagging replica) is "gone" too: it is left in
// input/, untouched, for the next run, and nothing is written for it.
TEST_F(PipelineTest, AnInputAnsweringNotFoundIsLeftWhereItIs) {
  store_.Put("input/a.json", "{}");
  store_.FailNext("download", Status::NotFound("NoSuchKey"));
  RunSummary s = Run();
  EXPECT_EQ(s.listed, 1u);
  EXPECT_EQ(s.done + s.rejected + s.already_done + s.failed, 0u);
  EXPECT_EQ(s.ExitCode(), 0);
  EXPECT_EQ(LoggedOutcome("input/a.json"), "gone");
  EXPECT_EQ(store_.Keys(), std::vector<std::string>{"input/a.json"});
  EXPECT_EQ(*store_.Get("input/a.json"), "{}");
}

// On an unversioned bucket, a user re-uploads an input while it is processed: the delete that
// follows must not remove the new bytes, which the next run processes.
TEST_F(PipelineTest, AnInputReplacedDuringProcessingSurvivesForTheNextRun) {
  store_.Put("input/a.json", R"({"v":1})");
  store_.PutOnceBefore("upload", "output/a.json", "input/a.json", R"({"v":2})");
  RunSummary first = Run();
  EXPECT_EQ(first.done, 1u);
  EXPECT_EQ(first.failed, 0u) << "a replaced input is no failure";
  EXPECT_EQ(first.ExitCode(), 0);
  EXPECT_EQ(LoggedOutcome("input/a.json"), "done");
  EXPECT_NE(store_.Get("output/a.json").value_or("").find(R"({"v":1,)"), std::string::npos);
  EXPECT_EQ(store_.Get("input/a.json"), R"({"v":2})") << "the new bytes are still there";
  EXPECT_TRUE(store_.Keys("leases/").empty()) << "nothing to recover: the leases are released";
  fflush(log_);
  EXPECT_NE(std::string(log_text_, log_size_).find("was replaced while s3proc processed it"),
            std::string::npos);

  RunSummary second = Run();
  EXPECT_EQ(second.done, 1u);
  EXPECT_EQ(second.failed, 0u);
  EXPECT_NE(store_.Get("output/a.json").value_or("").find(R"({"v":2,)"), std::string::npos);
  EXPECT_FALSE(store_.Contains("input/a.json"));
}

TEST_F(PipelineTest, AfterACrashTheStoredOutputIsFoundNotWrittenAgain) {
  store_.Put("input/a.json", "{}");
  // A first run that stored the output, then was killed before deleting the input.
  ASSERT_TRUE(Run().done == 1);
  store_.Put("input/a.json", "{}");  // same content, same etag: as if never deleted
  // Its lease is still there (kill -9 releases nothing), owned by this work dir.
  auto id = testing::ReadFileOrEmpty(tmp_.path() / ".s3proc-id");
  id.pop_back();
  ShardLeases stale(store_, "leases/", id, 600);
  ASSERT_TRUE(stale.Load().ok());
  ASSERT_TRUE(stale.Claim(ShardOf("a.json", config_.lease_shards)).ok());
  int uploads = store_.CallCount("upload");
  RunSummary s = Run();
  EXPECT_EQ(s.already_done, 1u);
  EXPECT_EQ(s.done, 0u);
  EXPECT_EQ(store_.CallCount("upload"), uploads) << "no second output";
  EXPECT_FALSE(store_.Contains("input/a.json"));
}

TEST_F(PipelineTest, ObjectsInAShardHeldByAnotherLiveProcessorAreSkipped) {
  store_.Put("input/a.json", "{}");
  ShardLeases other(store_, "leases/", "elsewhere:1", 600);
  ASSERT_TRUE(other.Load().ok());
  ASSERT_TRUE(other.Claim(ShardOf("a.json", config_.lease_shards)).ok());
  RunSummary s = Run();
  EXPECT_EQ(s.skipped_claimed, 1u);
  EXPECT_EQ(s.ExitCode(), 0);
  EXPECT_TRUE(store_.Contains("input/a.json"));
}

TEST_F(PipelineTest, MaxFilesBoundsARun) {
  for (int i = 0; i < 10; ++i) store_.Put("input/" + std::to_string(i) + ".json", "{}");
  config_.max_files = 3;
  RunSummary s = Run();
  EXPECT_EQ(s.done, 3u);
  EXPECT_TRUE(s.stopped_early);
  EXPECT_EQ(s.ExitCode(), 1) << "objects were left for the next run";
  EXPECT_EQ(store_.Keys("input/").size(), 7u);
}

TEST_F(PipelineTest, DryRunChangesNothing) {
  store_.Put("input/a.json", "{}");
  config_.dry_run = true;
  RunSummary s = Run();
  EXPECT_EQ(s.listed, 1u);
  EXPECT_EQ(s.done, 0u);
  EXPECT_EQ(store_.Keys(), std::vector<std::string>{"input/a.json"});
}

// Nor locally: no work dir, lock, identity or metrics file is created.
TEST_F(PipelineTest, DryRunWritesNothingLocally) {
  store_.Put("input/a.json", "{}");
  config_.dry_run = true;
  config_.work_dir = (tmp_.path() / "work").string();
  config_.metrics_file = (tmp_.path() / "s3proc.prom").string();
  RunSummary s = Run();
  EXPECT_EQ(s.listed, 1u);
  EXPECT_EQ(LoggedOutcome("input/a.json"), "would-process");
  EXPECT_TRUE(std::filesystem::is_empty(tmp_.path()));
}

TEST_F(PipelineTest, AListingFailureFailsTheRun) {
  store_.FailNext("list", Status::AccessDenied("ListObjectsV2: AccessDenied"));
  auto s = RunPipeline(config_, store_, *logger_);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kAccessDenied);
}

// On AWS a GET of an input another processor deleted since our listing answers 403 (the role may
// not list the bucket unconditionally): still "gone", not a failure.
TEST_F(PipelineTest, OnAwsAnInputThatVanishedAnswers403AndIsNotAFailure) {
  store_.Put("input/a.json", "{}");
  DeleteBefore(store_, "download", "input/a.json", "input/a.json");
  PrefixPolicyObjectStore aws(store_, kRolePrefixes);
  auto s = RunPipeline(config_, aws, *logger_);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(aws.denied_missing_keys(), 1) << "the 403 path was taken";
  EXPECT_EQ(s->listed, 1u);
  EXPECT_EQ(s->done + s->rejected + s->already_done + s->failed, 0u);
  EXPECT_EQ(s->ExitCode(), 0);
  EXPECT_EQ(LoggedOutcome("input/a.json"), "gone");
  EXPECT_EQ(store_.Keys(), std::vector<std::string>{}) << "nothing in input/, output/, errors/";
}

// Recovery after a crash on AWS: the stored output is found, and the input, which another
// processor removed meanwhile, answers the HEAD with 403. Gone, not failed.
TEST_F(PipelineTest, OnAwsRecoveryOfAnInputRemovedMeanwhileIsNotAFailure) {
  store_.Put("input/a.json", "{}");
  ASSERT_TRUE(Run().done == 1);
  store_.Put("input/a.json", "{}");  // killed before the delete: the input is still there
  auto id = testing::ReadFileOrEmpty(tmp_.path() / ".s3proc-id");
  id.pop_back();
  ShardLeases stale(store_, "leases/", id, 600);
  ASSERT_TRUE(stale.Load().ok());
  ASSERT_TRUE(stale.Claim(ShardOf("a.json", config_.lease_shards)).ok());
  // While we look at the stored output, the input is deleted elsewhere.
  DeleteBefore(store_, "head", "output/a.json", "input/a.json");
  PrefixPolicyObjectStore aws(store_, kRolePrefixes);
  int uploads = store_.CallCount("upload");
  auto s = RunPipeline(config_, aws, *logger_);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_GE(aws.denied_missing_keys(), 1) << "the 403 path was taken";
  EXPECT_EQ(s->listed, 1u);
  EXPECT_EQ(s->done + s->rejected + s->already_done + s->failed, 0u);
  EXPECT_EQ(s->ExitCode(), 0);
  EXPECT_EQ(LoggedOutcome("input/a.json"), "gone");
  EXPECT_EQ(store_.CallCount("upload"), uploads) << "no second output";
  EXPECT_EQ(store_.Keys(), std::vector<std::string>{"output/a.json"}) << "the first run's output";
}

// A 403 for an input that is there (the role cannot read it: a real permission problem) leaves it
// in input/ and fails the run, so that somebody looks.
TEST_F(PipelineTest, A403ForAnInputThatExistsIsAFailure) {
  store_.Put("input/a.json", "{}");
  store_.FailNext("download",
                  Status::AccessDenied("GetObject mem://input/a.json: AccessDenied (403)"));
  PrefixPolicyObjectStore aws(store_, kRolePrefixes);
  auto s = RunPipeline(config_, aws, *logger_);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->failed, 1u);
  EXPECT_EQ(s->done + s->rejected + s->already_done, 0u);
  EXPECT_EQ(s->ExitCode(), 1);
  EXPECT_EQ(LoggedOutcome("input/a.json"), "failed");
  EXPECT_EQ(store_.Keys(), std::vector<std::string>{"input/a.json"}) << "nothing written";
}

TEST_F(PipelineTest, ALeaseFailureIsReportedAsOneNotAsTheListing) {
  store_.Put("input/a.json", "{}");
  store_.SetFaultHook([](std::string_view operation, const std::string& key) {
    return operation == "list" && key == "leases/" ? Status::AccessDenied("no s3:ListBucket")
                                                   : Status::Ok();
  });
  auto s = RunPipeline(config_, store_, *logger_);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kAccessDenied);
  EXPECT_EQ(s.status().message(), "reading the leases under leases/: no s3:ListBucket");
  EXPECT_TRUE(store_.Contains("input/a.json"));
}

// An empty tick (cron every minute over an empty input/) costs one LIST: the leases are read only
// once there is an object to claim.
TEST_F(PipelineTest, AnEmptyTickListsOnlyTheInput) {
  store_.Put("input/", "");  // a folder marker is not an object
  RunSummary s = Run();
  EXPECT_EQ(s.listed, 0u);
  EXPECT_EQ(store_.CallCount("list"), 1);
}

// A dry run claims nothing, so it reads no leases: it works where leases/ may not be listed.
TEST_F(PipelineTest, ADryRunReadsNoLeases) {
  store_.Put("input/a.json", "{}");
  store_.SetFaultHook([](std::string_view operation, const std::string& key) {
    return operation == "list" && key == "leases/" ? Status::AccessDenied("no s3:ListBucket")
                                                   : Status::Ok();
  });
  config_.dry_run = true;
  RunSummary s = Run();
  EXPECT_EQ(s.listed, 1u);
  EXPECT_EQ(store_.CallCount("list"), 1);
  EXPECT_EQ(store_.Keys(), std::vector<std::string>{"input/a.json"});
}

// The leases are read once per run, however many objects and pages there are.
TEST_F(PipelineTest, TheLeasesAreReadOnceARun) {
  for (int i = 0; i < 5; ++i) store_.Put("input/" + std::to_string(i) + ".json", "{}");
  store_.SetPageSize(2);
  auto lease_lists = std::make_shared<int>(0);
  store_.SetFaultHook([lease_lists](std::string_view operation, const std::string& key) {
    if (operation == "list" && key == "leases/") ++*lease_lists;
    return Status::Ok();
  });
  RunSummary s = Run();
  EXPECT_EQ(s.done, 5u);
  EXPECT_EQ(*lease_lists, 1);
}

// A stop request (SIGTERM) in the middle of a run: the object in work is finished, nothing more
// is started, the inputs of what was logged done are deleted (their batch is flushed), the leases
// are released, and what was not started is left in input/, not counted as failed.
TEST_F(PipelineTest, AStopRequestFinishesTheObjectInWorkDeletesItsInputAndReleasesTheLeases) {
  for (int i = 0; i < 20; ++i) store_.Put("input/" + std::to_string(100 + i) + ".json", "{}");
  config_.concurrency = 1;  // one object in work at a time: the stop comes during the fourth
  std::atomic<bool> stop{false};
  store_.SetFaultHook([&stop](std::string_view operation, const std::string& key) {
    if (operation == "upload" && key == "output/103.json") stop = true;
    return Status::Ok();
  });
  RunSummary s = Run(&stop);
  EXPECT_TRUE(s.stopped_by_signal);
  EXPECT_EQ(s.done, 4u);
  EXPECT_EQ(s.failed, 0u);
  EXPECT_EQ(s.listed, s.done + s.not_started);
  EXPECT_LT(s.listed, 20u) << "the listing stopped";
  EXPECT_EQ(s.ExitCode(), 0) << "everything it started was finished";
  for (int i = 0; i < 20; ++i) {
    const std::string name = std::to_string(100 + i) + ".json";
    const bool done = i < 4;
    EXPECT_EQ(LoggedOutcome("input/" + name), done ? "done" : "") << name;
    EXPECT_EQ(store_.Contains("input/" + name), !done) << name;
    EXPECT_EQ(store_.Contains("output/" + name), done) << name;
  }
  EXPECT_EQ(store_.Keys("leases/"), std::vector<std::string>{});
  fflush(log_);
  EXPECT_NE(std::string(log_text_, log_size_).find("\"stopped\":\"signal\""), std::string::npos)
      << "the summary line says the run was stopped";
}

// The last object of a run takes longer than half the lease: nothing is admitted any more, yet
// the lease is renewed while it is in work.
TEST_F(PipelineTest, ALeaseIsRenewedWhileTheLastObjectTakesLongerThanHalfOfIt) {
  store_.Put("input/a.json", "{}");
  config_.lease_seconds = 600;
  auto now = std::make_shared<std::atomic<int64_t>>(1'000'000);
  LeaseClock clock{[now] { return now->load(); }, std::chrono::milliseconds(1)};
  char renewal[64];
  snprintf(renewal, sizeof(renewal), "leases/shard-%03d/0000000002",
           ShardOf("a.json", config_.lease_shards));
  auto renewed = std::make_shared<std::promise<void>>();
  auto seen = std::make_shared<std::atomic<bool>>(false);
  auto renewed_in_time = std::make_shared<bool>(false);
  store_.SetFaultHook(
      [=, key = std::string(renewal)](std::string_view operation, const std::string& k) {
        if (operation == "put" && k == key && !seen->exchange(true)) renewed->set_value();
        if (operation == "upload" && k == "output/a.json") {
          *now += 301;  // the object's work outlasts half the lease
          // A guard against a hang, not a timing assertion: the heartbeat looks every millisecond.
          *renewed_in_time =
              renewed->get_future().wait_for(std::chrono::seconds(10)) == std::future_status::ready;
        }
        return Status::Ok();
      });
  RunSummary s = Run(nullptr, clock);
  EXPECT_TRUE(*renewed_in_time) << "the lease was not renewed during the object";
  EXPECT_EQ(s.done, 1u);
  EXPECT_EQ(store_.Keys("leases/"), std::vector<std::string>{}) << "released at the end";
}

// One input whose delete failed keeps its shard's lease (the next run recovers that shard); the
// other shards are released.
TEST_F(PipelineTest, ADirtyShardKeepsItsLeaseAndTheOthersAreReleased) {
  const int dirty = ShardOf("a.json", config_.lease_shards);
  std::vector<std::string> clean;
  for (int i = 0; clean.size() < 3; ++i) {
    std::string name = "c" + std::to_string(i) + ".json";
    if (ShardOf(name, config_.lease_shards) != dirty) clean.push_back(name);
  }
  store_.Put("input/a.json", "{}");
  for (const auto& name : clean) store_.Put("input/" + name, "{}");
  store_.SetFaultHook([](std::string_view operation, const std::string& key) {
    return operation == "delete" && key == "input/a.json" ? Status::Transient("503 SlowDown")
                                                          : Status::Ok();
  });
  RunSummary s = Run();
  EXPECT_EQ(s.failed, 1u) << "the undeleted input";
  EXPECT_TRUE(store_.Contains("input/a.json"));
  std::vector<std::string> leases = store_.Keys("leases/");
  ASSERT_EQ(leases.size(), 1u) << ::testing::PrintToString(leases);
  char prefix[32];
  snprintf(prefix, sizeof(prefix), "leases/shard-%03d/", dirty);
  EXPECT_TRUE(leases[0].starts_with(prefix)) << leases[0];
}

}  // namespace
}  // namespace s3proc
