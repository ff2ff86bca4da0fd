#include "pipeline/input_deleter.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "testutil/memory_object_store.h"

namespace s3proc {
namespace {

using testing::MemoryObjectStore;

std::vector<std::string> KeysOf(const std::vector<DeleteFailure>& failures) {
  std::vector<std::string> keys;
  keys.reserve(failures.size());
  for (const auto& f : failures) keys.push_back(f.object.key);
  return keys;
}

TEST(InputDeleterTest, DeletesInBatches) {
  MemoryObjectStore store;
  for (int i = 0; i < 7; ++i) store.Put("input/" + std::to_string(i), "x");
  InputDeleter deleter(store, 3);
  for (int i = 0; i < 7; ++i)
    EXPECT_TRUE(deleter.Add({"input/" + std::to_string(i), ""}, 0).empty());
  EXPECT_EQ(store.CallCount("delete_request"), 2);  // two full batches of 3
  EXPECT_EQ(store.Keys("input/"), std::vector<std::string>{"input/6"});
  EXPECT_TRUE(deleter.FlushAll().empty());
  EXPECT_EQ(store.CallCount("delete_request"), 3);
  EXPECT_TRUE(store.Keys("input/").empty());
  EXPECT_TRUE(deleter.FlushAll().empty());
  EXPECT_EQ(store.CallCount("delete_request"), 3) << "nothing queued: no request";
  EXPECT_TRUE(deleter.dirty_shards().empty());
}

TEST(InputDeleterTest, AFailedCallFailsTheWholeBatchAndMarksItsShards) {
  MemoryObjectStore store;
  store.Put("input/a", "x");
  store.Put("input/b", "x");
  InputDeleter deleter(store, 2);
  store.FailNext("delete_request", Status::Transient("503"));
  EXPECT_TRUE(deleter.Add({"input/a", ""}, 1).empty());
  EXPECT_EQ(KeysOf(deleter.Add({"input/b", ""}, 2)),
            (std::vector<std::string>{"input/a", "input/b"}));
  EXPECT_EQ(deleter.dirty_shards(), (std::set<int>{1, 2}));
  EXPECT_EQ(store.Keys("input/").size(), 2u);
}

TEST(InputDeleterTest, OnlyTheShardsOfUndeletedInputsAreDirty) {
  MemoryObjectStore store;
  store.Put("input/a", "x");
  store.Put("input/b", "x");
  store.SetFaultHook([](std::string_view operation, const std::string& key) {
    return operation == "delete" && key == "input/b" ? Status::AccessDenied("no s3:DeleteObject")
                                                     : Status::Ok();
  });
  InputDeleter deleter(store);
  EXPECT_TRUE(deleter.Add({"input/a", ""}, 4).empty());
  EXPECT_TRUE(deleter.Add({"input/b", ""}, 5).empty());
  EXPECT_EQ(KeysOf(deleter.FlushAll()), std::vector<std::string>{"input/b"});
  EXPECT_EQ(deleter.dirty_shards(), std::set<int>{5});
  EXPECT_EQ(store.Keys("input/"), std::vector<std::string>{"input/b"});
}

// An input re-uploaded while it was processed keeps its new bytes, and is no failure: its shard
// is not kept for recovery (the new version has no output to find).
TEST(InputDeleterTest, AReplacedInputStaysAndItsShardIsClean) {
  MemoryObjectStore store;
  store.Put("input/a", "first");
  store.Put("input/b", "first");
  const std::string processed_etag = store.Head("input/a")->etag;
  store.Put("input/a", "second");
  InputDeleter deleter(store);
  EXPECT_TRUE(deleter.Add({"input/a", "", processed_etag}, 1).empty());
  EXPECT_TRUE(deleter.Add({"input/b", "", processed_etag}, 2).empty());
  std::vector<DeleteFailure> still_there = deleter.FlushAll();
  ASSERT_EQ(KeysOf(still_there), std::vector<std::string>{"input/a"});
  EXPECT_EQ(still_there[0].status.code(), StatusCode::kPreconditionFailed);
  EXPECT_TRUE(deleter.dirty_shards().empty());
  EXPECT_EQ(store.Get("input/a"), "second");
  EXPECT_FALSE(store.Contains("input/b"));
}

}  // namespace
}  // namespace s3proc
