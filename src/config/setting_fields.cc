#include "config/setting_fields.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>

namespace s3proc {

namespace {

constexpr int64_t kNoUpperBound = INT32_MAX;

const std::vector<SettingInfo>& Table() {
  // Keep in the order of RunConfig; help says what the setting does, not its default (help
  // renders the default from RunConfig{} so the two cannot drift apart).
  static const std::vector<SettingInfo> kSettings = {
      {"bucket", "The S3 bucket to process (required for run, status, redrive)."},
      {"region", "AWS region; empty: AWS_REGION, AWS_DEFAULT_REGION, the profile, then EC2's."},
      {"profile",
       "The profile of ~/.aws/config and ~/.aws/credentials to take credentials, region and "
       "endpoint from; it then wins over AWS_ACCESS_KEY_ID. Empty: AWS_PROFILE, else default."},
      {"endpoint_url",
       "S3 endpoint URL (MinIO, Ceph RGW, ...); empty: AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, "
       "the profile, then AWS's. Custom endpoints use path-style addressing."},
      {"force_path_style", "Address objects as ENDPOINT/BUCKET/KEY even on AWS.", true, true, true},
      {"input_prefix", "Where new objects arrive. A missing trailing '/' is added."},
      {"output_prefix", "Where processed objects go (same relative key)."},
      {"error_prefix", "Where rejected inputs go, each with a <key>.error.json reason file."},
      {"lease_prefix", "Where claims of in-flight objects are kept."},
      {"work_dir",
       "Local directory for downloads/, processed/ and state/; created 0700 if missing. It must "
       "be owned by the user running s3proc and not writable by group or others. Empty: "
       "$XDG_STATE_HOME/s3proc, else ~/.local/state/s3proc."},
      {"queue_url",
       "Queue mode: take work from the S3 event notifications in this SQS queue instead of "
       "listing the input prefix (https://sqs.REGION.amazonaws.com/ACCOUNT/NAME; endpoint: "
       "AWS_ENDPOINT_URL_SQS, AWS_ENDPOINT_URL, else the URL's host). Empty: listing mode."},
      {"allow_insecure_endpoint",
       "Allow a plain http:// S3 or SQS endpoint on a host that is neither loopback nor a "
       "private address (10/8, 172.16/12, 192.168/16, fc00::/7), with a warning: credentials "
       "and requests then cross the network in clear. http:// to AWS is always refused.",
       true, true, true},
      {.key = "concurrency", .help = "Objects in flight at once.", .range = SettingRange{1, 512}},
      {.key = "max_memory",
       .help = "MiB the objects in processing may use together. Each first reserves what its "
               "processor needs: a few MiB at most for json and passthrough, which stream; for "
               "csv and ndjson up to 4x the object (257 MiB at most), as they hold a record or "
               "a line; for exec the object's size, which its command may hold; for a .gz "
               "object, what it may decompress to counts. Objects that do not fit wait; one "
               "that needs more than the whole budget is processed alone.",
       .range = SettingRange{16, kNoUpperBound}},
      {.key = "max_files",
       .help = "Stop claiming new objects after this many (0: no limit).",
       .range = SettingRange{0, kNoUpperBound}},
      {.key = "max_seconds",
       .help = "Stop claiming new objects after this many seconds (0: no limit).",
       .range = SettingRange{0, kNoUpperBound}},
      {.key = "max_attempts",
       .help = "Transient failures of one object before it goes to errors/.",
       .range = SettingRange{1, 100}},
      {"max_object_bytes",
       "Objects larger than this go to errors/ at once, copied there by S3 without being "
       "downloaded (0: no limit). An object larger than the work dir's free space is a failed "
       "attempt, also without downloading it."},
      {.key = "lease_seconds",
       .help = "How long a claim holds without renewal.",
       .range = SettingRange{30, 86400}},
      {.key = "lease_shards",
       .help = "The key space is claimed in this many shards.",
       .range = SettingRange{1, 4096}},
      {.key = "queue_wait_seconds",
       .help = "Queue mode: how long one poll waits for messages.",
       .range = SettingRange{0, 20}},
      {.key = "queue_visibility_seconds",
       .help = "Queue mode: how long a received message stays hidden from other workers "
               "(0: the queue's own visibility timeout, read at start); extended at half-life "
               "while its object is worked on.",
       .range = SettingRange{kMinQueueVisibilitySeconds, 43200, /*zero_too=*/true}},
      {"follow",
       "Keep going, for a service, until SIGTERM or SIGINT ends it after the objects in hand. "
       "Listing mode: list input/ again after each pass (see --poll-seconds); a failed pass "
       "(S3 unreachable) is logged and retried; --max-files and --max-seconds bound each pass; "
       "a stop exits 0. Queue mode: keep polling when the queue is empty.",
       true, true, true},
      {.key = "poll_seconds",
       .help = "With --follow in listing mode: seconds to wait before listing again after a "
               "pass that finished no object or failed (a pass that finished some lists again "
               "at once; a signal ends the wait at once).",
       .range = SettingRange{1, 86400}},
      {"default_processor",
       "Processor for keys no route matches: json, ndjson, csv, passthrough or exec."},
      {"route",
       "A routing rule GLOB=PROCESSOR on the key relative to the input prefix; first match "
       "wins. TOML: [[route]] glob = \"*.csv\" processor = \"csv\". Environment: "
       "comma-separated.",
       true, true, false, true},
      {"exec_command",
       "argv of the exec processor; {input} is replaced by the input file (else it is stdin). "
       "Environment: a TOML array ['jq', '.'] or words separated by spaces.",
       true, true, false, true},
      {.key = "exec_timeout_seconds",
       .help = "The exec command is killed after this long.",
       .range = SettingRange{1, 86400}},
      {"exec_env",
       "Variables the exec command gets from s3proc's environment besides PATH, LANG, LC_* and "
       "TZ; never AWS_*. Environment: a TOML array or names separated by commas or spaces.",
       true, true, false, true},
      {"exec_max_output_bytes",
       "An exec command that writes more to stdout is killed and its object rejected (0: no "
       "cap)."},
      {"exec_network",
       "Let the exec command use the network. Off: it and everything it starts can open local "
       "(AF_UNIX) sockets only: no TCP or UDP, so neither the instance metadata service (the "
       "role's credentials) nor any other host. Where that cannot be enforced (no seccomp, as "
       "under qemu-user) its objects fail rather than run with the network.",
       true, true, true},
      {"max_document_bytes",
       "A json document that a route's schema or filter checks is loaded whole, so larger ones "
       "go to errors/ unread (ndjson and csv records stream)."},
      {"max_decompressed_bytes",
       ".gz inputs that decompress to more are rejected (0: no .gz "
       "decompression)."},
      {"keep_local_files", "Keep the downloads/ and processed/ copies after success.", true, true,
       true},
      {"dry_run", "List what would happen; change nothing (flag only).", false, false, true},
      {"log_format", "Log lines as text or json."},
      {"metrics_file", "Write Prometheus textfile metrics here after each run (empty: none)."},
      {"progress", "Show a progress bar when stderr is a terminal.", true, true, true},
  };
  return kSettings;
}

}  // namespace

std::string SettingRange::Text() const {
  std::string text = max == kNoUpperBound ? "at least " + std::to_string(min)
                                          : std::to_string(min) + ".." + std::to_string(max);
  return zero_too ? "0 or " + text : text;
}

std::string SettingInfo::EnvName() const {
  std::string name = "S3PROC_";
  for (char c : key) name.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  if (key == "route") name += "S";
  return name;
}

std::string SettingInfo::FlagName() const {
  std::string name = "--";
  for (char c : key) name.push_back(c == '_' ? '-' : c);
  return name;
}

const std::vector<SettingInfo>& RunSettings() { return Table(); }

const SettingInfo* FindSetting(std::string_view key) {
  for (const auto& s : Table()) {
    if (s.key == key) return &s;
  }
  return nullptr;
}

std::string SettingValueText(const RunConfig& config, std::string_view key) {
  using config_internal::SettingKind;
  if (FindSetting(key) == nullptr) return "";
  auto field = config_internal::FieldOf(key);
  switch (field.kind) {
    case SettingKind::kString: return config.*field.str;
    case SettingKind::kBool: return config.*field.boolean ? "true" : "false";
    case SettingKind::kInt: return std::to_string(config.*field.integer);
    case SettingKind::kUint64: return std::to_string(config.*field.u64);
    case SettingKind::kStringList: {
      std::string text = "[";
      for (const auto& v : config.*field.list) {
        if (text.size() > 1) text += ", ";
        text += "\"" + v + "\"";
      }
      return text + "]";
    }
    case SettingKind::kRoutes: {
      std::string text;
      for (const auto& r : config.routes) {
        if (!text.empty()) text += ", ";
        text += r.glob + "=" + r.processor;
        if (!r.schema.empty()) text += " (schema " + r.schema + ")";
        if (!r.filter.empty()) text += " (filter " + r.filter + ")";
        if (!r.empty.empty()) text += " (empty " + r.empty + ")";
      }
      return text;
    }
  }
  return "";
}

namespace config_internal {

SettingField FieldOf(std::string_view key) {
  using K = SettingKind;
  auto s = [](std::string RunConfig::*p) { return SettingField{K::kString, p}; };
  auto b = [](bool RunConfig::*p) { return SettingField{K::kBool, nullptr, p}; };
  auto i = [](int RunConfig::*p) { return SettingField{K::kInt, nullptr, nullptr, p}; };
  if (key == "bucket") return s(&RunConfig::bucket);
  if (key == "region") return s(&RunConfig::region);
  if (key == "profile") return s(&RunConfig::profile);
  if (key == "endpoint_url") return s(&RunConfig::endpoint_url);
  if (key == "force_path_style") return b(&RunConfig::force_path_style);
  if (key == "input_prefix") return s(&RunConfig::input_prefix);
  if (key == "output_prefix") return s(&RunConfig::output_prefix);
  if (key == "error_prefix") return s(&RunConfig::error_prefix);
  if (key == "lease_prefix") return s(&RunConfig::lease_prefix);
  if (key == "work_dir") return s(&RunConfig::work_dir);
  if (key == "queue_url") return s(&RunConfig::queue_url);
  if (key == "allow_insecure_endpoint") return b(&RunConfig::allow_insecure_endpoint);
  if (key == "concurrency") return i(&RunConfig::concurrency);
  if (key == "max_memory") return i(&RunConfig::max_memory);
  if (key == "max_files") return i(&RunConfig::max_files);
  if (key == "max_seconds") return i(&RunConfig::max_seconds);
  if (key == "max_attempts") return i(&RunConfig::max_attempts);
  if (key == "max_object_bytes") {
    return SettingField{K::kUint64, nullptr, nullptr, nullptr, &RunConfig::max_object_bytes};
  }
  if (key == "lease_seconds") return i(&RunConfig::lease_seconds);
  if (key == "lease_shards") return i(&RunConfig::lease_shards);
  if (key == "queue_wait_seconds") return i(&RunConfig::queue_wait_seconds);
  if (key == "queue_visibility_seconds") return i(&RunConfig::queue_visibility_seconds);
  if (key == "follow") return b(&RunConfig::follow);
  if (key == "poll_seconds") return i(&RunConfig::poll_seconds);
  if (key == "default_processor") return s(&RunConfig::default_processor);
  if (key == "route") return SettingField{K::kRoutes};
  if (key == "exec_command") {
    return SettingField{K::kStringList, nullptr, nullptr,
                        nullptr,        nullptr, &RunConfig::exec_command};
  }
  if (key == "exec_timeout_seconds") return i(&RunConfig::exec_timeout_seconds);
  if (key == "exec_env") {
    return SettingField{K::kStringList, nullptr, nullptr, nullptr, nullptr, &RunConfig::exec_env};
  }
  if (key == "exec_max_output_bytes") {
    return SettingField{K::kUint64, nullptr, nullptr, nullptr, &RunConfig::exec_max_output_bytes};
  }
  if (key == "exec_network") return b(&RunConfig::exec_network);
  if (key == "max_document_bytes") {
    return SettingField{K::kUint64, nullptr, nullptr, nullptr, &RunConfig::max_document_bytes};
  }
  if (key == "max_decompressed_bytes") {
    return SettingField{K::kUint64, nullptr, nullptr, nullptr, &RunConfig::max_decompressed_bytes};
  }
  if (key == "keep_local_files") return b(&RunConfig::keep_local_files);
  if (key == "dry_run") return b(&RunConfig::dry_run);
  if (key == "log_format") return s(&RunConfig::log_format);
  if (key == "metrics_file") return s(&RunConfig::metrics_file);
  if (key == "progress") return b(&RunConfig::progress);
  return SettingField{K::kString};  // unreachable for keys of RunSettings()
}

Status ParseRoute(std::string_view text, RouteRule* rule) {
  size_t eq = text.rfind('=');
  if (eq == std::string_view::npos || eq == 0 || eq + 1 == text.size()) {
    return Status::InvalidArgument("route '" + std::string(text) +
                                   "' must be GLOB=PROCESSOR, e.g. '*.csv=csv'");
  }
  rule->glob = std::string(text.substr(0, eq));
  rule->processor = std::string(text.substr(eq + 1));
  return Status::Ok();
}

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

Status ParseBool(std::string_view text, bool* out) {
  std::string lower;
  for (char c : Trim(text))
    lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (lower == "true" || lower == "1" || lower == "yes" || lower == "on") {
    *out = true;
  } else if (lower == "false" || lower == "0" || lower == "no" || lower == "off") {
    *out = false;
  } else {
    return Status::InvalidArgument("'" + std::string(text) + "' is not a boolean (true or false)");
  }
  return Status::Ok();
}

template <typename T>
Status ParseInteger(std::string_view text, T* out) {
  std::string_view t = Trim(text);
  T value{};
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
  if (t.empty() || ec == std::errc::invalid_argument || end != t.data() + t.size()) {
    return Status::InvalidArgument("'" + std::string(text) + "' is not " +
                                   (std::is_signed_v<T> ? "an integer" : "a non-negative integer"));
  }
  if (ec == std::errc::result_out_of_range) {
    return Status::InvalidArgument("'" + std::string(text) + "' is out of range");
  }
  *out = value;
  return Status::Ok();
}

}  // namespace

Status SetFromText(RunConfig& config, std::string_view key, const std::vector<std::string>& values,
                   std::string_view where) {
  auto field = FieldOf(key);
  auto fail = [&](const Status& s) { return s.WithContext(where); };
  if (field.kind != SettingKind::kStringList && field.kind != SettingKind::kRoutes &&
      values.size() != 1) {
    return Status::InvalidArgument(std::string(where) + ": expected one value, got " +
                                   std::to_string(values.size()));
  }
  switch (field.kind) {
    case SettingKind::kString: config.*field.str = values[0]; return Status::Ok();
    case SettingKind::kBool: {
      Status s = ParseBool(values[0], &(config.*field.boolean));
      return s.ok() ? s : fail(s);
    }
    case SettingKind::kInt: {
      Status s = ParseInteger(values[0], &(config.*field.integer));
      return s.ok() ? s : fail(s);
    }
    case SettingKind::kUint64: {
      Status s = ParseInteger(values[0], &(config.*field.u64));
      return s.ok() ? s : fail(s);
    }
    case SettingKind::kStringList: config.*field.list = values; return Status::Ok();
    case SettingKind::kRoutes: {
      std::vector<RouteRule> routes;
      for (const auto& v : values) {
        RouteRule rule;
        Status s = ParseRoute(Trim(v), &rule);
        if (!s.ok()) return fail(s);
        routes.push_back(std::move(rule));
      }
      config.routes = std::move(routes);
      return Status::Ok();
    }
  }
  return Status::Internal("unreachable");
}

std::string RouteOriginKey(size_t index) { return "route " + std::to_string(index + 1); }

void ForgetRouteOrigins(SettingOrigins& origin) {
  std::erase_if(origin, [](const auto& entry) { return entry.first.starts_with("route "); });
}

std::string ClosestMatch(std::string_view word, const std::vector<std::string_view>& candidates) {
  auto distance = [](std::string_view a, std::string_view b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
      size_t diagonal = row[0];
      row[0] = i;
      for (size_t j = 1; j <= b.size(); ++j) {
        size_t above = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
        diagonal = above;
      }
    }
    return row[b.size()];
  };
  std::string best;
  size_t best_distance = std::numeric_limits<size_t>::max();
  for (auto c : candidates) {
    size_t d = distance(word, c);
    if (d < best_distance) {
      best_distance = d;
      best = std::string(c);
    }
  }
  // A typo is a few edits away; a third of the word is the most we call "close".
  size_t limit = std::max<size_t>(2, word.size() / 3);
  return best_distance <= limit ? best : "";
}

}  // namespace config_internal
}  // namespace s3proc
