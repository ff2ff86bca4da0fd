#include "processors/csv_processor.h"

#include <unordered_map>
#include <vector>

#include "common/file_io.h"
#include "processors/csv_reader.h"
#include "processors/csv_typed_value.h"
#include "processors/json_metadata.h"

namespace s3proc {
namespace {

std::string Quoted(std::string_view s) {
  std::string out;
  AppendJsonString(s, out);
  return out;
}

// Returns the header's names as JSON object keys ("name":), or Rejected.
Result<std::vector<std::string>> HeaderKeys(const std::vector<std::string>& header) {
  std::vector<std::string> keys;
  std::unordered_map<std::string_view, size_t> seen;
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i].empty()) {
      return Status::Rejected("header (row 1): column " + std::to_string(i + 1) +
                              " has an empty name");
    }
    auto [it, inserted] = seen.emplace(header[i], i + 1);
    if (!inserted) {
      return Status::Rejected("header (row 1): duplicate column name " + Quoted(header[i]) +
                              " (columns " + std::to_string(it->second) + " and " +
                              std::to_string(i + 1) + ")");
    }
    keys.push_back(Quoted(header[i]) + ":");
  }
  return keys;
}

}  // namespace

Status CsvProcessor::Process(const std::string& input_path, const std::string& output_path,
                             const ProcessContext& /*context*/) {
  S3PROC_ASSIGN_OR_RETURN(ScopedFd fd, OpenForRead(input_path));
  CsvReader reader(std::move(fd), input_path, max_record_bytes_);
  std::vector<std::string> fields;
  S3PROC_ASSIGN_OR_RETURN(bool has_header, reader.Next(&fields));
  if (!has_header) return Status::Rejected("empty input: no header row");
  S3PROC_ASSIGN_OR_RETURN(std::vector<std::string> keys, HeaderKeys(fields));
  // Each column's declared types, looked up once.
  std::vector<std::vector<std::string>> types(fields.size());
  if (rules_.schema) {
    for (size_t i = 0; i < fields.size(); ++i) types[i] = rules_.schema->DeclaredTypes(fields[i]);
  }

  S3PROC_ASSIGN_OR_RETURN(OutputFile out, OutputFile::Create(output_path));
  std::string line;
  for (;;) {
    S3PROC_ASSIGN_OR_RETURN(bool more, reader.Next(&fields));
    if (!more) break;
    if (fields.size() != keys.size()) {
      return Status::Rejected(reader.Where() + " has " + std::to_string(fields.size()) +
                              (fields.size() == 1 ? " field" : " fields") + ", header has " +
                              std::to_string(keys.size()));
    }
    line.clear();
    line.push_back('{');
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i != 0) line.push_back(',');
      line += keys[i];
      AppendTypedCsvValue(fields[i], types[i], line);
    }
    line += '}';
    if (!rules_.any()) {
      line += '\n';
      S3PROC_RETURN_IF_ERROR(out.Append(line));
      continue;
    }
    Result<std::vector<std::string>> results = ApplyRecordRules(rules_, line);
    if (!results.ok()) return results.status().WithContext(reader.Where());
    for (std::string& result : *results) {
      result += '\n';
      S3PROC_RETURN_IF_ERROR(out.Append(result));
    }
  }
  return out.Close();
}

}  // namespace s3proc
