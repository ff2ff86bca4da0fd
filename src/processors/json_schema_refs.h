#pragma once

#include <cstddef>
#include <nlohmann/json_fwd.hpp>

#include "common/result.h"

namespace s3proc {

// What valijson cannot be handed, found before it is: it follows "$ref" by recursion without a
// guard, so a reference it takes for one into this schema but that names another document
// ("other.json" resolves to this schema's root), a chain of references that comes back to
// itself ({"$ref": "#"}), or schemas nested deeper than the stack allows all end the process.
// Walks the schema as valijson's draft 7 parser does (the keywords that hold schemas, and the
// target of every reference) and returns InvalidArgument for a "$ref" that does not start with
// '#' (a schema can only refer to itself), a chain of references that leads back to itself, or
// schemas nested more than kMaxSchemaDepth deep (references followed count as a level).
// A reference that does not resolve is left to valijson, which refuses it with its own message.
Status CheckSchemaReferences(const nlohmann::json& schema);

inline constexpr size_t kMaxSchemaDepth = 128;

}  // namespace s3proc
