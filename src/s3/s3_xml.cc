#include "s3/s3_xml.h"

#include <pugixml.hpp>

#include <algorithm>
#include <cstdlib>

#include "aws/uri_encode.h"

namespace s3proc {

namespace {

// encoding-type=url listings encode keys like HTML forms do: '+' stands for a space (a real
// '+' arrives as %2B) and %XX for a byte (botocore decodes them with unquote_plus).
std::string FormDecode(std::string_view in) {
  std::string spaced(in);
  std::replace(spaced.begin(), spaced.end(), '+', ' ');
  return UriDecode(spaced);
}

void AppendEscaped(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\r': out += "&#13;"; break;
      case '\n': out += "&#10;"; break;
      case '\t': out += "&#9;"; break;
      default: out.push_back(c);
    }
  }
}

bool Load(pugi::xml_document& doc, std::string_view body) {
  return doc.load_buffer(body.data(), body.size(),
                         pugi::parse_default | pugi::parse_ws_pcdata_single)
             .status == pugi::status_ok;
}

}  // namespace

S3ErrorBody ParseErrorBody(std::string_view body) {
  S3ErrorBody out;
  pugi::xml_document doc;
  if (body.empty() || !Load(doc, body)) return out;
  pugi::xml_node error = doc.child("Error");
  if (!error) return out;
  out.code = error.child_value("Code");
  out.message = error.child_value("Message");
  out.request_id = error.child_value("RequestId");
  return out;
}

Result<ListPage> ParseListObjectsV2(std::string_view body, bool url_encoded) {
  pugi::xml_document doc;
  if (!Load(doc, body) || !doc.child("ListBucketResult")) {
    return Status::Internal("ListObjectsV2: the answer is not a ListBucketResult document");
  }
  auto decode = [url_encoded](const char* s) {
    return url_encoded ? FormDecode(s) : std::string(s);
  };
  pugi::xml_node root = doc.child("ListBucketResult");
  ListPage page;
  page.truncated = std::string_view(root.child_value("IsTruncated")) == "true";
  // The continuation token is opaque and never URL-encoded by S3.
  page.next_continuation_token = root.child_value("NextContinuationToken");
  for (pugi::xml_node c : root.children("Contents")) {
    ObjectSummary o;
    o.key = decode(c.child_value("Key"));
    o.size = std::strtoull(c.child_value("Size"), nullptr, 10);
    o.etag = UnquoteEtag(c.child_value("ETag"));
    o.last_modified = c.child_value("LastModified");
    page.objects.push_back(std::move(o));
  }
  if (page.truncated && page.next_continuation_token.empty()) {
    return Status::Internal("ListObjectsV2: truncated page without a NextContinuationToken");
  }
  return page;
}

Result<std::vector<S3DeleteError>> ParseDeleteResult(std::string_view body) {
  pugi::xml_document doc;
  if (!Load(doc, body) || !doc.child("DeleteResult")) {
    return Status::Internal("DeleteObjects: the answer is not a DeleteResult document");
  }
  std::vector<S3DeleteError> out;
  for (pugi::xml_node e : doc.child("DeleteResult").children("Error")) {
    S3DeleteError f;
    f.object.key = e.child_value("Key");
    f.object.version_id = e.child_value("VersionId");
    f.code = e.child_value("Code");
    f.message = e.child_value("Message");
    out.push_back(std::move(f));
  }
  return out;
}

Result<std::string> ParseUploadId(std::string_view body) {
  pugi::xml_document doc;
  if (!Load(doc, body)) return Status::Internal("CreateMultipartUpload: unreadable answer");
  std::string id = doc.child("InitiateMultipartUploadResult").child_value("UploadId");
  if (id.empty()) return Status::Internal("CreateMultipartUpload: no UploadId in the answer");
  return id;
}

Result<std::string> ParseEtagResult(std::string_view body) {
  pugi::xml_document doc;
  if (!Load(doc, body)) return Status::Transient("unreadable answer (truncated?)");
  if (pugi::xml_node error = doc.child("Error")) {
    return Status::Transient(std::string("S3 reported ") + error.child_value("Code") +
                             " inside a 200 answer");
  }
  pugi::xml_node root = doc.first_child();
  return UnquoteEtag(root.child_value("ETag"));
}

std::string BuildDeleteRequest(const std::vector<ObjectId>& objects) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Delete><Quiet>true</Quiet>";
  for (const ObjectId& o : objects) {
    out += "<Object><Key>";
    AppendEscaped(out, o.key);
    out += "</Key>";
    if (!o.version_id.empty()) {
      out += "<VersionId>";
      AppendEscaped(out, o.version_id);
      out += "</VersionId>";
    } else if (!o.etag.empty()) {
      // Quoted, as S3 writes ETags in its own documents.
      out += "<ETag>\"";
      AppendEscaped(out, o.etag);
      out += "\"</ETag>";
    }
    out += "</Object>";
  }
  out += "</Delete>";
  return out;
}

std::string BuildCompleteMultipartUpload(const std::vector<std::string>& part_etags) {
  std::string out = "<CompleteMultipartUpload>";
  for (size_t i = 0; i < part_etags.size(); ++i) {
    out += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>\"";
    AppendEscaped(out, part_etags[i]);
    out += "\"</ETag></Part>";
  }
  out += "</CompleteMultipartUpload>";
  return out;
}

bool IsXmlSafe(std::string_view text) {
  for (unsigned char c : text) {
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return false;
  }
  return true;
}

std::string UnquoteEtag(std::string_view etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    etag = etag.substr(1, etag.size() - 2);
  }
  return std::string(etag);
}

}  // namespace s3proc
