#include "processors/json_processor.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "common/hash.h"
#include "s3proc_version.h"
#include "testutil/temp_dir.h"

namespace s3proc {
namespace {

using testing::ReadFileOrEmpty;
using testing::TempDir;

// Every test runs through both paths: in memory (the default for small documents) and streamed
// through buffers of a few bytes, so that every token, escape and UTF-8 sequence of the tests
// is split across refills somewhere, and through a buffer larger than the documents.
struct Path {
  const char* name;
  JsonProcessorOptions options;
};

class JsonProcessorTest : public ::testing::TestWithParam<Path> {
 protected:
  Status Run(std::string_view input) {
    std::string in = dir_.WriteFile("in.json", input);
    out_path_ = (dir_.path() / "out.json").string();
    return processor_.Process(in, out_path_, context_);
  }
  std::string Output() const { return ReadFileOrEmpty(out_path_); }
  void ExpectRejected(std::string_view input, std::string_view reason_part) {
    Status s = Run(input);
    EXPECT_TRUE(s.IsRejected()) << s.ToString();
    EXPECT_NE(s.message().find(reason_part), std::string::npos) << s.message();
  }

  TempDir dir_;
  JsonProcessor processor_{GetParam().options};
  ProcessContext context_{"input/a/b.json", 0, "", "2026-11-28T16:04:06Z"};
  std::string out_path_;
};

std::string Sha256Of(std::string_view s) {
  Sha256Hasher h;
  h.Update(s);
  return h.HexDigest();
}

TEST_P(JsonProcessorTest, ObjectKeepsEveryMemberAndGetsMetadata) {
  std::string input =
      R"({"a": 1, "nested": {"x": [1, 2.5, "s", null, true]}, "uni": "h\u00e9 \"q\" ü",)"
      R"( "big": 123456789012345678901234567890} )"
      "\n";
  ASSERT_TRUE(Run(input).ok());
  std::string output = Output();
  nlohmann::json in_doc = nlohmann::json::parse(input);
  nlohmann::json out_doc = nlohmann::json::parse(output);
  ASSERT_TRUE(out_doc.is_object());
  EXPECT_EQ(out_doc.size(), in_doc.size() + 1);
  for (auto& [key, value] : in_doc.items()) EXPECT_EQ(out_doc[key], value) << key;
  const nlohmann::json& meta = out_doc["_s3proc"];
  EXPECT_EQ(meta["source_key"], "input/a/b.json");
  EXPECT_EQ(meta["processed_at"], "2026-11-28T16:04:06Z");
  EXPECT_EQ(meta["size"], input.size());
  EXPECT_EQ(meta["sha256"], Sha256Of(input));
  EXPECT_EQ(meta["version"], S3PROC_VERSION);
  // The original bytes are kept, including the big integer and trailing whitespace.
  EXPECT_NE(output.find(R"("big": 123456789012345678901234567890,"_s3proc":{)"), std::string::npos)
      << output;
  EXPECT_EQ(output.substr(output.size() - 4), "}} \n") << output;
}

TEST_P(JsonProcessorTest, EmptyObjectAndWhitespace) {
  ASSERT_TRUE(Run(" { \n } \n").ok());
  std::string output = Output();
  EXPECT_EQ(output.rfind(" {\"_s3proc\":{", 0), 0u) << output;
  EXPECT_EQ(output.substr(output.size() - 7), "} \n } \n") << output;
  nlohmann::json doc = nlohmann::json::parse(output);
  EXPECT_EQ(doc.size(), 1u);
  EXPECT_TRUE(doc["_s3proc"].is_object());

  ASSERT_TRUE(Run("{}").ok());
  EXPECT_EQ(nlohmann::json::parse(Output()).size(), 1u);
}

TEST_P(JsonProcessorTest, NonObjectsAreCopiedUnchanged) {
  for (std::string input : {"[1,2,{\"a\":1}]", "\"just a string\"", "42", "-1.5e300", "true",
                            "null", " [ ] \n", "123456789012345678901234567890"}) {
    ASSERT_TRUE(Run(input).ok()) << input;
    EXPECT_EQ(Output(), input);
  }
}

TEST_P(JsonProcessorTest, MetadataStringsAreEscaped) {
  context_.source_key = "input/we\"ird\\key\n\x01 ü \xff.json";
  ASSERT_TRUE(Run(R"({"a":1})").ok());
  nlohmann::json doc = nlohmann::json::parse(Output());
  EXPECT_EQ(doc["_s3proc"]["source_key"], "input/we\"ird\\key\n\x01 ü \xEF\xBF\xBD.json");
}

TEST_P(JsonProcessorTest, UsesStoredFactsFromContextWhenSet) {
  context_.source_size = 77;
  context_.source_sha256 = std::string(64, 'a');
  ASSERT_TRUE(Run(R"({"a":1})").ok());
  nlohmann::json doc = nlohmann::json::parse(Output());
  EXPECT_EQ(doc["_s3proc"]["size"], 77);
  EXPECT_EQ(doc["_s3proc"]["sha256"], std::string(64, 'a'));
}

TEST_P(JsonProcessorTest, ByteOrderMarkIsAcceptedAndDropped) {
  ASSERT_TRUE(Run("\xEF\xBB\xBF[1]").ok());
  EXPECT_EQ(Output(), "[1]");
  ASSERT_TRUE(Run("\xEF\xBB\xBF{\"a\":1}").ok());
  EXPECT_EQ(nlohmann::json::parse(Output())["a"], 1);
}

TEST_P(JsonProcessorTest, RejectsMalformedInput) {
  ExpectRejected("", "empty input");
  ExpectRejected("  \n", "empty input");
  ExpectRejected("{} x", "invalid JSON");
  ExpectRejected("1 2", "invalid JSON");
  ExpectRejected("{\"a\":1}{\"b\":2}", "invalid JSON");
  ExpectRejected("NaN", "invalid JSON");
  ExpectRejected("[NaN]", "invalid JSON");
  ExpectRejected("[Infinity]", "invalid JSON");
  ExpectRejected("{'a': 1}", "invalid JSON");
  ExpectRejected("[1,]", "invalid JSON");
  ExpectRejected("{\"a\":1,}", "invalid JSON");
  ExpectRejected("[1] // comment", "invalid JSON");
  ExpectRejected("\"\xff\"", "invalid JSON");
  ExpectRejected("\"\xed\xa0\x80\"", "invalid JSON");  // an encoded surrogate
  ExpectRejected("\"\xc0\xaf\"", "invalid JSON");      // an overlong '/'
  ExpectRejected("\"a\x01\"", "invalid JSON");
  ExpectRejected("[1e400]", "invalid JSON");
  ExpectRejected("\xEF\xBB\xBF", "empty input");
  ExpectRejected("\xEF\xBB\xBF\xEF\xBB\xBF{}", "invalid JSON");
}

// A NUL byte is never part of a JSON text, even where a parser would take it for the end.
TEST_P(JsonProcessorTest, RejectsNulBytes) {
  ExpectRejected(std::string("7\0junk", 6), "invalid JSON");
  ExpectRejected(std::string("{\"id\":123456789012345678901234567890}\0{", 39), "invalid JSON");
  ExpectRejected(std::string("[1]\0", 4), "invalid JSON");
  ExpectRejected(std::string("\0", 1), "invalid JSON");
  ExpectRejected(std::string("[\"a\0\"]", 6), "invalid JSON");
}

TEST_P(JsonProcessorTest, DeepNestingIsRejectedNotCrashing) {
  ExpectRejected(std::string(100000, '['), "invalid JSON");
  ExpectRejected(std::string(100000, '[') + std::string(100000, ']'), "nested deeper than 1024");
  ExpectRejected(std::string(100000, '{'), "invalid JSON");
  std::string ok = std::string(1000, '[') + std::string(1000, ']');
  ASSERT_TRUE(Run(ok).ok());
  EXPECT_EQ(Output(), ok);
}

TEST_P(JsonProcessorTest, HugeNumbers) {
  ASSERT_TRUE(Run("[123456789012345678901234567890, -99999999999999999999999, 1e308]").ok());
  ASSERT_TRUE(Run("{\"id\": 99999999999999999999999999999999999999}").ok());
  EXPECT_NE(Output().find("99999999999999999999999999999999999999,\"_s3proc\""), std::string::npos);
  ExpectRejected("{\"id\": 99999999999999999999999999999999999999, \"_s3proc\": 1}", "_s3proc");
  ExpectRejected("-1e999", "invalid JSON");
}

TEST_P(JsonProcessorTest, RejectsExistingMetadataMember) {
  ExpectRejected(R"({"a":1,"_s3proc":{}})", "already has a \"_s3proc\" member");
  ExpectRejected(R"({"\u005fs3proc":1})", "already has a \"_s3proc\" member");
  // Only the top level is ours.
  ASSERT_TRUE(Run(R"({"a":{"_s3proc":1}})").ok());
  ASSERT_TRUE(Run(R"([{"_s3proc":1}])").ok());
}

TEST_P(JsonProcessorTest, MissingInputIsAnIoError) {
  Status s =
      processor_.Process((dir_.path() / "nope").string(), (dir_.path() / "o").string(), context_);
  EXPECT_EQ(s.code(), StatusCode::kIoError) << s.ToString();
}

TEST_P(JsonProcessorTest, UnwritableOutputIsAnIoError) {
  std::string in = dir_.WriteFile("in.json", "{}");
  Status s = processor_.Process(in, (dir_.path() / "no-such-dir" / "o").string(), context_);
  EXPECT_EQ(s.code(), StatusCode::kIoError) << s.ToString();
}

TEST_P(JsonProcessorTest, DiskFullIsAnIoError) {
  std::string in = dir_.WriteFile("in.json", "{}");
  Status s = processor_.Process(in, "/dev/full", context_);
  EXPECT_EQ(s.code(), StatusCode::kIoError) << s.ToString();
}

INSTANTIATE_TEST_SUITE_P(Paths, JsonProcessorTest,
                         ::testing::Values(Path{"InMemory", {}}, Path{"StreamedByteByByte", {0, 1}},
                                           Path{"StreamedIn7ByteChunks", {0, 7}},
                                           Path{"StreamedInOneChunk", {0, 1 << 20}}),
                         [](const ::testing::TestParamInfo<Path>& info) {
                           return std::string(info.param.name);
                         });

}  // namespace
}  // namespace s3proc

