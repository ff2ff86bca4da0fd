// The valijson adapter: the only file that includes valijson. valijson reports a schema it
// refuses by an exception only when VALIJSON_USE_EXCEPTIONS is set (else it aborts), and
// those exceptions are caught here.
#define VALIJSON_USE_EXCEPTIONS 1
#include "processors/json_schema.h"

#include <nlohmann/json.hpp>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include <exception>
#include <filesystem>

#include "common/file_io.h"
#include "processors/json_schema_reason.h"
#include "processors/json_schema_refs.h"

namespace s3proc {

struct JsonSchema::Compiled {
  valijson::Schema schema;
};

namespace {

// "properties": {"qty": {"type": "integer"}, "note": {"type": ["string", "null"]}} gives
// qty: [integer], note: [string, null].
std::map<std::string, std::vector<std::string>> PropertyTypes(const nlohmann::json& schema) {
  std::map<std::string, std::vector<std::string>> types;
  if (!schema.is_object()) return types;
  auto properties = schema.find("properties");
  if (properties == schema.end() || !properties->is_object()) return types;
  for (const auto& [name, property] : properties->items()) {
    if (!property.is_object()) continue;
    auto type = property.find("type");
    if (type == property.end()) continue;
    std::vector<std::string>& out = types[name];
    if (type->is_string()) out.push_back(type->get<std::string>());
    if (type->is_array()) {
      for (const auto& t : *type) {
        if (t.is_string()) out.push_back(t.get<std::string>());
      }
    }
  }
  return types;
}

// The draft a schema declares with "$schema": draft 4 or 7 (the default), or InvalidArgument
// for one valijson does not check (2019-09, 2020-12, draft 6 and older than 4): a schema read
// under other rules than it was written for would let documents through that it refuses.
Result<valijson::SchemaParser::Version> DraftOf(const nlohmann::json& schema,
                                                const std::string& name) {
  if (!schema.is_object()) return valijson::SchemaParser::kDraft7;
  auto declared = schema.find("$schema");
  if (declared == schema.end() || !declared->is_string()) return valijson::SchemaParser::kDraft7;
  const std::string uri = declared->get<std::string>();
  if (uri.find("draft-07") != std::string::npos) return valijson::SchemaParser::kDraft7;
  if (uri.find("draft-04") != std::string::npos) return valijson::SchemaParser::kDraft4;
  return Status::InvalidArgument("schema " + name + ": it declares \"$schema\": \"" + uri +
                                 "\"; s3proc checks draft 7 and draft 4 schemas (draft 2019-09 "
                                 "and 2020-12 are not supported)");
}

Result<std::string> ReadWhole(const std::string& path) {
  S3PROC_ASSIGN_OR_RETURN(ScopedFd fd, OpenForRead(path));
  std::string text;
  char buffer[64 * 1024];
  while (true) {
    S3PROC_ASSIGN_OR_RETURN(size_t n, ReadSome(fd.get(), buffer, sizeof buffer, path));
    if (n == 0) return text;
    text.append(buffer, n);
  }
}

}  // namespace

JsonSchema::JsonSchema(std::string name, std::unique_ptr<Compiled> compiled,
                       std::map<std::string, std::vector<std::string>> property_types)
    : name_(std::move(name)),
      compiled_(std::move(compiled)),
      property_types_(std::move(property_types)) {}

const std::vector<std::string>& JsonSchema::DeclaredTypes(const std::string& property) const {
  static const std::vector<std::string> kNone;
  auto it = property_types_.find(property);
  return it == property_types_.end() ? kNone : it->second;
}

JsonSchema::~JsonSchema() = default;

Result<std::shared_ptr<const JsonSchema>> JsonSchema::Load(const std::string& path) {
  Result<std::string> text = ReadWhole(path);
  if (!text.ok()) {
    return Status::InvalidArgument("schema " + path +
                                   ": cannot be read: " + text.status().message());
  }
  return Parse(*text, path);
}

Result<std::shared_ptr<const JsonSchema>> JsonSchema::Parse(std::string_view text,
                                                            const std::string& name) {
  nlohmann::json document = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) {
    return Status::InvalidArgument("schema " + name + ": not valid JSON");
  }
  S3PROC_ASSIGN_OR_RETURN(valijson::SchemaParser::Version draft, DraftOf(document, name));
  // Before valijson, which a reference that loops or leaves the file would crash.
  if (Status refs = CheckSchemaReferences(document); !refs.ok()) {
    return Status::InvalidArgument("schema " + name +
                                   ": not a JSON Schema s3proc can use: " + refs.message());
  }
  auto compiled = std::make_unique<Compiled>();
  try {
    valijson::SchemaParser parser(draft);
    valijson::adapters::NlohmannJsonAdapter adapter(document);
    parser.populateSchema(adapter, compiled->schema);
  } catch (const std::exception& e) {
    return Status::InvalidArgument("schema " + name +
                                   ": not a JSON Schema s3proc can use: " + e.what());
  }
  const std::string shown = std::filesystem::path(name).filename().string();
  return std::shared_ptr<const JsonSchema>(
      new JsonSchema(shown, std::move(compiled), PropertyTypes(document)));
}

Status JsonSchema::Check(std::string_view text) const {
  nlohmann::json document = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) return Status::Rejected("invalid JSON");
  // One per thread, kept: it caches each "pattern" compiled (std::regex), by its text, which a
  // validator made per document compiled again every time.
  thread_local valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter adapter(document);
  try {
    if (validator.validate(compiled_->schema, adapter, &results)) return Status::Ok();
  } catch (const std::exception& e) {
    return Status::Rejected("schema " + name_ + " could not be applied: " + e.what());
  }
  std::vector<SchemaFailure> failures;
  for (const valijson::ValidationResults::Error& e : results) {
    failures.push_back({e.context, e.description});
  }
  return Status::Rejected("does not match schema " + name_ + ": " +
                          SchemaRejectionReason(failures, document, kMaxReasons));
}

}  // namespace s3proc
