#include "http/http_client.h"

#include <gtest/gtest.h>

namespace s3proc {
namespace {

TEST(HttpResponseTest, HeaderReturnsTheFirstOneByItsLowerCaseName) {
  HttpResponse r;
  r.headers = {{"etag", "\"a\""}, {"x-amz-meta-k", "1"}, {"x-amz-meta-k", "2"}};
  EXPECT_EQ(r.Header("etag"), "\"a\"");
  EXPECT_EQ(r.Header("x-amz-meta-k"), "1");
  EXPECT_EQ(r.Header("content-length"), "");
}

TEST(HttpBodyTest, SizeIsTheStringOrTheFileRange) {
  HttpBody memory;
  memory.data = "abc";
  EXPECT_EQ(memory.size(), 3u);
  HttpBody file;
  file.data = "ignored";
  file.file_path = "/tmp/x";
  file.file_offset = 10;
  file.file_length = 5;
  EXPECT_EQ(file.size(), 5u);
}

}  // namespace
}  // namespace s3proc
