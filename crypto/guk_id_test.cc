#include "crypto/guk_id.h"

#include <gtest/gtest.h>

#include "crypto/kdf.h"
#include "testdata/testdata.h"

namespace mcx {
namespace {

using testing::HexField;
using testing::LoadVector;
using testing::U32Field;

TEST(GukIdTest, AllPublishedCases) {
  nlohmann::json v = LoadVector("ts33180_guk_id.json");
  ASSERT_EQ(v.at("cases").size(), 5u);
  for (const auto& c : v.at("cases")) {
    SCOPED_TRACE(c.at("id").get<std::string>());
    Bytes gmk = HexField(c, "gmk");
    std::string uri = c.at("uri").get<std::string>();
    uint32_t gmk_id = U32Field(c, "gmk_id");
    uint32_t guk_id = U32Field(c, "guk_id");

    Result<uint32_t> salt = UserSalt(gmk, uri);
    ASSERT_TRUE(salt.ok()) << salt.error().ToString();
    EXPECT_EQ(*salt, U32Field(c, "user_salt"));

    Result<uint32_t> derived = GukIdFromGmkId(gmk, gmk_id, uri);
    ASSERT_TRUE(derived.ok());
    EXPECT_EQ(*derived, guk_id);

    Result<uint32_t> recovered = GmkIdFromGukId(gmk, guk_id, uri);
    ASSERT_TRUE(recovered.ok());
    EXPECT_EQ(*recovered, gmk_id);
  }
}

TEST(GukIdTest, InitiatorUriDoesNotGiveTheReceiversGukId) {
  nlohmann::json v = LoadVector("ts33180_guk_id.json");
  int checked = 0;
  for (const auto& c : v.at("cases")) {
    if (!c.contains("initiator_uri")) continue;
    SCOPED_TRACE(c.at("id").get<std::string>());
    ++checked;
    Result<uint32_t> wrong =
        GukIdFromGmkId(HexField(c, "gmk"), U32Field(c, "gmk_id"), c.at("initiator_uri").get<std::string>());
    ASSERT_TRUE(wrong.ok());
    EXPECT_NE(*wrong, U32Field(c, "guk_id"));
  }
  EXPECT_GE(checked, 1);
}

TEST(GukIdTest, UserSaltIsLow28BitsOfTheKdfWithFc0x50AndTheUri) {
  Bytes gmk(16, 0x42);
  std::string uri = "sip:carol@example.org";
  SecretBytes kdf_out = Kdf(gmk, kUserSaltFc, {ToBytes(uri)}).value();
  ByteSpan o = kdf_out.span();
  uint32_t last_word = BigEndianU32(o.subspan<28, 4>());
  EXPECT_EQ(UserSalt(gmk, uri).value(), last_word & 0x0FFFFFFFu);
}

TEST(GukIdTest, PurposeTagSurvivesAndInverseHoldsForEveryTag) {
  Bytes gmk(16, 0x07);
  for (uint32_t tag = 0; tag < 16; ++tag) {
    uint32_t key_id = tag << 28 | 0x0123456u;
    uint32_t guk = GukIdFromGmkId(gmk, key_id, "sip:x@example.org").value();
    EXPECT_EQ(PurposeTagOf(guk), tag);
    EXPECT_EQ(GmkIdFromGukId(gmk, guk, "sip:x@example.org").value(), key_id);
  }
}

TEST(GukIdTest, EmptyGmkIsRejected) {
  Result<uint32_t> r = GukIdFromGmkId({}, 0x01234567, "sip:x@example.org");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("GMK"), std::string::npos);
  EXPECT_FALSE(UserSalt({}, "sip:x@example.org").ok());
}

TEST(KeyPurposeTest, TagsAndNames) {
  EXPECT_EQ(PurposeTagOf(0x0fffffffu), 0);
  EXPECT_EQ(PurposeTagOf(0x21234567u), 2);
  EXPECT_EQ(PurposeTagOf(0xF0000000u), 15);
  EXPECT_STREQ(KeyPurposeName(0), "GMK");
  EXPECT_STREQ(KeyPurposeName(1), "PCK");
  EXPECT_STREQ(KeyPurposeName(2), "CSK");
  EXPECT_STREQ(KeyPurposeName(3), "SPK");
  EXPECT_STREQ(KeyPurposeName(4), "MKFC");
  EXPECT_STREQ(KeyPurposeName(5), "MSCCK");
  EXPECT_STREQ(KeyPurposeName(6), "MuSiK");
  EXPECT_STREQ(KeyPurposeName(7), "unknown");
  EXPECT_STREQ(KeyPurposeName(255), "unknown");
}

TEST(KeyPurposeTest, StreamwideMessageKeyIdsCarryTheirKindsTag) {
  nlohmann::json v = LoadVector("interop_streamwide_v5.json");
  for (const auto& m : v.at("messages")) {
    std::string kind = m.at("kind").get<std::string>();
    if (kind == "GMK-legacy") kind = "GMK";
    EXPECT_EQ(KeyPurposeName(PurposeTagOf(U32Field(m, "key_id"))), kind) << m.at("name");
  }
}

}  // namespace
}  // namespace mcx
