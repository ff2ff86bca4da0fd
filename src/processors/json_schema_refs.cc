#include "processors/json_schema_refs.h"

#include <algorithm>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace s3proc {
namespace {

using Json = nlohmann::json;

// One token of a JSON Pointer decoded as valijson decodes it (json_pointer.hpp): "~1" and "~0",
// then %XX. False where valijson would refuse it.
bool DecodeToken(std::string token, std::string* out) {
  for (size_t at = 0; (at = token.find("~1", at)) != std::string::npos; ++at) {
    token.replace(at, 2, "/");
  }
  for (size_t at = 0; (at = token.find("~0", at)) != std::string::npos; ++at) {
    token.replace(at, 2, "~");
  }
  for (size_t at = token.find('%'); at != std::string::npos; at = token.find('%', at + 1)) {
    const std::string digits = token.substr(at + 1, 2);
    if (digits.size() != 2) return false;
    char* end = nullptr;
    const unsigned long value = std::strtoul(digits.c_str(), &end, 16);
    if (end != digits.c_str() && *end != '\0') return false;
    token.replace(at, 3, 1, static_cast<char>(value));
  }
  *out = std::move(token);
  return true;
}

// The node `pointer` names in `root` as valijson finds it (empty tokens skipped, an array
// index read by std::stoul), or nullptr where valijson would refuse the pointer.
const Json* Resolve(const Json& root, std::string_view pointer) {
  const Json* node = &root;
  while (!pointer.empty()) {
    if (pointer.front() != '/') return nullptr;
    pointer.remove_prefix(1);
    const size_t end = std::min(pointer.find('/'), pointer.size());
    std::string token;
    if (!DecodeToken(std::string(pointer.substr(0, end)), &token)) return nullptr;
    pointer.remove_prefix(end);
    if (token.empty()) continue;
    if (node->is_array()) {
      size_t index = 0;
      try {
        index = std::stoul(token);
      } catch (const std::exception&) {
        return nullptr;
      }
      if (token == "-" || index >= node->size()) return nullptr;
      node = &(*node)[index];
    } else if (node->is_object()) {
      auto it = node->find(token);
      if (it == node->end()) return nullptr;
      node = &*it;
    } else {
      return nullptr;
    }
  }
  return node;
}

std::string Quoted(const std::string& text) { return Json(text).dump(); }

// A JSON Pointer as reasons show it.
std::string Shown(const std::string& path) { return path.empty() ? "(root)" : path; }

class ReferenceWalker {
 public:
  explicit ReferenceWalker(const Json& root) : root_(root) {}

  // Checks the schema `node` at `path` (a JSON Pointer) and every schema below it.
  Status Schema(const Json& node, const std::string& path, size_t depth) {
    if (depth > kMaxSchemaDepth) {
      return Status::InvalidArgument("subschemas nested more than " +
                                     std::to_string(kMaxSchemaDepth) + " deep");
    }
    const Json* concrete = &node;
    std::string where = path;
    S3PROC_RETURN_IF_ERROR(FollowReferences(path, &concrete, &where));
    if (concrete == nullptr || !concrete->is_object() || !visited_.insert(concrete).second) {
      return Status::Ok();  // unresolved (valijson says why), a boolean schema, or seen
    }
    const size_t below = depth + (concrete == &node ? 1 : 2);  // a reference is a level too
    for (const char* keyword : {"additionalItems", "additionalProperties", "contains", "else", "if",
                                "items", "not", "propertyNames", "then"}) {
      if (const Json* child = Member(*concrete, keyword)) {
        if (child->is_array() && std::string_view(keyword) == "items") {
          S3PROC_RETURN_IF_ERROR(EachSchema(*child, where + "/items", below));
        } else {
          S3PROC_RETURN_IF_ERROR(Schema(*child, where + "/" + keyword, below));
        }
      }
    }
    for (const char* keyword : {"allOf", "anyOf", "oneOf"}) {
      if (const Json* list = Member(*concrete, keyword)) {
        S3PROC_RETURN_IF_ERROR(EachSchema(*list, where + "/" + keyword, below));
      }
    }
    for (const char* keyword : {"dependencies", "patternProperties", "properties"}) {
      if (const Json* map = Member(*concrete, keyword); map != nullptr && map->is_object()) {
        for (const auto& [name, child] : map->items()) {
          if (child.is_array()) continue;  // dependencies: a list of property names
          S3PROC_RETURN_IF_ERROR(Schema(child, where + "/" + keyword + "/" + Escaped(name), below));
        }
      }
    }
    return Status::Ok();
  }

 private:
  static const Json* Member(const Json& object, const char* name) {
    auto it = object.find(name);
    return it == object.end() ? nullptr : &*it;
  }

  static std::string Escaped(const std::string& name) {
    std::string out;
    for (char c : name) out += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
    return out;
  }

  Status EachSchema(const Json& list, const std::string& path, size_t depth) {
    if (!list.is_array()) return Status::Ok();
    for (size_t i = 0; i < list.size(); ++i) {
      S3PROC_RETURN_IF_ERROR(Schema(list[i], path + "/" + std::to_string(i), depth));
    }
    return Status::Ok();
  }

  // Follows the chain of references from `*node` (at `path`) to the first node that is not
  // one; nullptr when a reference does not resolve. `*where` becomes that node's path.
  Status FollowReferences(const std::string& path, const Json** node, std::string* where) {
    std::set<const Json*> chain = {*node};
    std::vector<std::string> refs;
    while ((*node)->is_object()) {
      const Json* ref = Member(**node, "$ref");
      if (ref == nullptr || !ref->is_string()) return Status::Ok();  // valijson refuses the latter
      const std::string& text = ref->get_ref<const std::string&>();
      if (text.empty() || text.front() != '#') {
        return Status::InvalidArgument("at " + Shown(path) + ": \"$ref\": " + Quoted(text) +
                                       " refers to another file: a schema can only refer to "
                                       "itself (\"#/...\")");
      }
      std::string_view pointer(text);
      pointer.remove_prefix(1);
      if (static_cast<size_t>(std::count(pointer.begin(), pointer.end(), '/')) > kMaxSchemaDepth) {
        return Status::InvalidArgument("at " + Shown(path) + ": \"$ref\": " + Quoted(text) +
                                       " has more than " + std::to_string(kMaxSchemaDepth) +
                                       " parts");
      }
      refs.push_back(Quoted(text));
      *node = Resolve(root_, pointer);
      if (*node == nullptr) return Status::Ok();
      if (!chain.insert(*node).second) {
        std::string loop;
        for (const std::string& r : refs) loop += (loop.empty() ? "" : " -> ") + r;
        return Status::InvalidArgument("at " + Shown(path) + ": the \"$ref\" chain " + loop +
                                       " comes back to itself");
      }
      *where = std::string(pointer);
    }
    return Status::Ok();
  }

  const Json& root_;
  std::set<const Json*> visited_;
};

}  // namespace

Status CheckSchemaReferences(const Json& schema) {
  return ReferenceWalker(schema).Schema(schema, "", 0);
}

}  // namespace s3proc
