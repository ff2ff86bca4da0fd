#include "pipeline/redrive.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>

#include "common/hash.h"
#include "testutil/memory_object_store.h"
#include "testutil/prefix_policy_object_store.h"

namespace s3proc {
namespace {

using ::testing::HasSubstr;
using testing::MemoryObjectStore;
using testing::PrefixPolicyObjectStore;

// What the Terraform module's instance role may list (s3:ListBucket under s3:prefix only).
const std::vector<std::string> kRolePrefixes = {"input/", "output/", "errors/", "leases/"};

class RedriveTest : public ::testing::Test {
 protected:
  RedriveTest() : log_(tmpfile()), logger_(LogFormat::kJson, log_) {}
  ~RedriveTest() override { std::fclose(log_); }

  std::string Log() {
    std::fflush(log_);
    std::rewind(log_);
    std::string text;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof(buf), log_)) > 0) text.append(buf, n);
    return text;
  }

  void Reject(const std::string& relative, const std::string& data) {
    store_.Put("errors/" + relative, data);
    store_.Put("errors/" + relative + ".error.json", "{\"reason\":\"bad\"}");
  }

  Result<RedriveSummary> Run(RedriveOptions options = {}) {
    return Redrive(store_, config_, options, logger_);
  }

  FILE* log_;
  Logger logger_;
  MemoryObjectStore store_;
  RunConfig config_;
};

TEST_F(RedriveTest, MovesEveryRejectedObjectBackAndDropsItsReason) {
  Reject("a.json", "A");
  Reject("dir/b.csv", "B");
  store_.Put("errors/no-reason.json", "C");
  store_.Put("errors/orphan.json.error.json", "{}");  // a reason whose object is gone
  auto summary = Run();
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->matched, 3u);
  EXPECT_EQ(summary->redriven, 3u);
  EXPECT_EQ(summary->ExitCode(), 0);
  EXPECT_EQ(store_.Get("input/a.json"), "A");
  EXPECT_EQ(store_.Get("input/dir/b.csv"), "B");
  EXPECT_EQ(store_.Get("input/no-reason.json"), "C");
  EXPECT_EQ(store_.Keys("errors/"), (std::vector<std::string>{"errors/orphan.json.error.json"}));
  EXPECT_THAT(Log(), HasSubstr("\"outcome\":\"redriven\""));
  EXPECT_THAT(Log(), HasSubstr("redrive summary"));
}

// An error copy renamed because its first-choice name was taken (errors/<key>.<12 of its ETag>)
// goes back under its input's own key; its provenance says which input that is.
TEST_F(RedriveTest, ARenamedErrorCopyGoesBackUnderItsInputsKey) {
  const std::string etag = "0123456789abcdef0123456789abcdef";
  PutOptions copy;
  copy.metadata = {{"s3proc-source-etag", etag},
                   {"s3proc-role", "error-copy"},
                   {"s3proc-source-key-sha256", Sha256Hex("input/y.json")}};
  ASSERT_TRUE(store_.PutBytes("errors/y.json.0123456789ab", "{second", copy).ok());
  store_.Put("errors/y.json.0123456789ab.error.json", R"({"source_key":"input/y.json"})");
  Reject("y.json.error.json", "{first");  // the input whose copy took the first choice
  auto summary = Run();
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->redriven, 2u);
  EXPECT_EQ(store_.Get("input/y.json"), "{second");
  EXPECT_EQ(store_.Get("input/y.json.error.json"), "{first");
  EXPECT_TRUE(store_.Keys("errors/").empty());
}

// A name that merely looks renamed, without s3proc's provenance, goes back under its own name.
TEST_F(RedriveTest, ANameThatOnlyLooksRenamedKeepsItsName) {
  Reject("data.0123456789ab", "D");
  auto summary = Run();
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(store_.Get("input/data.0123456789ab"), "D");
  EXPECT_FALSE(store_.Contains("input/data"));
}

TEST_F(RedriveTest, FilterIsAGlobOnTheRelativeKey) {
  Reject("a.json", "A");
  Reject("logs/b.csv", "B");
  Reject("c.csv", "C");
  RedriveOptions options;
  options.filter = "*.csv";
  auto summary = Run(options);
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->redriven, 1u);
  EXPECT_EQ(store_.Keys("input/"), (std::vector<std::string>{"input/c.csv"}));

  options.filter = "**.csv";
  summary = Run(options);
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->redriven, 1u);
  EXPECT_TRUE(store_.Contains("input/logs/b.csv"));
  EXPECT_TRUE(store_.Contains("errors/a.json"));

  options.filter = "[a-";
  EXPECT_EQ(Run(options).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(RedriveTest, DryRunChangesNothing) {
  Reject("a.json", "A");
  RedriveOptions options;
  options.dry_run = true;
  auto summary = Run(options);
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->matched, 1u);
  EXPECT_EQ(summary->redriven, 0u);
  EXPECT_EQ(store_.Keys("input/").size(), 0u);
  EXPECT_EQ(store_.Keys("errors/").size(), 2u);
  EXPECT_EQ(store_.CallCount("copy"), 0);
  EXPECT_THAT(Log(), HasSubstr("would-redrive"));
}

