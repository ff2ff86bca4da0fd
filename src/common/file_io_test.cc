#include "common/file_io.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "testutil/temp_dir.h"

namespace s3proc {
namespace {

using testing::ReadFileOrEmpty;
using testing::TempDir;

// Processed data is the customer's data: readable by the service user only, whatever umask the
// process was started with (cron's is 022).
TEST(OutputFileTest, CreatesFilesPrivateToTheOwner) {
  TempDir dir;
  mode_t old = ::umask(022);
  std::string path = (dir.path() / "out.json").string();
  auto file = OutputFile::Create(path);
  ::umask(old);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  ASSERT_TRUE(file->Append("{}").ok());
  ASSERT_TRUE(file->Close().ok());
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

// A symlink planted under the output's name is refused, never written through.
TEST(OutputFileTest, NeverFollowsASymlink) {
  TempDir dir;
  std::string victim = dir.WriteFile("victim.txt", "precious");
  std::string link = (dir.path() / "out.json").string();
  ASSERT_EQ(::symlink(victim.c_str(), link.c_str()), 0);
  auto file = OutputFile::Create(link);
  EXPECT_FALSE(file.ok());
  EXPECT_EQ(ReadFileOrEmpty(victim), "precious");
}

}  // namespace
}  // namespace s3proc
