#include "sqs/sqs_errors.h"

#include <nlohmann/json.hpp>

#include "sqs/sqs_error_table.h"

namespace s3proc {
namespace {

std::string DefaultCode(long http_status) {
  switch (http_status) {
    case 400: return "BadRequest";
    case 403: return "Forbidden";
    case 404: return "NotFound";
    case 429: return "TooManyRequests";
    case 500: return "InternalFailure";
    case 503: return "ServiceUnavailable";
    default: return "HTTP" + std::to_string(http_status);
  }
}

// "com.amazonaws.sqs#QueueDoesNotExist" -> "QueueDoesNotExist"; some services append
// ":http://..." to the type, which is not part of the code either.
std::string ShortType(std::string type) {
  size_t hash = type.rfind('#');
  if (hash != std::string::npos) type.erase(0, hash + 1);
  size_t colon = type.find(':');
  if (colon != std::string::npos) type.erase(colon);
  return type;
}

std::string StringField(const nlohmann::json& j, const char* a, const char* b) {
  for (const char* name : {a, b}) {
    auto it = j.find(name);
    if (it != j.end() && it->is_string()) return it->get<std::string>();
  }
  return "";
}

}  // namespace

std::string_view SqsErrorBody::ClassifiedCode() const {
  if (IsKnownSqsErrorCode(query_code)) return query_code;
  if (IsKnownSqsErrorCode(type)) return type;
  return query_code.empty() ? std::string_view(type) : std::string_view(query_code);
}

std::string_view SqsErrorBody::ShownCode() const { return type.empty() ? query_code : type; }

SqsErrorBody ParseSqsErrorBody(const HttpResponse& response) {
  SqsErrorBody error;
  std::string_view header = response.Header("x-amzn-query-error");
  error.query_code = std::string(header.substr(0, header.find(';')));
  error.request_id = std::string(response.Header("x-amzn-requestid"));
  nlohmann::json body = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_object()) {
    error.type = ShortType(StringField(body, "__type", "code"));
    error.message = StringField(body, "message", "Message");
  }
  if (error.type.empty()) {
    // Some front ends put the type in a header instead of the body.
    error.type = ShortType(std::string(response.Header("x-amzn-errortype")));
  }
  return error;
}

Status MapSqsError(const SqsOperationInfo& op, long http_status, const SqsErrorBody& error) {
  std::string code(error.ShownCode());
  if (code.empty()) code = DefaultCode(http_status);
  std::string message = std::string(op.operation) + " " + op.queue + ": " + code + " (" +
                        std::to_string(http_status);
  if (!error.request_id.empty()) message += ", request id " + error.request_id;
  message += ")";
  if (!error.message.empty()) message += ": " + error.message;

  const SqsErrorClass what = ClassifySqsError(http_status, error.ClassifiedCode());
  if (what.names_iam_action) {
    message += ": the credentials need " + std::string(op.iam_action) + " on " + op.arn;
  } else if (!what.advice.empty()) {
    message += ": ";
    message += what.advice;
  }
  return Status(what.status_code, std::move(message));
}

}  // namespace s3proc
