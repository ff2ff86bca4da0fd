#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace s3proc {

// Appends a CSV field to `out` as the JSON value that `types` (a schema's declared types for its
// column, see JsonSchema::DeclaredTypes) ask for: its text as a number when "integer" or
// "number" is declared and it is one (as JSON writes it: "12", "-0.5", "1e3"; not " 12" or
// "0x1F"), true or false for "boolean", null for an empty field when "null" is declared. Else,
// and with nothing declared, a JSON string: the schema then rejects it where it wanted another
// type, naming the column and the text.
void AppendTypedCsvValue(std::string_view field, const std::vector<std::string>& types,
                         std::string& out);

}  // namespace s3proc
