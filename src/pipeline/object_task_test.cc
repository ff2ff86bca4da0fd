#include "pipeline/object_task.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <optional>

#include "pipeline/provenance.h"
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
    return Run(object, TaskOptions{.check_existing = check_existing});
  }
  ObjectOutcome Run(const ObjectSummary& object, const TaskOptions& options) {
    ObjectTask task(config_, store_, *router_, *work_dir_, "2026-01-01T00:00:00Z", free_space_);
    return task.Run(object, options);
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
  FreeSpaceProbe free_space_ = FreeSpaceOf;
};

TEST_F(ObjectTaskTest, TwoDeliveriesOfOneKeyAtOnceEachHaveTheirOwnLocalFiles) {
  // Queue mode can hand two deliveries of one event to two workers of one process. The second
  // runs to its end while the first is uploading: it must not remove the first one's files.
  ObjectSummary in = Put("input/dup.json", R"({"a":1})");
  ObjectTask task(config_, store_, *router_, *work_dir_, "2026-01-01T00:00:00Z");
  std::optional<ObjectOutcome> second;
  bool started = false;
  store_.SetFaultHook([&](std::string_view op, const std::string& key) {
    if (op == "upload" && key == "output/dup.json" && !started) {
      started = true;
      second = task.Run(in, false);
    }
    return Status::Ok();
  });
  ObjectOutcome first = task.Run(in, false);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->kind, Kind::kDone) << second->reason;
  EXPECT_NE(first.kind, Kind::kFailed) << first.reason;
  EXPECT_EQ(LocalFiles(), 0u);
}

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

// Size before work: an object larger than max_object_bytes is never downloaded; S3 copies it to
// errors/, with the reason.
TEST_F(ObjectTaskTest, AnObjectLargerThanMaxObjectBytesIsCopiedToErrorsUnread) {
  config_.max_object_bytes = 10;
  ObjectSummary in = Put("input/big.json", "{\"a\": \"twenty bytes\"}");
  ASSERT_EQ(in.size, 21u);
  ObjectOutcome o = Run(in);
  EXPECT_EQ(o.kind, Kind::kRejected) << o.reason;
  EXPECT_EQ(o.reason, "object is 21 bytes, larger than max_object_bytes 10");
  EXPECT_EQ(o.destination, "errors/big.json");
  EXPECT_EQ(o.input.etag, in.etag) << "exactly the version described is deleted";
  EXPECT_EQ(store_.CallCount("download"), 0);
  EXPECT_EQ(*store_.Get("errors/big.json"), "{\"a\": \"twenty bytes\"}");
  EXPECT_EQ(Metadata("errors/big.json", "s3proc-role"), "error-copy");
  EXPECT_THAT(*store_.Get("errors/big.json.error.json"),
              HasSubstr("\"reason\":\"object is 21 bytes, larger than max_object_bytes 10\""));
  EXPECT_EQ(LocalFiles(), 0u);
}

TEST_F(ObjectTaskTest, NoLimitWithZeroMaxObjectBytes) {
  config_.max_object_bytes = 0;
  EXPECT_EQ(Run(Put("input/a.json", "{}")).kind, Kind::kDone);
}

// The copy is create-only too: what s3proc did not write stays, and the alternative names are
// used, as for a downloaded input.
TEST_F(ObjectTaskTest, TheServerSideErrorCopyNeverOverwrites) {
  config_.max_object_bytes = 1;
  store_.Put("errors/a.json", "someone else's");
  ObjectSummary in = Put("input/a.json", "{}");
  ObjectOutcome o = Run(in);
  EXPECT_EQ(o.kind, Kind::kRejected) << o.reason;
  EXPECT_NE(o.destination, "errors/a.json");
  EXPECT_EQ(*store_.Get("errors/a.json"), "someone else's");
  EXPECT_EQ(*store_.Get(o.destination), "{}");
}

