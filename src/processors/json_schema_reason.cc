#include "processors/json_schema_reason.h"

#include <cctype>
#include <nlohmann/json.hpp>
#include <string_view>
#include <utility>

namespace s3proc {
namespace {

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// valijson's descriptions of failures that only pass on a child's failure, reported beside it.
bool OnlyPassesOnAChild(std::string_view description) {
  for (std::string_view wrapper :
       {"Failed to validate item #", "Failed to validate against schema associated with property",
        "Failed to validate against schema associated with pattern",
        "Failed to validate against additional properties schema",
        "Failed to validate against child schema #",
        "Failed to validate against dependent schema"}) {
    if (StartsWith(description, wrapper)) return true;
  }
  return false;
}

// The schema keyword a valijson description stands for (valijson does not name most of them).
// Longer prefixes first: "... or equal to" before "...".
std::string_view KeywordOf(std::string_view description) {
  static const std::pair<std::string_view, std::string_view> kKeywords[] = {
      {"Expected number greater than or equal to", "minimum"},
      {"Expected number greater than", "exclusiveMinimum"},
      {"Expected number less than or equal to", "maximum"},
      {"Expected number less than", "exclusiveMaximum"},
      {"String should be no more than", "maxLength"},
      {"String should be no fewer than", "minLength"},
      {"Array should contain no more than", "maxItems"},
      {"Array should contain no fewer than", "minItems"},
      {"Array contains more items than allowed", "additionalItems"},
      {"Object should have no more than", "maxProperties"},
      {"Object should have no fewer than", "minProperties"},
      {"Value should be a multiple of", "multipleOf"},
      {"Missing required property", "required"},
      {"Missing dependency", "dependencies"},
      {"Failed to match against any enum values", "enum"},
      {"Value type not permitted by 'type'", "type"},
      {"Failed to match regex specified by 'pattern'", "pattern"},
      {"Object contains a property that could not be validated", "additionalProperties"},
      {"String should be a valid", "format"},
      {"Failed to match expected value set by 'const'", "const"},
      {"Failed to validate against any schemas allowed by anyOf", "anyOf"},
      {"Failed to validate against exactly one child schema", "oneOf"},
      {"Target should not validate against schema specified in 'not'", "not"},
      {"Failed to any values against subschema in 'contains'", "contains"},
      {"Elements at indexes #", "uniqueItems"},
  };
  for (const auto& [prefix, keyword] : kKeywords) {
    if (StartsWith(description, prefix)) return keyword;
  }
  return {};
}

// "Expected number greater than or equal to 1.000000." -> "expected number greater than or
// equal to 1": valijson prints limits with std::to_string's six decimals.
std::string Tidied(std::string_view description) {
  std::string out;
  for (size_t i = 0; i < description.size(); ++i) {
    const char c = description[i];
    const bool decimals =
        c == '.' && i > 0 && std::isdigit(static_cast<unsigned char>(description[i - 1])) &&
        i + 1 < description.size() && std::isdigit(static_cast<unsigned char>(description[i + 1]));
    if (!decimals) {
      out += c;
      continue;
    }
    size_t end = i + 1;
    while (end < description.size() && std::isdigit(static_cast<unsigned char>(description[end]))) {
      ++end;
    }
    std::string_view fraction = description.substr(i + 1, end - i - 1);
    while (!fraction.empty() && fraction.back() == '0') fraction.remove_suffix(1);
    if (!fraction.empty()) out += "." + std::string(fraction);
    i = end - 1;
  }
  if (!out.empty() && out.back() == '.') out.pop_back();
  if (!out.empty()) out[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[0])));
  return out;
}

// "[items]" -> "items"; valijson wraps every step of a path in brackets.
std::string StepName(const std::string& step) {
  if (step.size() >= 2 && step.front() == '[' && step.back() == ']') {
    return step.substr(1, step.size() - 2);
  }
  return step;
}

// The document's value at a valijson path, or null when the path does not lead to one.
const nlohmann::json* ValueAt(const std::vector<std::string>& context,
                              const nlohmann::json& document) {
  const nlohmann::json* node = &document;
  for (size_t i = 1; i < context.size(); ++i) {  // context[0] is "<root>"
    const std::string name = StepName(context[i]);
    if (node->is_object()) {
      auto it = node->find(name);
      if (it == node->end()) return nullptr;
      node = &*it;
    } else if (node->is_array()) {
      size_t index = 0;
      if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) return nullptr;
      index = std::stoul(name);
      if (index >= node->size()) return nullptr;
      node = &(*node)[index];
    } else {
      return nullptr;
    }
  }
  return node;
}

std::string JsonPointer(const std::vector<std::string>& context) {
  std::string pointer;
  for (size_t i = 1; i < context.size(); ++i) {
    pointer += '/';
    for (char c : StepName(context[i])) {
      if (c == '~') {
        pointer += "~0";
      } else if (c == '/') {
        pointer += "~1";
      } else {
        pointer += c;
      }
    }
  }
  return pointer.empty() ? "(root)" : pointer;
}

// A value as a reason shows it: a scalar as written (long ones cut), a container by its kind.
std::string Shown(const nlohmann::json& value) {
  if (value.is_object()) return "an object";
  if (value.is_array()) return "an array";
  constexpr size_t kMaxShown = 40;
  std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (text.size() <= kMaxShown) return text;
  size_t cut = kMaxShown;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // UTF-8
  return text.substr(0, cut) + "...";
}

std::string Clause(const SchemaFailure& failure, const nlohmann::json& document) {
  std::string clause = JsonPointer(failure.context) + ":";
  if (const nlohmann::json* value = ValueAt(failure.context, document)) {
    clause += " " + Shown(*value);
  }
  std::string_view keyword = KeywordOf(failure.description);
  if (!keyword.empty()) clause += " fails " + std::string(keyword);
  if (clause.back() != ':') clause += ":";
  return clause + " " + Tidied(failure.description);
}

}  // namespace

std::string SchemaRejectionReason(const std::vector<SchemaFailure>& failures,
                                  const nlohmann::json& document, size_t max_reasons) {
  std::vector<const SchemaFailure*> kept;
  for (const SchemaFailure& f : failures) {
    if (!OnlyPassesOnAChild(f.description)) kept.push_back(&f);
  }
  if (kept.empty()) {  // never an empty reason
    for (const SchemaFailure& f : failures) kept.push_back(&f);
  }
  std::string reason;
  for (size_t i = 0; i < kept.size() && i < max_reasons; ++i) {
    if (i > 0) reason += "; ";
    reason += Clause(*kept[i], document);
  }
  if (kept.size() > max_reasons) {
    reason += "; and " + std::to_string(kept.size() - max_reasons) + " more";
  }
  return reason;
}

}  // namespace s3proc
