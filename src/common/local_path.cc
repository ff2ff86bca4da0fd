#include "common/local_path.h"

#include "common/hash.h"

namespace s3proc {

std::string LocalNameForKey(std::string_view key, uint64_t instance) {
  constexpr size_t kMaxTail = 80;
  std::string name = Sha256Hex(key).substr(0, 24);
  if (instance != 0) name += "." + std::to_string(instance);
  size_t slash = key.rfind('/');
  std::string_view last = slash == std::string_view::npos ? key : key.substr(slash + 1);
  if (last.size() > kMaxTail) last = last.substr(last.size() - kMaxTail);  // keep the extension
  std::string tail;
  for (unsigned char c : last) {
    bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '.' || c == '_' || c == '-';
    tail.push_back(safe ? static_cast<char>(c) : '_');
  }
  if (!tail.empty()) {
    name += "-";
    name += tail;
  }
  return name;
}

std::string LocalPathForKey(const std::string& dir, std::string_view key, uint64_t instance) {
  return dir + "/" + LocalNameForKey(key, instance);
}

}  // namespace s3proc
