#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string_view>

#include "aws/credentials.h"
#include "aws/imds_client.h"

namespace s3proc {

// The EC2 instance profile's temporary credentials from the instance metadata service (IMDSv2):
// GET /latest/meta-data/iam/security-credentials/ for the role name, then
// GET /latest/meta-data/iam/security-credentials/ROLE for the JSON document (AccessKeyId,
// SecretAccessKey, Token, Expiration, Code). source = "imds role ROLE". Every call asks IMDS
// (the session token is kept); wrap in a cache (credentials_cache.h).
// GetCredentials() returns:
// - NotFound when IMDS is disabled or unreachable (see ImdsClient::Get), or when no IAM role is
//   attached to the instance;
// - AccessDenied when IMDS reports a Code other than "Success" (e.g. the role cannot be assumed);
// - Transient when IMDS keeps failing (5xx, transport errors after the token was obtained);
// - Internal for an answer that cannot be understood (bad JSON, missing fields, bad Expiration).
// Messages never contain the secret or the token.
std::unique_ptr<CredentialsProvider> NewImdsCredentialsProvider(ImdsOptions options);

// The same, sharing an ImdsClient (and so its session token) with other users, e.g. the region
// lookup. REQUIRES: client is non-null.
std::unique_ptr<CredentialsProvider> NewImdsCredentialsProvider(std::shared_ptr<ImdsClient> client);

// Parses an ISO 8601 UTC time as IMDS writes it: "2026-11-28T17:00:00Z" (fractional seconds and
// a "+00:00" suffix are accepted too). Returns nullopt for anything else.
std::optional<std::chrono::system_clock::time_point> ParseIso8601Utc(std::string_view text);

}  // namespace s3proc
