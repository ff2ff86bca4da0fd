#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "s3/s3_types.h"

namespace s3proc {

// The S3 XML documents s3proc reads and writes. Only this file pair knows XML (pugixml).

// An <Error> body. Fields are empty when absent (RGW leaves <Message> empty).
struct S3ErrorBody {
  std::string code;
  std::string message;
  std::string request_id;
};

// Parses an error body; returns empty fields for a body that is not S3 error XML (HEAD
// responses have no body at all).
S3ErrorBody ParseErrorBody(std::string_view body);

// Parses a ListBucketResult (ListObjectsV2). With `url_encoded` (encoding-type=url was sent),
// keys, prefixes and tokens are decoded. Returns kInternal for a body that is not one.
Result<ListPage> ParseListObjectsV2(std::string_view body, bool url_encoded);

// Parses a DeleteResult (DeleteObjects, quiet or not): only the failures are returned.
Result<std::vector<S3DeleteError>> ParseDeleteResult(std::string_view body);

// <InitiateMultipartUploadResult><UploadId>.
Result<std::string> ParseUploadId(std::string_view body);

// CompleteMultipartUploadResult or CopyObjectResult: the ETag (quotes removed), or kTransient
// for an <Error> inside a 200 response (S3 can report a late failure that way).
Result<std::string> ParseEtagResult(std::string_view body);

// Builds a <Delete> document for DeleteObjects, quiet mode: an <ETag> condition for each object
// that has one and no version id.
// REQUIRES: every key is representable in XML 1.0 (see IsXmlSafe).
std::string BuildDeleteRequest(const std::vector<ObjectId>& objects);

// Builds a <CompleteMultipartUpload> document; part numbers are 1-based in order.
std::string BuildCompleteMultipartUpload(const std::vector<std::string>& part_etags);

// False for keys holding characters XML 1.0 cannot carry (most C0 controls): such keys must be
// deleted one by one.
bool IsXmlSafe(std::string_view text);

// Strips surrounding double quotes from an ETag.
std::string UnquoteEtag(std::string_view etag);

}  // namespace s3proc