// The input replaced between its description and the copy: nothing is copied under the old
// version's name, and the new bytes stay in input/ for the next run.
TEST_F(ObjectTaskTest, AnInputReplacedBeforeItsCopyIsNotCopied) {
  config_.max_object_bytes = 1;
  ObjectSummary in = Put("input/a.json", "{}");
  store_.PutOnceBefore("copy", "errors/a.json", "input/a.json", "[1]");
  ObjectOutcome o = Run(in);
  EXPECT_EQ(o.kind, Kind::kFailed) << o.reason;
  EXPECT_FALSE(store_.Contains("errors/a.json"));
  EXPECT_EQ(*store_.Get("input/a.json"), "[1]");
}

// A failed download (a full disk: ENOSPC) is an attempt: after max_attempts the input goes to
// errors/, copied by S3 since it cannot be downloaded, instead of being fetched again forever.
TEST_F(ObjectTaskTest, FailedDownloadsCountTowardMaxAttempts) {
  config_.max_attempts = 2;
  ObjectSummary in = Put("input/a.json", "{}");
  store_.FailNext("download", Status::IoError("write downloads/a.json: No space left on device"),
                  2);
  EXPECT_EQ(Run(in).kind, Kind::kFailed);
  EXPECT_EQ(Run(in).kind, Kind::kFailed);
  ObjectOutcome o = Run(in);
  EXPECT_EQ(o.kind, Kind::kRejected) << o.reason;
  EXPECT_THAT(o.reason, HasSubstr("gave up after 2 attempts"));
  EXPECT_EQ(store_.CallCount("download"), 2) << "the third attempt downloads nothing";
  EXPECT_EQ(*store_.Get("errors/a.json"), "{}");
}

// The attempts counted were the listed version's: a newer version that replaced it since (and
// comes with its own listing or event) is not given up on with them. It is left in input/,
// where it may be being processed to output/ right now, and the old version's work is over.
TEST_F(ObjectTaskTest, AnInputReplacedAfterItsLastAttemptIsNotGivenUpOn) {
  config_.max_attempts = 1;
  ObjectSummary in = Put("input/a.json", "{}");
  store_.FailNext("download", Status::Transient("connection reset"), 1);
  EXPECT_EQ(Run(in).kind, Kind::kFailed);
  store_.Put("input/a.json", "[2]");
  ObjectOutcome o = Run(in);
  EXPECT_EQ(o.kind, Kind::kGone) << o.reason;
  EXPECT_THAT(o.reason, HasSubstr("replaced"));
  EXPECT_EQ(store_.Keys("errors/").size(), 0u);
  EXPECT_EQ(*store_.Get("input/a.json"), "[2]");
}

// Larger than the work dir's free space: a failed attempt that downloads nothing (the disk may
// free up), then errors/ after max_attempts, with the reason.
TEST_F(ObjectTaskTest, AnObjectLargerThanTheFreeSpaceIsNotDownloaded) {
  config_.max_attempts = 2;
  free_space_ = [](const std::string&) -> Result<uint64_t> { return uint64_t{5}; };
  ObjectSummary in = Put("input/a.json", "{\"k\": 1}");
  for (int attempt = 1; attempt <= 2; ++attempt) {
    ObjectOutcome o = Run(in);
    EXPECT_EQ(o.kind, Kind::kFailed) << attempt;
    EXPECT_EQ(o.reason, "object is 8 bytes, larger than the free space 5 of the work dir");
  }
  ObjectOutcome o = Run(in);
  EXPECT_EQ(o.kind, Kind::kRejected) << o.reason;
  EXPECT_THAT(o.reason, HasSubstr("gave up after 2 attempts"));
  EXPECT_THAT(o.reason, HasSubstr("larger than the free space 5 of the work dir"));
  EXPECT_EQ(store_.CallCount("download"), 0);
  EXPECT_EQ(*store_.Get("errors/a.json"), "{\"k\": 1}");
  free_space_ = FreeSpaceOf;
}