namespace s3proc {
namespace {

// With a schema: every document is loaded (even one streamed without it), checked, then
// enriched as before; one that fails is rejected with the schema's reasons.
class JsonProcessorSchemaTest : public ::testing::Test {
 protected:
  JsonProcessorSchemaTest() {
    auto schema = JsonSchema::Parse(R"({"type":"object","required":["id"],
        "properties":{"qty":{"minimum":1}}})",
                                    "order.schema.json");
    EXPECT_TRUE(schema.ok()) << schema.status().ToString();
    options_.rules.schema = *schema;
    options_.stream_from_bytes = 0;  // would stream every document without a schema
  }
  Status Run(std::string_view input) {
    JsonProcessor processor(options_);
    return processor.Process(dir_.WriteFile("in.json", input), out_path_, context_);
  }

  TempDir dir_;
  JsonProcessorOptions options_;
  ProcessContext context_{"input/a.json", 0, "", "2026-11-28T16:04:06Z"};
  std::string out_path_ = (dir_.path() / "out.json").string();
};

TEST_F(JsonProcessorSchemaTest, AMatchingDocumentIsEnriched) {
  ASSERT_TRUE(Run(R"({"id":"o-1","qty":2})").ok());
  EXPECT_THAT(ReadFileOrEmpty(out_path_),
              ::testing::StartsWith(R"({"id":"o-1","qty":2,"_s3proc":)"));
}

