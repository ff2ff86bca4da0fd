#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "aws/credentials_env.h"
#include "aws/imds_client.h"
#include "common/result.h"

namespace s3proc {

// Where the region and the S3 endpoint come from, besides the environment and the config file.
struct RegionOptions {
  std::string flag_region;    // --region; "" when not given
  std::string flag_endpoint;  // --endpoint-url; "" when not given
  std::string profile;        // --profile; "" = AWS_PROFILE, then "default"
  EnvLookup env = ProcessEnvLookup();
  // When set, the instance's region (GET /latest/meta-data/placement/region) is the last
  // resort. nullptr: IMDS is not asked.
  std::shared_ptr<ImdsClient> imds;
};

// Returns the region: flag_region > AWS_REGION > AWS_DEFAULT_REGION > the profile's `region` in
// the config file > the EC2 instance's region (when options.imds is set).
// Returns InvalidArgument when none is set ("set --region or AWS_REGION"), when the region
// has characters other than letters, digits, '-' and '_', or when the config file cannot be
// parsed; IoError when it cannot be read.
Result<std::string> ResolveRegion(const RegionOptions& options);

struct S3Endpoint {
  std::string url;      // "scheme://host[:port][/path]", no trailing '/'
  bool custom = false;  // not the default AWS endpoint for the region
  // Custom endpoints (MinIO, Ceph RGW, LocalStack, ...) default to path-style addressing
  // (http://host/bucket/key); AWS defaults to virtual-hosted (http://bucket.host/key). The
  // profile's `s3 = \n addressing_style = path|virtual` overrides either default.
  bool path_style = false;
  // Where the URL came from, for messages: "--endpoint-url", "AWS_ENDPOINT_URL_S3",
  // "AWS_ENDPOINT_URL", "endpoint_url in the config file", or "the region" for AWS's own.
  std::string source;
};

// Returns the S3 endpoint: flag_endpoint > AWS_ENDPOINT_URL_S3 > AWS_ENDPOINT_URL > the
// profile's `endpoint_url` > https://s3.REGION.amazonaws.com (amazonaws.com.cn for cn-*).
// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true skips the environment and the profile (the flag
// still counts), as in the AWS CLI.
// Returns InvalidArgument, naming where the URL came from, when it is not http:// or https://
// with a host, or has a query or fragment; or when `region` is needed but invalid.
Result<S3Endpoint> ResolveS3Endpoint(const RegionOptions& options, std::string_view region);

}  // namespace s3proc
