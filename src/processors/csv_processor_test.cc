#include "processors/csv_processor.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "testutil/temp_dir.h"

namespace s3proc {
namespace {

using testing::ReadFileOrEmpty;
using testing::TempDir;

class CsvProcessorTest : public ::testing::Test {
 protected:
  Status Run(std::string_view input, size_t max_record = CsvProcessor::kDefaultMaxRecordBytes,
             RecordRules rules = {}) {
    std::string in = dir_.WriteFile("in.csv", input);
    out_path_ = (dir_.path() / "out.ndjson").string();
    CsvProcessor processor(max_record, std::move(rules));
    return processor.Process(in, out_path_, ProcessContext{"input/x.csv"});
  }
  std::vector<nlohmann::ordered_json> Rows() const {
    std::vector<nlohmann::ordered_json> rows;
    std::istringstream stream(ReadFileOrEmpty(out_path_));
    for (std::string line; std::getline(stream, line);) {
      rows.push_back(nlohmann::ordered_json::parse(line));
    }
    return rows;
  }
  void ExpectRejected(std::string_view input, std::string_view reason_part) {
    Status s = Run(input);
    EXPECT_TRUE(s.IsRejected()) << s.ToString();
    EXPECT_NE(s.message().find(reason_part), std::string::npos) << s.message();
  }

  TempDir dir_;
  std::string out_path_;
};

TEST_F(CsvProcessorTest, RowsBecomeObjectsInColumnOrder) {
  ASSERT_TRUE(Run("b,a,c\n1,2,3\nx,,\"z\"\n").ok());
  EXPECT_EQ(ReadFileOrEmpty(out_path_),
            "{\"b\":\"1\",\"a\":\"2\",\"c\":\"3\"}\n{\"b\":\"x\",\"a\":\"\",\"c\":\"z\"}\n");
}

TEST_F(CsvProcessorTest, QuotingEscapesAndEmbeddedNewlines) {
  ASSERT_TRUE(Run("name,note\r\n\"Smith, J\",\"said \"\"hi\"\"\r\nthen left\"\r\n"
                  "\"\",\"\\ back \\\\ \t tab\"\r\n")
                  .ok());
  auto rows = Rows();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0]["name"], "Smith, J");
  EXPECT_EQ(rows[0]["note"], "said \"hi\"\r\nthen left");
  EXPECT_EQ(rows[1]["name"], "");
  EXPECT_EQ(rows[1]["note"], "\\ back \\\\ \t tab");
}

TEST_F(CsvProcessorTest, LineEndingsAndEmptyLines) {
  ASSERT_TRUE(Run("a,b\n1,2\r\n\n\r\n3,4").ok());  // mixed endings, blank lines, no final EOL
  auto rows = Rows();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1]["a"], "3");
  ASSERT_TRUE(Run("a\n\"\"\n").ok());  // one empty value must be quoted
  ASSERT_EQ(Rows().size(), 1u);
  ASSERT_TRUE(Run("a,b\n1,2\r").ok());  // a lone CR at end of file ends the line
  ASSERT_EQ(Rows().size(), 1u);
}

TEST_F(CsvProcessorTest, HeaderOnlyGivesEmptyOutput) {
  ASSERT_TRUE(Run("a,b\n").ok());
  EXPECT_EQ(ReadFileOrEmpty(out_path_), "");
}

TEST_F(CsvProcessorTest, BomAndUnicode) {
  ASSERT_TRUE(Run("\xEF\xBB\xBFid,名前\n1,\"ü \xF0\x9F\x98\x80\"\n").ok());
  auto rows = Rows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["id"], "1");
  EXPECT_EQ(rows[0]["名前"], "ü \xF0\x9F\x98\x80");
}

TEST_F(CsvProcessorTest, ControlCharactersAreEscaped) {
  ASSERT_TRUE(Run("a\n\"x\x01y\"\n").ok());
  EXPECT_EQ(ReadFileOrEmpty(out_path_), "{\"a\":\"x\\u0001y\"}\n");
}

TEST_F(CsvProcessorTest, RaggedRows) {
  ExpectRejected("a,b,c,d\n1,2,3,4\n1,2,3\n", "row 3 (line 3) has 3 fields, header has 4");
  ExpectRejected("a,b\n\"multi\nline\",2\n1,2,3\n", "row 3 (line 4) has 3 fields, header has 2");
  ExpectRejected("a,b\n1\n", "row 2 (line 2) has 1 field, header has 2");
}

TEST_F(CsvProcessorTest, BadQuoting) {
  ExpectRejected("a,b\n1,\"open\n2,3\n", "row 2 (line 2): unterminated quoted field");
  ExpectRejected("a,b\n1,x\"y\n", "row 2 (line 2): quote inside an unquoted field");
  ExpectRejected("a,b\n1,\"x\"y\n", "row 2 (line 2): unexpected character after a closing quote");
  ExpectRejected("a,b\r1,2\n", "row 1 (line 1): carriage return");
}

