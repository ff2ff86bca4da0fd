#include "processors/ndjson_processor.h"

#include "common/file_io.h"
#include "processors/json_metadata.h"
#include "processors/json_text.h"
#include "processors/line_reader.h"

namespace s3proc {
namespace {

bool IsBlank(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

}  // namespace

Status NdjsonProcessor::Process(const std::string& input_path, const std::string& output_path,
                                const ProcessContext& context) {
  S3PROC_ASSIGN_OR_RETURN(SourceFacts facts, SourceFactsFromFile(context, input_path));
  // Built once: the member up to its closing brace, to which each line adds "line":N}.
  std::string member_prefix = MetadataMember(context, facts);
  member_prefix.pop_back();
  member_prefix += ",\"line\":";

  S3PROC_ASSIGN_OR_RETURN(ScopedFd fd, OpenForRead(input_path));
  LineReader reader(std::move(fd), input_path, max_line_bytes_);
  S3PROC_ASSIGN_OR_RETURN(OutputFile out, OutputFile::Create(output_path));
  JsonValidator validator;
  std::string line;
  std::string member;
  for (;;) {
    Result<bool> more = reader.Next(&line);
    if (!more.ok()) return more.status();
    if (!*more) break;
    line.reserve(line.size() + kJsonPadding);
    size_t n = reader.line_number();
    std::string_view text(line);
    if (n == 1) text.remove_prefix(Utf8BomLength(text));
    std::string where = "line " + std::to_string(n);
    if (IsBlank(text)) {
      return Status::Rejected(where + ": empty line (blank lines are not allowed in NDJSON)");
    }
    Result<JsonTextInfo> info =
        validator.Inspect(text.data(), text.size(), text.size() + (line.capacity() - line.size()));
    if (!info.ok()) return info.status().WithContext(where);
    member = member_prefix;
    member += std::to_string(n);
    member += '}';
    if (!rules_.any()) {
      S3PROC_RETURN_IF_ERROR(WriteWithMember(text, *info, member, out));
      S3PROC_RETURN_IF_ERROR(out.Append("\n"));
      continue;
    }
    Result<std::vector<std::string>> results = ApplyRecordRules(rules_, text);
    if (!results.ok()) return results.status().WithContext(where);
    for (std::string& result : *results) {
      S3PROC_RETURN_IF_ERROR(WriteEnriched(validator, result, member, out).WithContext(where));
      S3PROC_RETURN_IF_ERROR(out.Append("\n"));
    }
  }
  if (reader.line_number() == 0) return Status::Rejected("empty input: no JSON lines");
  return out.Close();
}

}  // namespace s3proc
