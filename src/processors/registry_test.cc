#include "processors/registry.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/processor_names.h"
#include "testutil/gzip_bytes.h"
#include "testutil/temp_dir.h"

namespace s3proc {
namespace {

TEST(RegistryTest, CreatesEveryKnownProcessor) {
  for (std::string_view name : kProcessorNames) {
    ProcessorSpec spec;
    spec.name = name;
    if (name == "exec") spec.exec_argv = {"cat"};
    auto processor = CreateProcessor(spec);
    ASSERT_TRUE(processor.ok()) << name << ": " << processor.status().ToString();
    EXPECT_EQ((*processor)->name(), name);
  }
}

TEST(RegistryTest, UnknownNameListsTheKnownOnes) {
  ProcessorSpec spec;
  spec.name = "jsn";
  auto processor = CreateProcessor(spec);
  ASSERT_FALSE(processor.ok());
  EXPECT_EQ(processor.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(processor.status().message(),
            "unknown processor 'jsn': expected one of json, ndjson, csv, passthrough, exec");
}

TEST(RegistryTest, ExecOptionsAreChecked) {
  ProcessorSpec spec;
  spec.name = "exec";
  EXPECT_EQ(CreateProcessor(spec).status().code(), StatusCode::kInvalidArgument);  // no argv
  spec.name = "json";
  spec.exec_argv = {"cat"};
  auto misplaced = CreateProcessor(spec);
  ASSERT_FALSE(misplaced.ok());
  EXPECT_NE(misplaced.status().message().find("takes no command"), std::string::npos);
}

// Gzip in, gzip out, for every kind: a processor that reads the content sees it decompressed and
// its output is compressed again; passthrough copies the compressed bytes unchanged. Either way
// an output named .gz is gzip, and is stored as application/gzip.
TEST(RegistryTest, AGzInputGivesAGzOutputForEveryProcessorKind) {
  struct Case {
    std::string name;
    std::string plain;  // the input, decompressed
    std::string want;   // the output, decompressed
  };
  const std::vector<Case> cases = {
      {"json", R"({"a":1})", ""},              // checked below: the metadata names the run
      {"ndjson", "[1]\n[2]\n", "[1]\n[2]\n"},  // (object lines would be enriched)
      {"csv", "a,b\n1,2\n", "{\"a\":\"1\",\"b\":\"2\"}\n"},
      {"exec", "from exec\n", "from exec\n"},
      {"passthrough", "copied as stored\n", "copied as stored\n"},
  };
  ASSERT_EQ(cases.size(), kProcessorNames.size()) << "a new processor needs a case here";
  testing::TempDir dir;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string stored = testing::GzipBytes(c.plain);
    const std::string in = dir.WriteFile(c.name + ".in.gz", stored);
    const std::string out = (dir.path() / (c.name + ".out")).string();
    ProcessorSpec spec;
    spec.name = c.name;
    if (c.name == "exec") spec.exec_argv = {"cat"};
    auto processor = CreateProcessor(spec);
    ASSERT_TRUE(processor.ok()) << processor.status().ToString();
    const std::string key = "input/x/" + c.name + ".gz";
    ASSERT_TRUE((*processor)->Process(in, out, ProcessContext{key, stored.size()}).ok());
    EXPECT_EQ((*processor)->content_type(key), "application/gzip");
    const std::string written = testing::ReadFileOrEmpty(out);
    if (c.name == "passthrough") {
      EXPECT_EQ(written, stored) << "the compressed bytes, unchanged";
    }
    const std::string plain_out = testing::GunzipBytes(written);
    if (c.name == "json") {
      EXPECT_NE(plain_out.find(R"("a":1)"), std::string::npos) << plain_out;
      EXPECT_NE(plain_out.find(key), std::string::npos) << plain_out;
    } else {
      EXPECT_EQ(plain_out, c.want);
    }
    EXPECT_NE((*processor)->content_type("input/x/plain"), "application/gzip");
  }
}

// With decompression off, a .gz input reaches the processor as stored.
TEST(RegistryTest, GzipCanBeTurnedOff) {
  testing::TempDir dir;
  const std::string stored = testing::GzipBytes("a,b\n1,2\n");
  std::string in = dir.WriteFile("in.csv.gz", stored);
  std::string out = (dir.path() / "out").string();
  ProcessorSpec spec;
  spec.name = "exec";
  spec.exec_argv = {"cat"};
  spec.gzip_max_decompressed_bytes = 0;
  auto raw = CreateProcessor(spec);
  ASSERT_TRUE(raw.ok());
  ASSERT_TRUE((*raw)->Process(in, out, ProcessContext{"input/in.csv.gz"}).ok());
  EXPECT_EQ(testing::ReadFileOrEmpty(out), stored);
}

}  // namespace
}  // namespace s3proc
