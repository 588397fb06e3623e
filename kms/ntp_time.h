// Times in the KMS simulator: key periods count NTP seconds (since 1900-01-01
// UTC, TS 33.180 F.2.1), while Annex D XML and the CLI speak xsd:dateTime /
// ISO 8601. These helpers convert between the two without the C library's
// time-zone state, so results never depend on the machine's TZ.
#ifndef MCXTEST_KMS_NTP_TIME_H_
#define MCXTEST_KMS_NTP_TIME_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "crypto/result.h"

namespace mcx::kms {

// Seconds from the NTP epoch (1900) to the Unix epoch (1970).
inline constexpr uint64_t kNtpUnixEpochOffset = 2208988800ULL;

// Parses "YYYY-MM-DD", "YYYY-MM-DDTHH:MM:SS" with optional fraction (dropped)
// and optional zone "Z" or "+HH:MM"/"-HH:MM"; no zone means UTC. Years
// 1900..9999. Rejects anything else, naming what was wrong.
Result<uint64_t> NtpSecondsFromIso8601(std::string_view text);

// "YYYY-MM-DDTHH:MM:SSZ" (xsd:dateTime in UTC).
std::string Iso8601FromNtpSeconds(uint64_t ntp_seconds);

// The current time in NTP seconds.
uint64_t NtpSecondsNow();

// The 64-bit NTP-UTC timestamp (seconds << 32) as 16 uppercase hex digits, the
// form the Annex D keyprov request URI carries; and back (fraction dropped).
std::string NtpTimestampHex(uint64_t ntp_seconds);
Result<uint64_t> NtpSecondsFromTimestampHex(std::string_view hex16);

}  // namespace mcx::kms

#endif  // MCXTEST_KMS_NTP_TIME_H_
