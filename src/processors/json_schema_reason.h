#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

namespace s3proc {

// One failure as valijson reports it: where ("<root>", "[items]", "[3]", "[qty]") and what
// ("Expected number greater than or equal to 1.000000").
struct SchemaFailure {
  std::vector<std::string> context;
  std::string description;
};

// The reason a document that fails its schema is rejected with, one clause per failure:
//   /items/3/qty: 0 fails minimum: expected number greater than or equal to 1
// the path a JSON Pointer (RFC 6901; "(root)" for the whole document), then the value found
// there (a scalar as written, short; an object or array by its kind), the keyword where the
// description tells it, and the description. The failures that only say a child failed
// ("Failed to validate item #3 in array.") are left out when the child's own failure is there.
// At most `max_reasons` clauses, joined by "; ", then "; and N more".
std::string SchemaRejectionReason(const std::vector<SchemaFailure>& failures,
                                  const nlohmann::json& document, size_t max_reasons);

}  // namespace s3proc
