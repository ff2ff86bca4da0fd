#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/object_types.h"

namespace s3proc {

// What s3proc writes for an input, each under its own key (see destination_keys.h).
enum class Role {
  kOutput,     // output_prefix + relative key: the processed content
  kErrorCopy,  // under error_prefix: the input's bytes, unchanged
  kReason,     // the error copy's key + ".error.json": why it was rejected
};

// "output", "error-copy" or "reason": the value of the s3proc-role metadata.
std::string_view RoleName(Role role);

// The user metadata on every object s3proc writes, naming what it is and what it came from:
//   s3proc-role               RoleName(role)
//   s3proc-source-key-sha256  hex SHA-256 of the input's key (a key may hold any byte; metadata
//                             values may not)
//   s3proc-source-etag        the ETag of the input version it came from
//   s3proc-source-version     that version's id (versioned buckets only)
// and, on an output that replaced an earlier version's, s3proc-replaced-source-version.
std::vector<std::pair<std::string, std::string>> ProvenanceMetadata(Role role,
                                                                    std::string_view input_key,
                                                                    const ObjectInfo& source);

// How an object found where s3proc is about to store something for an input relates to it.
enum class Ownership {
  kForeign,       // not written by s3proc in this role for this input: never replaced
  kOtherVersion,  // written in this role for this input key, from other content (another ETag)
  kThisVersion,   // written in this role for this very input version
};

// What the object s3proc means to store at `found`'s key would be.
struct Destination {
  Role role;
  // The key is the input's first-choice name for `role` (not a renamed one, see
  // AlternativeErrorNames). Objects written before roles were recorded (s3proc-source-etag but no
  // s3proc-role) stood only under first-choice names of outputs and error copies, so only there
  // is such an object taken for this input's, in `role`; reasons carried no metadata then, so an
  // old reason is foreign, as is anything else without s3proc-source-etag.
  bool first_choice;
  std::string_view input_key;
  std::string_view source_etag;
  std::string_view source_version = {};  // empty on an unversioned bucket
};

// Reads `found`'s metadata (from a HEAD) against what would be stored there.
Ownership OwnershipOf(const ObjectInfo& found, const Destination& destination);

// The version id of the input `found` was written from (s3proc-source-version); empty on an
// unversioned bucket or when it is not recorded.
std::string SourceVersionOf(const ObjectInfo& found);

// An output that replaces `found` (the output of an earlier version of the same input, on a
// versioned bucket) records that version: s3proc-replaced-source-version. Empty when `found`
// names no version.
std::vector<std::pair<std::string, std::string>> ReplacedMetadata(const ObjectInfo& found);

// The earlier input version the output `found` replaced; empty when none is recorded.
std::string ReplacedSourceVersionOf(const ObjectInfo& found);

}  // namespace s3proc