TEST_F(JsonProcessorSchemaTest, AFailingDocumentIsRejectedWithThePath) {
  Status s = Run(R"({"id":"o-1","qty":0})");
  EXPECT_TRUE(s.IsRejected()) << s.ToString();
  EXPECT_EQ(s.message(),
            "does not match schema order.schema.json: /qty: 0 fails minimum: expected number "
            "greater than or equal to 1");
}

TEST_F(JsonProcessorSchemaTest, InvalidJsonIsRejectedAsBeforeTheSchemaIsTried) {
  Status s = Run(R"({"id":)");
  EXPECT_TRUE(s.IsRejected()) << s.ToString();
  EXPECT_THAT(s.message(), ::testing::Not(::testing::HasSubstr("schema")));
}

TEST_F(JsonProcessorSchemaTest, ADocumentOverTheSizeLimitIsRejectedUnread) {
  options_.max_document_bytes = 10;
  Status s = Run(R"({"id":"o-12345"})");
  EXPECT_TRUE(s.IsRejected()) << s.ToString();
  EXPECT_EQ(s.message(),
            "the document is 16 bytes, more than the 10 a document checked by a schema or filter "
            "may have");
}

TEST_F(JsonProcessorSchemaTest, TheTreeCountsAgainstTheMemoryBudget) {
  ProcessContext big = context_;
  big.source_size = 100 << 20;
  const uint64_t without = JsonProcessor().WorkingMemory(big);
  const uint64_t with = JsonProcessor(options_).WorkingMemory(big);
  EXPECT_EQ(with, kBufferedWorkingMemory + 3 * big.source_size +
                      JsonSchema::TreeBytesFor(big.source_size));
  EXPECT_GT(with, without);
}

}  // namespace
}  // namespace s3proc

