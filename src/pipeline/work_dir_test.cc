#include "pipeline/work_dir.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <iostream>
#include <thread>

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

// Whoever else can write to the work dir could swap what s3proc reads, writes and removes.
TEST(WorkDir, ADirectoryOwnedByAnotherUserIsRefused) {
  testing::TempDir tmp;
  // 65534: nobody. Root gets no exception: it refuses another user's directory too.
  ASSERT_EQ(::chown(tmp.path().c_str(), 65534, static_cast<gid_t>(-1)), 0)
      << "the test needs to chown (run as root)";
  auto w = WorkDir::Open(tmp.path().string());
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.status().code(), StatusCode::kInvalidArgument) << w.status().ToString();
  EXPECT_NE(w.status().message().find(tmp.path().string()), std::string::npos);
  EXPECT_NE(w.status().message().find("chown"), std::string::npos) << w.status().message();
  EXPECT_FALSE(std::filesystem::exists(tmp.path() / "downloads")) << "refused before any use";
}

TEST(WorkDir, AWorldOrGroupWritableDirectoryIsRefused) {
  for (mode_t mode : {0777, 0770, 0702}) {
    testing::TempDir tmp;
    ASSERT_EQ(::chmod(tmp.path().c_str(), mode), 0);
    auto w = WorkDir::Open(tmp.path().string());
    ASSERT_FALSE(w.ok()) << std::oct << mode;
    EXPECT_EQ(w.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(w.status().message().find("chmod go-w " + tmp.path().string()), std::string::npos)
        << w.status().message();
  }
}

TEST(WorkDir, AWritableFolderInsideIsRefused) {
  for (const char* sub : {"downloads", "processed", "state"}) {
    testing::TempDir tmp;
    ASSERT_EQ(::mkdir((tmp.path() / sub).c_str(), 0700), 0);
    ASSERT_EQ(::chmod((tmp.path() / sub).c_str(), 0777), 0);
    auto w = WorkDir::Open(tmp.path().string());
    ASSERT_FALSE(w.ok()) << sub;
    EXPECT_EQ(w.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(w.status().message().find(sub), std::string::npos) << w.status().message();
  }
}

TEST(WorkDir, AGroupReadableDirectoryIsFine) {
  testing::TempDir tmp;
  ASSERT_EQ(::chmod(tmp.path().c_str(), 0750), 0);
  ASSERT_EQ(::mkdir((tmp.path() / "downloads").c_str(), 0750), 0);
  EXPECT_TRUE(WorkDir::Open(tmp.path().string()).ok());
}

TEST(WorkDir, MissingParentsAreCreatedPrivate) {
  testing::TempDir tmp;
  const std::string path = (tmp.path() / "state" / "s3proc").string();
  auto w = WorkDir::Open(path);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  struct stat st {};
  ASSERT_EQ(::stat((tmp.path() / "state").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0077, 0u);
}

TEST(WorkDir, ASymlinkedWorkDirIsTheDirectoryItNames) {
  testing::TempDir tmp;
  const auto real = tmp.path() / "real";
  ASSERT_EQ(::mkdir(real.c_str(), 0700), 0);
  ASSERT_EQ(::symlink(real.c_str(), (tmp.path() / "link").c_str()), 0);
  auto w = WorkDir::Open((tmp.path() / "link").string());
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  EXPECT_EQ(w->root(), std::filesystem::canonical(real).string());
  EXPECT_TRUE(std::filesystem::is_directory(real / "downloads"));
}

TEST(WorkDir, AnEmptyPathAsksForAWorkDir) {
  auto w = WorkDir::Open("");
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(w.status().message().find("--work-dir"), std::string::npos);
}

// The leftover cleanup empties downloads/ through the descriptor it opened and checked: swapping
// downloads/ for a symlink meanwhile cannot make it empty the link's target. Raced as in the
// reading that found it: runs in a loop while a thread swaps downloads/ and a link all along.
TEST(WorkDir, ASwappedDownloadsFolderNeverLeadsTheCleanupElsewhere) {
  testing::TempDir tmp;
  testing::TempDir victim;
  const auto work = tmp.path() / "work";
  ASSERT_TRUE(WorkDir::Open(work.string()).ok());
  const std::string downloads = (work / "downloads").string();
  const std::string link = (work / "downloads.link").string();
  ASSERT_EQ(::symlink(victim.path().c_str(), link.c_str()), 0);
  std::atomic<bool> stop{false};
  std::thread swapper([&] {  // downloads/ is the folder, then the link, then the folder...
    while (!stop) ::renameat2(AT_FDCWD, downloads.c_str(), AT_FDCWD, link.c_str(), RENAME_EXCHANGE);
  });
  // The reading's 65 runs did not always hit the window (on the code before the fix, 1 time in
  // 3 here); ten times as many did every time, and still take well under a second.
  constexpr int kRuns = 650;
  int opened = 0;
  for (int run = 0; run < kRuns; ++run) {
    victim.WriteFile("precious-" + std::to_string(run), "keep me");
    auto w = WorkDir::Open(work.string());  // refused (a link) or opened: never elsewhere
    opened += w.ok();
    ASSERT_TRUE(std::filesystem::exists(victim.path() / ("precious-" + std::to_string(run))))
        << "run " << run << " removed a file of the symlink's target";
  }
  stop = true;
  swapper.join();
  size_t left = 0;
  for (const auto& entry : std::filesystem::directory_iterator(victim.path())) {
    (void)entry;
    ++left;
  }
  EXPECT_EQ(left, static_cast<size_t>(kRuns));
  std::cout << opened << " of " << kRuns << " runs opened the work dir\n";
}

}  // namespace
}  // namespace s3proc
