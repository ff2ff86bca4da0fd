#include "processors/processor_router.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "testutil/temp_dir.h"

namespace s3proc {
namespace {

ProcessorSpec Spec(std::string name) {
  ProcessorSpec spec;
  spec.name = std::move(name);
  return spec;
}

TEST(ProcessorRouterTest, FirstMatchWinsAndDefaultIsJson) {
  auto router = ProcessorRouter::Create({{"*.csv", Spec("csv")},
                                         {"logs/**.ndjson", Spec("ndjson")},
                                         {"logs/**", Spec("passthrough")},
                                         {"*.csv", Spec("passthrough")}});
  ASSERT_TRUE(router.ok()) << router.status().ToString();
  EXPECT_EQ(router->Route("a.csv").name(), "csv");
  EXPECT_EQ(router->RuleIndexFor("a.csv"), 0);
  EXPECT_EQ(router->Route("logs/2024/a.ndjson").name(), "ndjson");
  EXPECT_EQ(router->Route("logs/2024/a.txt").name(), "passthrough");
  EXPECT_EQ(router->Route("dir/a.csv").name(), "json");  // '*' does not cross '/'
  EXPECT_EQ(router->RuleIndexFor("dir/a.csv"), -1);
  EXPECT_EQ(router->Route("a.json").name(), "json");
}

TEST(ProcessorRouterTest, GzKeysMatchWithOrWithoutSuffix) {
  auto router =
      ProcessorRouter::Create({{"raw/*.gz", Spec("passthrough")}, {"*.csv", Spec("csv")}});
  ASSERT_TRUE(router.ok());
  EXPECT_EQ(router->Route("a.csv.gz").name(), "csv");
  EXPECT_EQ(router->Route("a.csv.GZ").name(), "csv");
  EXPECT_EQ(router->Route("raw/a.csv.gz").name(), "passthrough");
  EXPECT_EQ(router->Route("a.json.gz").name(), "json");
}

TEST(ProcessorRouterTest, ProcessorsAreBuiltOnceAndShared) {
  auto router = ProcessorRouter::Create({{"*.csv", Spec("csv")}});
  ASSERT_TRUE(router.ok());
  EXPECT_EQ(&router->Route("a.csv"), &router->Route("b.csv"));
  EXPECT_EQ(&router->Route("a.json"), &router->Route("b.json"));
}

TEST(ProcessorRouterTest, ConfigurationErrorsNameTheRule) {
  auto bad_glob = ProcessorRouter::Create({{"*.csv", Spec("csv")}, {"[a", Spec("csv")}});
  ASSERT_FALSE(bad_glob.ok());
  EXPECT_EQ(bad_glob.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad_glob.status().message().find("routing rule 2 ('[a')"), std::string::npos)
      << bad_glob.status().message();
  auto bad_name = ProcessorRouter::Create({{"*.csv", Spec("cvs")}});
  ASSERT_FALSE(bad_name.ok());
  EXPECT_NE(bad_name.status().message().find("routing rule 1 ('*.csv'): unknown processor 'cvs'"),
            std::string::npos)
      << bad_name.status().message();
  auto bad_default = ProcessorRouter::Create({}, Spec("nope"));
  ASSERT_FALSE(bad_default.ok());
  EXPECT_NE(bad_default.status().message().find("default processor"), std::string::npos);
}

TEST(ProcessorRouterTest, SharedProcessorsWorkFromManyThreads) {
  auto router = ProcessorRouter::Create({{"*.csv", Spec("csv")}, {"*.ndjson", Spec("ndjson")}});
  ASSERT_TRUE(router.ok());
  testing::TempDir dir;
  std::string csv = dir.WriteFile("in.csv", "a,b\n1,2\n3,4\n");
  std::string ndjson = dir.WriteFile("in.ndjson", "{\"a\":1}\n[2]\n");
  std::string json = dir.WriteFile("in.json", "{\"a\":1}");
  std::vector<std::thread> threads;
  std::vector<int> failures(8, 0);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        for (const auto& [key, path] :
             {std::pair{std::string("x.csv"), csv}, std::pair{std::string("x.ndjson"), ndjson},
              std::pair{std::string("x.json"), json}}) {
          std::string out = (dir.path() / ("out-" + std::to_string(t))).string();
          ProcessContext context{"input/" + key, 0, "", "2026-01-01T00:00:00Z"};
          if (!router->Route(key).Process(path, out, context).ok()) ++failures[t];
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int f : failures) EXPECT_EQ(f, 0);
}

}  // namespace
}  // namespace s3proc
