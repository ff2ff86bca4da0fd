#include "pipeline/provenance.h"

#include "common/hash.h"

namespace s3proc {

namespace {

constexpr char kRoleMeta[] = "s3proc-role";
constexpr char kSourceKeyMeta[] = "s3proc-source-key-sha256";
constexpr char kSourceEtagMeta[] = "s3proc-source-etag";
constexpr char kSourceVersionMeta[] = "s3proc-source-version";
constexpr char kReplacedVersionMeta[] = "s3proc-replaced-source-version";

const std::string* Find(const ObjectInfo& object, std::string_view name) {
  for (const auto& [n, value] : object.metadata) {
    if (n == name) return &value;
  }
  return nullptr;
}

}  // namespace

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kOutput: return "output";
    case Role::kErrorCopy: return "error-copy";
    case Role::kReason: return "reason";
  }
  return "";
}

std::vector<std::pair<std::string, std::string>> ProvenanceMetadata(Role role,
                                                                    std::string_view input_key,
                                                                    const ObjectInfo& source) {
  std::vector<std::pair<std::string, std::string>> metadata = {
      {kRoleMeta, std::string(RoleName(role))},
      {kSourceKeyMeta, Sha256Hex(input_key)},
      {kSourceEtagMeta, source.etag}};
  if (!source.version_id.empty()) metadata.emplace_back(kSourceVersionMeta, source.version_id);
  return metadata;
}

Ownership OwnershipOf(const ObjectInfo& found, const Destination& destination) {
  const std::string* etag = Find(found, kSourceEtagMeta);
  if (etag == nullptr) return Ownership::kForeign;
  const std::string* role = Find(found, kRoleMeta);
  if (role == nullptr) {
    // Written before roles were recorded: see Destination::first_choice.
    bool ours = destination.first_choice && destination.role != Role::kReason;
    if (!ours) return Ownership::kForeign;
  } else {
    const std::string* source_key = Find(found, kSourceKeyMeta);
    if (*role != RoleName(destination.role) || source_key == nullptr ||
        *source_key != Sha256Hex(destination.input_key)) {
      return Ownership::kForeign;
    }
  }
  return *etag == destination.source_etag ? Ownership::kThisVersion : Ownership::kOtherVersion;
}

std::string SourceVersionOf(const ObjectInfo& found) {
  const std::string* version = Find(found, kSourceVersionMeta);
  return version ? *version : "";
}

std::vector<std::pair<std::string, std::string>> ReplacedMetadata(const ObjectInfo& found) {
  std::string version = SourceVersionOf(found);
  if (version.empty()) return {};
  return {{kReplacedVersionMeta, std::move(version)}};
}

std::string ReplacedSourceVersionOf(const ObjectInfo& found) {
  const std::string* version = Find(found, kReplacedVersionMeta);
  return version ? *version : "";
}

}  // namespace s3proc
