#include <cstdlib>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "harness/cli/version.h"
#include "harness/testing/cli_runner.h"

namespace mcx {
namespace {

using testing::RunMcxtest;

TEST(CliTest, VersionPrintsNameAndVersion) {
  auto r = RunMcxtest({"--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.line(), std::string("mcxtest ") + kMcxtestVersion);
}

TEST(CliTest, HelpListsEveryCommandGroup) {
  auto r = RunMcxtest({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* group : {"crypto", "gktp", "kms", "run", "list", "report", "matrix"}) {
    EXPECT_NE(r.out.find(group), std::string::npos) << group;
  }
}

TEST(CliTest, UnknownSubcommandIsUsageErrorWithHint) {
  auto r = RunMcxtest({"frobnicate"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown command 'frobnicate'"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("did you mean"), std::string::npos) << "nothing is near: " << r.err;
  EXPECT_NE(r.err.find("mcxtest --help"), std::string::npos);
  EXPECT_TRUE(r.out.empty());
}

// Issue 19.9: a near miss names the nearest command or option.
TEST(CliTest, MisspeltCommandOrOptionSuggestsTheNearestOne) {
  auto r = RunMcxtest({"runn"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown command 'runn' (did you mean 'run'?)"), std::string::npos) << r.err;
  r = RunMcxtest({"lst"});
  EXPECT_NE(r.err.find("(did you mean 'list'?)"), std::string::npos) << r.err;
  r = RunMcxtest({"gktp", "verfy"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown command 'verfy' (did you mean 'verify'?)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Run 'mcxtest gktp --help' for usage."), std::string::npos) << r.err;
  r = RunMcxtest({"run", "--sed", "3"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown option '--sed' (did you mean '--seed'?)"), std::string::npos) << r.err;
  r = RunMcxtest({"kms", "provision", "--id=x"});
  EXPECT_NE(r.err.find("unknown option '--id' (did you mean '--identity'?)"), std::string::npos) << r.err;
}

// Exactly one hint, and it names the failing command's own help.
TEST(CliTest, UsageErrorPointsAtTheCommandsOwnHelpOnce) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"run", "--pcap-keys"}, {"run", "--sed", "1"}, {"run", "--seed", "abc"}, {"run", "--role", "gms"}}) {
    auto r = RunMcxtest(args);
    EXPECT_EQ(r.exit_code, 2) << args[1];
    EXPECT_NE(r.err.find("Run 'mcxtest run --help' for usage."), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("Run '", r.err.find("Run '") + 1), std::string::npos) << "two hints: " << r.err;
    EXPECT_EQ(r.err.find("mcxtest --help"), std::string::npos) << r.err;
  }
  auto r = RunMcxtest({"crypto"});
  EXPECT_NE(r.err.find("'crypto' needs a subcommand"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Run 'mcxtest crypto --help' for usage."), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("see '"), std::string::npos) << "one hint only: " << r.err;
  r = RunMcxtest({"gktp", "verify", "--hex", "zz"});
  EXPECT_NE(r.err.find("Run 'mcxtest gktp verify --help' for usage."), std::string::npos) << r.err;
}

// Numbers: what is wrong, in words, and no silent wrap-around of -1 or
// of a seed beyond 64 bits.
TEST(CliTest, NumberErrorsAreReadable) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {{"run", "--seed", "abc"}, "--seed: not a decimal number: 'abc'"},
           {{"run", "--seed", "-1"}, "--seed: -1 is negative"},
           {{"run", "--seed=-1"}, "--seed: -1 is negative"},
           {{"run", "--seed", "18446744073709551616"}, "--seed: 18446744073709551616 is larger than 18446744073709551615"},
           {{"run", "--jobs", "-3"}, "--jobs: -3 is negative (expected 0 to 1024)"},
           {{"run", "--jobs", "99999999999"}, "--jobs: 99999999999 is larger than 1024"},
           {{"run", "--timeout", "soon"}, "--timeout: not a number: 'soon'"},
           {{"run", "--timeout", "0"}, "--timeout: 0 is out of range"},
           {{"run", "--t-window", "0"}, "--t-window: 0 is smaller than 1"},
           {{"matrix", "--sut", "a=", "--jobs", "-1"}, "--jobs: -1 is negative"},
           {{"matrix", "--sut", "a=", "--seed", "-1"}, "--seed: -1 is negative"},
       }) {
    auto r = RunMcxtest(c.args);
    EXPECT_EQ(r.exit_code, 2) << c.message << "\n" << r.out;
    EXPECT_NE(r.err.find("mcxtest: error: " + c.message), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("Could not convert"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("179769313486231570814527423731704356798070567525844996598917476803157260780028"),
              std::string::npos)
        << r.err;
  }
}

TEST(CliTest, HelpCommandIsTheCommandsHelp) {
  auto help = RunMcxtest({"help", "run"});
  EXPECT_EQ(help.exit_code, 0) << help.err;
  EXPECT_EQ(help.out, RunMcxtest({"run", "--help"}).out);
  EXPECT_NE(help.out.find("--shard"), std::string::npos) << help.out;
  // (CLI11 lists an option's "Excludes" in pointer order, so compare the head.)
  auto verify = RunMcxtest({"help", "gktp", "verify"});
  EXPECT_EQ(verify.exit_code, 0);
  EXPECT_EQ(verify.out.rfind("Verify a GKTP for its recipient", 0), 0u) << verify.out;
  EXPECT_NE(verify.out.find("Usage: mcxtest gktp verify [OPTIONS]"), std::string::npos) << verify.out;
  EXPECT_EQ(RunMcxtest({"help"}).out, RunMcxtest({"--help"}).out);
  auto typo = RunMcxtest({"help", "rn"});
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_NE(typo.err.find("unknown command 'rn' (did you mean 'run'?)"), std::string::npos) << typo.err;
}

// Issue 19.8: the top-level help lists the exit codes and three examples.
TEST(CliTest, HelpShowsExitCodesAndExamples) {
  auto r = RunMcxtest({"--help"});
  EXPECT_NE(r.out.find("Examples:\n  mcxtest list --role ue"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("mcxtest run --sut \"python3 my_shim.py\" --role ue"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--html report.html"), std::string::npos) << r.out;
  for (const char* code : {"0 passed", "1 a case failed", "2 usage error", "3 the SUT could not be started",
                           "130 interrupted"}) {
    EXPECT_NE(r.out.find(code), std::string::npos) << code << "\n" << r.out;
  }
  EXPECT_EQ(RunMcxtest({"kms", "init", "--help"}).out.find("Examples:"), std::string::npos)
      << "the examples are the top level's";
}

// Issue 19.9: a file that cannot be read or written is not a usage
// mistake: the path and the OS's reason, exit 2, no usage hint.
TEST(CliTest, InputFailuresNameThePathAndReasonWithoutUsageHint) {
  const std::string missing = std::string(std::getenv("TEST_TMPDIR")) + "/no-such-dir";
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {{"list", missing}, "cannot read " + missing + ": No such file or directory"},
           {{"run", missing}, "cannot read " + missing + ": No such file or directory"},
           {{"gktp", "inspect", missing}, missing + ": No such file or directory"},
           {{"report", "--from", missing, "--html", missing + "/x.html"}, missing + ": No such file or directory"},
           {{"report", "--from", "/", "--html", missing + "/x.html"}, "cannot read /: Is a directory"},
           {{"kms", "show", "--store", missing}, missing + ": No such file or directory"},
       }) {
    auto r = RunMcxtest(c.args);
    EXPECT_EQ(r.exit_code, 2) << c.args[0] << "\n" << r.out << r.err;
    EXPECT_NE(r.err.find("mcxtest: error: "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.args[0] << ": " << r.err;
    EXPECT_EQ(r.err.find("for usage"), std::string::npos) << r.err;
    EXPECT_EQ(r.out.find("invalid:"), std::string::npos) << r.out;
  }
}

TEST(CliTest, BadFlagIsUsageError) {
  auto r = RunMcxtest({"--no-such-flag"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--no-such-flag"), std::string::npos) << r.err;
}

// The key store holds the run's KMS secrets: only written next to traces,
// and only when asked for.
TEST(CliTest, PcapKeysWithoutPcapDirIsUsageError) {
  auto r = RunMcxtest({"run", "--pcap-keys"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--pcap-keys needs --pcap-dir"), std::string::npos) << r.err;
}

TEST(CliTest, NoCommandIsUsageError) {
  auto r = RunMcxtest({});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("mcxtest: error:"), std::string::npos);
}

TEST(CliTest, GroupWithoutSubcommandIsUsageError) {
  auto r = RunMcxtest({"crypto"});
  EXPECT_EQ(r.exit_code, 2);
}

}  // namespace
}  // namespace mcx
