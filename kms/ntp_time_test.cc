#include "kms/ntp_time.h"

#include <gtest/gtest.h>

namespace mcx::kms {
namespace {

TEST(NtpTimeTest, UnixEpochIsTheNtpOffset) {
  auto t = NtpSecondsFromIso8601("1970-01-01T00:00:00Z");
  ASSERT_TRUE(t.ok()) << t.error().ToString();
  EXPECT_EQ(*t, kNtpUnixEpochOffset);
  EXPECT_EQ(Iso8601FromNtpSeconds(kNtpUnixEpochOffset), "1970-01-01T00:00:00Z");
}

TEST(NtpTimeTest, NtpEpochIsZero) {
  auto t = NtpSecondsFromIso8601("1900-01-01");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, 0u);
  EXPECT_EQ(Iso8601FromNtpSeconds(0), "1900-01-01T00:00:00Z");
}

// The Annex D.2 example: 23 Feb 2014 08:39:14 UTC is NTP 0xD6B43232.
TEST(NtpTimeTest, AnnexDKeyprovExampleTimestamp) {
  auto t = NtpSecondsFromIso8601("2014-02-23T08:39:14Z");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, 0xD6B43232u);
  EXPECT_EQ(NtpTimestampHex(*t), "D6B4323200000000");
  auto back = NtpSecondsFromTimestampHex("d6b4323280000000");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, 0xD6B43232u);
}

TEST(NtpTimeTest, ZoneOffsetsAndFractions) {
  auto utc = NtpSecondsFromIso8601("2024-02-29T12:00:00Z");
  auto plus = NtpSecondsFromIso8601("2024-02-29T14:30:00+02:30");
  auto minus = NtpSecondsFromIso8601("2024-02-29T07:00:00.999-05:00");
  auto bare = NtpSecondsFromIso8601("2024-02-29T12:00:00");
  ASSERT_TRUE(utc.ok() && plus.ok() && minus.ok() && bare.ok());
  EXPECT_EQ(*utc, *plus);
  EXPECT_EQ(*utc, *minus);
  EXPECT_EQ(*utc, *bare);
  EXPECT_EQ(Iso8601FromNtpSeconds(*utc), "2024-02-29T12:00:00Z");
}

TEST(NtpTimeTest, RoundTripsAcrossCenturies) {
  for (uint64_t t : {0ull, 86399ull, 2208988800ull, 3913056000ull, 4294967295ull, 6000000000ull}) {
    auto back = NtpSecondsFromIso8601(Iso8601FromNtpSeconds(t));
    ASSERT_TRUE(back.ok()) << t;
    EXPECT_EQ(*back, t);
  }
}

TEST(NtpTimeTest, RejectsMalformedTimes) {
  for (const char* bad : {"", "2024", "2024-13-01", "2023-02-29", "2024-01-01T24:00:00", "2024-01-01 12:00:00",
                          "2024-01-01T12:00", "2024-01-01T12:00:00+5", "2024-01-01T12:00:00Zjunk",
                          "1899-12-31T23:59:59Z", "2024-01-01T12:00:60Z", "2024-01-01T12:00:00."}) {
    auto t = NtpSecondsFromIso8601(bad);
    EXPECT_FALSE(t.ok()) << bad;
    if (!t.ok()) {
      EXPECT_NE(t.error().message().find("ISO 8601"), std::string::npos) << bad;
    }
  }
  EXPECT_FALSE(NtpSecondsFromTimestampHex("D6B43232").ok());
  EXPECT_FALSE(NtpSecondsFromTimestampHex("D6B432320000000G").ok());
}

}  // namespace
}  // namespace mcx::kms
