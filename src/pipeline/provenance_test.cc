#include "pipeline/provenance.h"

#include <gtest/gtest.h>

namespace s3proc {
namespace {

ObjectInfo Written(Role role, const std::string& input_key, const std::string& etag) {
  ObjectInfo source;
  source.etag = etag;
  ObjectInfo found;
  found.metadata = ProvenanceMetadata(role, input_key, source);
  return found;
}

ObjectInfo WithMetadata(std::vector<std::pair<std::string, std::string>> metadata) {
  ObjectInfo found;
  found.metadata = std::move(metadata);
  return found;
}

TEST(Provenance, NamesTheRoleTheInputAndItsVersion) {
  ObjectInfo source;
  source.etag = "e1";
  source.version_id = "v1";
  auto metadata = ProvenanceMetadata(Role::kReason, "input/a.json", source);
  ASSERT_EQ(metadata.size(), 4u);
  EXPECT_EQ(metadata[0], std::make_pair(std::string("s3proc-role"), std::string("reason")));
  EXPECT_EQ(metadata[1].first, "s3proc-source-key-sha256");
  EXPECT_EQ(metadata[1].second.size(), 64u);
  EXPECT_EQ(metadata[2], std::make_pair(std::string("s3proc-source-etag"), std::string("e1")));
  EXPECT_EQ(metadata[3], std::make_pair(std::string("s3proc-source-version"), std::string("v1")));
}

TEST(Provenance, OursOnlyInTheSameRoleForTheSameInput) {
  const Destination reason{Role::kReason, true, "input/y.json", "e1"};
  EXPECT_EQ(OwnershipOf(Written(Role::kReason, "input/y.json", "e1"), reason),
            Ownership::kThisVersion);
  EXPECT_EQ(OwnershipOf(Written(Role::kReason, "input/y.json", "e0"), reason),
            Ownership::kOtherVersion);
  // errors/y.json.error.json: y.json.error.json's error copy, not y.json's reason.
  EXPECT_EQ(OwnershipOf(Written(Role::kErrorCopy, "input/y.json.error.json", "e1"), reason),
            Ownership::kForeign);
  EXPECT_EQ(OwnershipOf(Written(Role::kReason, "input/other.json", "e1"), reason),
            Ownership::kForeign);
  EXPECT_EQ(OwnershipOf(ObjectInfo{}, reason), Ownership::kForeign) << "a user's file";
}

TEST(Provenance, ObjectsWrittenBeforeRolesAreOursOnlyUnderFirstChoiceNames) {
  const ObjectInfo legacy = WithMetadata({{"s3proc-source-etag", "e1"}});
  EXPECT_EQ(OwnershipOf(legacy, {Role::kOutput, true, "input/a", "e1"}), Ownership::kThisVersion);
  EXPECT_EQ(OwnershipOf(legacy, {Role::kErrorCopy, true, "input/a", "e2"}),
            Ownership::kOtherVersion);
  EXPECT_EQ(OwnershipOf(legacy, {Role::kReason, true, "input/a", "e1"}), Ownership::kForeign);
  EXPECT_EQ(OwnershipOf(legacy, {Role::kErrorCopy, false, "input/a", "e1"}), Ownership::kForeign);
  // A reason of those days carried no metadata at all.
  EXPECT_EQ(OwnershipOf(ObjectInfo{}, {Role::kReason, true, "input/a", "e1"}), Ownership::kForeign);
}

TEST(Provenance, ARoleWithoutTheInputsKeyIsForeign) {
  const ObjectInfo copied = WithMetadata({{"s3proc-source-etag", "e1"}, {"s3proc-role", "output"}});
  EXPECT_EQ(OwnershipOf(copied, {Role::kOutput, true, "input/a", "e1"}), Ownership::kForeign);
}

}  // namespace
}  // namespace s3proc