// A run that stored the output and died before deleting its input counted an attempt that
// never finished: the next one finds the output, and never gives up on an input that is done.
TEST_F(ObjectTaskTest, AnUnfinishedAttemptThatStoredItsOutputIsDoneNotGivenUp) {
  config_.max_attempts = 1;
  ObjectSummary in = Put("input/a.json", "{}");
  ASSERT_EQ(Run(in).kind, Kind::kDone);
  work_dir_->RecordAttempt(in.key, in.etag);  // the attempt that stored it, then was killed
  ObjectOutcome o = Run(in);
  EXPECT_EQ(o.kind, Kind::kAlreadyDone) << o.reason;
  EXPECT_TRUE(store_.Keys("errors/").empty());
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
  ObjectSummary good = Put("input/a.json", "{}");
  ObjectSummary bad = Put("input/bad.json", "{oops");
  int heads = store_.CallCount("head");
  EXPECT_EQ(Run(good).kind, Kind::kDone);
  EXPECT_EQ(Run(bad).kind, Kind::kRejected);
  EXPECT_EQ(store_.CallCount("head"), heads) << "free destinations cost no look";
}

// --- Destinations that are taken: s3proc never overwrites what it did not write for this input.

// Where an error copy goes when its first-choice name is taken: the key, a dot and the first 12
// characters of the input's ETag (its reason beside it, with ".error.json").
std::string Renamed(const std::string& error_key, const ObjectSummary& in) {
  return error_key + "." + in.etag.substr(0, 12);
}

TEST_F(ObjectTaskTest, AReasonNeverOverwritesAnotherInputsErrorCopy) {
  // y.json.error.json is rejected first: its error copy takes the name y.json's reason would have.
  ObjectSummary first = Put("input/y.json.error.json", "{first");
  ASSERT_EQ(Run(first).kind, Kind::kRejected);
  ObjectSummary second = Put("input/y.json", "{second");
  ObjectOutcome o = Run(second);
  EXPECT_EQ(o.kind, Kind::kRejected) << o.reason;
  EXPECT_EQ(store_.Get("errors/y.json.error.json"), "{first") << "the other input's bytes";
  const std::string renamed = Renamed("errors/y.json", second);
  EXPECT_EQ(o.destination, renamed);
  EXPECT_EQ(store_.Get(renamed), "{second");
  EXPECT_THAT(store_.Get(renamed + ".error.json").value_or(""),
              HasSubstr("\"source_key\":\"input/y.json\""));
  EXPECT_FALSE(store_.Contains("errors/y.json")) << "no copy whose reason is another's copy";
}

TEST_F(ObjectTaskTest, AnErrorCopyNeverOverwritesAnotherInputsReason) {
  ObjectSummary first = Put("input/y.json", "{first");
  ASSERT_EQ(Run(first).kind, Kind::kRejected);
  ObjectSummary second = Put("input/y.json.error.json", "{second");
  ObjectOutcome o = Run(second);
  EXPECT_EQ(o.kind, Kind::kRejected) << o.reason;
  EXPECT_THAT(store_.Get("errors/y.json.error.json").value_or(""),
              HasSubstr("\"source_key\":\"input/y.json\""));
  EXPECT_EQ(store_.Get("errors/y.json"), "{first");
  const std::string renamed = Renamed("errors/y.json.error.json", second);
  EXPECT_EQ(o.destination, renamed);
  EXPECT_EQ(store_.Get(renamed), "{second");
  EXPECT_THAT(store_.Get(renamed + ".error.json").value_or(""),
              HasSubstr("\"source_key\":\"input/y.json.error.json\""));
  EXPECT_FALSE(store_.Contains("errors/y.json.error.json.error.json"))
      << "no reason left beside a copy that is not its own";
}

