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
  EXPECT_NE(r.err.find("frobnicate"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("mcxtest --help"), std::string::npos);
  EXPECT_TRUE(r.out.empty());
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
