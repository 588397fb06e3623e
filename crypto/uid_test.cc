#include "crypto/uid.h"

#include <gtest/gtest.h>

#include "testdata/testdata.h"

namespace mcx {
namespace {

using testing::HexField;
using testing::LoadVector;

UidParams ParamsOf(const nlohmann::json& c) {
  return UidParams{c.at("uri").get<std::string>(), c.at("kms_uri").get<std::string>(),
                   c.at("key_period").get<uint64_t>(), c.at("key_period_offset").get<uint64_t>(),
                   c.at("key_period_no").get<uint64_t>()};
}

TEST(UidTest, AllPublishedCases) {
  nlohmann::json v = LoadVector("ts33180_uid.json");
  ASSERT_EQ(v.at("cases").size(), 11u);
  for (const auto& c : v.at("cases")) {
    SCOPED_TRACE(c.at("id").get<std::string>());
    Bytes uid = MikeySakkeUid(ParamsOf(c));
    EXPECT_EQ(uid.size(), kUidSize);
    EXPECT_EQ(ToHex(uid), ToHex(HexField(c, "uid")));
    if (c.contains("uid_b64")) {
      EXPECT_EQ(ToBase64(uid), c.at("uid_b64").get<std::string>());
    }
  }
}

TEST(UidTest, KeyPeriodNumberFromNtpTimeWherePublished) {
  nlohmann::json v = LoadVector("ts33180_uid.json");
  int with_time = 0;
  for (const auto& c : v.at("cases")) {
    if (!c.contains("ntp_seconds")) continue;
    SCOPED_TRACE(c.at("id").get<std::string>());
    ++with_time;
    Result<uint64_t> no =
        KeyPeriodNumber(c.at("ntp_seconds").get<uint64_t>(), c.at("key_period").get<uint64_t>(),
                        c.at("key_period_offset").get<uint64_t>());
    ASSERT_TRUE(no.ok()) << no.error().ToString();
    EXPECT_EQ(*no, c.at("key_period_no").get<uint64_t>());
    UidParams p = ParamsOf(c);
    p.key_period_no = *no;
    EXPECT_EQ(ToHex(MikeySakkeUid(p)), ToHex(HexField(c, "uid")));
  }
  EXPECT_GE(with_time, 1);
}

TEST(UidTest, EveryInputChangesTheUid) {
  UidParams base{"sip:a@example.org", "kms.example.org", 86400, 0, 1};
  Bytes uid = MikeySakkeUid(base);
  UidParams p = base;
  p.uri = "sip:b@example.org";
  EXPECT_NE(MikeySakkeUid(p), uid);
  p = base;
  p.kms_uri = "kms2.example.org";
  EXPECT_NE(MikeySakkeUid(p), uid);
  p = base;
  p.key_period = 86401;
  EXPECT_NE(MikeySakkeUid(p), uid);
  p = base;
  p.key_period_offset = 1;
  EXPECT_NE(MikeySakkeUid(p), uid);
  p = base;
  p.key_period_no = 2;
  EXPECT_NE(MikeySakkeUid(p), uid);
  // Moving a character across the URI / KMS URI boundary is not the same input.
  p = base;
  p.uri = "sip:a@example.orgk";
  p.kms_uri = "ms.example.org";
  EXPECT_NE(MikeySakkeUid(p), uid);
}

TEST(UidTest, KeyPeriodNumberRoundsDownAndRejectsBadInput) {
  EXPECT_EQ(KeyPeriodNumber(100, 10, 0).value(), 10u);
  EXPECT_EQ(KeyPeriodNumber(109, 10, 0).value(), 10u);
  EXPECT_EQ(KeyPeriodNumber(109, 10, 10).value(), 9u);
  EXPECT_EQ(KeyPeriodNumber(10, 10, 10).value(), 0u);
  Result<uint64_t> zero_period = KeyPeriodNumber(100, 0, 0);
  ASSERT_FALSE(zero_period.ok());
  EXPECT_NE(zero_period.error().message().find("period"), std::string::npos);
  Result<uint64_t> before_offset = KeyPeriodNumber(9, 10, 10);
  ASSERT_FALSE(before_offset.ok());
  EXPECT_NE(before_offset.error().message().find("offset"), std::string::npos);
}

TEST(UidTest, ValidateUidParamsRejectsUrisTooLongForTheLengthField) {
  UidParams p{"sip:a@example.org", "kms.example.org", 10, 0, 1};
  EXPECT_TRUE(ValidateUidParams(p).ok());
  p.uri.assign(0x10000, 'a');
  EXPECT_FALSE(ValidateUidParams(p).ok());
  p.uri = "sip:a@example.org";
  p.kms_uri.assign(0x10000, 'k');
  EXPECT_FALSE(ValidateUidParams(p).ok());
  p.kms_uri.assign(0xffff, 'k');
  EXPECT_TRUE(ValidateUidParams(p).ok());
}

}  // namespace
}  // namespace mcx