TEST_F(ObjectTaskTest, AUsersFileInOutputIsLeftAndTheInputGoesToErrors) {
  store_.Put("output/a.json", "mine");
  ObjectSummary in = Put("input/a.json", "{}");
  ObjectOutcome o = Run(in);
  EXPECT_EQ(o.kind, Kind::kRejected) << o.reason;
  EXPECT_THAT(o.reason, HasSubstr("output/a.json already exists and was not written by s3proc"));
  EXPECT_THAT(o.reason, HasSubstr("left unchanged"));
  EXPECT_EQ(store_.Get("output/a.json"), "mine");
  EXPECT_EQ(store_.Get("errors/a.json"), "{}");
  EXPECT_THAT(store_.Get("errors/a.json.error.json").value_or(""), HasSubstr("already exists"));
}

TEST_F(ObjectTaskTest, AUsersFileInErrorsIsLeftAndTheCopyIsRenamed) {
  store_.Put("errors/bad.json", "mine");
  ObjectSummary in = Put("input/bad.json", "{oops");
  ObjectOutcome o = Run(in);
  EXPECT_EQ(o.kind, Kind::kRejected) << o.reason;
  EXPECT_EQ(store_.Get("errors/bad.json"), "mine");
  EXPECT_EQ(o.destination, Renamed("errors/bad.json", in));
  EXPECT_EQ(store_.Get(Renamed("errors/bad.json", in)), "{oops");
  EXPECT_FALSE(store_.Contains("errors/bad.json.error.json"));
}

TEST_F(ObjectTaskTest, AUsersReasonNamedFileInErrorsIsLeft) {
  store_.Put("errors/bad.json.error.json", "my notes");
  ObjectSummary in = Put("input/bad.json", "{oops");
  ObjectOutcome o = Run(in);
  EXPECT_EQ(o.kind, Kind::kRejected) << o.reason;
  EXPECT_EQ(store_.Get("errors/bad.json.error.json"), "my notes");
  EXPECT_EQ(store_.Get(Renamed("errors/bad.json", in)), "{oops");
  EXPECT_FALSE(store_.Contains("errors/bad.json"));
}

TEST_F(ObjectTaskTest, WhenTheRenamedDestinationIsTakenTooTheInputStays) {
  ObjectSummary in = Put("input/bad.json", "{oops");
  store_.Put("errors/bad.json", "mine");
  store_.Put(Renamed("errors/bad.json", in), "mine too");
  ObjectOutcome o = Run(in);
  EXPECT_EQ(o.kind, Kind::kFailed);
  EXPECT_THAT(o.reason, HasSubstr(Renamed("errors/bad.json", in)));
  EXPECT_EQ(store_.Get("errors/bad.json"), "mine");
  EXPECT_EQ(store_.Get(Renamed("errors/bad.json", in)), "mine too");
  EXPECT_EQ(store_.Keys("errors/").size(), 2u) << "no reason left without its copy";
}

TEST_F(ObjectTaskTest, AnOlderVersionsErrorCopyIsKept) {
  ObjectSummary v1 = Put("input/bad.json", "{one");
  ASSERT_EQ(Run(v1).kind, Kind::kRejected);
  ObjectSummary v2 = Put("input/bad.json", "{two");
  ObjectOutcome o = Run(v2);
  EXPECT_EQ(o.kind, Kind::kRejected) << o.reason;
  EXPECT_EQ(store_.Get("errors/bad.json"), "{one") << "the only copy of that version";
  EXPECT_EQ(store_.Get(Renamed("errors/bad.json", v2)), "{two");
}

TEST_F(ObjectTaskTest, AnOlderVersionsOutputIsReplaced) {
  ASSERT_EQ(Run(Put("input/a.json", R"({"v":1})")).kind, Kind::kDone);
  ObjectSummary v2 = Put("input/a.json", R"({"v":2})");
  EXPECT_EQ(Run(v2).kind, Kind::kDone);
  EXPECT_THAT(store_.Get("output/a.json").value_or(""), HasSubstr("\"v\":2"));
  EXPECT_EQ(Metadata("output/a.json", "s3proc-source-etag"), v2.etag);
}

