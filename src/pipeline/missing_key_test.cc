#include "pipeline/missing_key.h"

#include <gtest/gtest.h>

#include "testutil/memory_object_store.h"
#include "testutil/prefix_policy_object_store.h"

namespace s3proc {
namespace {

using testing::MemoryObjectStore;
using testing::PrefixPolicyObjectStore;

const Status kDenied = Status::AccessDenied("HeadObject mem://input/a.json: AccessDenied (403)");

TEST(ResolveAccessDenied, OtherErrorsAndNotFoundAreReturnedUnchanged) {
  MemoryObjectStore store;
  for (const Status& s : {Status::NotFound("404"), Status::Transient("503"), Status::Ok()}) {
    Status r = ResolveAccessDenied(store, "input/a.json", s);
    EXPECT_EQ(r.code(), s.code());
    EXPECT_EQ(r.message(), s.message());
  }
  EXPECT_EQ(store.CallCount("list"), 0) << "only a 403 costs a listing";
}

TEST(ResolveAccessDenied, A403ForAKeyThatIsNotListedIsNotFound) {
  MemoryObjectStore store;
  store.Put("input/a.json.bak", "x");  // starts with the key, is not the key
  PrefixPolicyObjectStore aws(store, {"input/"});
  Status r = ResolveAccessDenied(aws, "input/a.json", kDenied);
  EXPECT_TRUE(r.IsNotFound()) << r.ToString();
  EXPECT_NE(r.message().find("does not exist"), std::string::npos);
}

TEST(ResolveAccessDenied, A403ForAKeyThatIsListedStaysAccessDenied) {
  MemoryObjectStore store;
  store.Put("input/a.json", "x");
  Status r = ResolveAccessDenied(store, "input/a.json", kDenied);
  EXPECT_EQ(r.code(), StatusCode::kAccessDenied);
  EXPECT_EQ(r.message(), kDenied.message());
}

TEST(ResolveAccessDenied, A403WhoseListingIsDeniedTooStaysAccessDenied) {
  MemoryObjectStore store;
  PrefixPolicyObjectStore aws(store, {"output/"});  // may not list input/
  Status r = ResolveAccessDenied(aws, "input/a.json", kDenied);
  EXPECT_EQ(r.code(), StatusCode::kAccessDenied);
  EXPECT_EQ(r.message(), kDenied.message());
}

}  // namespace
}  // namespace s3proc
