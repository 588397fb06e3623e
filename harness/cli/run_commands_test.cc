// `mcxtest run` against hostile shims, in-process. (Signals are exercised
// with the real binary by run_signals_test.sh.)
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

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

// Issue 19.8: --color always/never/auto; a captured stdout (not a
// terminal) gets no colour by default, and no live line on stderr.
TEST(RunCommandTest, ColorFlag) {
  const std::string dir = TempDir("color");
  CliOutput plain = RunMcxtest({"run", OneCase(), "--report-dir", dir + "/a"});
  ASSERT_EQ(plain.exit_code, 0) << plain.out << plain.err;
  EXPECT_EQ(plain.out.find('\x1b'), std::string::npos) << plain.out;
  EXPECT_EQ(plain.err.find("running UE-001"), std::string::npos) << plain.err;
  CliOutput colored = RunMcxtest({"run", OneCase(), "--report-dir", dir + "/b", "--color=always"});
  EXPECT_NE(colored.out.find("[1/1] \x1b[32mPASS\x1b[0m  UE-001"), std::string::npos) << colored.out;
  EXPECT_NE(colored.out.find("Result: \x1b[1;32mPASSED\x1b[0m"), std::string::npos) << colored.out;
  CliOutput never = RunMcxtest({"run", OneCase(), "--report-dir", dir + "/c", "--color", "never"});
  EXPECT_EQ(never.out.find('\x1b'), std::string::npos) << never.out;
  CliOutput bad = RunMcxtest({"run", OneCase(), "--color", "sometimes"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--color"), std::string::npos) << bad.err;
}

// Issue 19.9: `list --json` is the case list for scripts and CI.
TEST(ListCommandTest, JsonListsEveryCaseWithItsExpectation) {
  const std::string ue = fs::path(OneCase()).parent_path().string();
  CliOutput text = RunMcxtest({"list", ue});
  CliOutput r = RunMcxtest({"list", "--json", ue});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json list = nlohmann::json::parse(r.out);
  ASSERT_TRUE(list.is_array());
  EXPECT_NE(text.out.find(std::to_string(list.size()) + " test case(s)"), std::string::npos) << text.out;
  const nlohmann::json* accept = nullptr;
  const nlohmann::json* reject = nullptr;
  for (const nlohmann::json& c : list) {
    for (const char* key : {"id", "role", "title", "procedure", "expected_outcome", "failing_checks", "mutation",
                            "clauses", "file"}) {
      EXPECT_TRUE(c.contains(key)) << key << " in " << c.dump();
    }
    EXPECT_EQ(c["role"], "ue");
    EXPECT_NE(text.out.find(c["id"].get<std::string>() + "\tue\t" + c["title"].get<std::string>()), std::string::npos);
    if (c["id"] == "UE-001") accept = &c;
    if (c["expected_outcome"] == "reject" && reject == nullptr) reject = &c;
  }
  ASSERT_NE(accept, nullptr);
  EXPECT_EQ((*accept)["expected_outcome"], "accept");
  EXPECT_TRUE((*accept)["failing_checks"].empty());
  EXPECT_EQ((*accept)["mutation"], "");
  EXPECT_EQ((*accept)["clauses"][0], "TS 33.180 5.7");
  ASSERT_NE(reject, nullptr) << "the UE suite has negative cases";
  EXPECT_FALSE((*reject)["failing_checks"].empty()) << reject->dump();
  EXPECT_NE((*reject)["mutation"], "") << reject->dump();
}

// Issue 19.9: with the launcher's MCXTEST_ROOT, `run testcases/ue` from
// another directory means the checkout's, as a bare `run` does.
TEST(ListCommandTest, RelativeTestcasePathResolvesAgainstTheCheckout) {
  const fs::path ue = fs::path(OneCase()).parent_path();
  const std::string root = TempDir("checkout");
  fs::create_directories(root + "/testcases/ue");
  fs::copy_file(OneCase(), root + "/testcases/ue/one.yaml");
  const std::string elsewhere = TempDir("elsewhere");
  const fs::path cwd = fs::current_path();
  fs::current_path(elsewhere);
  ::setenv("MCXTEST_ROOT", root.c_str(), 1);
  CliOutput relative = RunMcxtest({"list", "testcases/ue"});
  CliOutput bare = RunMcxtest({"list"});
  // A path that exists where the user is stays theirs.
  fs::create_directories(elsewhere + "/testcases/ue");
  CliOutput local = RunMcxtest({"list", "testcases/ue"});
  ::unsetenv("MCXTEST_ROOT");
  CliOutput without_root = RunMcxtest({"list", "testcases/nothing"});
  fs::current_path(cwd);
  EXPECT_EQ(relative.exit_code, 0) << relative.err;
  EXPECT_NE(relative.out.find("UE-001"), std::string::npos) << relative.out;
  EXPECT_EQ(relative.out, bare.out);
  EXPECT_EQ(local.out, "0 test case(s)\n") << local.out << local.err;
  EXPECT_EQ(without_root.exit_code, 2);
  EXPECT_NE(without_root.err.find("cannot read testcases/nothing: No such file or directory"), std::string::npos)
      << without_root.err;
}

}  // namespace
}  // namespace mcx::cli
