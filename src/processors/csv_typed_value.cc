#include "processors/csv_typed_value.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "processors/json_metadata.h"

namespace s3proc {
namespace {

bool Declares(const std::vector<std::string>& types, std::string_view type) {
  return std::find(types.begin(), types.end(), type) != types.end();
}

// Whether the whole field is one JSON number (integer_only: without a fraction or exponent).
bool IsJsonNumber(std::string_view field, bool integer_only) {
  if (field.empty() || field.front() == ' ' || field.back() == ' ') return false;
  const nlohmann::json value = nlohmann::json::parse(field, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return false;
  return integer_only ? value.is_number_integer() : value.is_number();
}

}  // namespace

void AppendTypedCsvValue(std::string_view field, const std::vector<std::string>& types,
                         std::string& out) {
  if (!types.empty()) {
    const bool literal =
        (field.empty() && Declares(types, "null")) ||
        (Declares(types, "boolean") && (field == "true" || field == "false")) ||
        (Declares(types, "integer") && IsJsonNumber(field, /*integer_only=*/true)) ||
        (Declares(types, "number") && IsJsonNumber(field, /*integer_only=*/false));
    if (literal) {
      out += field.empty() ? std::string_view("null") : field;
      return;
    }
  }
  AppendJsonString(field, out);
}

}  // namespace s3proc
