#include "common/local_path.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

namespace s3proc {
namespace {

bool IsSafeName(const std::string& name) {
  if (name.empty() || name.size() > 120 || name[0] == '.' || name == "..") return false;
  for (unsigned char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

TEST(LocalNameForKey, HostileKeysStayInsideTheDirectory) {
  const std::vector<std::string> keys = {
      "..",
      "../..",
      "input/../../etc/passwd",
      "/etc/passwd",
      "input/..",
      ".",
      "",
      "input/a/b/c.json",
      std::string("input/ctl\x01\x1b[31m\n.json"),
      "input/" + std::string(1018, 'x'),
      "input/" + std::string(300, '/'),
      "input/日本語.json",
      "input/.hidden",
      "input/a\\..\\b",
  };
  const std::filesystem::path base = "/work/downloads";
  for (const auto& key : keys) {
    std::string name = LocalNameForKey(key);
    EXPECT_TRUE(IsSafeName(name)) << "key " << key << " -> " << name;
    auto joined = (base / name).lexically_normal();
    EXPECT_EQ(joined.parent_path(), base) << key;
  }
}

TEST(LocalNameForKey, DistinctKeysGetDistinctNamesAndTheExtensionIsKept) {
  std::set<std::string> names;
  for (const char* k : {"input/a.json", "input/a_json", "input/a?json", "other/a.json"}) {
    names.insert(LocalNameForKey(k));
  }
  EXPECT_EQ(names.size(), 4u);
  EXPECT_TRUE(LocalNameForKey("input/x/report.csv.gz").ends_with("-report.csv.gz"));
  EXPECT_EQ(LocalPathForKey("/w/d", "input/a.json"), "/w/d/" + LocalNameForKey("input/a.json"));
}

TEST(LocalNameForKey, InstancesOfOneKeyGetDistinctNamesThatKeepTheExtension) {
  std::string first = LocalNameForKey("input/a.json", 1);
  std::string second = LocalNameForKey("input/a.json", 2);
  EXPECT_NE(first, second);
  EXPECT_NE(first, LocalNameForKey("input/a.json"));
  EXPECT_TRUE(first.ends_with("-a.json"));
  EXPECT_EQ(first.find('/'), std::string::npos);
}

}  // namespace
}  // namespace s3proc
