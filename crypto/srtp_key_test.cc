#include "crypto/srtp_key.h"

#include <gtest/gtest.h>

#include "crypto/guk_id.h"
#include "testdata/testdata.h"

namespace mcx {
namespace {

using testing::HexField;
using testing::LoadVector;
using testing::U32Field;

Bytes Plain(const SecretBytes& s) { return Bytes(s.span().begin(), s.span().end()); }

TEST(SrtpKeyTest, AllPublishedCases) {
  nlohmann::json v = LoadVector("srtp_master_key.json");
  ASSERT_EQ(v.at("cases").size(), 4u);
  for (const auto& c : v.at("cases")) {
    SCOPED_TRACE(c.at("id").get<std::string>());
    Bytes key_id = HexField(c, "key_id");
    Bytes csb_id = HexField(c, "csb_id");
    Result<SrtpKeys> keys =
        SrtpKeysFromGmk(HexField(c, "tgk"), U32Field(c, "key_id"), c.at("cs_id").get<uint8_t>(),
                        U32Field(c, "csb_id"), HexField(c, "rand"));
    ASSERT_TRUE(keys.ok()) << keys.error().ToString();
    EXPECT_EQ(ToHex(keys->master_key.span()), ToHex(HexField(c, "master_key")));
    EXPECT_EQ(ToHex(keys->master_salt.span()), ToHex(HexField(c, "master_salt")));
    Bytes mki = key_id;
    mki.insert(mki.end(), csb_id.begin(), csb_id.end());
    EXPECT_EQ(keys->mki, mki);
  }
}

TEST(SrtpKeyTest, GmkCasesUseTheReceiversGukIdAsCsbId) {
  nlohmann::json v = LoadVector("srtp_master_key.json");
  for (const auto& c : v.at("cases")) {
    if (c.at("key_kind") != "GMK") {
      EXPECT_EQ(U32Field(c, "csb_id"), U32Field(c, "key_id"));  // SPK: the key ID itself
      continue;
    }
    SCOPED_TRACE(c.at("id").get<std::string>());
    EXPECT_EQ(GukIdFromGmkId(HexField(c, "tgk"), U32Field(c, "key_id"), c.at("uri").get<std::string>()).value(),
              U32Field(c, "csb_id"));
  }
}

TEST(SrtpKeyTest, KeyAndSaltUseDifferentConstants) {
  Bytes gmk(16, 0x33), rand(16, 0x44);
  SrtpKeys keys = SrtpKeysFromGmk(gmk, 0x01020304, 4, 0x05060708, rand).value();
  EXPECT_EQ(keys.master_key.size(), kSrtpMasterKeySize);
  EXPECT_EQ(keys.master_salt.size(), kSrtpMasterSaltSize);
  EXPECT_NE(ToHex(keys.master_key.span()).substr(0, 24), ToHex(keys.master_salt.span()));
  // Every label input matters.
  EXPECT_FALSE(keys.master_key == SrtpKeysFromGmk(gmk, 0x01020304, 5, 0x05060708, rand)->master_key);
  EXPECT_FALSE(keys.master_key == SrtpKeysFromGmk(gmk, 0x01020304, 4, 0x05060709, rand)->master_key);
  rand[15] ^= 1;
  EXPECT_FALSE(keys.master_key == SrtpKeysFromGmk(gmk, 0x01020304, 4, 0x05060708, rand)->master_key);
  // The GMK-ID only goes into the MKI.
  rand[15] ^= 1;
  SrtpKeys other_id = SrtpKeysFromGmk(gmk, 0x0a0b0c0d, 4, 0x05060708, rand).value();
  EXPECT_TRUE(keys.master_key == other_id.master_key);
  EXPECT_EQ(ToHex(other_id.mki), "0a0b0c0d05060708");
}

TEST(MikeyPrfTest, LongerOutputExtendsShorterOne) {
  Bytes key(16, 9), label(25, 1);
  Bytes short_out = Plain(MikeyPrfHmacSha256(key, label, 12).value());
  Bytes long_out = Plain(MikeyPrfHmacSha256(key, label, 80).value());
  ASSERT_EQ(long_out.size(), 80u);
  EXPECT_EQ(Bytes(long_out.begin(), long_out.begin() + 12), short_out);
}

TEST(MikeyPrfTest, KeysLongerThan256BitsXorTheOutputsOfTheirChunks) {
  Bytes key(40), label(20, 3);
  for (size_t i = 0; i < key.size(); ++i) key[i] = static_cast<uint8_t>(i * 7 + 1);
  Bytes first(key.begin(), key.begin() + 32), rest(key.begin() + 32, key.end());
  Bytes whole = Plain(MikeyPrfHmacSha256(key, label, 48).value());
  Bytes a = Plain(MikeyPrfHmacSha256(first, label, 48).value());
  Bytes b = Plain(MikeyPrfHmacSha256(rest, label, 48).value());
  for (size_t i = 0; i < whole.size(); ++i) EXPECT_EQ(whole[i], a[i] ^ b[i]) << i;
}

TEST(SrtpKeyTest, RejectsEmptyInputs) {
  EXPECT_FALSE(SrtpKeysFromGmk({}, 1, 4, 2, Bytes(16, 1)).ok());
  EXPECT_FALSE(SrtpKeysFromGmk(Bytes(16, 1), 1, 4, 2, {}).ok());
  EXPECT_FALSE(MikeyPrfHmacSha256(Bytes(16, 1), Bytes(4, 1), 0).ok());
}

}  // namespace
}  // namespace mcx
