#include "processors/jq_filter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

namespace s3proc {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::shared_ptr<const JqFilter> Filter(const std::string& program) {
  auto filter = JqFilter::Compile(program);
  EXPECT_TRUE(filter.ok()) << filter.status().ToString();
  return filter.ok() ? *filter : nullptr;
}

TEST(JqFilterTest, OneResult) {
  auto got = Filter("{order: .id, total: ([.items[].price] | add)}")
                 ->Run(R"({"id":"o-1","items":[{"price":2},{"price":3.5}]})");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_THAT(*got, ElementsAre(R"({"order":"o-1","total":5.5})"));
}

TEST(JqFilterTest, SeveralResultsInOrder) {
  auto got = Filter(".items[] | {sku}")->Run(R"({"items":[{"sku":"a"},{"sku":"b"}]})");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_THAT(*got, ElementsAre(R"({"sku":"a"})", R"({"sku":"b"})"));
}

TEST(JqFilterTest, NoResultIsAnEmptyList) {
  auto got = Filter("select(.keep)")->Run(R"({"keep":false})");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_TRUE(got->empty());
}

TEST(JqFilterTest, ARuntimeErrorIsARejectionWithJqsMessage) {
  auto type_error = Filter(".a + 1")->Run(R"({"a":"x"})");
  EXPECT_TRUE(type_error.status().IsRejected()) << type_error.status().ToString();
  EXPECT_EQ(type_error.status().message(),
            "jq: error: string (\"x\") and number (1) cannot be added");
  auto raised =
      Filter(R"(if .qty < 1 then error("qty must be positive") else . end)")->Run(R"({"qty":0})");
  EXPECT_TRUE(raised.status().IsRejected());
  EXPECT_EQ(raised.status().message(), "jq: error: qty must be positive");
}

TEST(JqFilterTest, AFilterThatDoesNotCompileIsAConfigurationError) {
  auto bad = JqFilter::Compile("{order: .id");
  ASSERT_EQ(bad.status().code(), StatusCode::kInvalidArgument) << bad.status().ToString();
  EXPECT_THAT(bad.status().message(), HasSubstr("the jq filter does not compile: "));
  EXPECT_THAT(bad.status().message(), HasSubstr("syntax error"));
  EXPECT_EQ(JqFilter::Compile("nosuchfunction(1)").status().code(), StatusCode::kInvalidArgument);
}

// libjq's state is per thread: one filter serves every worker at once.
TEST(JqFilterTest, OneFilterServesManyThreads) {
  auto filter = Filter(".n * 2");
  std::vector<std::thread> threads;
  std::vector<std::string> got(8);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        auto r = filter->Run("{\"n\":" + std::to_string(t) + "}");
        if (!r.ok() || r->size() != 1) return;
        got[static_cast<size_t>(t)] = r->front();
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < 8; ++t) EXPECT_EQ(got[static_cast<size_t>(t)], std::to_string(2 * t));
}

}  // namespace
}  // namespace s3proc
