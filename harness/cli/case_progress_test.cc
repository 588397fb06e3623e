#include "harness/cli/case_progress.h"

#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "harness/cli/cli_util.h"

namespace mcx::cli {
namespace {

// Issue 19.8: on a terminal the live line names the running cases and the
// request each waits on; it is cleared before a case line is printed and
// drawn again after it.
TEST(CaseProgressTest, LiveLineNamesRunningCasesAndTheirRequests) {
  std::ostringstream err, out;
  {
    CaseProgress progress(err, /*live=*/true, /*name_cases=*/true);
    engine::WaitingFn first = progress.Waiting(0, "UE-001");
    engine::WaitingFn second = progress.Waiting(1, "UE-002");
    ASSERT_TRUE(first);
    first("hello");
    EXPECT_EQ(err.str(), "\rrunning UE-001: waiting for hello");
    second("deliver-gktp");
    EXPECT_NE(err.str().rfind("\rrunning UE-001: waiting for hello, UE-002: waiting for deliver-gktp"),
              std::string::npos)
        << err.str();
    first("");
    // The shorter line is padded over the longer one.
    EXPECT_NE(err.str().find("\rrunning UE-001, UE-002: waiting for deliver-gktp" + std::string(19, ' ')),
              std::string::npos)
        << err.str();
    err.str("");
    progress.CaseDone(0);
    EXPECT_EQ(err.str().find("UE-001"), std::string::npos) << err.str();
    EXPECT_NE(err.str().find("running UE-002: waiting for deliver-gktp"), std::string::npos) << err.str();
    err.str("");
    progress.Print(out, "[1/2] PASS  UE-001\n");
    EXPECT_EQ(out.str(), "[1/2] PASS  UE-001\n");
    // Cleared (spaces over the line), then drawn again.
    const std::string line = "running UE-002: waiting for deliver-gktp";
    EXPECT_EQ(err.str(), "\r" + std::string(line.size(), ' ') + "\r\r" + line);
    err.str("");
    progress.CaseDone(1);
    EXPECT_EQ(err.str(), "\r" + std::string(line.size(), ' ') + "\r") << "nothing runs: the line is gone";
  }
}

TEST(CaseProgressTest, NothingLiveWithoutATerminal) {
  std::ostringstream err, out;
  CaseProgress progress(err, /*live=*/false, /*name_cases=*/false);
  EXPECT_FALSE(progress.Waiting(0, "UE-001")) << "the engine gets no callback at all";
  progress.Print(out, "line\n");
  progress.CaseDone(0);
  EXPECT_EQ(err.str(), "");
  EXPECT_EQ(out.str(), "line\n");
}

TEST(CaseProgressTest, StatusLineIsCutToTheWidthAndEscaped) {
  std::map<size_t, std::pair<std::string, std::string>> running;
  EXPECT_EQ(CaseProgress::StatusLine(running, 80), "");
  running[3] = {"UE-\x1b[2J", "provision"};
  EXPECT_EQ(CaseProgress::StatusLine(running, 80), "running UE-\\x1b[2J: waiting for provision");
  for (size_t i = 0; i < 20; ++i) running[10 + i] = {"UE-0" + std::to_string(10 + i), "deliver-gktp"};
  std::string line = CaseProgress::StatusLine(running, 60);
  EXPECT_EQ(line.size(), 60u) << line;
  EXPECT_EQ(line.substr(57), "...");
}

// NO_COLOR (no-color.org) turns colour off for auto; an explicit
// --color=always still colours; TERM=dumb never gets colour by default.
TEST(UseColorTest, AutoHonoursTheTerminalNoColorAndDumbTerminals) {
  ::unsetenv("NO_COLOR");
  ::setenv("TERM", "xterm-256color", 1);
  EXPECT_TRUE(UseColor("auto", true));
  EXPECT_FALSE(UseColor("auto", false));
  EXPECT_TRUE(UseColor("always", false));
  EXPECT_FALSE(UseColor("never", true));
  ::setenv("NO_COLOR", "1", 1);
  EXPECT_FALSE(UseColor("auto", true));
  EXPECT_TRUE(UseColor("always", true));
  ::setenv("NO_COLOR", "", 1);
  EXPECT_TRUE(UseColor("auto", true)) << "an empty NO_COLOR does not count";
  ::setenv("TERM", "dumb", 1);
  EXPECT_FALSE(UseColor("auto", true));
  ::unsetenv("NO_COLOR");
}

}  // namespace
}  // namespace mcx::cli
