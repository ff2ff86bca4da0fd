#include "aws/uri_encode.h"

#include <gtest/gtest.h>

namespace s3proc {
namespace {

TEST(UriEncode, KeepsUnreservedAndOptionallySlash) {
  EXPECT_EQ(UriEncode("AZaz09-._~", false), "AZaz09-._~");
  EXPECT_EQ(UriEncode("a/b c", true), "a/b%20c");
  EXPECT_EQ(UriEncode("a/b c", false), "a%2Fb%20c");
  EXPECT_EQ(UriEncode("+%=&?#", false), "%2B%25%3D%26%3F%23");
  EXPECT_EQ(UriEncode("é", false), "%C3%A9");
}

TEST(UriDecode, RoundTripsAndKeepsMalformedEscapes) {
  EXPECT_EQ(UriDecode(UriEncode("input/a b+c%d/é", false)), "input/a b+c%d/é");
  EXPECT_EQ(UriDecode("100%"), "100%");
  EXPECT_EQ(UriDecode("%zz%4"), "%zz%4");
  EXPECT_EQ(UriDecode("a+b"), "a+b");
}

}  // namespace
}  // namespace s3proc
