// `mcxtest run` against hostile shims, in-process. (Signals are exercised
// with the real binary by run_signals_test.sh.)
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "harness/testing/cli_runner.h"
#include "testdata/testdata.h"

namespace mcx::cli {
namespace {

namespace fs = std::filesystem;
using mcx::testing::CliOutput;
using mcx::testing::RunMcxtest;

std::string TempDir(const std::string& name) {
  fs::path dir = fs::path(std::getenv("TEST_TMPDIR")) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

// A shim whose every answer is `answer` (printf format; %s is the id).
std::string Shim(const std::string& dir, const std::string& answer, const std::string& before = "") {
  const std::string path = dir + "/shim.sh";
  std::ofstream out(path);
  out << "#!/bin/sh\n" << before << "\n"
      << "while IFS= read -r l; do\n"
      << "  id=$(echo \"$l\" | sed 's/.*\"id\":\\([0-9]*\\).*/\\1/')\n"
      << "  printf '" << answer << "\\n' \"$id\"\n"
      << "done\n";
  out.close();
  fs::permissions(path, fs::perms::owner_all);
  return path;
}

std::string OneCase() { return mcx::testing::RunfilePath("testcases/ue/ue-001-valid-own-gms.yaml"); }

void ExpectNoRawControls(const std::string& text) {
  for (char c : {'\x1b', '\x07', '\0'}) {
    EXPECT_EQ(text.find(c), std::string::npos) << "raw control " << static_cast<int>(c) << " in:\n" << text;
  }
  EXPECT_EQ(text.find("\xe2\x80\xae"), std::string::npos) << "raw U+202E in:\n" << text;
}

// Issue 17 item 15: the hello name and version and the shim's error
// messages reached the terminal with ESC, BEL, U+202E and NUL intact.
TEST(RunCommandTest, ShimTextIsEscapedOnTheConsole) {
  const std::string dir = TempDir("escape_hello");
  const std::string shim = Shim(
      dir, R"({"id":%s,"name":"evil\\u001b[31m\\u0007\\u202e\\u0000x","version":"1\\u001b]0;t\\u0007","roles":[]})");
  CliOutput r = RunMcxtest({"run", OneCase(), "--sut", shim, "--report-dir", dir + "/report"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;  // the case is skipped: no role
  ExpectNoRawControls(r.out);
  ExpectNoRawControls(r.err);
  EXPECT_NE(r.out.find("against evil\\x1b[31m\\x07\\u202e\\x00x 1\\x1b]0;t\\x07"), std::string::npos) << r.out;
}

TEST(RunCommandTest, ShimErrorAndStderrAreEscapedWhenItCannotStart) {
  const std::string dir = TempDir("escape_error");
  const std::string shim = Shim(dir, R"({"id":%s,"error":"boom\\u001b[2J\\u202e\\u0007"})",
                                R"(printf 'log \033[31mred\007\n' >&2)");
  CliOutput r = RunMcxtest({"run", OneCase(), "--sut", shim, "--report-dir", dir + "/report"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  ExpectNoRawControls(r.out);
  ExpectNoRawControls(r.err);
  EXPECT_NE(r.err.find("log \\x1b[31mred\\x07"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace mcx::cli
