// The TOML config file: any text merges or fails with InvalidArgument naming a line, and a
// config that validates keeps its promises (bounds, non-overlapping prefixes).
#include <stddef.h>
#include <stdint.h>

#include <string>
#include <string_view>

#include "config/config_loader.h"
#include "fuzz_files.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using s3proc::fuzz::Fail;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  s3proc::RunConfig config;
  s3proc::SettingOrigins origins;
  s3proc::Status merged = s3proc::MergeTomlText(text, "fuzz.toml", config, &origins);
  if (!merged.ok()) {
    if (merged.code() != s3proc::StatusCode::kInvalidArgument) Fail(merged.ToString());
    if (merged.message().rfind("fuzz.toml", 0) != 0) Fail("message does not name the file");
    return 0;
  }
  for (auto purpose : {s3proc::ConfigPurpose::kS3, s3proc::ConfigPurpose::kLocal}) {
    s3proc::RunConfig c = config;
    s3proc::Status valid = s3proc::NormalizeAndValidate(c, purpose, &origins);
    if (!valid.ok()) {
      if (valid.code() != s3proc::StatusCode::kInvalidArgument) Fail(valid.ToString());
      continue;
    }
    if (c.concurrency < 1 || c.concurrency > 512) Fail("concurrency out of range");
    if (c.max_attempts < 1 || c.max_attempts > 100) Fail("max_attempts out of range");
    if (c.lease_shards < 1 || c.lease_shards > 4096) Fail("lease_shards out of range");
    const std::string* prefixes[] = {&c.input_prefix, &c.output_prefix, &c.error_prefix,
                                     &c.lease_prefix};
    for (const auto* p : prefixes) {
      if (p->empty() || p->back() != '/' || p->front() == '/') Fail("bad prefix " + *p);
      for (const auto* q : prefixes) {
        if (p != q && q->rfind(*p, 0) == 0) Fail("overlapping prefixes " + *p + " " + *q);
      }
    }
  }
  return 0;
}
