#include <array>
#include <cctype>
#include <string>

#include "common/endpoint_transport.h"
#include "common/exec_env_names.h"
#include "common/logging.h"
#include "common/processor_names.h"
#include "config/config_loader.h"
#include "config/setting_fields.h"

namespace s3proc {

namespace {

// A route's schema, filter and empty: for the processors that read JSON records only, and
// `empty` only beside a filter.
Status ValidateDeclaredProcessing(const RouteRule& r, const std::string& which) {
  const bool reads_records =
      r.processor == "json" || r.processor == "ndjson" || r.processor == "csv";
  const std::pair<const char*, const std::string*> declared[] = {
      {"a schema", &r.schema}, {"a filter", &r.filter}, {"empty", &r.empty}};
  for (const auto& [what, value] : declared) {
    if (!value->empty() && !reads_records) {
      return Status::InvalidArgument(which + ": " + what +
                                     " is for the json, ndjson and csv processors, not '" +
                                     r.processor + "'");
    }
  }
  if (!r.empty.empty() && r.empty != "reject" && r.empty != "skip") {
    return Status::InvalidArgument(which + ": empty must be \"reject\" or \"skip\", not \"" +
                                   r.empty + "\"");
  }
  if (!r.empty.empty() && r.filter.empty()) {
    return Status::InvalidArgument(which +
                                   ": empty says what a filter's empty result becomes, and this "
                                   "route has no filter");
  }
  return Status::Ok();
}

// "concurrency (from --concurrency)" when we know where the value came from.
std::string Named(std::string_view key, const SettingOrigins* origin) {
  std::string name(key);
  if (origin != nullptr) {
    if (auto it = origin->find(key); it != origin->end()) name += " (from " + it->second + ")";
  }
  return name;
}

bool IsIpv4Like(std::string_view name) {
  int dots = 0;
  for (char c : name) {
    if (c == '.') {
      ++dots;
    } else if (!std::isdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return dots == 3;
}

// "s3://my-bucket" (and "s3://my-bucket/") is how AWS users write a bucket: taken as
// "my-bucket". A key prefix after it is refused: the input, output and error folders are
// settings of their own.
Status NormalizeBucketUri(RunConfig& config, const SettingOrigins* origin) {
  constexpr std::string_view kScheme = "s3://";
  std::string& b = config.bucket;
  if (!b.starts_with(kScheme)) return Status::Ok();
  std::string name = b.substr(kScheme.size());
  const size_t slash = name.find('/');
  if (slash != std::string::npos && slash + 1 < name.size()) {
    return Status::InvalidArgument(
        Named("bucket", origin) + " '" + b + "' names a folder in the bucket: give the bucket " +
        "alone ('" + name.substr(0, slash) + "') and the folders with --input-prefix, " +
        "--output-prefix and --error-prefix");
  }
  b = name.substr(0, slash);
  return Status::Ok();
}

Status ValidateBucket(const RunConfig& config, const SettingOrigins* origin) {
  const std::string& b = config.bucket;
  if (b.empty()) {
    return Status::InvalidArgument(
        "no bucket: set --bucket, S3PROC_BUCKET, or bucket = \"...\" in the config file");
  }
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument(Named("bucket", origin) + " '" + b +
                                   "' is not a valid S3 bucket name: " + why);
  };
  if (b.size() < 3 || b.size() > 63) return bad("it must be 3 to 63 characters long");
  for (char c : b) {
    if (!(std::islower(static_cast<unsigned char>(c)) ||
          std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '-')) {
      return bad("only lower-case letters, digits, '.' and '-' are allowed");
    }
  }
  auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  if (!alnum(b.front()) || !alnum(b.back())) {
    return bad("it must start and end with a letter or digit");
  }
  if (b.find("..") != std::string::npos) return bad("it must not contain '..'");
  if (IsIpv4Like(b)) return bad("it must not look like an IP address");
  return Status::Ok();
}

Status NormalizePrefix(std::string_view key, std::string& prefix, const SettingOrigins* origin) {
  if (prefix.empty()) {
    return Status::InvalidArgument(Named(key, origin) +
                                   " is empty: give it a folder such as 'input/'");
  }
  if (prefix.front() == '/') {
    return Status::InvalidArgument(Named(key, origin) + " '" + prefix +
                                   "' starts with '/': S3 keys have no leading '/'; remove it");
  }
  if (prefix.back() != '/') prefix.push_back('/');
  return Status::Ok();
}

// Every integer setting against the range its row of RunSettings() declares.
Status CheckRanges(const RunConfig& config, const SettingOrigins* origin) {
  for (const SettingInfo& s : RunSettings()) {
    if (!s.range) continue;
    const int value = config.*s.field.integer;
    if (!s.range->Contains(value)) {
      std::string range = s.range->Text();
      if (range.find("..") != std::string::npos && !s.range->zero_too) {
        range = "between " + std::to_string(s.range->min) + " and " + std::to_string(s.range->max);
      }
      return Status::InvalidArgument(Named(s.key, origin) + " must be " + range + ", got " +
                                     std::to_string(value));
    }
  }
  return Status::Ok();
}

// Queue mode's own rules: an http(s) URL, and no setting that only listing mode can honour.
Status ValidateQueueMode(const RunConfig& config, const SettingOrigins* origin) {
  if (config.queue_url.empty()) return Status::Ok();
  const std::string& u = config.queue_url;
  if (!(u.starts_with("https://") && u.size() > 8) && !(u.starts_with("http://") && u.size() > 7)) {
    return Status::InvalidArgument(
        Named("queue_url", origin) + " '" + u +
        "' must look like https://sqs.REGION.amazonaws.com/ACCOUNT/NAME");
  }
  S3PROC_RETURN_IF_ERROR(
      CheckEndpointTransport(u, Named("queue_url", origin), config.allow_insecure_endpoint)
          .status());
  if (config.dry_run) {
    return Status::InvalidArgument(
        "--dry-run cannot be used in queue mode: receiving a message hides it from the other "
        "workers; use `s3proc status` to see the queue");
  }
  return Status::Ok();
}

}  // namespace

Status NormalizeAndValidate(RunConfig& config, ConfigPurpose purpose,
                            const SettingOrigins* origin) {
  if (purpose == ConfigPurpose::kS3) {
    S3PROC_RETURN_IF_ERROR(NormalizeBucketUri(config, origin));
    S3PROC_RETURN_IF_ERROR(ValidateBucket(config, origin));
  }

  struct PrefixRef {
    std::string_view key;
    std::string* value;
  };
  std::array<PrefixRef, 4> prefixes = {{{"input_prefix", &config.input_prefix},
                                        {"output_prefix", &config.output_prefix},
                                        {"error_prefix", &config.error_prefix},
                                        {"lease_prefix", &config.lease_prefix}}};
  for (auto& p : prefixes) S3PROC_RETURN_IF_ERROR(NormalizePrefix(p.key, *p.value, origin));
  for (size_t i = 0; i < prefixes.size(); ++i) {
    for (size_t j = i + 1; j < prefixes.size(); ++j) {
      const std::string& a = *prefixes[i].value;
      const std::string& b = *prefixes[j].value;
      if (a.starts_with(b) || b.starts_with(a)) {
        return Status::InvalidArgument(
            Named(prefixes[i].key, origin) + " '" + a + "' and " + Named(prefixes[j].key, origin) +
            " '" + b +
            "' overlap (one is a prefix of the other), so s3proc would read its own "
            "output, errors or leases as input; give each its own folder");
      }
    }
  }

  S3PROC_RETURN_IF_ERROR(CheckRanges(config, origin));
  S3PROC_RETURN_IF_ERROR(ValidateQueueMode(config, origin));
  if (config.follow && config.dry_run) {
    return Status::InvalidArgument(
        "--dry-run cannot be used with " + Named("follow", origin) +
        ": a dry run lists once and changes nothing; run it without --follow");
  }

  if (!ParseLogLevel(config.log_level)) {
    return Status::InvalidArgument(Named("log_level", origin) +
                                   " must be info, warning or error, got '" + config.log_level +
                                   "'");
  }
  if (config.log_format != "text" && config.log_format != "json") {
    return Status::InvalidArgument(Named("log_format", origin) + " must be text or json, got '" +
                                   config.log_format + "'");
  }
  if (!config.endpoint_url.empty()) {
    const std::string& u = config.endpoint_url;
    bool http = u.starts_with("http://") && u.size() > 7;
    bool https = u.starts_with("https://") && u.size() > 8;
    if (!http && !https) {
      return Status::InvalidArgument(Named("endpoint_url", origin) + " '" + u +
                                     "' must be an http:// or https:// URL with a host");
    }
    S3PROC_RETURN_IF_ERROR(
        CheckEndpointTransport(u, Named("endpoint_url", origin), config.allow_insecure_endpoint)
            .status());
  }
  for (char c : config.region) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) {
      return Status::InvalidArgument(Named("region", origin) + " '" + config.region +
                                     "' may hold only letters, digits, '-' and '_'");
    }
  }

