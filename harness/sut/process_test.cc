#include "harness/sut/process.h"

#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>
#include <string>

#include <gtest/gtest.h>

#include "harness/sut/interrupt.h"

namespace mcx::sut {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

std::unique_ptr<SutProcess> StartOrDie(const std::string& command, size_t max_line = 64u << 20) {
  ProcessOptions options;
  options.command = command;
  options.max_line_bytes = max_line;
  auto p = SutProcess::Start(options);
  EXPECT_TRUE(p.ok()) << p.error().ToString();
  return std::move(p).value();
}

TEST(SutProcessTest, EchoesLinesBothWays) {
  auto p = StartOrDie("cat");
  ASSERT_TRUE(p->WriteLine(R"({"type":"hello"})", 1s).ok());
  auto r = p->ReadLine(5s);
  ASSERT_EQ(r.outcome, ReadOutcome::kLine);
  EXPECT_EQ(r.line, R"({"type":"hello"})");
  auto exit = p->Stop(2s);
  EXPECT_TRUE(exit.exited);
  EXPECT_EQ(exit.exit_code, 0);
}

TEST(SutProcessTest, HangingSutTimesOutAndIsKilledPromptly) {
  auto p = StartOrDie("sleep 60");
  auto start = Clock::now();
  auto r = p->ReadLine(200ms);
  EXPECT_EQ(r.outcome, ReadOutcome::kTimeout);
  auto exit = p->Stop(100ms);
  EXPECT_TRUE(exit.signaled);
  EXPECT_EQ(exit.signal, SIGKILL);
  EXPECT_LT(Clock::now() - start, 5s);
}

TEST(SutProcessTest, CrashIsReportedAsSignalWithStderrTail) {
  auto p = StartOrDie("echo 'about to crash' >&2; kill -SEGV $$");
  auto r = p->ReadLine(5s);
  EXPECT_EQ(r.outcome, ReadOutcome::kEof);
  auto exit = p->Stop(2s);
  EXPECT_TRUE(exit.signaled);
  EXPECT_EQ(exit.signal, SIGSEGV);
  auto tail = p->StderrTail();
  ASSERT_FALSE(tail.empty());
  EXPECT_EQ(tail.back(), "about to crash");
  EXPECT_NE(exit.ToString().find("signal 11"), std::string::npos);
}

std::string Comm(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/comm");
  std::string comm;
  std::getline(in, comm);
  return comm;
}

// A plain command runs without a shell in between (one start-up less per
// case); quotes, variables or a builtin still go through /bin/sh -c, and a
// missing program still ends as sh reports it: exit 127.
TEST(SutProcessTest, PlainCommandsSkipTheShell) {
  auto plain = StartOrDie("cat -u");
  ASSERT_TRUE(plain->WriteLine("x", 1s).ok());
  EXPECT_EQ(plain->ReadLine(5s).line, "x");
  // Read after the echo: the kernel lets posix_spawn return a moment before
  // it renames the new process.
  EXPECT_EQ(Comm(plain->pid()), "cat");
  EXPECT_EQ(plain->Stop(2s).exit_code, 0);

  auto shell = StartOrDie("read x; echo \"$x$x\"");
  ASSERT_TRUE(shell->WriteLine("ab", 1s).ok());
  EXPECT_EQ(shell->ReadLine(5s).line, "abab");
  EXPECT_EQ(shell->Stop(2s).exit_code, 0);

  auto missing = StartOrDie("mcxtest-no-such-program --flag");
  EXPECT_EQ(missing->ReadLine(5s).outcome, ReadOutcome::kEof);
  auto exit = missing->Stop(2s);
  EXPECT_EQ(exit.exit_code, 127);
  std::string tail;
  for (const auto& l : missing->StderrTail()) tail += l;
  EXPECT_NE(tail.find("not found"), std::string::npos) << tail;
}

TEST(SutProcessTest, NonZeroExitCodeIsReported) {
  auto p = StartOrDie("exit 3");
  EXPECT_EQ(p->ReadLine(5s).outcome, ReadOutcome::kEof);
  auto exit = p->Stop(2s);
  EXPECT_TRUE(exit.exited);
  EXPECT_EQ(exit.exit_code, 3);
  EXPECT_EQ(exit.ToString(), "exited with code 3");
}

TEST(SutProcessTest, OverlongLineIsReportedOnceThenReadingResumes) {
  // 3 MiB without a newline against a 1 MiB limit, then a normal line.
  auto p = StartOrDie("head -c 3145728 /dev/zero | tr '\\0' x; echo; echo after", 1u << 20);
  auto r = p->ReadLine(10s);
  EXPECT_EQ(r.outcome, ReadOutcome::kLineTooLong);
  r = p->ReadLine(10s);
  ASSERT_EQ(r.outcome, ReadOutcome::kLine);
  EXPECT_EQ(r.line, "after");
}

TEST(SutProcessTest, SutThatNeverReadsMakesWriteTimeOut) {
  auto p = StartOrDie("sleep 60");
  std::string big(1u << 20, 'a');
  Status s = Status::Ok();
  for (int i = 0; i < 8 && s.ok(); ++i) s = p->WriteLine(big, 300ms);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message().find("does not read"), std::string::npos) << s.error().message();
}

