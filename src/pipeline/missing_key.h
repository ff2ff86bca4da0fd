#pragma once

#include <string>

#include "common/status.h"
#include "store/object_store.h"

namespace s3proc {

// AWS S3 answers a HEAD or GET of a key that does not exist with 403 AccessDenied, not 404, when
// the caller may not list the bucket unconditionally. The Terraform module's instance role may
// list only under an s3:prefix condition, so on AWS every "is it there?" about a missing key
// comes back as 403.
//
// Returns `error` unchanged unless its code is kAccessDenied. Then lists `key` as a prefix (which
// such a policy allows) and returns kNotFound when `key` is not listed, so that the caller treats
// it as missing. When `key` is listed, or the listing fails too, returns `error`: the caller
// really lacks a permission, and the message says which.
Status ResolveAccessDenied(ObjectStore& store, const std::string& key, const Status& error);

}  // namespace s3proc