// The replacement of an older version's output is conditional on what was looked at: a write
// that landed since (another writer, or this very write retried after its answer was lost) is
// never replaced by it.
TEST_F(ObjectTaskTest, AReplacementNeverLandsOverWhatWasWrittenSinceItsLook) {
  ASSERT_EQ(Run(Put("input/a.json", R"({"v":1})")).kind, Kind::kDone);
  ObjectSummary v2 = Put("input/a.json", R"({"v":2})");
  auto uploads = std::make_shared<int>(0);
  store_.SetFaultHook([this, uploads](std::string_view op, const std::string& key) {
    // The first upload is the create-only one (412); before the replacement, a user's write.
    if (op == "upload" && key == "output/a.json" && ++*uploads == 2) {
      store_.Put("output/a.json", "a user's file");
    }
    return Status::Ok();
  });
  ObjectOutcome o = Run(v2);
  EXPECT_EQ(store_.Get("output/a.json"), "a user's file");
  EXPECT_EQ(o.kind, Kind::kRejected) << o.reason;
  EXPECT_THAT(o.reason, HasSubstr("not written by s3proc for this input"));
}

// A redelivery (or a recovered shard) of a version whose output is stored, while a newer version
// is current: the stored version is the one deleted, by the version its output names, and the
// newer one is left for its own event or listing. Processing "the current version" instead could
// meet the first one again (current once more when the newer one is deleted meanwhile), and
// process it twice.
TEST_F(ObjectTaskTest, AStoredVersionIsDoneByItsOwnVersionWhileANewerOneIsCurrent) {
  ObjectSummary v1 = Put("input/a.json", R"({"v":1})");
  ObjectInfo first;
  first.etag = v1.etag;
  first.version_id = "version-1";
  PutOptions stored;
  stored.metadata = ProvenanceMetadata(Role::kOutput, "input/a.json", first);
  ASSERT_TRUE(store_.PutBytes("output/a.json", "v1's output", stored).ok());
  Put("input/a.json", R"({"v":2})");  // the newer version, current now
  ObjectOutcome o = Run(v1, /*check_existing=*/true);
  EXPECT_EQ(o.kind, Kind::kAlreadyDone) << o.reason;
  EXPECT_EQ(o.input.version_id, "version-1");
  EXPECT_EQ(store_.Get("output/a.json"), "v1's output") << "the newer version was not processed";
}

TEST_F(ObjectTaskTest, AnOutputStoredBeforeRolesExistedIsStillOurs) {
  PutOptions legacy;
  legacy.metadata = {{"s3proc-source-etag", "0123456789abcdef0123456789abcdef"}};
  ASSERT_TRUE(store_.PutBytes("output/a.json", "old", legacy).ok());
  EXPECT_EQ(Run(Put("input/a.json", "{}")).kind, Kind::kDone);
  EXPECT_THAT(store_.Get("output/a.json").value_or(""), HasSubstr("_s3proc"));
}

TEST_F(ObjectTaskTest, AnErrorCopyStoredBeforeRolesExistedKeepsItsReason) {
  PutOptions legacy;
  legacy.metadata = {{"s3proc-source-etag", "0123456789abcdef0123456789abcdef"}};
  ASSERT_TRUE(store_.PutBytes("errors/bad.json", "{old", legacy).ok());
  store_.Put("errors/bad.json.error.json", R"({"source_key":"input/bad.json"})");
  ObjectSummary in = Put("input/bad.json", "{new");
  ObjectOutcome o = Run(in);
  EXPECT_EQ(o.kind, Kind::kRejected) << o.reason;
  EXPECT_EQ(store_.Get("errors/bad.json"), "{old");
  EXPECT_EQ(store_.Get("errors/bad.json.error.json"), R"({"source_key":"input/bad.json"})");
  EXPECT_EQ(store_.Get(Renamed("errors/bad.json", in)), "{new");
}

