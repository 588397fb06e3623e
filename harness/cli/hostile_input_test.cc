// Every file a command reads is hostile input (issue 17 items 1, 2 and 4):
// a directory, an endless device, an unreadable special file or a JSON
// document nested 100,000 levels deep ends in one clear error line and a
// non-zero exit, never an abort, a stack overflow or unbounded memory.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "harness/testing/cli_runner.h"

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

std::string WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  return path;
}

// The key-store export of issue 17 item 2: 600 KB, 100,000 levels.
std::string DeepJson() {
  const size_t depth = 100000;
  return R"({"format":"mcxtest-keystore","version":1,"domains":)" + std::string(depth, '[') +
         std::string(depth, ']') + "}";
}

void ExpectCannotRead(const CliOutput& r, const std::string& path, const std::string& why) {
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("cannot read " + path + ": " + why), std::string::npos) << r.err;
}

TEST(HostileInputTest, MessageFileThatIsADirectoryOrSpecialFile) {
  const std::string dir = TempDir("message_dir");
  ExpectCannotRead(RunMcxtest({"gktp", "inspect", dir}), dir, "Is a directory");
  ExpectCannotRead(RunMcxtest({"gktp", "inspect", "--json", dir}), dir, "Is a directory");
  ExpectCannotRead(RunMcxtest({"gktp", "verify", dir, "--recipient", "sip:a@b", "--store", dir}), dir,
                   "Is a directory");
  ExpectCannotRead(RunMcxtest({"gktp", "inspect", "/proc/self/mem"}), "/proc/self/mem", "Input/output error");
  ExpectCannotRead(RunMcxtest({"gktp", "inspect", "/dev/zero"}), "/dev/zero",
                   "larger than the limit of 1048576 octets");
}

TEST(HostileInputTest, ProvisionFile) {
  const std::string dir = TempDir("provision");
  const std::string message = WriteFile(dir + "/m.b64", "AQ==");
  auto verify = [&](const std::string& provision) {
    return RunMcxtest({"gktp", "verify", message, "--recipient", "sip:a@b", "--provision", provision});
  };
  ExpectCannotRead(verify(dir), dir, "Is a directory");
  ExpectCannotRead(verify("/dev/zero"), "/dev/zero", "larger than the limit of 16777216 octets");
  const std::string deep = WriteFile(dir + "/deep.json", DeepJson());
  CliOutput r = verify(deep);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(deep + ": not valid JSON: nested deeper than 64 levels (at offset"), std::string::npos)
      << r.err;
}

TEST(HostileInputTest, KeyStoreExportNestedTooDeep) {
  const std::string dir = TempDir("store");
  const std::string deep = WriteFile(dir + "/deep.json", DeepJson());
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"kms", "show", "--store", deep},
        std::vector<std::string>{"gktp", "verify", "--b64", "AQ==", "--recipient", "sip:a@b", "--store", deep}}) {
    CliOutput r = RunMcxtest(args);
    EXPECT_NE(r.exit_code, 0) << args[1];
    // `kms` rejects with "invalid: ..." on stdout, `gktp verify` on stderr.
    EXPECT_NE((r.out + r.err).find(deep + ": not valid JSON: nested deeper than 64 levels (at offset 114)"),
              std::string::npos)
        << args[1] << ": " << r.out << r.err;
  }
}

TEST(HostileInputTest, ReportFrom) {
  const std::string dir = TempDir("report_from");
  auto report = [&](const std::string& from) {
    return RunMcxtest({"report", "--from", from, "--junit", dir + "/j.xml"});
  };
  ExpectCannotRead(report(dir), dir, "Is a directory");
  ExpectCannotRead(report("/dev/zero"), "/dev/zero", "larger than the limit of 268435456 octets");
  const std::string deep = WriteFile(dir + "/deep.json", DeepJson());
  CliOutput r = report(deep);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("report.json: not valid JSON: nested deeper than 64 levels (at offset"), std::string::npos)
      << r.err;
  const std::string twice = WriteFile(dir + "/twice.json", R"({"format":"mcxtest-report","format":"x"})");
  r = report(twice);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("duplicate key \"format\" (at offset 27)"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir + "/j.xml"));
}

TEST(HostileInputTest, TestCaseFiles) {
  const std::string dir = TempDir("cases");
  for (const char* command : {"list", "run"}) {
    ExpectCannotRead(RunMcxtest({command, "/dev/zero"}), "/dev/zero", "larger than the limit of 1048576 octets");
    ExpectCannotRead(RunMcxtest({command, dir + "/missing"}), dir + "/missing", "No such file or directory");
  }
  // A directory named like a test case is not one; nothing else found.
  fs::create_directories(dir + "/tree/sub.yaml");
  CliOutput r = RunMcxtest({"run", dir + "/tree"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no test cases found"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace mcx::cli
