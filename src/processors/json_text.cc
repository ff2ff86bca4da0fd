#include "processors/json_text.h"

#include <simdjson.h>

#include <cstdio>
#include <exception>
#include <nlohmann/json.hpp>

namespace s3proc {
namespace {

static_assert(kJsonPadding >= simdjson::SIMDJSON_PADDING);

bool IsJsonWhitespace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Finds where a metadata member goes in a valid object text: just after the last value, so that
// the output reads `{"a":1,"_s3proc":{...}}` and keeps any whitespace before the closing brace.
JsonTextInfo ObjectInfo(std::string_view text) {
  JsonTextInfo info;
  info.is_object = true;
  size_t close = text.size();
  while (close > 0 && IsJsonWhitespace(text[close - 1])) --close;
  --close;  // the final '}' (the text is a valid object)
  size_t prev = close;
  while (prev > 0 && IsJsonWhitespace(text[prev - 1])) --prev;
  // No JSON value ends in '{', so the byte before the closing brace is '{' only when empty.
  info.empty_object = prev > 0 && text[prev - 1] == '{';
  info.insert_at = prev;
  return info;
}

// A SAX handler that only checks: depth, the top-level type, and a top-level "_s3proc" key.
class CheckingSax : public nlohmann::json_sax<nlohmann::json> {
 public:
  bool null() override { return Value(); }
  bool boolean(bool) override { return Value(); }
  bool number_integer(number_integer_t) override { return Value(); }
  bool number_unsigned(number_unsigned_t) override { return Value(); }
  bool number_float(number_float_t, const string_t&) override { return Value(); }
  bool string(string_t&) override { return Value(); }
  bool binary(binary_t&) override { return Value(); }
  bool start_object(std::size_t) override {
    if (depth_ == 0) top_is_object_ = true;
    return Open();
  }
  bool key(string_t& k) override {
    if (depth_ == 1 && top_is_object_ && k == kMetadataMemberName) has_metadata_ = true;
    return true;
  }
  bool end_object() override {
    --depth_;
    return true;
  }
  bool start_array(std::size_t) override { return Open(); }
  bool end_array() override {
    --depth_;
    return true;
  }
  bool parse_error(std::size_t, const std::string&,
                   const nlohmann::detail::exception& ex) override {
    std::string what = ex.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 3: syntax error ..."
    size_t prefix_end = what.find("] ");
    if (prefix_end != std::string::npos) what.erase(0, prefix_end + 2);
    reason_ = "invalid JSON: " + SanitizeForMessage(what, 300);
    return false;
  }

  bool top_is_object() const { return top_is_object_; }
  bool has_metadata() const { return has_metadata_; }
  const std::string& reason() const { return reason_; }

 private:
  bool Value() { return true; }
  bool Open() {
    if (++depth_ > kMaxJsonDepth) {
      reason_ = TooDeepReason();
      return false;
    }
    return true;
  }

  size_t depth_ = 0;
  bool top_is_object_ = false;
  bool has_metadata_ = false;
  std::string reason_;
};

std::string SimdjsonReason(simdjson::error_code error) {
  switch (error) {
    case simdjson::UTF8_ERROR: return "invalid JSON: not valid UTF-8";
    case simdjson::DEPTH_ERROR: return TooDeepReason();
    case simdjson::UNESCAPED_CHARS: return "invalid JSON: unescaped control character in a string";
    case simdjson::CAPACITY: return "JSON document too large (simdjson handles up to 4 GiB)";
    default: return std::string("invalid JSON: ") + simdjson::error_message(error);
  }
}

}  // namespace

JsonValidator::JsonValidator() : parser_(std::make_unique<simdjson::dom::parser>()) {}
JsonValidator::~JsonValidator() = default;

Result<JsonTextInfo> JsonValidator::Inspect(const char* text, size_t size, size_t capacity) {
  std::string_view view(text, size);
  auto parsed = parser_->parse(simdjson::padded_string_view(text, size, capacity));
  simdjson::error_code error = parsed.error();
  if (error == simdjson::SUCCESS) {
    simdjson::dom::element root = parsed.value_unsafe();
    if (!root.is_object()) return JsonTextInfo{};
    for (simdjson::dom::key_value_pair member :
         simdjson::dom::object(root.get_object().value_unsafe())) {
      if (member.key == kMetadataMemberName) return Status::Rejected(DuplicateMetadataReason());
    }
    return ObjectInfo(view);
  }
  if (error == simdjson::EMPTY) return Status::Rejected("empty input: no JSON value");
  if (error == simdjson::MEMALLOC) return Status::Internal("simdjson: out of memory");
  if (error == simdjson::CAPACITY || error == simdjson::DEPTH_ERROR) {
    return Status::Rejected(SimdjsonReason(error));
  }
  // simdjson does not say where the error is, and refuses integers wider than 64 bits, which
  // RFC 8259 allows: ask nlohmann's (non-recursive) SAX parser for a second opinion. It takes a
  // NUL byte for the end of the text ("7\0junk" would pass), and no JSON text holds one raw.
  if (size_t nul = view.find('\0'); nul != std::string_view::npos) {
    return Status::Rejected("invalid JSON: a NUL byte at byte " + std::to_string(nul + 1));
  }
  CheckingSax sax;
  bool accepted = false;
  try {
    accepted = nlohmann::json::sax_parse(view.begin(), view.end(), &sax,
                                         nlohmann::json::input_format_t::json, /*strict=*/true);
  } catch (const std::exception& e) {
    return Status::Rejected("invalid JSON: " + SanitizeForMessage(e.what(), 300));
  }
  if (!accepted) {
    return Status::Rejected(sax.reason().empty() ? SimdjsonReason(error) : sax.reason());
  }
  if (error != simdjson::NUMBER_ERROR) {
    return Status::Rejected(SimdjsonReason(error));  // the parsers disagree: stay strict
  }
  if (!sax.top_is_object()) return JsonTextInfo{};
  if (sax.has_metadata()) return Status::Rejected(DuplicateMetadataReason());
  return ObjectInfo(view);
}

std::string DuplicateMetadataReason() {
  return "the top-level object already has a \"" + std::string(kMetadataMemberName) +
         "\" member, where s3proc writes its metadata; rename or remove it";
}

std::string TooDeepReason() {
  return "invalid JSON: nested deeper than " + std::to_string(kMaxJsonDepth) + " levels";
}

size_t Utf8BomLength(std::string_view text) { return text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0; }

std::string SanitizeForMessage(std::string_view bytes, size_t max_bytes) {
  std::string out;
  for (unsigned char c : bytes) {
    if (out.size() >= max_bytes) {
      out += "...";
      break;
    }
    if (c >= 0x20 && c < 0x7f) {
      out.push_back(static_cast<char>(c));
    } else {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    }
  }
  return out;
}

}  // namespace s3proc
