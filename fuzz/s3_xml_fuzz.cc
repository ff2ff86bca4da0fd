// ListObjectsV2, DeleteObjects, multipart and error XML from a hostile or broken server: the
// parsers return a value or an error, never crash, and what they return is self-consistent.
#include <stddef.h>
#include <stdint.h>

#include <string_view>

#include "fuzz_files.h"
#include "s3/s3_xml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  (void)s3proc::ParseErrorBody(body);
  for (bool encoded : {false, true}) {
    auto page = s3proc::ParseListObjectsV2(body, encoded);
    if (page.ok() && page->truncated && page->next_continuation_token.empty()) {
      // A truncated page without a token would make a lister loop for ever or stop silently;
      // the parser must refuse it.
      s3proc::fuzz::Fail("truncated ListBucketResult accepted without a continuation token");
    }
  }
  (void)s3proc::ParseDeleteResult(body);
  (void)s3proc::ParseUploadId(body);
  (void)s3proc::ParseEtagResult(body);
  (void)s3proc::UnquoteEtag(body);
  (void)s3proc::IsXmlSafe(body);
  return 0;
}
