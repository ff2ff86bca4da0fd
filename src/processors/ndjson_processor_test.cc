#include "processors/ndjson_processor.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "common/hash.h"
#include "testutil/temp_dir.h"

namespace s3proc {
namespace {

using testing::ReadFileOrEmpty;
using testing::TempDir;

class NdjsonProcessorTest : public ::testing::Test {
 protected:
  Status Run(std::string_view input, size_t max_line = NdjsonProcessor::kDefaultMaxLineBytes,
             RecordRules rules = {}) {
    std::string in = dir_.WriteFile("in.ndjson", input);
    out_path_ = (dir_.path() / "out.ndjson").string();
    NdjsonProcessor processor(max_line, std::move(rules));
    return processor.Process(in, out_path_, context_);
  }
  std::vector<std::string> OutputLines() const {
    std::string all = ReadFileOrEmpty(out_path_);
    EXPECT_TRUE(all.empty() || all.back() == '\n');
    std::vector<std::string> lines;
    std::istringstream stream(all);
    for (std::string line; std::getline(stream, line);) lines.push_back(line);
    return lines;
  }
  void ExpectRejected(std::string_view input, std::string_view reason_part) {
    Status s = Run(input);
    EXPECT_TRUE(s.IsRejected()) << s.ToString();
    EXPECT_NE(s.message().find(reason_part), std::string::npos) << s.message();
  }

