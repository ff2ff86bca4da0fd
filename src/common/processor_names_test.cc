#include "common/processor_names.h"

#include <gtest/gtest.h>

namespace s3proc {
namespace {

TEST(ProcessorNamesTest, KnowsEveryNameAndNothingElse) {
  for (std::string_view name : kProcessorNames) EXPECT_TRUE(IsProcessorName(name)) << name;
  EXPECT_FALSE(IsProcessorName(""));
  EXPECT_FALSE(IsProcessorName("jsn"));
  EXPECT_FALSE(IsProcessorName("JSON"));
}

TEST(ProcessorNamesTest, UnknownNameMessageListsTheKnownOnesInOrder) {
  EXPECT_EQ(UnknownProcessorMessage("xml"),
            "unknown processor 'xml': expected one of json, ndjson, csv, passthrough, exec");
}

}  // namespace
}  // namespace s3proc
