// Object key -> local file name: whatever the key, one flat, safe, portable name that cannot
// leave the directory, and different keys give different names.
#include <stddef.h>
#include <stdint.h>

#include <string>
#include <string_view>

#include "common/local_path.h"
#include "fuzz_files.h"

namespace {

void CheckName(std::string_view key, const std::string& name) {
  using s3proc::fuzz::Fail;
  if (name.empty() || name.size() > 120) Fail("name length " + std::to_string(name.size()));
  if (name == "." || name == ".." || name[0] == '.') Fail("name starts with '.': " + name);
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) Fail("unsafe character in " + name);
  }
  if (s3proc::LocalNameForKey(key) != name) Fail("not deterministic");
  if (s3proc::LocalPathForKey("/work/downloads", key) != "/work/downloads/" + name) {
    Fail("LocalPathForKey is not dir + '/' + name");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  // Two keys from one input, split at the first NUL: distinct keys must get distinct names.
  size_t cut = input.find('\0');
  std::string_view a = input.substr(0, cut);
  std::string_view b = cut == std::string_view::npos ? std::string_view() : input.substr(cut + 1);
  std::string name_a = s3proc::LocalNameForKey(a);
  std::string name_b = s3proc::LocalNameForKey(b);
  CheckName(a, name_a);
  CheckName(b, name_b);
  if (a != b && name_a == name_b) s3proc::fuzz::Fail("two keys share the name " + name_a);
  return 0;
}
