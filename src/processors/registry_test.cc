#include "processors/registry.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <string>

#include "common/processor_names.h"
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

TEST(RegistryTest, GzipIsTransparentUnlessTurnedOff) {
  testing::TempDir dir;
  std::string stored;
  {
    std::string plain = "a,b\n1,2\n";
    uLongf size = compressBound(plain.size()) + 32;
    z_stream z{};
    ASSERT_EQ(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
    stored.resize(size);
    z.next_in = reinterpret_cast<Bytef*>(plain.data());
    z.avail_in = plain.size();
    z.next_out = reinterpret_cast<Bytef*>(stored.data());
    z.avail_out = size;
    ASSERT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
    stored.resize(z.total_out);
    deflateEnd(&z);
  }
  std::string in = dir.WriteFile("in.csv.gz", stored);
  std::string out = (dir.path() / "out").string();
  ProcessContext context{"input/in.csv.gz"};

  ProcessorSpec spec;
  spec.name = "csv";
  auto csv = CreateProcessor(spec);
  ASSERT_TRUE(csv.ok());
  ASSERT_TRUE((*csv)->Process(in, out, context).ok());
  EXPECT_EQ(testing::ReadFileOrEmpty(out), "{\"a\":\"1\",\"b\":\"2\"}\n");

  spec.name = "passthrough";
  spec.gzip_max_decompressed_bytes = 0;
  auto raw = CreateProcessor(spec);
  ASSERT_TRUE(raw.ok());
  ASSERT_TRUE((*raw)->Process(in, out, context).ok());
  EXPECT_EQ(testing::ReadFileOrEmpty(out), stored);
}

}  // namespace
}  // namespace s3proc
