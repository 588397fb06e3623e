#include <gtest/gtest.h>

#include "crypto/bytes.h"
#include "crypto/result.h"
#include "crypto/secret.h"
#include "crypto/utf8.h"

namespace mcx {
namespace {

TEST(HexTest, RoundTripsAndLowercases) {
  auto b = FromHex("00FFa5");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*b, (Bytes{0x00, 0xff, 0xa5}));
  EXPECT_EQ(ToHex(*b), "00ffa5");
}

TEST(HexTest, RejectsOddLengthAndBadCharacterWithOffset) {
  auto odd = FromHex("abc");
  ASSERT_FALSE(odd.ok());
  EXPECT_NE(odd.error().message().find("odd length"), std::string::npos);
  auto bad = FromHex("00zz");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().offset(), 2u);
}

TEST(HexTest, U32IsEightDigitsMostSignificantFirst) {
  EXPECT_EQ(HexU32(0), "00000000");
  EXPECT_EQ(HexU32(0x0a0b0c0d), "0a0b0c0d");
  EXPECT_EQ(HexU32(0xffffffffu), "ffffffff");
}

TEST(Utf8Test, DecodesValidSequencesAndRejectsInvalidOnes) {
  char32_t cp = 0;
  EXPECT_EQ(DecodeUtf8("A", 0, &cp), 1u);
  EXPECT_EQ(cp, U'A');
  EXPECT_EQ(DecodeUtf8("\xc3\xa9", 0, &cp), 2u);
  EXPECT_EQ(cp, U'\u00e9');
  EXPECT_EQ(DecodeUtf8("\xe2\x82\xac", 0, &cp), 3u);
  EXPECT_EQ(cp, U'\u20ac');
  EXPECT_EQ(DecodeUtf8("\xf0\x9f\x98\x80", 0, &cp), 4u);
  EXPECT_EQ(cp, U'\U0001f600');
  EXPECT_EQ(DecodeUtf8("\xc0\xaf", 0, &cp), 0u);          // overlong '/'
  EXPECT_EQ(DecodeUtf8("\xe0\x80\xaf", 0, &cp), 0u);      // overlong
  EXPECT_EQ(DecodeUtf8("\xed\xa0\x80", 0, &cp), 0u);      // surrogate
  EXPECT_EQ(DecodeUtf8("\xf4\x90\x80\x80", 0, &cp), 0u);  // > U+10FFFF
  EXPECT_EQ(DecodeUtf8("\xe2\x82", 0, &cp), 0u);          // truncated
  EXPECT_EQ(DecodeUtf8("\x80", 0, &cp), 0u);              // lone continuation
  EXPECT_EQ(DecodeUtf8("\xff", 0, &cp), 0u);
  EXPECT_EQ(DecodeUtf8("", 0, &cp), 0u);
}

TEST(Utf8Test, ValidatesWholeStrings) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("sip:b\xc3\xa9" "atrice@example.org"));
  EXPECT_FALSE(IsValidUtf8("sip:a@example.org\xc3"));  // truncated at the end
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));            // surrogate
  EXPECT_FALSE(IsValidUtf8("a\xc0\xaf" "b"));           // overlong in the middle
}

TEST(BigEndianTest, MinimalAndFixed) {
  EXPECT_EQ(MinimalBigEndian(0), Bytes{0x00});
  EXPECT_EQ(MinimalBigEndian(0x15180), (Bytes{0x01, 0x51, 0x80}));
  EXPECT_EQ(FixedBigEndian(0x1234, 4), (Bytes{0, 0, 0x12, 0x34}));
}

TEST(Base64Test, RoundTripsAllPaddings) {
  for (size_t n = 0; n < 8; ++n) {
    Bytes data;
    for (size_t i = 0; i < n; ++i) data.push_back(static_cast<uint8_t>(0xf0 + i * 7));
    auto decoded = FromBase64(ToBase64(data));
    ASSERT_TRUE(decoded.ok()) << n;
    EXPECT_EQ(*decoded, data);
  }
  EXPECT_EQ(ToBase64(ToBytes("foob")), "Zm9vYg==");
}

TEST(Base64Test, RejectsGarbage) {
  EXPECT_FALSE(FromBase64("Zm9v!").ok());
  EXPECT_FALSE(FromBase64("Zm9").ok());
  EXPECT_FALSE(FromBase64("Zg==Zg==").ok());
}

TEST(SecretTest, ConstantTimeEqualsComparesContentAndLength) {
  SecretBytes a(Bytes{1, 2, 3});
  SecretBytes b(Bytes{1, 2, 3});
  SecretBytes c(Bytes{1, 2, 4});
  EXPECT_TRUE(a == b);
  EXPECT_FALSE(a == c);
  EXPECT_FALSE(ConstantTimeEquals(a.span(), ByteSpan(a.data(), 2)));
}

TEST(SecretTest, MovedFromIsEmpty) {
  SecretBytes a(Bytes{9, 9});
  SecretBytes b(std::move(a));
  EXPECT_EQ(b.size(), 2u);
  EXPECT_TRUE(a.empty());  // NOLINT: checking the moved-from state on purpose
}

TEST(ResultTest, CarriesValueOrError) {
  Result<int> ok = 5;
  Result<int> bad = ParseError("length overruns payload", 17);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 5);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), ErrorCode::kParse);
  EXPECT_EQ(bad.error().ToString(), "length overruns payload (at offset 17)");
  EXPECT_EQ(bad.error().WithContext("SAKKE").ToString(), "SAKKE: length overruns payload (at offset 17)");
}

// Misuse is a programming bug: it must abort with a message, not throw
// bad_variant_access or read an empty optional.
TEST(ResultDeathTest, MisuseAbortsWithAMessage) {
  Result<int> bad = ParseError("x", 0);
  Result<int> ok = 1;
  EXPECT_DEATH((void)bad.value(), "value\\(\\) of an error Result");
  EXPECT_DEATH((void)ok.error(), "error\\(\\) of a successful Result");
  EXPECT_DEATH((void)Status::Ok().error(), "error\\(\\) of an OK Status");
}

}  // namespace
}  // namespace mcx
