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
      {.key = "bucket",
       .help = "The S3 bucket to process (required for run, status, redrive).",
       .field = Text(&RunConfig::bucket),
       .value_name = "NAME"},
      {.key = "region",
       .help = "AWS region; empty: AWS_REGION, AWS_DEFAULT_REGION, the profile, then EC2's.",
       .field = Text(&RunConfig::region),
       .value_name = "NAME"},
      {.key = "profile",
       .help = "The profile of ~/.aws/config and ~/.aws/credentials to take credentials, region "
               "and endpoint from; it then wins over AWS_ACCESS_KEY_ID. Empty: AWS_PROFILE, else "
               "default.",
       .field = Text(&RunConfig::profile),
       .value_name = "NAME"},
      {.key = "endpoint_url",
       .help =
           "S3 endpoint URL (MinIO, Ceph RGW, ...); empty: AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, "
           "the profile, then AWS's. Custom endpoints use path-style addressing.",
       .field = Text(&RunConfig::endpoint_url),
       .value_name = "URL"},
      {.key = "force_path_style",
       .help = "Address objects as ENDPOINT/BUCKET/KEY even on AWS.",
       .field = Flag(&RunConfig::force_path_style)},
      {.key = "input_prefix",
       .help = "Where new objects arrive. A missing trailing '/' is added.",
       .field = Text(&RunConfig::input_prefix),
       .value_name = "PREFIX"},
      {.key = "output_prefix",
       .help = "Where processed objects go (same relative key).",
       .field = Text(&RunConfig::output_prefix),
       .value_name = "PREFIX"},
      {.key = "error_prefix",
       .help = "Where rejected inputs go, each with a <key>.error.json reason file.",
       .field = Text(&RunConfig::error_prefix),
       .value_name = "PREFIX"},
      {.key = "lease_prefix",
       .help = "Where claims of in-flight objects are kept.",
       .field = Text(&RunConfig::lease_prefix),
       .value_name = "PREFIX"},
      {.key = "work_dir",
       .help = "Local directory for downloads/, processed/ and state/; created 0700 if missing. It "
               "must "
               "be owned by the user running s3proc and not writable by group or others. Empty: "
               "$XDG_STATE_HOME/s3proc, else ~/.local/state/s3proc.",
       .field = Text(&RunConfig::work_dir),
       .value_name = "DIR"},
      {.key = "queue_url",
       .help = "Queue mode: take work from the S3 event notifications in this SQS queue instead of "
               "listing the input prefix (https://sqs.REGION.amazonaws.com/ACCOUNT/NAME; endpoint: "
               "AWS_ENDPOINT_URL_SQS, AWS_ENDPOINT_URL, else the URL's host). Empty: listing mode.",
       .field = Text(&RunConfig::queue_url),
       .value_name = "URL"},
      {.key = "allow_insecure_endpoint",
       .help =
           "Allow a plain http:// S3 or SQS endpoint on a host that is neither loopback nor a "
           "private address (10/8, 172.16/12, 192.168/16, fc00::/7), with a warning: credentials "
           "and requests then cross the network in clear. http:// to AWS is always refused.",
       .field = Flag(&RunConfig::allow_insecure_endpoint)},
      {.key = "concurrency",
       .help = "Objects in flight at once.",
       .field = Int(&RunConfig::concurrency),
       .range = SettingRange{1, 512}},
      {.key = "max_memory",
       .help = "MiB the objects in processing may use together. Each first reserves what its "
               "processor needs: a few MiB at most for json and passthrough, which stream; for "
               "csv and ndjson up to 4x the object (257 MiB at most), as they hold a record or "
               "a line; for exec the object's size, which its command may hold; for a .gz "
               "object, what it may decompress to counts. Objects that do not fit wait; one "
               "that needs more than the whole budget is processed alone.",
       .field = Int(&RunConfig::max_memory),
       .range = SettingRange{16, kNoUpperBound}},
      {.key = "max_files",
       .help = "Stop claiming new objects after this many (0: no limit).",
       .field = Int(&RunConfig::max_files),
       .range = SettingRange{0, kNoUpperBound}},
      {.key = "max_seconds",
       .help = "Stop claiming new objects after this many seconds (0: no limit).",
       .field = Int(&RunConfig::max_seconds),
       .range = SettingRange{0, kNoUpperBound}},
      {.key = "max_attempts",
       .help = "Transient failures of one object before it goes to errors/.",
       .field = Int(&RunConfig::max_attempts),
       .range = SettingRange{1, 100}},
      {.key = "max_object_bytes",
       .help =
           "Objects larger than this go to errors/ at once, copied there by S3 without being "
           "downloaded (0: no limit). An object larger than the work dir's free space is a failed "
           "attempt, also without downloading it.",
       .field = Bytes(&RunConfig::max_object_bytes)},
      {.key = "lease_seconds",
       .help = "How long a claim holds without renewal.",
       .field = Int(&RunConfig::lease_seconds),
       .range = SettingRange{30, 86400}},
      {.key = "lease_shards",
       .help = "The key space is claimed in this many shards.",
       .field = Int(&RunConfig::lease_shards),
       .range = SettingRange{1, 4096}},
      {.key = "queue_wait_seconds",
       .help = "Queue mode: how long one poll waits for messages.",
       .field = Int(&RunConfig::queue_wait_seconds),
       .range = SettingRange{0, 20}},
      {.key = "queue_visibility_seconds",
       .help = "Queue mode: how long a received message stays hidden from other workers "
               "(0: the queue's own visibility timeout, read at start); extended at half-life "
               "while its object is worked on.",
       .field = Int(&RunConfig::queue_visibility_seconds),
       .range = SettingRange{kMinQueueVisibilitySeconds, 43200, /*zero_too=*/true}},
      {.key = "follow",
       .help =
           "Keep going, for a service, until SIGTERM or SIGINT ends it after the objects in hand. "
           "Listing mode: list input/ again after each pass (see --poll-seconds); a failed pass "
           "(S3 unreachable) is logged and retried; --max-files and --max-seconds bound each pass; "
           "a stop exits 0. Queue mode: keep polling when the queue is empty.",
       .field = Flag(&RunConfig::follow)},
      {.key = "poll_seconds",
       .help = "With --follow in listing mode: seconds to wait before listing again after a "
               "pass that finished no object or failed (a pass that finished some lists again "
               "at once; a signal ends the wait at once).",
       .field = Int(&RunConfig::poll_seconds),
       .range = SettingRange{1, 86400}},
      {.key = "default_processor",
       .help = "Processor for keys no route matches: json, ndjson, csv, passthrough or exec.",
       .field = Text(&RunConfig::default_processor),
       .value_name = "NAME"},
      {.key = "route",
       .help = "A routing rule GLOB=PROCESSOR on the key relative to the input prefix; first match "
               "wins. TOML: [[route]] glob = \"*.csv\" processor = \"csv\". Environment: "
               "comma-separated.",
       .field = Routes()},
      {.key = "exec_command",
       .help =
           "argv of the exec processor; {input} is replaced by the input file (else it is stdin). "
           "Environment: a TOML array ['jq', '.'] or words separated by spaces.",
       .field = List(&RunConfig::exec_command)},
      {.key = "exec_timeout_seconds",
       .help = "The exec command is killed after this long.",
       .field = Int(&RunConfig::exec_timeout_seconds),
       .range = SettingRange{1, 86400}},
      {.key = "exec_env",
       .help =
           "Variables the exec command gets from s3proc's environment besides PATH, LANG, LC_* and "
           "TZ; never AWS_*. Environment: a TOML array or names separated by commas or spaces.",
       .field = List(&RunConfig::exec_env)},
      {.key = "exec_max_output_bytes",
       .help =
           "An exec command that writes more to stdout is killed and its object rejected (0: no "
           "cap).",
       .field = Bytes(&RunConfig::exec_max_output_bytes)},
      {.key = "exec_network",
       .help =
           "Let the exec command use the network. Off: it and everything it starts can open local "
           "(AF_UNIX) sockets only: no TCP or UDP, so neither the instance metadata service (the "
           "role's credentials) nor any other host. Where that cannot be enforced (no seccomp, as "
           "under qemu-user) its objects fail rather than run with the network.",
       .field = Flag(&RunConfig::exec_network)},
      {.key = "max_document_bytes",
       .help =
           "A json document that a route's schema or filter checks is loaded whole, so larger ones "
           "go to errors/ unread (ndjson and csv records stream).",
       .field = Bytes(&RunConfig::max_document_bytes)},
      {.key = "max_decompressed_bytes",
       .help = ".gz inputs that decompress to more are rejected (0: no .gz "
               "decompression).",
       .field = Bytes(&RunConfig::max_decompressed_bytes)},
      {.key = "keep_local_files",
       .help = "Keep the downloads/ and processed/ copies after success.",
       .field = Flag(&RunConfig::keep_local_files)},
      {.key = "dry_run",
       .help = "List what would happen; change nothing (flag only).",
       .field = Flag(&RunConfig::dry_run),
       .in_file = false,
       .in_env = false},
      {.key = "log_format",
       .help = "Log lines as text or json.",
       .field = Text(&RunConfig::log_format),
       .value_name = "text|json"},
      {.key = "log_level",
       .help = "Log lines of this level and above: info (every object), warning (problems only: "
               "rejected objects, warnings, errors; also -q) or error.",
       .field = Text(&RunConfig::log_level),
       .value_name = "LEVEL"},
      {.key = "metrics_file",
       .help = "Write Prometheus textfile metrics here after each run (empty: none).",
       .field = Text(&RunConfig::metrics_file),
       .value_name = "PATH"},
      {.key = "progress",
       .help = "Show a progress bar when stderr is a terminal.",
       .field = Flag(&RunConfig::progress)},
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

SettingField FieldOf(std::string_view key) { return FindSetting(key)->field; }

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

}  // namespace config_internal
}  // namespace s3proc
