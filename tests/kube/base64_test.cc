#include "kube/base64.h"

#include <gtest/gtest.h>

namespace tierguard::kube {
namespace {

TEST(Base64, DecodesStandardAlphabetWithPadding) {
  EXPECT_EQ(base64_decode("aGVsbG8="), "hello");
  EXPECT_EQ(base64_decode("aGVsbG8h"), "hello!");
  EXPECT_EQ(base64_decode("aGk="), "hi");
  EXPECT_EQ(base64_decode("aA=="), "h");
  EXPECT_EQ(base64_decode(""), "");
}

TEST(Base64, IgnoresLineWrapping) {
  EXPECT_EQ(base64_decode("aGVs\nbG8h\r\n"), "hello!");
}

TEST(Base64, RejectsMalformedInput) {
  EXPECT_FALSE(base64_decode("aGVsbG8"));   // missing padding
  EXPECT_FALSE(base64_decode("aGV*bG8h"));  // bad character
  EXPECT_FALSE(base64_decode("aA==aA=="));  // data after padding
  EXPECT_FALSE(base64_decode("a==="));      // too much padding
  EXPECT_FALSE(base64_decode("aB=="));      // non-zero trailing bits
  EXPECT_FALSE(base64_decode("aGVsbG8-"));  // URL alphabet is not kubeconfig's
}

TEST(Base64, RoundTripsBinary) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  for (std::size_t n = 0; n <= bytes.size(); n += 37) {
    const std::string slice = bytes.substr(0, n);
    EXPECT_EQ(base64_decode(base64_encode(slice)), slice);
  }
}

}  // namespace
}  // namespace tierguard::kube
