#include "kms/ntp_time.h"

#include <chrono>
#include <cstdio>

namespace mcx::kms {
namespace {

// Calendar arithmetic is std::chrono's (proleptic Gregorian civil dates);
// this file only reads and writes the text form.
namespace chr = std::chrono;

// Reads exactly `width` decimal digits at `pos`.
bool ReadDigits(std::string_view s, size_t pos, size_t width, unsigned& value) {
  if (pos + width > s.size()) return false;
  value = 0;
  for (size_t i = 0; i < width; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  return true;
}

Error TimeError(std::string_view text, const std::string& why) {
  return InvalidArgument("time '" + std::string(text) + "': " + why +
                         " (expected ISO 8601 like 2024-05-01T12:00:00Z)");
}

}  // namespace

Result<uint64_t> NtpSecondsFromIso8601(std::string_view text) {
  unsigned year, month, day, hour = 0, minute = 0, second = 0;
  if (!ReadDigits(text, 0, 4, year) || text.size() < 10 || text[4] != '-' ||
      !ReadDigits(text, 5, 2, month) || text[7] != '-' || !ReadDigits(text, 8, 2, day)) {
    return TimeError(text, "date must be YYYY-MM-DD");
  }
  if (year < 1900) return TimeError(text, "year before 1900 (the NTP epoch)");
  if (month < 1 || month > 12) return TimeError(text, "month out of range");
  const chr::year_month_day date{chr::year(static_cast<int>(year)), chr::month(month), chr::day(day)};
  if (!date.ok()) return TimeError(text, "day out of range");
  size_t pos = 10;
  int64_t zone_seconds = 0;
  if (pos < text.size()) {
    if (text[pos] != 'T') return TimeError(text, "expected 'T' after the date");
    if (!ReadDigits(text, pos + 1, 2, hour) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
        !ReadDigits(text, pos + 4, 2, minute) || pos + 6 >= text.size() || text[pos + 6] != ':' ||
        !ReadDigits(text, pos + 7, 2, second)) {
      return TimeError(text, "time of day must be HH:MM:SS");
    }
    if (hour > 23 || minute > 59 || second > 59) return TimeError(text, "time of day out of range");
    pos += 9;
    if (pos < text.size() && text[pos] == '.') {
      size_t digits = 0;
      for (++pos; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos) ++digits;
      if (digits == 0) return TimeError(text, "empty fraction of a second");
    }
    if (pos < text.size()) {
      if (text[pos] == 'Z') {
        ++pos;
      } else if (text[pos] == '+' || text[pos] == '-') {
        unsigned zh, zm;
        if (!ReadDigits(text, pos + 1, 2, zh) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
            !ReadDigits(text, pos + 4, 2, zm) || zh > 14 || zm > 59) {
          return TimeError(text, "zone must be Z or +HH:MM / -HH:MM");
        }
        zone_seconds = (text[pos] == '+' ? 1 : -1) * static_cast<int64_t>(zh * 3600 + zm * 60);
        pos += 6;
      } else {
        return TimeError(text, "unexpected character after the time");
      }
    }
    if (pos != text.size()) return TimeError(text, "trailing characters");
  }
  const int64_t unix_seconds = chr::sys_days(date).time_since_epoch().count() * 86400 + hour * 3600 +
                               minute * 60 + second - zone_seconds;
  const int64_t ntp = unix_seconds + static_cast<int64_t>(kNtpUnixEpochOffset);
  if (ntp < 0) return TimeError(text, "before the NTP epoch");
  return static_cast<uint64_t>(ntp);
}

std::string Iso8601FromNtpSeconds(uint64_t ntp_seconds) {
  const int64_t unix_seconds = static_cast<int64_t>(ntp_seconds) - static_cast<int64_t>(kNtpUnixEpochOffset);
  const chr::sys_seconds when{chr::seconds(unix_seconds)};
  const chr::sys_days day_start = chr::floor<chr::days>(when);
  const chr::year_month_day date{day_start};
  const int64_t rem = (when - day_start).count();
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%04d-%02u-%02uT%02lld:%02lld:%02lldZ", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<long long>(rem / 3600), static_cast<long long>(rem / 60 % 60),
                static_cast<long long>(rem % 60));
  return buf;
}

uint64_t NtpSecondsNow() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(now).count()) +
         kNtpUnixEpochOffset;
}

std::string NtpTimestampHex(uint64_t ntp_seconds) {
  char buf[24];
  std::snprintf(buf, sizeof(buf), "%08llX00000000",
                static_cast<unsigned long long>(ntp_seconds & 0xffffffffULL));
  return buf;
}

Result<uint64_t> NtpSecondsFromTimestampHex(std::string_view hex16) {
  if (hex16.size() != 16) {
    return InvalidArgument("NTP timestamp '" + std::string(hex16) + "' must be 16 hex digits");
  }
  uint64_t value = 0;
  for (char c : hex16) {
    int digit;
    if (c >= '0' && c <= '9') digit = c - '0';
    else if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') digit = c - 'A' + 10;
    else return InvalidArgument("NTP timestamp '" + std::string(hex16) + "' has a non-hex digit");
    value = value << 4 | static_cast<uint64_t>(digit);
  }
  return value >> 32;
}

}  // namespace mcx::kms
