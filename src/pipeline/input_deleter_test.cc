#include "pipeline/input_deleter.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "testutil/memory_object_store.h"

namespace s3proc {
namespace {

using testing::MemoryObjectStore;

std::vector<std::string> KeysOf(const std::vector<ObjectId>& ids) {
  std::vector<std::string> keys;
  keys.reserve(ids.size());
  for (const auto& id : ids) keys.push_back(id.key);
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

}  // namespace
}  // namespace s3proc
