#include "pipeline/work_dir.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "testutil/temp_dir.h"

namespace s3proc {
namespace {

TEST(WorkDir, CreatesItsFoldersPrivateAndKeepsItsIdentity) {
  testing::TempDir tmp;
  std::string id;
  {
    auto w = WorkDir::Open(tmp.path().string());
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    id = w->identity();
    EXPECT_FALSE(id.empty());
    struct stat st {};
    ASSERT_EQ(::stat(w->downloads().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0077, 0u);
    ASSERT_EQ(::stat((tmp.path() / ".s3proc-id").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0077, 0u);
  }
  auto again = WorkDir::Open(tmp.path().string());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->identity(), id);
}

TEST(WorkDir, ASecondOpenWhileTheFirstHoldsTheLockIsRefused) {
  testing::TempDir tmp;
  auto first = WorkDir::Open(tmp.path().string());
  ASSERT_TRUE(first.ok());
  auto second = WorkDir::Open(tmp.path().string());
  ASSERT_FALSE(second.ok());
  EXPECT_TRUE(second.status().IsPreconditionFailed());
}

TEST(WorkDir, ASymlinkedDownloadsFolderIsRefused) {
  testing::TempDir tmp;
  testing::TempDir elsewhere;
  ASSERT_EQ(::symlink(elsewhere.path().c_str(), (tmp.path() / "downloads").c_str()), 0);
  auto w = WorkDir::Open(tmp.path().string());
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.status().code(), StatusCode::kIoError);
}

TEST(WorkDir, AttemptsSurviveRunsUntilCleared) {
  testing::TempDir tmp;
  {
    auto w = WorkDir::Open(tmp.path().string());
    ASSERT_TRUE(w.ok());
    EXPECT_EQ(w->RecordAttempt("input/a", "e1"), 1);
    EXPECT_EQ(w->RecordAttempt("input/a", "e1"), 2);
    EXPECT_EQ(w->RecordAttempt("input/b", "e1"), 1);
    w->ClearAttempts("input/b", "e1");
  }  // as if killed: nothing else is written at the end
  {
    auto w = WorkDir::Open(tmp.path().string());
    ASSERT_TRUE(w.ok());
    EXPECT_EQ(w->RecordAttempt("input/a", "e1"), 3);
    EXPECT_EQ(w->RecordAttempt("input/a", "e2"), 1) << "a new version starts again";
    EXPECT_EQ(w->RecordAttempt("input/b", "e1"), 1);
    w->ClearAttempts("input/a", "e1");
  }
  auto w = WorkDir::Open(tmp.path().string());
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->RecordAttempt("input/a", "e1"), 1);
}

}  // namespace
}  // namespace s3proc
