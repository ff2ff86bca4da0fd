#include "common/logging.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace s3proc {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// What a Logger wrote, through a memory stream.
class CapturedLog {
 public:
  CapturedLog() : file_(open_memstream(&data_, &size_)) {}
  ~CapturedLog() {
    std::fclose(file_);
    std::free(data_);
  }
  FILE* file() { return file_; }
  std::string text() {
    std::fflush(file_);
    return std::string(data_, size_);
  }

 private:
  char* data_ = nullptr;
  size_t size_ = 0;
  FILE* file_;
};

int LineCount(const std::string& text) {
  int lines = 0;
  for (char c : text) lines += c == '\n';
  return lines;
}

TEST(TextEscapedTest, ControlCharactersBecomeVisibleEscapes) {
  EXPECT_EQ(TextEscaped("a\nb\rc\td"), "a\\nb\\rc\\td");
  EXPECT_EQ(TextEscaped("\x1b[31mred\x7f"), "\\x1b[31mred\\x7f");
  EXPECT_EQ(TextEscaped(std::string("nul\0x", 5)), "nul\\x00x");
  EXPECT_EQ(TextEscaped("back\\slash"), "back\\\\slash") << "so an escape is never ambiguous";
  EXPECT_EQ(TextEscaped("\xc2\x9b"
                        "2J"),
            "\\u009b2J")
      << "a C1 control (CSI)";
  EXPECT_EQ(TextEscaped("\xff"), "\\xff") << "not UTF-8";
  EXPECT_EQ(TextEscaped("données/文件 \"q\".json"), "données/文件 \"q\".json");
}

// A key holding a newline and what follows it, shaped as a log line of its own.
constexpr char kForgingKey[] = "input/a.json\ndone input/forged.json -> output/forged.json";

TEST(LoggerTest, AKeyWithANewlineCannotStartATextLogLine) {
  CapturedLog log;
  Logger logger(LogFormat::kText, log.file());
  ObjectEvent event;
  event.outcome = "rejected";
  event.key = kForgingKey;
  event.destination = "errors/a.json\n\x1b[2Kdone";
  event.processor = "json";
  event.reason = "bad\r\nline";
  logger.Object(event);
  logger.Warn(std::string("cannot store ") + kForgingKey);
  logger.Record(LogLevel::kInfo, "summary", "last=input/x\ninfo forged", "");
  const std::string text = log.text();
  EXPECT_EQ(LineCount(text), 3) << text;
  EXPECT_THAT(text, Not(HasSubstr("\ndone ")));
  EXPECT_THAT(text, Not(HasSubstr("\x1b")));
  EXPECT_THAT(text, Not(HasSubstr("\r")));
  EXPECT_THAT(text, HasSubstr("input/a.json\\ndone input/forged.json"));
}

TEST(LoggerTest, JsonLinesStayOneLineEach) {
  CapturedLog log;
  Logger logger(LogFormat::kJson, log.file());
  ObjectEvent event;
  event.outcome = "done";
  event.key = kForgingKey;
  logger.Object(event);
  logger.Error(kForgingKey);
  const std::string text = log.text();
  EXPECT_EQ(LineCount(text), 2) << text;
  EXPECT_THAT(text, HasSubstr("input/a.json\\ndone input/forged.json"));
}

// At warning, only problems are logged: rejected and failed objects, warnings, errors.
TEST(LoggerTest, LinesBelowTheLevelAreDropped) {
  CapturedLog log;
  Logger logger(LogFormat::kText, log.file(), LogLevel::kWarning);
  logger.Info("listed 3 objects");
  ObjectEvent done;
  done.outcome = "done";
  done.key = "input/a.json";
  logger.Object(done);
  ObjectEvent rejected = done;
  rejected.outcome = "rejected";
  rejected.key = "input/b.json";
  logger.Object(rejected);
  logger.Warn("slow");
  std::string text = log.text();
  EXPECT_EQ(text.find("listed"), std::string::npos) << text;
  EXPECT_EQ(text.find("input/a.json"), std::string::npos) << text;
  EXPECT_NE(text.find("input/b.json"), std::string::npos) << text;
  EXPECT_NE(text.find("slow"), std::string::npos) << text;
  EXPECT_EQ(ParseLogLevel("warning"), LogLevel::kWarning);
  EXPECT_EQ(ParseLogLevel("debug"), std::nullopt);
}

}  // namespace
}  // namespace s3proc