TEST_F(RedriveTest, ANewerInputUnderTheSameKeyIsAConflict) {
  Reject("a.json", "old");
  store_.Put("input/a.json", "new upload");
  auto summary = Run();
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->conflicts, 1u);
  EXPECT_EQ(summary->ExitCode(), 1);
  EXPECT_EQ(store_.Get("input/a.json"), "new upload");
  EXPECT_TRUE(store_.Contains("errors/a.json"));
  EXPECT_THAT(Log(), HasSubstr("already holds a different object"));
}

TEST_F(RedriveTest, InterruptedAfterCopyFinishesOnTheNextRun) {
  Reject("a.json", "A");
  store_.FailNext("delete_request", Status::Transient("503 SlowDown"));
  auto summary = Run();
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->failed, 1u);
  EXPECT_EQ(store_.Get("input/a.json"), "A");
  EXPECT_TRUE(store_.Contains("errors/a.json"));

  summary = Run();
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->redriven, 1u);
  EXPECT_EQ(store_.CallCount("copy"), 1);  // the second run saw the copy and did not repeat it
  EXPECT_TRUE(store_.Keys("errors/").empty());
  EXPECT_EQ(store_.Get("input/a.json"), "A");
}

TEST_F(RedriveTest, CopyFailureLeavesTheObjectInErrors) {
  Reject("a.json", "A");
  Reject("b.json", "B");
  store_.FailNext("copy", Status::AccessDenied("CopyObject: AccessDenied"));
  auto summary = Run();
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->failed, 1u);
  EXPECT_EQ(summary->redriven, 1u);
  EXPECT_TRUE(store_.Contains("errors/a.json"));
  EXPECT_TRUE(store_.Contains("errors/a.json.error.json"));
  EXPECT_TRUE(store_.Contains("input/b.json"));
}

TEST_F(RedriveTest, IdempotentWhenNothingIsLeft) {
  Reject("a.json", "A");
  ASSERT_TRUE(Run().ok());
  auto summary = Run();
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->matched, 0u);
  EXPECT_EQ(store_.Keys("input/").size(), 1u);
}

TEST_F(RedriveTest, ListFailureIsReturned) {
  store_.FailNext("list", Status::Transient("timeout"));
  auto summary = Run();
  EXPECT_EQ(summary.status().code(), StatusCode::kTransient);
  EXPECT_THAT(summary.status().message(), HasSubstr("errors/"));
}

// On AWS, with the module's role, the HEAD of input/<key> that finds nothing answers 403: the
// normal case of a redrive, which must not count it as a failure.
TEST_F(RedriveTest, OnAwsAMissingInputAnswers403AndTheObjectIsStillRedriven) {
  Reject("a.json", "A");
  Reject("dir/b.csv", "B");
  PrefixPolicyObjectStore aws(store_, kRolePrefixes);
  auto summary = Redrive(aws, config_, {}, logger_);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_GE(aws.denied_missing_keys(), 2) << "the 403 path was taken";
  EXPECT_EQ(summary->failed, 0u) << Log();
  EXPECT_EQ(summary->redriven, 2u);
  EXPECT_EQ(summary->ExitCode(), 0);
  EXPECT_EQ(store_.Get("input/a.json"), "A");
  EXPECT_EQ(store_.Get("input/dir/b.csv"), "B");
  EXPECT_TRUE(store_.Keys("errors/").empty());
}

// A 403 for an input that does exist (the role cannot read it) is a real denial: the object stays
// in errors/ and nothing is copied over the input.
TEST_F(RedriveTest, A403ForAnInputThatExistsIsAFailureAndOverwritesNothing) {
  Reject("a.json", "old");
  store_.Put("input/a.json", "new upload");
  store_.FailNext("head",
                  Status::AccessDenied("HeadObject mem://input/a.json: AccessDenied (403)"));
  PrefixPolicyObjectStore aws(store_, kRolePrefixes);
  auto summary = Redrive(aws, config_, {}, logger_);
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->failed, 1u);
  EXPECT_EQ(summary->redriven, 0u);
  EXPECT_EQ(store_.Get("input/a.json"), "new upload");
  EXPECT_TRUE(store_.Contains("errors/a.json"));
  EXPECT_EQ(store_.CallCount("copy"), 0);
  EXPECT_THAT(Log(), HasSubstr("AccessDenied (403)"));
}

}  // namespace
}  // namespace s3proc
