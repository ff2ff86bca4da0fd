#include "common/atomic_file.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "common/file_io.h"
#include "testutil/temp_dir.h"

namespace s3proc {
namespace {

using testing::ReadFileOrEmpty;
using testing::TempDir;

std::vector<std::string> Names(const TempDir& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

mode_t ModeOf(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 0777;
}

TEST(AtomicFileTest, CommitPutsTheWholeFileUnderItsName) {
  TempDir dir;
  std::string path = dir.WriteFile("state", "old");
  AtomicFile file(path);
  EXPECT_EQ(file.path(), path);
  EXPECT_EQ(file.temp_path().rfind(path + ".tmp-", 0), 0u) << file.temp_path();
  ASSERT_TRUE(file.Write("new").ok());
  EXPECT_EQ(ReadFileOrEmpty(path), "old");  // not yet
  ASSERT_TRUE(file.Commit().ok());
  EXPECT_EQ(ReadFileOrEmpty(path), "new");
  EXPECT_EQ(Names(dir), std::vector<std::string>{"state"});
}

TEST(AtomicFileTest, WithoutCommitNothingIsLeft) {
  TempDir dir;
  std::string path = dir.WriteFile("state", "old");
  {
    AtomicFile file(path);
    ASSERT_TRUE(file.Write("half").ok());
  }
  EXPECT_EQ(ReadFileOrEmpty(path), "old");
  EXPECT_EQ(Names(dir), std::vector<std::string>{"state"});
}

// A writer that opens files by name (a processor, a download) fills temp_path(); the
// destructor still cleans up after it.
TEST(AtomicFileTest, OtherWritersFillTheTempPath) {
  TempDir dir;
  std::string path = (dir.path() / "out").string();
  {
    AtomicFile abandoned(path);
    auto out = OutputFile::Create(abandoned.temp_path());
    ASSERT_TRUE(out.ok());
    ASSERT_TRUE(out->Close().ok());
  }
  EXPECT_TRUE(Names(dir).empty());
  AtomicFile file(path);
  auto out = OutputFile::Create(file.temp_path());
  ASSERT_TRUE(out.ok());
  ASSERT_TRUE(out->Append("x").ok());
  ASSERT_TRUE(out->Close().ok());
  ASSERT_TRUE(file.Commit().ok());
  EXPECT_EQ(ReadFileOrEmpty(path), "x");
}

TEST(AtomicFileTest, TempNamesAreUnique) {
  AtomicFile a("/x/f"), b("/x/f");
  EXPECT_NE(a.temp_path(), b.temp_path());
}

TEST(AtomicFileTest, PrivateUnlessAskedOtherwise) {
  TempDir dir;
  mode_t old = ::umask(022);
  std::string private_path = (dir.path() / "private").string();
  std::string shared_path = (dir.path() / "shared.prom").string();
  AtomicFile private_file(private_path), shared_file(shared_path, 0644);
  ASSERT_TRUE(private_file.Write("a").ok());
  ASSERT_TRUE(shared_file.Write("b").ok());
  ::umask(old);
  ASSERT_TRUE(private_file.Commit().ok());
  ASSERT_TRUE(shared_file.Commit().ok());
  EXPECT_EQ(ModeOf(private_path), 0600u);
  EXPECT_EQ(ModeOf(shared_path), 0644u);
}

// A link planted under the temp name is refused, never written through.
TEST(AtomicFileTest, NeverWritesThroughASymlink) {
  TempDir dir;
  std::string victim = dir.WriteFile("victim", "precious");
  AtomicFile file((dir.path() / "out").string());
  ASSERT_EQ(::symlink(victim.c_str(), file.temp_path().c_str()), 0);
  Status s = file.Write("evil");
  EXPECT_EQ(s.code(), StatusCode::kIoError) << s.ToString();
  EXPECT_EQ(ReadFileOrEmpty(victim), "precious");
}

// A file planted under the temp name (another user's, mode 0666) is never reused: writing into
// it would leave the output owned by the planter, and readable and writable by anyone.
TEST(AtomicFileTest, NeverReusesAFilePlantedUnderTheTempName) {
  TempDir dir;
  const std::string path = (dir.path() / "out").string();
  AtomicFile file(path);
  { std::ofstream(file.temp_path()) << "planted"; }
  ASSERT_EQ(::chmod(file.temp_path().c_str(), 0666), 0);
  Status s = file.Write("secret");
  EXPECT_EQ(s.code(), StatusCode::kIoError) << s.ToString();
  EXPECT_EQ(ReadFileOrEmpty(file.temp_path()), "planted") << "written into the planted file";
  EXPECT_FALSE(std::filesystem::exists(path));
}

// Through a directory descriptor: the directory's name may change meanwhile.
TEST(AtomicFileTest, InADirectoryDescriptor) {
  TempDir dir;
  std::filesystem::create_directory(dir.path() / "a");
  int fd = ::open((dir.path() / "a").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  {
    AtomicFile file(fd, "out");
    ASSERT_TRUE(file.Write("x").ok());
    std::filesystem::rename(dir.path() / "a", dir.path() / "b");
    ASSERT_TRUE(file.Commit().ok());
  }
  ::close(fd);
  EXPECT_EQ(ReadFileOrEmpty(dir.path() / "b" / "out"), "x");
  EXPECT_EQ(Names(dir), std::vector<std::string>{"b"});
  EXPECT_EQ(ModeOf((dir.path() / "b" / "out").string()), 0600u);
}

TEST(AtomicFileTest, CommitFailureIsAnIoErrorNamingBothPaths) {
  TempDir dir;
  AtomicFile file((dir.path() / "missing-dir" / "out").string());
  Status s = file.Commit();  // nothing written, and no such directory
  EXPECT_EQ(s.code(), StatusCode::kIoError);
  EXPECT_NE(s.message().find("missing-dir/out"), std::string::npos) << s.message();
}

TEST(AtomicFileTest, MovedFromOwnsNothing) {
  TempDir dir;
  std::string path = (dir.path() / "out").string();
  AtomicFile first(path);
  ASSERT_TRUE(first.Write("x").ok());
  AtomicFile second(std::move(first));
  ASSERT_TRUE(second.Commit().ok());
  EXPECT_EQ(ReadFileOrEmpty(path), "x");
}

}  // namespace
}  // namespace s3proc
