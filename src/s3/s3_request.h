#pragma once

// Internal to src/s3: the shape of one request handed to S3Client::Execute.

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "http/http_client.h"
#include "s3/s3_client.h"
#include "s3/s3_errors.h"

namespace s3proc {

struct S3Client::Request {
  S3OperationInfo op;
  std::string method;
  std::string bucket;
  std::string key;
  std::vector<std::pair<std::string, std::string>> query;  // decoded
  HttpHeaders headers;                                     // besides host and x-amz-* auth
  HttpBody body;
  // Hex SHA-256 of the body; computed from body.data when empty (in-memory bodies only).
  std::string payload_sha256;
  // Called before each attempt, first and retried alike: an error ends the request (a copy
  // looks whether an earlier attempt, its answer lost, already stored it).
  std::function<Status()> before_attempt;
  // Called before each attempt: returns where a 2xx body goes for this attempt (a GET reopens
  // and truncates its file), or an error that ends the request.
  std::function<Result<std::function<Status(std::string_view)>>()> open_sink;
  // Called after a 2xx answer: a kTransient result makes the attempt count as failed and
  // retried (e.g. a body whose MD5 does not match its ETag); any other error ends the request.
  std::function<Status(const HttpResponse&)> verify;
};

}  // namespace s3proc

namespace s3proc {

// Reads ETag, x-amz-version-id, Content-Length, Last-Modified, Content-Type and x-amz-meta-*
// from a response (defined in s3_object_get.cc).
ObjectInfo ObjectInfoFromHeaders(const std::string& key, const HttpResponse& response);

// True when an ETag is the MD5 of the content: a single-part upload not encrypted with KMS or a
// customer key (AWS documents that other ETags are not MD5s).
bool EtagIsContentMd5(const std::string& etag, const HttpResponse& response);

// Adds a PUT's conditions (If-None-Match, If-Match), Content-Type and x-amz-meta-* headers
// (defined in s3_object_put.cc).
void AddPutHeaders(const PutOptions& options, HttpHeaders& headers);

}  // namespace s3proc
