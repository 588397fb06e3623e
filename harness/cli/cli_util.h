// Small helpers shared by the CLI command files: flag values that carry hex,
// numbers and the one-line JSON objects several commands print.
#ifndef MCXTEST_HARNESS_CLI_CLI_UTIL_H_
#define MCXTEST_HARNESS_CLI_CLI_UTIL_H_

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "crypto/bytes.h"
#include "crypto/result.h"

namespace mcx::cli {

// Decodes the hex value of `flag` (e.g. "--gmk"); the error names the flag so
// the user knows which argument was malformed.
Result<Bytes> ParseHexFlag(const std::string& flag, const std::string& value);

// A hex value read as a big-endian unsigned integer of at most `max_octets`
// octets, e.g. "--gmk-id". Leading zeros and an odd number of digits are
// accepted, since key IDs are often written without them ("9bf9d37").
Result<uint64_t> ParseHexUintFlag(const std::string& flag, const std::string& value, size_t max_octets);

// A decimal unsigned integer (digits only) in [min, max]; the error says
// what is wrong with the value in words ("-3 is negative (expected 0 to
// 64)", "not a decimal number: 'abc'", "... is larger than ...").
Result<uint64_t> ParseDecimal(const std::string& value, uint64_t min, uint64_t max);
// ParseDecimal(value, 0, max) with the error prefixed by `flag`.
Result<uint64_t> ParseDecimalFlag(const std::string& flag, const std::string& value,
                                  uint64_t max = std::numeric_limits<uint64_t>::max());

// The current time as ISO 8601 UTC, e.g. "2026-11-30T16:33:31Z" (run reports).
std::string NowUtcIso8601();

// {"k1":"v1","k2":"v2"} on one line, fields in the given order.
std::string JsonStringObject(const std::vector<std::pair<std::string, std::string>>& fields);

// `--sut` names the bundled reference SUT by its first word, `reference` or
// `reference_sut` (e.g. "reference --defect rand-short"), so commands in the
// docs work without knowing where Bazel put the binary. Such a command gets
// that word replaced by `bundled_path` (shell-quoted); any other command is
// returned unchanged, and so is everything when `bundled_path` is empty.
std::string ResolveBundledSut(const std::string& command, const std::string& bundled_path);

// True when ResolveBundledSut would replace the command's first word.
bool NamesBundledSut(const std::string& command);

// --color MODE: "always", "never", or "auto": colour when stdout is a
// terminal, NO_COLOR (https://no-color.org) is unset or empty and TERM is
// not "dumb". An explicit "always" wins over NO_COLOR.
bool UseColor(const std::string& mode, bool stdout_is_terminal);

// The bundled reference SUT's path ("" when not found): next to this binary,
// or in the runfiles of a Bazel test running the CLI in-process.
std::string BundledSutPath();

// Converts a command's flag values and remembers the first failure, so an
// action checks once:
//   FlagParser in;
//   Bytes key = in.Hex("--key", flags->key);
//   if (!in.ok()) return UsageError(ctx, in.error());
class FlagParser {
 public:
  Bytes Hex(const std::string& flag, const std::string& value) {
    return Take(ParseHexFlag(flag, value), Bytes());
  }
  uint64_t HexUint(const std::string& flag, const std::string& value, size_t max_octets) {
    return Take(ParseHexUintFlag(flag, value, max_octets), uint64_t{0});
  }
  uint64_t Decimal(const std::string& flag, const std::string& value,
                   uint64_t max = std::numeric_limits<uint64_t>::max()) {
    return Take(ParseDecimalFlag(flag, value, max), uint64_t{0});
  }
  // Records a failure found by the command itself (e.g. a wrong length).
  void Fail(const std::string& message) {
    if (!error_) error_ = message;
  }

  bool ok() const { return !error_.has_value(); }
  const std::string& error() const { return *error_; }

 private:
  template <typename T>
  T Take(Result<T> result, T fallback) {
    if (result.ok()) return std::move(result).value();
    Fail(result.error().message());
    return fallback;
  }

  std::optional<std::string> error_;
};

}  // namespace mcx::cli

#endif  // MCXTEST_HARNESS_CLI_CLI_UTIL_H_
