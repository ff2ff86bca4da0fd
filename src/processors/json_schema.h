#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace s3proc {

// A JSON Schema (draft 7; draft 4 schemas mostly validate alike), loaded and compiled once and
// then shared: Check() is const and thread-safe. The valijson adapter: the only file that
// includes valijson.
class JsonSchema {
 public:
  // Reads, parses and compiles the schema in the file `path`. InvalidArgument naming the file
  // when it cannot be read, is not JSON, or is not a schema valijson accepts.
  static Result<std::shared_ptr<const JsonSchema>> Load(const std::string& path);
  // The same for a schema's text; `name` stands for it in messages.
  static Result<std::shared_ptr<const JsonSchema>> Parse(std::string_view text,
                                                         const std::string& name);

  ~JsonSchema();

  // OK when `document` (one valid JSON text) matches the schema; else Rejected with the first
  // kMaxReasons failures (see SchemaRejectionReason in json_schema_reason.h).
  Status Check(std::string_view document) const;

  static constexpr size_t kMaxReasons = 20;

  // The types the schema declares for a top-level property ("type" under "properties", as a
  // string or a list of strings); empty when it declares none. A CSV row's text values are
  // converted to them before the row is checked.
  const std::vector<std::string>& DeclaredTypes(const std::string& property) const;

  // The most memory the parse tree of a document of n bytes takes (nlohmann::json: about 10x
  // for numbers, up to about 23x for arrays of empty strings or objects, measured), so that
  // a caller can reserve it before Check().
  static constexpr uint64_t TreeBytesFor(uint64_t n) { return 24 * n; }

 private:
  struct Compiled;
  JsonSchema(std::string name, std::unique_ptr<Compiled> compiled,
             std::map<std::string, std::vector<std::string>> property_types);

  std::string name_;  // the file's name, in reasons
  std::unique_ptr<Compiled> compiled_;
  std::map<std::string, std::vector<std::string>> property_types_;
};

}  // namespace s3proc
