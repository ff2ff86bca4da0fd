#include "processors/jq_version.h"

#include <oniguruma.h>

extern "C" {  // Debian 12's jq.h (jq 1.6) declares no C linkage of its own.
#include <jq.h>
}

#include "s3proc_version.h"

namespace s3proc {

namespace {

void IgnoreJqError(void* /*data*/, jv message) { jv_free(message); }

// Whether the linked libjq runs regular expressions: jq's configure quietly builds a libjq whose
// test(), match() and sub() fail at run time when it cannot find Oniguruma.
bool JqRunsRegexes() {
  jq_state* jq = jq_init();
  if (jq == nullptr) return false;
  jq_set_error_cb(jq, IgnoreJqError, nullptr);
  bool matched = false;
  if (jq_compile(jq, R"("s3proc" | test("^s3"))")) {
    jq_start(jq, jv_null(), 0);
    jv result = jq_next(jq);
    matched = jv_get_kind(result) == JV_KIND_TRUE;
    jv_free(result);
  }
  jq_teardown(&jq);
  return matched;
}

}  // namespace

std::string JqLibraryVersion() {
  // Debian 12's libjq has no version function (jq_version() came with jq 1.7): the version is
  // the one the build found for the library it links (cmake/Dependencies.cmake).
  std::string text = std::string("jq ") + S3PROC_JQ_VERSION;
  if (!JqRunsRegexes()) return text + " without regular expressions";
  return text + " with Oniguruma " + onig_version();
}

}  // namespace s3proc
