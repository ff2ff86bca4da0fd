#include "processors/record_rules.h"

namespace s3proc {

Result<std::vector<std::string>> ApplyRecordRules(const RecordRules& rules,
                                                  std::string_view record) {
  if (rules.schema) S3PROC_RETURN_IF_ERROR(rules.schema->Check(record));
  if (!rules.filter) return std::vector<std::string>{std::string(record)};
  return rules.filter->Run(record);
}

}  // namespace s3proc