  TempDir dir_;
  ProcessContext context_{"input/logs/x.ndjson", 0, "", "2026-11-28T16:04:06Z"};
  std::string out_path_;
};

TEST_F(NdjsonProcessorTest, ObjectLinesGetMetadataOtherLinesUnchanged) {
  std::string input = "{\"a\":1}\n[1,2]\n{}\r\n\"s\"\n{\"b\":{\"c\":null}}";
  ASSERT_TRUE(Run(input).ok());
  std::vector<std::string> lines = OutputLines();
  ASSERT_EQ(lines.size(), 5u);
  Sha256Hasher hash;
  hash.Update(input);
  std::string sha = hash.HexDigest();
  nlohmann::json first = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(first["a"], 1);
  EXPECT_EQ(first["_s3proc"]["line"], 1);
  EXPECT_EQ(first["_s3proc"]["sha256"], sha);
  EXPECT_EQ(first["_s3proc"]["size"], input.size());
  EXPECT_EQ(first["_s3proc"]["source_key"], "input/logs/x.ndjson");
  EXPECT_EQ(lines[1], "[1,2]");
  nlohmann::json third = nlohmann::json::parse(lines[2]);
  EXPECT_EQ(third.size(), 1u);
  EXPECT_EQ(third["_s3proc"]["line"], 3);
  EXPECT_EQ(lines[2].back(), '\r');  // the CR is JSON whitespace, kept as is
  EXPECT_EQ(lines[3], "\"s\"");
  nlohmann::json fifth = nlohmann::json::parse(lines[4]);
  EXPECT_EQ(fifth["b"]["c"], nullptr);
  EXPECT_EQ(fifth["_s3proc"]["line"], 5);
}

TEST_F(NdjsonProcessorTest, TrailingNewlineAndBom) {
  ASSERT_TRUE(Run("\xEF\xBB\xBF{\"a\":1}\n").ok());
  std::vector<std::string> lines = OutputLines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(lines[0])["a"], 1);
}

TEST_F(NdjsonProcessorTest, RejectsWithLineNumber) {
  ExpectRejected("", "empty input");
  ExpectRejected("{\"a\":1}\n\n{\"b\":2}\n", "line 2: empty line");
  ExpectRejected("{\"a\":1}\n\n", "line 2: empty line");
  ExpectRejected("1\n  \t\n2", "line 2: empty line");
  ExpectRejected("1\n2\n{\"a\":NaN}\n", "line 3: invalid JSON");
  ExpectRejected("1\n{'a':1}\n", "line 2: invalid JSON");
  ExpectRejected("1\n\"\xff\"\n", "line 2: invalid JSON");
  ExpectRejected("{\"a\":1} {\"b\":2}\n", "line 1: invalid JSON");
  ExpectRejected("{\"a\":\n1}\n", "line 1: invalid JSON");
  ExpectRejected("1\n{\"_s3proc\":1}\n", "line 2: the top-level object already has");
  ExpectRejected("1\n" + std::string(100000, '[') + "\n", "line 2: invalid JSON");
  ExpectRejected("\xEF\xBB\xBF\n", "line 1: empty line");
  ExpectRejected(std::string("1\n7\0junk\n", 9), "line 2: invalid JSON");  // NUL is no end
}

TEST_F(NdjsonProcessorTest, OverlongLineIsRejected) {
  Status s = Run("[1]\n[" + std::string(200, '1') + "]\n", 100);
  EXPECT_TRUE(s.IsRejected()) << s.ToString();
  EXPECT_NE(s.message().find("line 2: longer than 100 bytes"), std::string::npos) << s.message();
}

TEST_F(NdjsonProcessorTest, ManyLinesAcrossReadBuffers) {
  std::string input;
  for (int i = 0; i < 50000; ++i)
    input += "{\"i\":" + std::to_string(i) + ",\"pad\":\"xxxxxxxx\"}\n";
  ASSERT_TRUE(Run(input).ok());
  std::vector<std::string> lines = OutputLines();
  ASSERT_EQ(lines.size(), 50000u);
  nlohmann::json last = nlohmann::json::parse(lines.back());
  EXPECT_EQ(last["i"], 49999);
  EXPECT_EQ(last["_s3proc"]["line"], 50000);
}

TEST_F(NdjsonProcessorTest, DiskFullIsAnIoError) {
  std::string in = dir_.WriteFile("in.ndjson", "{}\n");
  NdjsonProcessor processor;
  Status s = processor.Process(in, "/dev/full", context_);
  EXPECT_EQ(s.code(), StatusCode::kIoError) << s.ToString();
}

// Each line's value must match the schema; the first that does not rejects the file.
TEST_F(NdjsonProcessorTest, WithASchemaEachLineIsChecked) {
  auto schema = JsonSchema::Parse(
      R"({"type": "object", "required": ["ts"], "properties": {"ts": {"type": "integer"}}})",
      "/etc/s3proc/event.schema.json");
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  ASSERT_TRUE(
      Run("{\"ts\":1}\n{\"ts\":2}\n", NdjsonProcessor::kDefaultMaxLineBytes, {*schema}).ok());
  EXPECT_EQ(OutputLines().size(), 2u);
  Status s = Run("{\"ts\":1}\n{\"ts\":2}\n{\"ts\":\"3\"}\n{}\n",
                 NdjsonProcessor::kDefaultMaxLineBytes, {*schema});
  ASSERT_TRUE(s.IsRejected()) << s.ToString();
  EXPECT_EQ(
      s.message(),
      "line 3: does not match schema event.schema.json: /ts: \"3\" fails type: value type not "
      "permitted by 'type' constraint");
}

// With a filter, each line's results take its place, objects with the line's metadata; a jq
// error names the line.
TEST_F(NdjsonProcessorTest, WithAFilterEachLineIsReshaped) {
  auto filter = JqFilter::Compile("select(.level == \"error\") | {msg}");
  ASSERT_TRUE(filter.ok()) << filter.status().ToString();
  ASSERT_TRUE(Run("{\"level\":\"info\",\"msg\":\"a\"}\n{\"level\":\"error\",\"msg\":\"b\"}\n",
                  NdjsonProcessor::kDefaultMaxLineBytes, {nullptr, *filter})
                  .ok());
  std::vector<std::string> lines = OutputLines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_THAT(lines[0], ::testing::StartsWith("{\"msg\":\"b\",\"_s3proc\":{"));
  EXPECT_THAT(lines[0], ::testing::EndsWith(",\"line\":2}}"));

  auto adds = JqFilter::Compile(".n + 1");
  ASSERT_TRUE(adds.ok());
  Status s =
      Run("{\"n\":1}\n{\"n\":\"x\"}\n", NdjsonProcessor::kDefaultMaxLineBytes, {nullptr, *adds});
  ASSERT_TRUE(s.IsRejected()) << s.ToString();
  EXPECT_EQ(s.message(), "line 2: jq: error: string (\"x\") and number (1) cannot be added");
}

}  // namespace
}  // namespace s3proc
