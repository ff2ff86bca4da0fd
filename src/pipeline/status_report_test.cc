#include "pipeline/status_report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "testutil/memory_message_queue.h"
#include "testutil/memory_object_store.h"

namespace s3proc {
namespace {

using ::testing::HasSubstr;
using testing::MemoryObjectStore;
using ::testing::Not;

std::chrono::system_clock::time_point At(const char* iso) { return *ParseS3Time(iso); }

TEST(StatusReportTest, ParsesS3Times) {
  auto t = ParseS3Time("2026-01-02T03:04:05.000Z");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(std::chrono::system_clock::to_time_t(*t), 1767323045);
  EXPECT_TRUE(ParseS3Time("2026-01-02T03:04:05Z").has_value());
  EXPECT_FALSE(ParseS3Time("yesterday").has_value());
}

TEST(StatusReportTest, CountsEachPrefix) {
  MemoryObjectStore store;
  auto now = At("2026-01-01T12:00:00Z");
  auto clock = now - std::chrono::hours(2);
  store.SetClock([&] { return clock; });
  store.Put("input/old.json", "12345");
  clock = now - std::chrono::minutes(5);
  store.Put("input/new.json", "123");
  store.Put("input/folder/", "");  // folder marker: not counted
  store.Put("output/a.json", "1");
  store.Put("errors/bad.json", "xx");
  store.Put("errors/bad.json.error.json", "{\"reason\":\"x\"}");
  store.Put("errors/orphan.error.json", "{}");
  // A rejected input whose name ends in .error.json, with its own reason file.
  store.Put("errors/x.error.json", "abc");
  store.Put("errors/x.error.json.error.json", "{}");
  store.Put("elsewhere/z", "zzz");

  RunConfig config;
  auto report = CollectStatus(store, config, now);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_EQ(report->prefixes.size(), 4u);
  const PrefixStatus& input = report->prefixes[0];
  EXPECT_EQ(input.name, "input");
  EXPECT_EQ(input.objects, 2u);
  EXPECT_EQ(input.bytes, 8u);
  EXPECT_EQ(input.oldest_age_seconds, 7200);
  EXPECT_EQ(report->prefixes[1].objects, 1u);
  const PrefixStatus& errors = report->prefixes[2];
  EXPECT_EQ(errors.objects, 2u);  // bad.json and x.error.json
  EXPECT_EQ(errors.bytes, 5u);
  EXPECT_EQ(errors.reason_files, 3u);
  const PrefixStatus& leases = report->prefixes[3];
  EXPECT_EQ(leases.objects, 0u);
  EXPECT_TRUE(leases.oldest_last_modified.empty());

  std::string text = FormatStatusText(*report);
  EXPECT_THAT(text, HasSubstr("mem://"));
  EXPECT_THAT(text, HasSubstr("input/"));
  EXPECT_THAT(text, HasSubstr("2h ago"));
  EXPECT_THAT(text, HasSubstr("3 .error.json reason files"));

  std::string json = FormatStatusJson(*report);
  EXPECT_THAT(json, HasSubstr("{\"name\":\"input\",\"prefix\":\"input/\",\"objects\":2,"
                              "\"bytes\":8,\"oldest_last_modified\":\"2026-01-01T10:00:00.000Z\","
                              "\"oldest_age_seconds\":7200}"));
  EXPECT_THAT(json, HasSubstr("\"reason_files\":3"));
  EXPECT_THAT(json, HasSubstr("\"oldest_last_modified\":null"));
}

TEST(StatusReportTest, ListErrorNamesThePrefix) {
  MemoryObjectStore store;
  store.FailNext("list", Status::AccessDenied("ListObjectsV2 denied"));
  auto report = CollectStatus(store, RunConfig{}, std::chrono::system_clock::now());
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), StatusCode::kAccessDenied);
  EXPECT_THAT(report.status().message(), HasSubstr("mem:///input/"));
}

TEST(StatusReportTest, ShowsTheQueueCounts) {
  MemoryObjectStore store;
  testing::MemoryMessageQueue queue;
  queue.Send("a");
  queue.Send("b");
  queue.Send("c");
  ASSERT_EQ(queue.Receive(1, 0, 60)->size(), 1u);
  auto report = CollectStatus(store, RunConfig{}, std::chrono::system_clock::now());
  ASSERT_TRUE(report.ok());
  EXPECT_THAT(FormatStatusJson(*report), Not(HasSubstr("queue")));
  ASSERT_TRUE(CollectQueueStatus(queue, *report).ok());
  EXPECT_THAT(FormatStatusText(*report),
              HasSubstr("queue mem://queue\n  2 visible, 1 in flight, 0 delayed\n"));
  EXPECT_THAT(FormatStatusJson(*report),
              HasSubstr(",\"queue\":{\"url\":\"mem://queue\",\"visible\":2,\"in_flight\":1,"
                        "\"delayed\":0,\"dead_letter\":null}}"));
  report->queue->counts.has_dead_letter_queue = true;
  report->queue->counts.dead_letter_visible = 4;
  EXPECT_THAT(FormatStatusText(*report), HasSubstr("; dead-letter queue: 4\n"));
  EXPECT_THAT(FormatStatusJson(*report), HasSubstr("\"dead_letter\":4}"));
}

}  // namespace
}  // namespace s3proc
