#include "aws/region.h"

#include <optional>
#include <utility>

#include "aws/credentials_profile.h"
#include "common/ascii.h"

namespace s3proc {
namespace {

constexpr std::string_view kImdsRegionPath = "/latest/meta-data/placement/region";

std::string_view Trim(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) {
    s.remove_prefix(1);
  }
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

// The region goes into a host name and the signing scope, so it is held to a strict alphabet.
Status ValidateRegion(std::string_view region, std::string_view from) {
  bool ok = !region.empty() && region.size() <= 64;
  for (char c : region) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '_');
  }
  if (ok) return Status::Ok();
  return Status::InvalidArgument("invalid region '" + std::string(region) + "' from " +
                                 std::string(from) + ": expected a name like us-east-1");
}

// Loads the selected profile's config section; an absent file or profile is an empty one.
Result<AwsProfile> ConfigProfile(const RegionOptions& options) {
  Result<AwsProfile> profile =
      LoadConfigProfile(ResolveAwsSharedFiles(options.env, options.profile));
  if (!profile.ok() && profile.status().IsNotFound()) return AwsProfile{};
  return profile;
}

std::optional<std::string> Get(const AwsProfile& profile, const std::string& key) {
  auto it = profile.find(key);
  if (it == profile.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

Status ValidateEndpoint(std::string_view url, std::string_view from) {
  std::string lower = AsciiLower(url);
  size_t host_start = 0;
  if (lower.rfind("https://", 0) == 0) {
    host_start = 8;
  } else if (lower.rfind("http://", 0) == 0) {
    host_start = 7;
  } else {
    return Status::InvalidArgument("endpoint URL '" + std::string(url) + "' from " +
                                   std::string(from) + " must start with http:// or https://");
  }
  std::string_view rest = url.substr(host_start);
  if (rest.empty() || rest.front() == '/' || rest.front() == ':') {
    return Status::InvalidArgument("endpoint URL '" + std::string(url) + "' from " +
                                   std::string(from) + " has no host");
  }
  for (char c : url) {
    if (c == '?' || c == '#' || c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      return Status::InvalidArgument("endpoint URL '" + std::string(url) + "' from " +
                                     std::string(from) +
                                     " must not contain a query, a fragment or spaces");
    }
  }
  return Status::Ok();
}

bool IsTrue(const std::optional<std::string>& value) {
  return value && AsciiLower(*value) == "true";
}

}  // namespace

Result<std::string> ResolveRegion(const RegionOptions& options) {
  auto validated = [](std::string region, std::string_view from) -> Result<std::string> {
    S3PROC_RETURN_IF_ERROR(ValidateRegion(region, from));
    return region;
  };
  if (!options.flag_region.empty()) return validated(options.flag_region, "--region");
  if (auto region = options.env("AWS_REGION")) return validated(*region, "AWS_REGION");
  if (auto region = options.env("AWS_DEFAULT_REGION")) {
    return validated(*region, "AWS_DEFAULT_REGION");
  }
  S3PROC_ASSIGN_OR_RETURN(AwsProfile profile, ConfigProfile(options));
  if (auto region = Get(profile, "region")) return validated(*region, "the config file");

  std::string imds_note;
  if (options.imds) {
    Result<HttpResponse> response = options.imds->Get(kImdsRegionPath);
    if (response.ok() && response->status == 200) {
      return validated(std::string(Trim(response->body)), "the instance metadata service");
    }
    imds_note = response.ok() ? " (IMDS placement/region returned HTTP " +
                                    std::to_string(response->status) + ")"
                              : " (" + response.status().message() + ")";
  }
  return Status::InvalidArgument(
      "no AWS region configured" + imds_note +
      ": set --region or AWS_REGION, or `region` in the profile's section of ~/.aws/config");
}

Result<S3Endpoint> ResolveS3Endpoint(const RegionOptions& options, std::string_view region) {
  std::optional<std::string> url;
  std::string from;
  if (!options.flag_endpoint.empty()) {
    url = options.flag_endpoint;
    from = "--endpoint-url";
  }
  bool ignore_configured = IsTrue(options.env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"));
  if (!url && !ignore_configured) {
    if ((url = options.env("AWS_ENDPOINT_URL_S3"))) {
      from = "AWS_ENDPOINT_URL_S3";
    } else if ((url = options.env("AWS_ENDPOINT_URL"))) {
      from = "AWS_ENDPOINT_URL";
    }
  }
  S3PROC_ASSIGN_OR_RETURN(AwsProfile profile, ConfigProfile(options));
  if (!url && !ignore_configured && (url = Get(profile, "endpoint_url"))) {
    from = "endpoint_url in the config file";
  }

  S3Endpoint endpoint;
  if (url) {
    S3PROC_RETURN_IF_ERROR(ValidateEndpoint(*url, from));
    endpoint.url = std::move(*url);
    endpoint.source = from;
    while (endpoint.url.back() == '/') endpoint.url.pop_back();
    endpoint.custom = true;
    endpoint.path_style = true;
  } else {
    S3PROC_RETURN_IF_ERROR(ValidateRegion(region, "the resolved region"));
    std::string lower_region = AsciiLower(region);
    endpoint.url = "https://s3." + lower_region + ".amazonaws.com";
    endpoint.source = "the region";
    if (lower_region.rfind("cn-", 0) == 0) endpoint.url += ".cn";
  }
  if (std::optional<std::string> style = Get(profile, "s3.addressing_style")) {
    if (*style == "path") endpoint.path_style = true;
    if (*style == "virtual") endpoint.path_style = false;
  }
  return endpoint;
}

}  // namespace s3proc
