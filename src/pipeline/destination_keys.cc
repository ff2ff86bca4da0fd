#include "pipeline/destination_keys.h"

#include "common/hash.h"

namespace s3proc {

std::string FitKey(std::string_view prefix, std::string_view relative, std::string_view suffix) {
  std::string key = std::string(prefix) + std::string(relative) + std::string(suffix);
  if (key.size() <= kMaxKeyBytes) return key;
  std::string tag = "~" + Sha256Hex(relative).substr(0, 16);
  size_t room = kMaxKeyBytes - prefix.size() - suffix.size() - tag.size();
  size_t cut = std::min(room, relative.size());
  // Never split a UTF-8 sequence: back up over continuation bytes.
  while (cut > 0 && (static_cast<unsigned char>(relative[cut]) & 0xC0) == 0x80) --cut;
  return std::string(prefix) + std::string(relative.substr(0, cut)) + tag + std::string(suffix);
}

DestinationKeys DestinationsFor(const RunConfig& config, std::string_view input_key) {
  DestinationKeys d;
  d.relative = std::string(input_key.substr(config.input_prefix.size()));
  std::string output = config.output_prefix + d.relative;
  if (output.size() <= kMaxKeyBytes) d.output_key = std::move(output);
  d.error_key = FitKey(config.error_prefix, d.relative, "");
  d.reason_key = FitKey(config.error_prefix, d.relative, ".error.json");
  return d;
}

namespace {

constexpr size_t kEtagTagLength = 12;

bool IsTag(std::string_view text) {
  return text.size() == kEtagTagLength &&
         text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

}  // namespace

std::string EtagTag(std::string_view etag) {
  std::string_view head = etag.substr(0, kEtagTagLength);
  return IsTag(head) ? std::string(head) : Sha256Hex(etag).substr(0, kEtagTagLength);
}

std::optional<std::string> RenamedFrom(std::string_view relative) {
  if (relative.size() <= kEtagTagLength + 1) return std::nullopt;
  const size_t dot = relative.size() - kEtagTagLength - 1;
  if (relative[dot] != '.' || !IsTag(relative.substr(dot + 1))) return std::nullopt;
  return std::string(relative.substr(0, dot));
}

ErrorNames AlternativeErrorNames(const RunConfig& config, std::string_view relative,
                                 std::string_view etag) {
  const std::string tag = "." + EtagTag(etag);
  return {FitKey(config.error_prefix, relative, tag),
          FitKey(config.error_prefix, relative, tag + ".error.json")};
}

}  // namespace s3proc
