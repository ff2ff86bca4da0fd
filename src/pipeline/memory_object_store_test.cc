// Tests of testutil/memory_object_store (testutil has no test binary of its own): the fake the
// pipeline tests rely on must behave like S3 where they depend on it.
#include "testutil/memory_object_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "testutil/temp_dir.h"

namespace s3proc::testing {
namespace {

std::vector<std::string> ListAll(ObjectStore& store, const std::string& prefix, int* pages) {
  std::vector<std::string> keys;
  *pages = 0;
  Status s = store.List(prefix, [&](std::vector<ObjectSummary>&& page) {
    ++*pages;
    for (auto& o : page) keys.push_back(o.key);
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return keys;
}

TEST(MemoryObjectStoreTest, ListsInKeyOrderByPage) {
  MemoryObjectStore store;
  store.SetPageSize(2);
  for (const char* k : {"in/c", "in/a", "out/x", "in/b", "in/d", "im"}) store.Put(k, k);
  int pages = 0;
  EXPECT_EQ(ListAll(store, "in/", &pages),
            (std::vector<std::string>{"in/a", "in/b", "in/c", "in/d"}));
  EXPECT_EQ(pages, 2);
  EXPECT_TRUE(ListAll(store, "nothing/", &pages).empty());
  EXPECT_EQ(pages, 0);
}

TEST(MemoryObjectStoreTest, OnPageMayCallBackIntoTheStore) {
  MemoryObjectStore store;
  store.SetPageSize(1);
  store.Put("in/a", "1");
  store.Put("in/b", "2");
  std::vector<std::string> seen;
  Status s = store.List("in/", [&](std::vector<ObjectSummary>&& page) {
    for (auto& o : page) {
      seen.push_back(o.key);
      EXPECT_TRUE(store.Delete({{o.key, ""}}).ok());
    }
    return Status::Ok();
  });
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(seen, (std::vector<std::string>{"in/a", "in/b"}));
  EXPECT_TRUE(store.Keys().empty());
}

TEST(MemoryObjectStoreTest, ListStopsOnCallbackError) {
  MemoryObjectStore store;
  store.SetPageSize(1);
  store.Put("a", "1");
  store.Put("b", "2");
  int calls = 0;
  Status s = store.List("", [&](std::vector<ObjectSummary>&&) {
    ++calls;
    return Status::Internal("stop");
  });
  EXPECT_EQ(s.code(), StatusCode::kInternal);
  EXPECT_EQ(calls, 1);
}

TEST(MemoryObjectStoreTest, ConditionalPuts) {
  MemoryObjectStore store;
  PutOptions create;
  create.if_none_match_any = true;
  auto first = store.PutBytes("lease", "a", create);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->etag, "0cc175b9c0f1b6a831c399e269772661");  // md5("a")
  auto again = store.PutBytes("lease", "b", create);
  EXPECT_EQ(again.status().code(), StatusCode::kPreconditionFailed);
  EXPECT_EQ(store.Get("lease"), "a");
}

TEST(MemoryObjectStoreTest, FilesHeadGetCopyDelete) {
  TempDir dir;
  MemoryObjectStore store;
  std::string local = dir.WriteFile("in.txt", "hello");
  PutOptions options;
  options.content_type = "text/plain";
  options.metadata = {{"sha256", "abc"}};
  ASSERT_TRUE(store.Upload("k", local, options).ok());
  auto head = store.Head("k");
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->size, 5u);
  EXPECT_EQ(head->content_type, "text/plain");
  EXPECT_FALSE(head->last_modified.empty());

  std::string out = (dir.path() / "out.txt").string();
  auto info = store.Download("k", "", out);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(ReadFileOrEmpty(out), "hello");
  EXPECT_EQ(store.Download("missing", "", out).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store.Upload("k2", (dir.path() / "none").string(), {}).status().code(),
            StatusCode::kIoError);

  auto bytes = store.GetBytes("k");
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(*bytes, "hello");
  EXPECT_EQ(head->metadata.size(), 1u);

  auto copied = store.Copy("k", "", "k2", {});
  ASSERT_TRUE(copied.ok());
  EXPECT_EQ(copied->etag, head->etag);
  EXPECT_EQ(store.Head("k2")->content_type, "text/plain");
  EXPECT_EQ(store.Copy("nope", "", "k3", {}).status().code(), StatusCode::kNotFound);

  auto deleted = store.Delete({{"k", ""}, {"never-existed", ""}});
  ASSERT_TRUE(deleted.ok());
  EXPECT_TRUE(deleted->failures.empty());
  EXPECT_FALSE(store.Contains("k"));
  EXPECT_TRUE(store.Contains("k2"));
}

// As S3 with If-Match: an ETag condition deletes only the version that still has it.
TEST(MemoryObjectStoreTest, AConditionalDeleteKeepsANewerVersion) {
  MemoryObjectStore store;
  store.Put("a", "first");
  store.Put("b", "first");
  const std::string first_etag = store.Head("a")->etag;
  store.Put("a", "second");  // re-uploaded: a new ETag
  auto deleted =
      store.Delete({{"a", "", first_etag}, {"b", "", first_etag}, {"gone", "", first_etag}});
  ASSERT_TRUE(deleted.ok());
  ASSERT_EQ(deleted->failures.size(), 1u);
  EXPECT_EQ(deleted->failures[0].object.key, "a");
  EXPECT_EQ(deleted->failures[0].status.code(), StatusCode::kPreconditionFailed);
  EXPECT_EQ(store.Get("a"), "second");
  EXPECT_FALSE(store.Contains("b"));
}

TEST(MemoryObjectStoreTest, FailureInjection) {
  MemoryObjectStore store;
  store.Put("a", "1");
  store.FailNext("head", Status::Transient("boom"), 2);
  EXPECT_EQ(store.Head("a").status().code(), StatusCode::kTransient);
  EXPECT_EQ(store.Head("a").status().code(), StatusCode::kTransient);
  EXPECT_TRUE(store.Head("a").ok());
  EXPECT_EQ(store.CallCount("head"), 3);

  store.SetFaultHook([](std::string_view op, const std::string& key) {
    if (op == "delete" && key == "a") return Status::AccessDenied("no");
    if (op == "put") return Status::Transient("slow down");
    return Status::Ok();
  });
  EXPECT_EQ(store.PutBytes("b", "x", {}).status().code(), StatusCode::kTransient);
  EXPECT_FALSE(store.Contains("b"));
  store.Put("b", "x");  // helpers bypass the hook
  auto deleted = store.Delete({{"a", ""}, {"b", ""}});
  ASSERT_TRUE(deleted.ok());
  ASSERT_EQ(deleted->failures.size(), 1u);
  EXPECT_EQ(deleted->failures[0].object.key, "a");
  EXPECT_TRUE(store.Contains("a"));
  EXPECT_FALSE(store.Contains("b"));

  store.SetFaultHook(nullptr);
  store.FailNext("delete_request", Status::Transient("503"));
  EXPECT_EQ(store.Delete({{"a", ""}}).status().code(), StatusCode::kTransient);
  EXPECT_TRUE(store.Contains("a"));
}

TEST(MemoryObjectStoreTest, ConcurrentCreateOnlyPutsHaveOneWinner) {
  MemoryObjectStore store;
  std::atomic<int> winners{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      PutOptions create;
      create.if_none_match_any = true;
      for (int k = 0; k < 200; ++k) {
        if (store.PutBytes("lease/" + std::to_string(k), std::to_string(i), create).ok()) {
          ++winners;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(winners.load(), 200);
  EXPECT_EQ(store.Keys("lease/").size(), 200u);
}

}  // namespace
}  // namespace s3proc::testing
