#include "processors/json_schema_refs.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "processors/json_schema.h"

namespace s3proc {
namespace {

using ::testing::HasSubstr;

// Through JsonSchema::Parse, as a run loads a route's schema: these schemas used to end the
// process in valijson (a stack overflow) instead of being a configuration error.
Status Refused(const std::string& schema) {
  auto parsed = JsonSchema::Parse(schema, "/etc/s3proc/x.schema.json");
  EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument) << schema;
  return parsed.status();
}

std::shared_ptr<const JsonSchema> Parsed(const std::string& schema) {
  auto parsed = JsonSchema::Parse(schema, "x.schema.json");
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
  return parsed.ok() ? *parsed : nullptr;
}

TEST(JsonSchemaRefsTest, AReferenceToAnotherFileIsRefused) {
  EXPECT_EQ(Refused(R"({"$ref": "other.json"})").message(),
            "schema /etc/s3proc/x.schema.json: not a JSON Schema s3proc can use: at (root): "
            "\"$ref\": \"other.json\" refers to another file: a schema can only refer to itself "
            "(\"#/...\")");
  // valijson would read this one's pointer in this file.
  EXPECT_THAT(Refused(R"({"properties": {"a": {"$ref": "types.json#/definitions/id"}},
                          "definitions": {"id": {"type": "string"}}})")
                  .message(),
              HasSubstr("at /properties/a: \"$ref\": \"types.json#/definitions/id\" refers to "
                        "another file"));
}

TEST(JsonSchemaRefsTest, AChainOfReferencesThatComesBackIsRefused) {
  EXPECT_THAT(Refused(R"({"$ref": "#"})").message(),
              HasSubstr("at (root): the \"$ref\" chain \"#\" comes back to itself"));
  EXPECT_THAT(Refused(R"({"properties": {"x": {"$ref": "#/definitions/a"}},
                          "definitions": {"a": {"$ref": "#/definitions/b"},
                                          "b": {"$ref": "#/definitions/a"}}})")
                  .message(),
              HasSubstr("at /properties/x: the \"$ref\" chain \"#/definitions/a\" -> "
                        "\"#/definitions/b\" -> \"#/definitions/a\" comes back to itself"));
  EXPECT_THAT(
      Refused(R"({"$ref": "#/definitions/a", "definitions": {"a": {"$ref": "#"}}})").message(),
      HasSubstr("comes back to itself"));
}

TEST(JsonSchemaRefsTest, ARecursiveSchemaIsNoLoop) {
  // A tree: each node's children are trees. The reference is inside a schema, not a chain.
  auto tree = Parsed(R"({"type": "object", "properties": {
                          "name": {"type": "string"},
                          "children": {"type": "array", "items": {"$ref": "#"}}}})");
  ASSERT_NE(tree, nullptr);
  EXPECT_TRUE(tree->Check(R"({"name":"a","children":[{"name":"b","children":[]}]})").ok());
  EXPECT_EQ(tree->Check(R"({"name":"a","children":[{"name":1}]})").message(),
            "does not match schema x.schema.json: /children/0/name: 1 fails type: value type "
            "not permitted by 'type' constraint");
}

TEST(JsonSchemaRefsTest, EscapedPointersResolveAsValijsonReadsThem) {
  auto escaped = Parsed(R"({"properties": {"a": {"$ref": "#/definitions/a%20b"},
                                           "b": {"$ref": "#/definitions/c~1d~0e"}},
                            "definitions": {"a b": {"type": "string"},
                                            "c/d~e": {"type": "integer"}}})");
  ASSERT_NE(escaped, nullptr);
  EXPECT_TRUE(escaped->Check(R"({"a":"x","b":1})").ok());
  EXPECT_TRUE(escaped->Check(R"({"a":1})").IsRejected());
  EXPECT_TRUE(escaped->Check(R"({"b":"x"})").IsRejected());
}

TEST(JsonSchemaRefsTest, AReferenceThatDoesNotResolveIsValijsonsToRefuse) {
  EXPECT_THAT(Refused(R"({"$ref": "#/definitions/missing"})").message(),
              HasSubstr("not a JSON Schema s3proc can use: Expected reference token"));
}

std::string Nested(size_t depth) {
  std::string schema;
  for (size_t i = 0; i < depth; ++i) schema += R"({"not":)";
  schema += "{}";
  return schema + std::string(depth, '}');
}

TEST(JsonSchemaRefsTest, SchemasNestedTooDeepAreRefused) {
  EXPECT_NE(Parsed(Nested(kMaxSchemaDepth)), nullptr);
  EXPECT_THAT(Refused(Nested(20000)).message(),
              HasSubstr("not a JSON Schema s3proc can use: subschemas nested more than 128 deep"));
  std::string pointer = "#";
  for (size_t i = 0; i <= kMaxSchemaDepth; ++i) pointer += "/";
  EXPECT_THAT(Refused(R"({"$ref": "#/a)" + pointer.substr(1) + R"(b", "a": {"b": {}}})").message(),
              HasSubstr("has more than 128 parts"));
}

}  // namespace
}  // namespace s3proc
