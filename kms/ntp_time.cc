#include "kms/ntp_time.h"

#include <chrono>
#include <cstdio>

namespace mcx::kms {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (era arithmetic on
// 400-year cycles, valid for every year this module accepts).
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day) {
  year -= month <= 2 ? 1 : 0;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const unsigned year_of_era = static_cast<unsigned>(year - era * 400);
  const unsigned day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + static_cast<int64_t>(day_of_era) - 719468;
}

void CivilFromDays(int64_t days, int64_t& year, unsigned& month, unsigned& day) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const unsigned day_of_era = static_cast<unsigned>(days - era * 146097);
  const unsigned year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const unsigned day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const unsigned mp = (5 * day_of_year + 2) / 153;
  day = day_of_year - (153 * mp + 2) / 5 + 1;
  month = mp < 10 ? mp + 3 : mp - 9;
  year = static_cast<int64_t>(year_of_era) + era * 400 + (month <= 2 ? 1 : 0);
}

bool IsLeapYear(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(int64_t year, unsigned month) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

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
  if (day < 1 || day > DaysInMonth(year, month)) return TimeError(text, "day out of range");
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
  const int64_t unix_seconds = DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 +
                               second - zone_seconds;
  const int64_t ntp = unix_seconds + static_cast<int64_t>(kNtpUnixEpochOffset);
  if (ntp < 0) return TimeError(text, "before the NTP epoch");
  return static_cast<uint64_t>(ntp);
}

std::string Iso8601FromNtpSeconds(uint64_t ntp_seconds) {
  const int64_t unix_seconds = static_cast<int64_t>(ntp_seconds) - static_cast<int64_t>(kNtpUnixEpochOffset);
  int64_t days = unix_seconds / 86400;
  int64_t rem = unix_seconds % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  int64_t year;
  unsigned month, day;
  CivilFromDays(days, year, month, day);
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ", static_cast<long long>(year),
                month, day, static_cast<long long>(rem / 3600), static_cast<long long>(rem / 60 % 60),
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