TEST(SutProcessTest, WriteAfterSutExitedFailsWithoutSigpipe) {
  auto p = StartOrDie("exit 0");
  p->ReadLine(5s);  // EOF once it is gone
  Status s = Status::Ok();
  for (int i = 0; i < 4 && s.ok(); ++i) s = p->WriteLine(std::string(100000, 'b'), 1s);
  EXPECT_FALSE(s.ok());
}

TEST(SutProcessTest, StderrFloodNeitherBlocksNorGrowsUnbounded) {
  auto p = StartOrDie("i=0; while [ $i -lt 5000 ]; do echo \"noise $i\" >&2; i=$((i+1)); done; echo ready; sleep 60");
  auto r = p->ReadLine(20s);
  ASSERT_EQ(r.outcome, ReadOutcome::kLine);
  EXPECT_EQ(r.line, "ready");
  p->Stop(100ms);
  auto tail = p->StderrTail();
  EXPECT_LE(tail.size(), 41u);
  ASSERT_FALSE(tail.empty());
  EXPECT_EQ(tail.back(), "noise 4999");
}

// Gone, or at most a zombie awaiting its reaper: never still running.
::testing::AssertionResult Dies(pid_t pid) {
  for (int i = 0; i < 250; ++i) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string content;
    std::getline(stat, content);
    if (!stat || content.find(") Z") != std::string::npos) return ::testing::AssertionSuccess();
    std::this_thread::sleep_for(20ms);
  }
  kill(pid, SIGKILL);
  return ::testing::AssertionFailure() << "process " << pid << " survived Stop()";
}

TEST(SutProcessTest, StopKillsGrandchildren) {
  auto p = StartOrDie("sleep 600 & echo $!; wait");
  auto r = p->ReadLine(5s);
  ASSERT_EQ(r.outcome, ReadOutcome::kLine);
  pid_t grandchild = std::stoi(r.line);
  p->Stop(100ms);
  EXPECT_TRUE(Dies(grandchild));
}

// Issue 17 item 7: a child that calls setsid() leaves the process group
// that Stop() kills; as child subreaper mcxtest still finds and kills it,
// whether the SUT is still running or exited first.
TEST(SutProcessTest, StopKillsDescendantsThatLeftTheGroup) {
  for (const char* command : {"setsid sh -c 'echo $$; exec sleep 600' </dev/null & wait",
                              "setsid sh -c 'echo $$; exec sleep 600' </dev/null & sleep 0.3; exit 0",
                              "setsid sh -c 'sh -c \"echo \\$\\$; exec sleep 600\" & wait' </dev/null & wait"}) {
    SCOPED_TRACE(command);
    auto p = StartOrDie(command);
    auto r = p->ReadLine(5s);
    ASSERT_EQ(r.outcome, ReadOutcome::kLine);
    pid_t escaped = std::stoi(r.line);
    std::this_thread::sleep_for(500ms);  // the second command's leader has exited by now
    p->Stop(100ms);
    EXPECT_TRUE(Dies(escaped));
    // Reaped too: no zombie left behind for the rest of the run.
    EXPECT_FALSE(std::filesystem::exists("/proc/" + std::to_string(escaped))) << escaped;
  }
}

// Issue 17 item 3: blank lines without end kept stdout readable, so the
// deadline was never looked at (100% CPU, for ever).
TEST(SutProcessTest, BlankLinesWithoutEndStillTimeOut) {
  for (const char* command : {"yes ''", "yes $(printf '\\r')"}) {
    SCOPED_TRACE(command);
    auto p = StartOrDie(command);
    auto start = Clock::now();
    EXPECT_EQ(p->ReadLine(300ms).outcome, ReadOutcome::kTimeout);
    EXPECT_LT(Clock::now() - start, 5s);
  }
}

// Issue 17 items 3 and 6: SIGINT/SIGTERM end any wait on the SUT at once.
TEST(SutProcessTest, SignalEndsEveryWait) {
  for (int sig : {SIGINT, SIGTERM}) {
    for (const char* command : {"yes ''", "sleep 600"}) {
      SCOPED_TRACE(std::string(command) + " " + std::to_string(sig));
      InterruptScope scope;
      auto p = StartOrDie(command);
      std::thread signaller([sig] {
        std::this_thread::sleep_for(200ms);
        kill(getpid(), sig);
      });
      auto start = Clock::now();
      EXPECT_EQ(p->ReadLine(60s).outcome, ReadOutcome::kInterrupted);
      signaller.join();
      EXPECT_LT(Clock::now() - start, 10s);
      EXPECT_EQ(InterruptSignal(), sig);
      // Writing fails at once too, and Stop() does not wait out its grace.
      std::string big(1 << 20, 'x');
      start = Clock::now();
      EXPECT_FALSE(p->WriteLine(big, 60s).ok());
      p->Stop(60s);
      EXPECT_LT(Clock::now() - start, 10s);
    }
  }
  InterruptScope fresh;
  EXPECT_FALSE(Interrupted()) << "a new scope starts uninterrupted";
}

TEST(SutProcessTest, FloodOfLinesIsReadLineByLine) {
  auto p = StartOrDie("yes garbage");
  for (int i = 0; i < 1000; ++i) {
    auto r = p->ReadLine(5s);
    ASSERT_EQ(r.outcome, ReadOutcome::kLine);
    ASSERT_EQ(r.line, "garbage");
  }
}

}  // namespace
}  // namespace mcx::sut
