#include "processors/passthrough_processor.h"

#include <gtest/gtest.h>

#include <string>

#include "testutil/temp_dir.h"

namespace s3proc {
namespace {

using testing::ReadFileOrEmpty;
using testing::TempDir;

TEST(PassthroughProcessorTest, CopiesBytesUnchanged) {
  TempDir dir;
  std::string content;
  for (int i = 0; i < 2000000; ++i) content.push_back(static_cast<char>(i * 7));
  for (const std::string& input : {std::string(), std::string("\0\xff\n", 3), content}) {
    std::string in = dir.WriteFile("in.bin", input);
    std::string out = (dir.path() / "out.bin").string();
    PassthroughProcessor processor;
    ASSERT_TRUE(processor.Process(in, out, ProcessContext{"input/x.bin"}).ok());
    EXPECT_EQ(ReadFileOrEmpty(out), input);
  }
}

TEST(PassthroughProcessorTest, IoErrors) {
  TempDir dir;
  PassthroughProcessor processor;
  EXPECT_EQ(
      processor.Process((dir.path() / "missing").string(), (dir.path() / "o").string(), {}).code(),
      StatusCode::kIoError);
  std::string in = dir.WriteFile("in.bin", "data");
  EXPECT_EQ(processor.Process(in, "/dev/full", {}).code(), StatusCode::kIoError);
}

}  // namespace
}  // namespace s3proc
