#include "crypto/kdf.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "crypto/random.h"

namespace mcx {
namespace {

// OpenSSL's one-shot HMAC, an implementation independent of HmacSha256's
// template-and-duplicate path.
Bytes ReferenceHmac(ByteSpan key, ByteSpan data) {
  uint8_t out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  static const uint8_t kEmpty = 0;
  HMAC(EVP_sha256(), key.empty() ? &kEmpty : key.data(), static_cast<int>(key.size()), data.data(),
       data.size(), out, &len);
  return Bytes(out, out + len);
}

Bytes Concat(ByteSpan a, ByteSpan b) {
  Bytes out(a.begin(), a.end());
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

TEST(KdfTest, InputStringIsFcThenEachParameterFollowedByItsTwoOctetLength) {
  Bytes p0 = ToBytes("abc");
  Bytes p1(300, 0x5a);
  Bytes p2;  // an empty parameter still carries its length 0x0000
  Result<Bytes> s = KdfInputString(0x50, {p0, p1, p2});
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  Bytes expected = {0x50, 'a', 'b', 'c', 0x00, 0x03};
  expected.resize(expected.size() + p1.size(), 0x5a);
  for (uint8_t trailer : {0x01, 0x2c, 0x00, 0x00}) expected.push_back(trailer);
  EXPECT_EQ(*s, expected);
}

TEST(KdfTest, InputStringWithNoParametersIsJustFc) {
  Result<Bytes> s = KdfInputString(0x7f, {});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(*s, Bytes{0x7f});
}

TEST(KdfTest, ParameterTooLongForItsLengthFieldIsRejected) {
  Bytes too_long(0x10000, 1);
  Result<Bytes> s = KdfInputString(0x50, {Bytes{1}, too_long});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message().find("P1"), std::string::npos) << s.error().message();
  EXPECT_FALSE(Kdf(Bytes(16, 1), 0x50, {too_long}).ok());
  EXPECT_TRUE(KdfInputString(0x50, {Bytes(0xffff, 1)}).ok());
}

TEST(KdfTest, KdfIsHmacSha256OfTheInputString) {
  Bytes key = RandomBytes(16).value();
  std::vector<Bytes> params = {ToBytes("sip:alice@example.org"), RandomBytes(4).value()};
  Result<SecretBytes> out = Kdf(key, 0x53, params);
  ASSERT_TRUE(out.ok()) << out.error().ToString();
  ASSERT_EQ(out->size(), 32u);
  EXPECT_EQ(Bytes(out->span().begin(), out->span().end()),
            ReferenceHmac(key, KdfInputString(0x53, params).value()));
}

TEST(KdfTest, DifferentFcOrParameterGivesDifferentOutput) {
  Bytes key(16, 0x11);
  SecretBytes a = Kdf(key, 0x50, {ToBytes("x")}).value();
  EXPECT_FALSE(a == Kdf(key, 0x51, {ToBytes("x")}).value());
  EXPECT_FALSE(a == Kdf(key, 0x50, {ToBytes("y")}).value());
  // The length fields keep parameter boundaries apart.
  EXPECT_FALSE(Kdf(key, 0x50, {ToBytes("ab"), ToBytes("c")}).value() ==
               Kdf(key, 0x50, {ToBytes("a"), ToBytes("bc")}).value());
}

TEST(KdfTest, Last128BitsAreTheFinalSixteenOctets) {
  SecretBytes out = Kdf(Bytes(16, 2), 0x53, {Bytes{1, 2, 3, 4}}).value();
  SecretBytes last = Last128Bits(out);
  ASSERT_EQ(last.size(), 16u);
  EXPECT_TRUE(std::equal(last.span().begin(), last.span().end(), out.span().begin() + 16));
}

TEST(HmacSha256Test, MatchesOpenSslForEveryKeyLengthClass) {
  // Empty, short, exactly one block and longer than a block (hashed first).
  for (size_t key_size : {0, 1, 16, 32, 64, 65, 200}) {
    Bytes key = RandomBytes(key_size).value();
    Bytes a = RandomBytes(37).value();
    Bytes b = RandomBytes(100).value();
    Sha256Digest mac = HmacSha256(key, {a, b});
    EXPECT_EQ(Bytes(mac.begin(), mac.end()), ReferenceHmac(key, Concat(a, b))) << key_size;
  }
}

TEST(Sha256Test, PartsHashLikeTheirConcatenation) {
  Bytes a = RandomBytes(65).value();
  Bytes b = RandomBytes(3).value();
  Bytes joined = Concat(a, b);
  uint8_t expected[32];
  unsigned int len = 0;
  ASSERT_EQ(EVP_Digest(joined.data(), joined.size(), expected, &len, EVP_sha256(), nullptr), 1);
  Sha256Digest parts = Sha256({a, ByteSpan(), b});
  EXPECT_EQ(Bytes(parts.begin(), parts.end()), Bytes(expected, expected + len));
  EXPECT_EQ(Sha256({joined}), parts);
}

}  // namespace
}  // namespace mcx