TEST_F(ObjectTaskTest, EveryObjectWrittenNamesItsRoleAndInput) {
  ObjectSummary good = Put("input/a.json", "{}");
  ObjectSummary bad = Put("input/bad.json", "{oops");
  ASSERT_EQ(Run(good).kind, Kind::kDone);
  ASSERT_EQ(Run(bad).kind, Kind::kRejected);
  EXPECT_EQ(Metadata("output/a.json", "s3proc-role"), "output");
  EXPECT_EQ(Metadata("errors/bad.json", "s3proc-role"), "error-copy");
  EXPECT_EQ(Metadata("errors/bad.json.error.json", "s3proc-role"), "reason");
  EXPECT_EQ(Metadata("errors/bad.json.error.json", "s3proc-source-etag"), bad.etag);
  EXPECT_EQ(Metadata("output/a.json", "s3proc-source-key-sha256").size(), 64u);
}

TEST_F(ObjectTaskTest, AFailedLookAfterA412NeverUploadsOverWhatIsThere) {
  store_.Put("output/a.json", "mine");
  ObjectSummary in = Put("input/a.json", "{}");
  store_.FailNext("head", Status::Transient("head: 503 SlowDown"));
  ObjectOutcome o = Run(in, TaskOptions{.attempts = 1});
  EXPECT_EQ(o.kind, Kind::kFailed);
  EXPECT_THAT(o.reason, HasSubstr("503 SlowDown"));
  EXPECT_EQ(store_.Get("output/a.json"), "mine");
  EXPECT_TRUE(store_.Keys("errors/").empty());
}

TEST_F(ObjectTaskTest, AFailedLookForAStoredOutputLeavesTheInput) {
  ObjectSummary in = Put("input/a.json", "{}");
  store_.FailNext("head", Status::Transient("head: 503 SlowDown"));
  ObjectOutcome o = Run(in, /*check_existing=*/true);
  EXPECT_EQ(o.kind, Kind::kFailed);
  EXPECT_THAT(o.reason, HasSubstr("503 SlowDown"));
  EXPECT_EQ(store_.CallCount("upload"), 0) << "not processed: the output may be there";
}

TEST_F(ObjectTaskTest, ARecoveredShardFindsARenamedErrorCopy) {
  ASSERT_EQ(Run(Put("input/y.json.error.json", "{first")).kind, Kind::kRejected);
  ObjectSummary in = Put("input/y.json", "{second");
  ASSERT_EQ(Run(in).kind, Kind::kRejected);
  int uploads = store_.CallCount("upload");
  ObjectOutcome again = Run(in, /*check_existing=*/true);
  EXPECT_EQ(again.kind, Kind::kAlreadyDone);
  EXPECT_EQ(again.destination, Renamed("errors/y.json", in));
  EXPECT_EQ(store_.CallCount("upload"), uploads);
}

TEST_F(ObjectTaskTest, ARerunOfTheSameVersionFindsItsOwnOutput) {
  ObjectSummary in = Put("input/a.json", "{}");
  ASSERT_EQ(Run(in).kind, Kind::kDone);
  EXPECT_EQ(Run(in).kind, Kind::kAlreadyDone) << "create-only: the output is not written twice";
}

TEST_F(ObjectTaskTest, AnOutputKeyTooLongForS3IsRejected) {
  std::string key = "input/" + std::string(1013, 'k') + ".json";  // 1024 bytes; output/ is one more
  ObjectOutcome o = Run(Put(key, "{}"));
  EXPECT_EQ(o.kind, Kind::kRejected);
  EXPECT_THAT(o.reason, HasSubstr("1024-byte limit"));
}

}  // namespace
}  // namespace s3proc
