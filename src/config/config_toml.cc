// The toml++ adapter: the only file that includes toml++, and the only place its exceptions are
// caught.
#include <toml++/toml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <system_error>

#include "common/closest_match.h"
#include "config/config_loader.h"
#include "config/setting_fields.h"

namespace s3proc {

namespace {

using config_internal::SettingKind;

std::string At(const std::string& source_name, const toml::source_region& where) {
  return source_name + ":" + std::to_string(where.begin.line);
}

std::vector<std::string_view> FileKeys() {
  std::vector<std::string_view> keys;
  for (const auto& s : RunSettings()) {
    if (s.in_file) keys.push_back(s.key);
  }
  return keys;
}

Status Invalid(const std::string& at, const std::string& message) {
  return Status::InvalidArgument(at + ": " + message);
}

const char* TypeName(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a number";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    default: return "a date or time";
  }
}

Status MergeRoutes(const toml::node& node, const std::string& at, const std::string& source_name,
                   RunConfig& config, SettingOrigins* origin) {
  const toml::array* array = node.as_array();
  if (array == nullptr) {
    return Invalid(at,
                   "'route' must be an array of tables: [[route]] glob = \"*.csv\" "
                   "processor = \"csv\"");
  }
  std::vector<RouteRule> routes;
  std::vector<std::string> route_at;  // each route's line, for the validation's messages
  for (const toml::node& element : *array) {
    const std::string element_at = At(source_name, element.source());
    const toml::table* table = element.as_table();
    if (table == nullptr) {
      return Invalid(element_at, "each route must be a table with glob and processor");
    }
    RouteRule rule;
    bool has_glob = false, has_processor = false;
    for (auto&& [key, value] : *table) {
      const std::string key_at = At(source_name, key.source());
      std::string_view name = key.str();
      static const std::vector<std::string_view> kRouteKeys = {"glob", "processor", "schema",
                                                               "filter", "empty"};
      if (std::find(kRouteKeys.begin(), kRouteKeys.end(), name) == kRouteKeys.end()) {
        std::string hint = ClosestMatch(name, kRouteKeys);
        return Invalid(key_at, "unknown route setting '" + std::string(name) + "'" +
                                   (hint.empty() ? " (expected glob, processor, schema, filter "
                                                   "and empty)"
                                                 : " (did you mean '" + hint + "'?)"));
      }
      const auto* text = value.as_string();
      if (text == nullptr) {
        return Invalid(key_at,
                       "route " + std::string(name) + " must be a string, not " + TypeName(value));
      }
      if (name == "schema" || name == "filter" || name == "empty") {
        (name == "schema"   ? rule.schema
         : name == "filter" ? rule.filter
                            : rule.empty) = text->get();
        continue;
      }
      (name == "glob" ? rule.glob : rule.processor) = text->get();
      (name == "glob" ? has_glob : has_processor) = true;
    }
    if (!has_glob || !has_processor) {
      return Invalid(element_at, std::string("route is missing its ") +
                                     (has_glob ? "processor" : "glob") +
                                     " (e.g. glob = \"*.csv\" processor = \"csv\")");
    }
    routes.push_back(std::move(rule));
    route_at.push_back(element_at);
  }
  config.routes = std::move(routes);
  if (origin != nullptr) {
    config_internal::ForgetRouteOrigins(*origin);
    for (size_t i = 0; i < route_at.size(); ++i) {
      (*origin)[config_internal::RouteOriginKey(i)] = route_at[i];
    }
  }
  return Status::Ok();
}

Status MergeValue(std::string_view key, const toml::node& value, const std::string& at,
                  const std::string& source_name, RunConfig& config, SettingOrigins* origin) {
  auto field = config_internal::FieldOf(key);
  auto wrong_type = [&](const char* expected) {
    return Invalid(at,
                   "'" + std::string(key) + "' must be " + expected + ", not " + TypeName(value));
  };
  switch (field.kind) {
    case SettingKind::kString: {
      const auto* v = value.as_string();
      if (v == nullptr) return wrong_type("a string");
      config.*field.str = v->get();
      return Status::Ok();
    }
    case SettingKind::kBool: {
      const auto* v = value.as_boolean();
      if (v == nullptr) return wrong_type("a boolean (true or false)");
      config.*field.boolean = v->get();
      return Status::Ok();
    }
    case SettingKind::kInt: {
      const auto* v = value.as_integer();
      if (v == nullptr) return wrong_type("an integer");
      int64_t n = v->get();
      if (n < std::numeric_limits<int>::min() || n > std::numeric_limits<int>::max()) {
        return Invalid(at, "'" + std::string(key) + "' is out of range: " + std::to_string(n));
      }
      config.*field.integer = static_cast<int>(n);
      return Status::Ok();
    }
    case SettingKind::kUint64: {
      const auto* v = value.as_integer();
      if (v == nullptr) return wrong_type("an integer");
      if (v->get() < 0) {
        return Invalid(at, "'" + std::string(key) + "' must not be negative");
      }
      config.*field.u64 = static_cast<uint64_t>(v->get());
      return Status::Ok();
    }
    case SettingKind::kStringList: {
      const auto* array = value.as_array();
      if (array == nullptr) return wrong_type("an array of strings");
      std::vector<std::string> list;
      for (const toml::node& element : *array) {
        const auto* s = element.as_string();
        if (s == nullptr) {
          return Invalid(
              At(source_name, element.source()),
              "'" + std::string(key) + "' must hold strings only, not " + TypeName(element));
        }
        list.push_back(s->get());
      }
      config.*field.list = std::move(list);
      return Status::Ok();
    }
    case SettingKind::kRoutes: return MergeRoutes(value, at, source_name, config, origin);
  }
  return Status::Internal("unreachable");
}

Status MergeTable(const toml::table& table, const std::string& source_name, RunConfig& config,
                  SettingOrigins* origin) {
  for (auto&& [key, value] : table) {
    const std::string at = At(source_name, key.source());
    std::string_view name = key.str();
    const SettingInfo* setting = FindSetting(name);
    if (setting == nullptr) {
      std::string hint = ClosestMatch(name, FileKeys());
      return Invalid(at, "unknown setting '" + std::string(name) + "'" +
                             (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
    }
    if (!setting->in_file) {
      return Invalid(at, "'" + std::string(name) + "' cannot be set in a config file: use " +
                             setting->FlagName());
    }
    S3PROC_RETURN_IF_ERROR(MergeValue(name, value, at, source_name, config, origin));
    if (origin != nullptr) (*origin)[std::string(name)] = at;
  }
  return Status::Ok();
}

}  // namespace

Status MergeTomlText(std::string_view text, const std::string& source_name, RunConfig& config,
                     SettingOrigins* origin) {
#if TOML_EXCEPTIONS
  toml::table table;
  try {
    table = toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    return Status::InvalidArgument(source_name + ":" + std::to_string(e.source().begin.line) +
                                   ": " + std::string(e.description()));
  }
#else
  toml::parse_result parsed = toml::parse(text, source_name);
  if (!parsed) {
    const auto& e = parsed.error();
    return Status::InvalidArgument(source_name + ":" + std::to_string(e.source().begin.line) +
                                   ": " + std::string(e.description()));
  }
  toml::table table = std::move(parsed).table();
#endif
  return MergeTable(table, source_name, config, origin);
}

Status MergeTomlFile(const std::string& path, RunConfig& config, SettingOrigins* origin) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return Status::NotFound("config file " + path + " does not exist");
  }
  // Opening a directory succeeds and reads as empty: it would pass for a file with no settings.
  if (std::filesystem::is_directory(path, ec)) {
    return Status::IoError("config file " + path + " is a directory");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError("cannot read config file " + path);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Status::IoError("cannot read config file " + path);
  return MergeTomlText(text.str(), path, config, origin);
}

}  // namespace s3proc
