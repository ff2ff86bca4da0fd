#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace s3proc {

// The error taxonomy shared by every layer. A code exists only if callers act on it differently:
// kNotFound (gone: skip it), kPreconditionFailed (a conditional write lost a race),
// kAccessDenied (fix permissions; retrying will not help), kTransient (retry later; the input
// stays where it is), kInvalidArgument (bad input or configuration; retrying will not help),
// kIoError (local disk), kRejected (a processor refused the content: route to errors/),
// kInternal (a bug or an unexpected answer).
enum class StatusCode {
  kOk = 0,
  kNotFound,
  kPreconditionFailed,
  kAccessDenied,
  kTransient,
  kInvalidArgument,
  kIoError,
  kRejected,
  kInternal,
};

std::string_view StatusCodeName(StatusCode code);

// A Status is either OK or carries a code and a message that says what happened, to what, and,
// where we know it, what to do. Errors are values: no exceptions cross a layer boundary.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status PreconditionFailed(std::string m) {
    return {StatusCode::kPreconditionFailed, std::move(m)};
  }
  static Status AccessDenied(std::string m) { return {StatusCode::kAccessDenied, std::move(m)}; }
  static Status Transient(std::string m) { return {StatusCode::kTransient, std::move(m)}; }
  static Status InvalidArgument(std::string m) {
    return {StatusCode::kInvalidArgument, std::move(m)};
  }
  static Status IoError(std::string m) { return {StatusCode::kIoError, std::move(m)}; }
  static Status Rejected(std::string m) { return {StatusCode::kRejected, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  bool IsNotFound() const { return code_ == StatusCode::kNotFound; }
  bool IsPreconditionFailed() const { return code_ == StatusCode::kPreconditionFailed; }
  bool IsTransient() const { return code_ == StatusCode::kTransient; }
  bool IsRejected() const { return code_ == StatusCode::kRejected; }

  // Returns a copy whose message is "<context>: <message>", same code.
  Status WithContext(std::string_view context) const;

  // "NotFound: <message>", or "OK".
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

}  // namespace s3proc

// Returns early from the enclosing function when `expr` is not OK.
#define S3PROC_RETURN_IF_ERROR(expr)                   \
  do {                                                 \
    ::s3proc::Status s3proc_status__ = (expr);         \
    if (!s3proc_status__.ok()) return s3proc_status__; \
  } while (0)