namespace s3proc {
namespace {

// With a filter: its results are the output, each object enriched.
class JsonProcessorFilterTest : public ::testing::Test {
 protected:
  Status Run(const std::string& filter, std::string_view input, bool skip_empty = false) {
    auto compiled = JqFilter::Compile(filter);
    EXPECT_TRUE(compiled.ok()) << compiled.status().ToString();
    JsonProcessorOptions options;
    options.rules.filter = *compiled;
    options.rules.skip_empty = skip_empty;
    JsonProcessor processor(options);
    return processor.Process(dir_.WriteFile("in.json", input), out_path_, context_);
  }
  // The output with every "_s3proc" member's value shown as {}.
  std::string Output() const {
    std::string out = ReadFileOrEmpty(out_path_);
    for (size_t at = out.find("\"_s3proc\":{"); at != std::string::npos;
         at = out.find("\"_s3proc\":{", at + 1)) {
      const size_t open = at + 10, close = out.find('}', open);
      out.erase(open + 1, close - open - 1);
    }
    return out;
  }

  TempDir dir_;
  ProcessContext context_{"input/a.json", 0, "", "2026-11-28T16:04:06Z"};
  std::string out_path_ = (dir_.path() / "out.json").string();
};

TEST_F(JsonProcessorFilterTest, OneResultIsTheOutputDocument) {
  ASSERT_TRUE(Run("{order: .id, total: ([.items[].price] | add)}",
                  R"({"id":"o-1","items":[{"price":2},{"price":3}]})")
                  .ok());
  EXPECT_EQ(Output(), R"({"order":"o-1","total":5,"_s3proc":{}})");
}

TEST_F(JsonProcessorFilterTest, SeveralResultsAreWrittenAsNdjson) {
  ASSERT_TRUE(Run(".items[]", R"({"items":[{"sku":"a"},2,{"sku":"b"}]})").ok());
  EXPECT_EQ(Output(), "{\"sku\":\"a\",\"_s3proc\":{}}\n2\n{\"sku\":\"b\",\"_s3proc\":{}}\n");
}

TEST_F(JsonProcessorFilterTest, NoResultIsARejectionUnlessSkipped) {
  Status s = Run("select(.keep)", R"({"keep":false})");
  EXPECT_TRUE(s.IsRejected()) << s.ToString();
  EXPECT_EQ(s.message(), "the filter produced nothing");
  ASSERT_TRUE(Run("select(.keep)", R"({"keep":false})", /*skip_empty=*/true).ok());
  EXPECT_EQ(ReadFileOrEmpty(out_path_), "");
}

TEST_F(JsonProcessorFilterTest, AJqErrorRejectsWithJqsMessage) {
  Status s = Run(R"(if .qty < 1 then error("qty must be positive") else . end)", R"({"qty":0})");
  EXPECT_TRUE(s.IsRejected()) << s.ToString();
  EXPECT_EQ(s.message(), "jq: error: qty must be positive");
}

}  // namespace
}  // namespace s3proc
