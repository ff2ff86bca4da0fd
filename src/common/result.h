#pragma once

#include <cassert>
#include <optional>
#include <utility>

#include "common/status.h"

namespace s3proc {

// Result<T> holds either a T or a non-OK Status.
// REQUIRES: constructed from a non-OK Status when it carries no value.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}         // NOLINT(google-explicit-constructor)
  Result(Status status) : status_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!status_.ok());
    if (status_.ok()) status_ = Status::Internal("Result built from an OK status without a value");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  T& value() & {
    assert(ok());
    return *value_;
  }
  const T& value() const& {
    assert(ok());
    return *value_;
  }
  T&& value() && {
    assert(ok());
    return std::move(*value_);
  }

  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace s3proc

#define S3PROC_CONCAT_INNER(a, b) a##b
#define S3PROC_CONCAT(a, b) S3PROC_CONCAT_INNER(a, b)

// S3PROC_ASSIGN_OR_RETURN(auto x, Foo()); returns Foo()'s Status from the enclosing function
// when it failed, otherwise moves its value into x.
#define S3PROC_ASSIGN_OR_RETURN(lhs, expr)                    \
  auto S3PROC_CONCAT(s3proc_result__, __LINE__) = (expr);     \
  if (!S3PROC_CONCAT(s3proc_result__, __LINE__).ok())         \
    return S3PROC_CONCAT(s3proc_result__, __LINE__).status(); \
  lhs = std::move(S3PROC_CONCAT(s3proc_result__, __LINE__)).value()