TEST_F(CsvProcessorTest, BadHeaders) {
  ExpectRejected("", "empty input: no header row");
  ExpectRejected("\n\n", "empty input: no header row");
  ExpectRejected("a,,c\n", "column 2 has an empty name");
  ExpectRejected("a,b,a\n", "duplicate column name \"a\" (columns 1 and 3)");
}

TEST_F(CsvProcessorTest, InvalidUtf8) {
  ExpectRejected("a,b\n1,\xff\n", "row 2 (line 2): field 2 is not valid UTF-8");
  ExpectRejected("a,\xc0\xaf\n", "row 1 (line 1): field 2 is not valid UTF-8");
}

TEST_F(CsvProcessorTest, OverlongRecord) {
  Status s = Run("a\n" + std::string(500, 'x') + "\n", 100);
  EXPECT_TRUE(s.IsRejected());
  EXPECT_NE(s.message().find("row 2 (line 2): record longer than 100 bytes"), std::string::npos)
      << s.message();
}

TEST_F(CsvProcessorTest, ManyRowsAcrossReadBuffers) {
  std::string input = "id,text\n";
  for (int i = 0; i < 30000; ++i) input += std::to_string(i) + ",\"some, quoted\ntext\"\n";
  ASSERT_TRUE(Run(input).ok());
  auto rows = Rows();
  ASSERT_EQ(rows.size(), 30000u);
  EXPECT_EQ(rows.back()["id"], "29999");
  EXPECT_EQ(rows.back()["text"], "some, quoted\ntext");
}

std::shared_ptr<const JsonSchema> OrderRowSchema() {
  auto schema = JsonSchema::Parse(R"({
    "type": "object",
    "required": ["id", "qty"],
    "properties": {"id": {"type": "string"}, "qty": {"type": "integer", "minimum": 1},
                   "price": {"type": "number"}, "gift": {"type": "boolean"},
                   "note": {"type": ["string", "null"]}}
  })",
                                  "/etc/s3proc/order-row.schema.json");
  EXPECT_TRUE(schema.ok()) << schema.status().ToString();
  return schema.ok() ? *schema : nullptr;
}

// The columns whose type the schema declares are written as that type; the others stay text.
TEST_F(CsvProcessorTest, WithASchemaDeclaredTypesAreConverted) {
  ASSERT_TRUE(Run("id,qty,price,gift,note,other\n7,3,-0.5,true,,12\no-2,1,1e3,false,hi,x\n",
                  CsvProcessor::kDefaultMaxRecordBytes, {OrderRowSchema()})
                  .ok());
  EXPECT_EQ(
      ReadFileOrEmpty(out_path_),
      "{\"id\":\"7\",\"qty\":3,\"price\":-0.5,\"gift\":true,\"note\":null,\"other\":\"12\"}\n"
      "{\"id\":\"o-2\",\"qty\":1,\"price\":1e3,\"gift\":false,\"note\":\"hi\",\"other\":\"x\"}\n");
}

// A row that does not match rejects the file, naming the row, its line and the failure.
TEST_F(CsvProcessorTest, WithASchemaARowThatDoesNotMatchIsRejected) {
  Status s =
      Run("id,qty\na,2\nb,three\n", CsvProcessor::kDefaultMaxRecordBytes, {OrderRowSchema()});
  ASSERT_TRUE(s.IsRejected()) << s.ToString();
  EXPECT_EQ(s.message(),
            "row 3 (line 3): does not match schema order-row.schema.json: /qty: \"three\" fails "
            "type: value type not permitted by 'type' constraint");
  s = Run("id,qty\na,0\n", CsvProcessor::kDefaultMaxRecordBytes, {OrderRowSchema()});
  ASSERT_TRUE(s.IsRejected()) << s.ToString();
  EXPECT_EQ(s.message(),
            "row 2 (line 2): does not match schema order-row.schema.json: /qty: 0 fails minimum: "
            "expected number greater than or equal to 1");
  s = Run("id,qty\n 1,1 \n", CsvProcessor::kDefaultMaxRecordBytes, {OrderRowSchema()});
  ASSERT_TRUE(s.IsRejected()) << "a number with spaces around it is text: " << s.ToString();
}

// With a schema and a filter: each row is typed, checked, then reshaped.
TEST_F(CsvProcessorTest, WithAFilterEachRowIsReshaped) {
  auto filter = JqFilter::Compile("{id, total: (.qty * .price)}");
  ASSERT_TRUE(filter.ok()) << filter.status().ToString();
  ASSERT_TRUE(Run("id,qty,price\na,2,1.5\nb,1,4\n", CsvProcessor::kDefaultMaxRecordBytes,
                  {OrderRowSchema(), *filter})
                  .ok());
  EXPECT_EQ(ReadFileOrEmpty(out_path_), "{\"id\":\"a\",\"total\":3}\n{\"id\":\"b\",\"total\":4}\n");
  Status s = Run("id,qty,price\na,2,x\n", CsvProcessor::kDefaultMaxRecordBytes, {nullptr, *filter});
  ASSERT_TRUE(s.IsRejected()) << s.ToString();
  EXPECT_EQ(s.message(),
            "row 2 (line 2): jq: error: string (\"2\") and string (\"x\") cannot be "
            "multiplied");
}

}  // namespace
}  // namespace s3proc
