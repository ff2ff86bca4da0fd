#include "processors/json_schema.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "testutil/temp_dir.h"

namespace s3proc {
namespace {

using ::testing::HasSubstr;

constexpr char kOrderSchema[] = R"({
  "type": "object",
  "required": ["id", "items"],
  "properties": {
    "id": {"type": "string"},
    "a/b~c": {"enum": [1, 2]},
    "items": {"type": "array", "items": {
      "type": "object",
      "properties": {"qty": {"type": "integer", "minimum": 1},
                     "name": {"type": "string", "maxLength": 3}}}}
  }
})";

std::shared_ptr<const JsonSchema> Order() {
  auto schema = JsonSchema::Parse(kOrderSchema, "/etc/s3proc/order.schema.json");
  EXPECT_TRUE(schema.ok()) << schema.status().ToString();
  return schema.ok() ? *schema : nullptr;
}

TEST(JsonSchemaTest, AMatchingDocumentPasses) {
  EXPECT_TRUE(Order()->Check(R"({"id":"o-1","items":[{"qty":1,"name":"abc"}]})").ok());
}

TEST(JsonSchemaTest, AFailureNamesThePathTheValueTheKeywordAndTheLimit) {
  Status s = Order()->Check(R"({"id":"o-1","items":[{"qty":1},{"qty":2},{"qty":3},{"qty":0}]})");
  ASSERT_TRUE(s.IsRejected()) << s.ToString();
  EXPECT_EQ(s.message(),
            "does not match schema order.schema.json: /items/3/qty: 0 fails minimum: expected "
            "number greater than or equal to 1");
}

TEST(JsonSchemaTest, EveryFailureIsListedWithoutTheirParentsEcho) {
  Status s = Order()->Check(R"({"id":7,"a/b~c":3,"items":[{"name":"abcdef"}]})");
  ASSERT_TRUE(s.IsRejected()) << s.ToString();
  EXPECT_EQ(s.message(),
            "does not match schema order.schema.json: "
            "/a~1b~0c: 3 fails enum: failed to match against any enum values; "
            "/id: 7 fails type: value type not permitted by 'type' constraint; "
            "/items/0/name: \"abcdef\" fails maxLength: string should be no more than 3 "
            "characters in length");
}

TEST(JsonSchemaTest, AMissingPropertyIsReportedAtItsObject) {
  Status s = Order()->Check(R"({"items":[]})");
  ASSERT_TRUE(s.IsRejected()) << s.ToString();
  EXPECT_THAT(s.message(),
              HasSubstr("(root): an object fails required: missing required property 'id'"));
}

TEST(JsonSchemaTest, AtMostTwentyFailuresThenHowManyMore) {
  std::string items;
  for (int i = 0; i < 25; ++i) items += std::string(i ? "," : "") + "{\"qty\":0}";
  Status s = Order()->Check(R"({"id":"o","items":[)" + items + "]}");
  ASSERT_TRUE(s.IsRejected()) << s.ToString();
  EXPECT_THAT(s.message(), HasSubstr("/items/19/qty: 0 fails minimum"));
  EXPECT_THAT(s.message(), ::testing::Not(HasSubstr("/items/20/")));
  EXPECT_THAT(s.message(), ::testing::EndsWith("; and 5 more"));
  EXPECT_EQ(std::count(s.message().begin(), s.message().end(), ';'), 20);
}

TEST(JsonSchemaTest, LongValuesAreCut) {
  auto schema = JsonSchema::Parse(R"({"maxLength": 2})", "s.json");
  ASSERT_TRUE(schema.ok());
  Status s = (*schema)->Check("\"" + std::string(100, 'x') + "\"");
  EXPECT_THAT(s.message(), HasSubstr("(root): \"" + std::string(39, 'x') + "... fails maxLength"));
}

TEST(JsonSchemaTest, AFileThatIsNotAUsableSchemaIsAConfigurationErrorNamingIt) {
  testing::TempDir dir;
  auto missing = JsonSchema::Load((dir.path() / "nope.json").string());
  EXPECT_EQ(missing.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(missing.status().message(),
              HasSubstr("schema " + (dir.path() / "nope.json").string()));
  EXPECT_THAT(missing.status().message(), HasSubstr("cannot be read"));

  auto not_json = JsonSchema::Load(dir.WriteFile("bad.json", "{\"type\":"));
  EXPECT_EQ(not_json.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(not_json.status().message(), HasSubstr("bad.json: not valid JSON"));

  auto refused = JsonSchema::Load(dir.WriteFile("refused.json", R"({"type":"nope"})"));
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.status().message(), HasSubstr("refused.json: not a JSON Schema"));
  EXPECT_THAT(refused.status().message(), HasSubstr("nope"));

  auto good = JsonSchema::Load(dir.WriteFile("good.json", kOrderSchema));
  EXPECT_TRUE(good.ok()) << good.status().ToString();
}

// The draft a schema declares decides its rules; one s3proc cannot check is refused at load,
// not checked under other rules.
TEST(JsonSchemaTest, TheDeclaredDraftIsHonouredOrRefused) {
  // Draft 4's exclusiveMinimum is a flag beside minimum; draft 7's is a number of its own.
  auto draft4 = JsonSchema::Parse(R"({"$schema": "http://json-schema.org/draft-04/schema#",
      "minimum": 1, "exclusiveMinimum": true})",
                                  "d4.json");
  ASSERT_TRUE(draft4.ok()) << draft4.status().ToString();
  EXPECT_TRUE((*draft4)->Check("1").IsRejected());
  EXPECT_TRUE((*draft4)->Check("2").ok());
  auto draft7 = JsonSchema::Parse(R"({"$schema": "http://json-schema.org/draft-07/schema#",
      "exclusiveMinimum": 1})",
                                  "d7.json");
  ASSERT_TRUE(draft7.ok()) << draft7.status().ToString();
  EXPECT_TRUE((*draft7)->Check("1").IsRejected());

  auto newer = JsonSchema::Parse(R"({"$schema": "https://json-schema.org/draft/2020-12/schema"})",
                                 "/etc/s3proc/new.json");
  ASSERT_EQ(newer.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(newer.status().message(),
              HasSubstr("schema /etc/s3proc/new.json: it declares \"$schema\": "
                        "\"https://json-schema.org/draft/2020-12/schema\"; s3proc checks draft 7 "
                        "and draft 4 schemas"));
}

}  // namespace
}  // namespace s3proc
