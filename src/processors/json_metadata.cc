#include "processors/json_metadata.h"

#include <nlohmann/json.hpp>

#include "common/hash.h"
#include "s3proc_version.h"

namespace s3proc {

SourceFacts SourceFactsFromBytes(const ProcessContext& context, std::string_view bytes) {
  if (!context.source_sha256.empty()) return {context.source_size, context.source_sha256};
  Sha256Hasher hash;
  hash.Update(bytes);
  return {bytes.size(), hash.HexDigest()};
}

Result<SourceFacts> SourceFactsFromFile(const ProcessContext& context, const std::string& path) {
  if (!context.source_sha256.empty())
    return SourceFacts{context.source_size, context.source_sha256};
  S3PROC_ASSIGN_OR_RETURN(ScopedFd fd, OpenForRead(path));
  Sha256Hasher hash;
  uint64_t size = 0;
  std::string buf(256 * 1024, '\0');
  for (;;) {
    S3PROC_ASSIGN_OR_RETURN(size_t n, ReadSome(fd.get(), buf.data(), buf.size(), path));
    if (n == 0) break;
    size += n;
    hash.Update(std::string_view(buf.data(), n));
  }
  return SourceFacts{size, hash.HexDigest()};
}

std::string MetadataMember(const ProcessContext& context, const SourceFacts& facts,
                           std::optional<uint64_t> line) {
  nlohmann::ordered_json meta;
  meta["source_key"] = context.source_key;
  meta["processed_at"] = context.processed_at;
  meta["size"] = facts.size;
  meta["sha256"] = facts.sha256_hex;
  meta["version"] = S3PROC_VERSION;
  if (line) meta["line"] = *line;
  std::string member;
  AppendJsonString(kMetadataMemberName, member);
  member.push_back(':');
  member += meta.dump(-1, ' ', /*ensure_ascii=*/false, nlohmann::json::error_handler_t::replace);
  return member;
}

Status WriteWithMember(std::string_view text, const JsonTextInfo& info, std::string_view member,
                       OutputFile& out) {
  if (!info.is_object) return out.Append(text);
  S3PROC_RETURN_IF_ERROR(out.Append(text.substr(0, info.insert_at)));
  if (!info.empty_object) S3PROC_RETURN_IF_ERROR(out.Append(","));
  S3PROC_RETURN_IF_ERROR(out.Append(member));
  return out.Append(text.substr(info.insert_at));
}

Status WriteEnriched(JsonValidator& validator, std::string& text, std::string_view member,
                     OutputFile& out) {
  const size_t size = text.size();
  text.reserve(size + kJsonPadding);
  S3PROC_ASSIGN_OR_RETURN(JsonTextInfo info, validator.Inspect(text.data(), size, text.capacity()));
  return WriteWithMember(text, info, member, out);
}

void AppendJsonString(std::string_view s, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 0xf]);
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
}

}  // namespace s3proc
