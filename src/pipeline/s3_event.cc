#include "pipeline/s3_event.h"

#include <nlohmann/json.hpp>

namespace s3proc {

namespace {

using nlohmann::json;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A string member, or "" when absent or not a string.
std::string StringAt(const json& object, const char* name) {
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Result<S3EventRecord> ParseRecord(const json& record, size_t index) {
  const std::string where = "record " + std::to_string(index) + ": ";
  if (!record.is_object()) return Status::InvalidArgument(where + "not a JSON object");
  auto s3 = record.find("s3");
  if (s3 == record.end() || !s3->is_object()) {
    return Status::InvalidArgument(where + "no \"s3\" member");
  }
  auto bucket = s3->find("bucket");
  auto object = s3->find("object");
  if (bucket == s3->end() || !bucket->is_object() || object == s3->end() || !object->is_object()) {
    return Status::InvalidArgument(where + "no s3.bucket or s3.object");
  }
  S3EventRecord out;
  out.event_name = StringAt(record, "eventName");
  out.bucket = StringAt(*bucket, "name");
  std::string encoded_key = StringAt(*object, "key");
  if (out.bucket.empty() || encoded_key.empty()) {
    return Status::InvalidArgument(where + "no bucket name or object key");
  }
  auto key = DecodeS3EventKey(encoded_key);
  if (!key.ok()) return key.status().WithContext(where + "object key");
  out.key = std::move(*key);
  auto size = object->find("size");
  if (size != object->end() && size->is_number_unsigned()) out.size = size->get<uint64_t>();
  out.etag = StringAt(*object, "eTag");
  if (out.etag.size() >= 2 && out.etag.front() == '"' && out.etag.back() == '"') {
    out.etag = out.etag.substr(1, out.etag.size() - 2);
  }
  out.version_id = StringAt(*object, "versionId");
  return out;
}

Result<S3EventMessage> ParseDocument(const json& doc, bool allow_sns) {
  if (!doc.is_object()) return Status::InvalidArgument("not a JSON object");
  if (StringAt(doc, "Event") == "s3:TestEvent") {
    S3EventMessage test;
    test.test_event = true;
    return test;
  }
  // S3 -> SNS -> SQS: the S3 event is the string in the envelope's "Message".
  if (allow_sns && StringAt(doc, "Type") == "Notification" && doc.contains("Message")) {
    json inner = json::parse(StringAt(doc, "Message"), nullptr, /*allow_exceptions=*/false);
    if (inner.is_discarded()) return Status::InvalidArgument("the SNS Message is not JSON");
    return ParseDocument(inner, /*allow_sns=*/false);
  }
  auto records = doc.find("Records");
  if (records == doc.end() || !records->is_array()) {
    return Status::InvalidArgument("no \"Records\" array: not an S3 event notification");
  }
  S3EventMessage out;
  for (size_t i = 0; i < records->size(); ++i) {
    S3PROC_ASSIGN_OR_RETURN(S3EventRecord record, ParseRecord((*records)[i], i));
    out.records.push_back(std::move(record));
  }
  return out;
}

}  // namespace

Result<std::string> DecodeS3EventKey(std::string_view encoded) {
  std::string out;
  out.reserve(encoded.size());
  for (size_t i = 0; i < encoded.size(); ++i) {
    char c = encoded[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c != '%') {
      out.push_back(c);
    } else {
      int hi = i + 2 < encoded.size() ? HexValue(encoded[i + 1]) : -1;
      int lo = hi >= 0 ? HexValue(encoded[i + 2]) : -1;
      if (lo < 0) {
        return Status::InvalidArgument("bad %-escape at byte " + std::to_string(i) + " of \"" +
                                       std::string(encoded) + "\"");
      }
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    }
  }
  return out;
}

Result<S3EventMessage> ParseS3EventMessage(std::string_view body) {
  json doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Status::InvalidArgument("the message body is not JSON");
  return ParseDocument(doc, /*allow_sns=*/true);
}

}  // namespace s3proc
