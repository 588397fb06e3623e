#include "harness/cli/cli_util.h"

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <utility>

#include <nlohmann/json.hpp>

namespace mcx::cli {

Result<Bytes> ParseHexFlag(const std::string& flag, const std::string& value) {
  Result<Bytes> decoded = FromHex(value);
  if (!decoded.ok()) return InvalidArgument(flag + ": " + decoded.error().ToString());
  return decoded;
}

Result<uint64_t> ParseHexUintFlag(const std::string& flag, const std::string& value, size_t max_octets) {
  if (value.empty()) return InvalidArgument(flag + ": empty value");
  MCX_ASSIGN_OR_RETURN(Bytes octets, ParseHexFlag(flag, value.size() % 2 ? "0" + value : value));
  size_t first = 0;
  while (first < octets.size() && octets[first] == 0) ++first;
  size_t significant = octets.size() - first;
  if (significant > max_octets || significant > sizeof(uint64_t)) {
    return InvalidArgument(flag + ": value '" + value + "' does not fit in " + std::to_string(max_octets) +
                           " octets");
  }
  uint64_t result = 0;
  for (size_t i = first; i < octets.size(); ++i) result = result << 8 | octets[i];
  return result;
}

Result<uint64_t> ParseDecimal(const std::string& value, uint64_t min, uint64_t max) {
  const std::string range = std::to_string(min) + " to " + std::to_string(max);
  if (value.empty()) return InvalidArgument("empty value (expected " + range + ")");
  // "-3" is a number a person meant, just not an allowed one.
  bool negative = value.size() > 1 && value[0] == '-' &&
                  value.find_first_not_of("0123456789", 1) == std::string::npos;
  if (negative) return InvalidArgument(value + " is negative (expected " + range + ")");
  uint64_t result = 0;
  for (char c : value) {
    if (c < '0' || c > '9') return InvalidArgument("not a decimal number: '" + value + "' (expected " + range + ")");
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (digit > max || result > (max - digit) / 10) {
      return InvalidArgument(value + " is larger than " + std::to_string(max));
    }
    result = result * 10 + digit;
  }
  if (result < min) return InvalidArgument(value + " is smaller than " + std::to_string(min));
  return result;
}

Result<uint64_t> ParseDecimalFlag(const std::string& flag, const std::string& value, uint64_t max) {
  auto parsed = ParseDecimal(value, 0, max);
  if (!parsed.ok()) return InvalidArgument(flag + ": " + parsed.error().message());
  return parsed;
}

bool UseColor(const std::string& mode, bool stdout_is_terminal) {
  if (mode == "always") return true;
  if (mode == "never") return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') return false;
  const char* term = std::getenv("TERM");
  if (term != nullptr && std::string(term) == "dumb") return false;
  return stdout_is_terminal;
}

std::string JsonStringObject(const std::vector<std::pair<std::string, std::string>>& fields) {
  nlohmann::ordered_json obj = nlohmann::ordered_json::object();
  for (const auto& [key, value] : fields) obj[key] = value;
  return obj.dump();
}

std::string NowUtcIso8601() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

namespace {

// The first blank-separated word of `command`, and where the rest starts.
std::pair<std::string, size_t> FirstWord(const std::string& command) {
  size_t begin = command.find_first_not_of(" \t");
  if (begin == std::string::npos) return {"", command.size()};
  size_t end = command.find_first_of(" \t", begin);
  if (end == std::string::npos) end = command.size();
  return {command.substr(begin, end - begin), end};
}

}  // namespace

bool NamesBundledSut(const std::string& command) {
  const std::string word = FirstWord(command).first;
  return word == "reference" || word == "reference_sut";
}

std::string ResolveBundledSut(const std::string& command, const std::string& bundled_path) {
  if (bundled_path.empty() || !NamesBundledSut(command)) return command;
  std::string quoted = "'";
  for (char c : bundled_path) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  quoted += "'";
  return quoted + command.substr(FirstWord(command).second);
}

// The bundled reference SUT is built next to this binary; a Bazel test that
// runs the CLI in-process finds it in its runfiles instead (the sandbox
// holds only those).
std::string BundledSutPath() {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    fs::path sut = self.parent_path() / "sut" / "reference_sut";
    if (fs::exists(sut, ec)) return sut.string();
  }
  const char* runfiles = std::getenv("RUNFILES_DIR");
  if (runfiles == nullptr) runfiles = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  if (runfiles != nullptr && workspace != nullptr) {
    fs::path sut = fs::path(runfiles) / workspace / "harness" / "sut" / "reference_sut";
    if (fs::exists(sut, ec)) return sut.string();
  }
  return "";
}

}  // namespace mcx::cli