  bool uses_exec = config.default_processor == "exec";
  if (!IsProcessorName(config.default_processor)) {
    return Status::InvalidArgument(Named("default_processor", origin) + ": " +
                                   UnknownProcessorMessage(config.default_processor));
  }
  for (size_t i = 0; i < config.routes.size(); ++i) {
    const RouteRule& r = config.routes[i];
    std::string which =
        "route " + std::to_string(i + 1) + " ('" + r.glob + "=" + r.processor + "')";
    if (origin != nullptr) {
      // The route's own line when a file set it, else where the whole list came from.
      auto it = origin->find(config_internal::RouteOriginKey(i));
      if (it == origin->end()) it = origin->find("route");
      if (it != origin->end()) which += " (from " + it->second + ")";
    }
    if (r.glob.empty()) return Status::InvalidArgument(which + " has an empty glob");
    if (!IsProcessorName(r.processor)) {
      return Status::InvalidArgument(which + ": " + UnknownProcessorMessage(r.processor));
    }
    S3PROC_RETURN_IF_ERROR(ValidateDeclaredProcessing(r, which));
    uses_exec = uses_exec || r.processor == "exec";
  }
  if (uses_exec && config.exec_command.empty()) {
    return Status::InvalidArgument(
        "the exec processor is used but exec_command is empty: set --exec-command, "
        "S3PROC_EXEC_COMMAND, or exec_command = [\"cmd\", \"arg\"] in the config file");
  }
  if (!config.exec_command.empty() && config.exec_command[0].empty()) {
    return Status::InvalidArgument(Named("exec_command", origin) +
                                   ": the command (first element) is empty");
  }
  for (const std::string& name : config.exec_env) {
    if (Status s = CheckExecEnvName(name); !s.ok()) {
      return Status::InvalidArgument(Named("exec_env", origin) + ": " + s.message());
    }
  }
  return Status::Ok();
}

}  // namespace s3proc
