// A SUT shim as a child process speaking JSON Lines over stdin/stdout.
//
// The harness must survive anything a SUT does: hang, crash, exit, print
// garbage, flood, never read its input. Every call here is bounded by a
// deadline, the child runs in its own process group (killed as a whole, with
// any descendant that left it: descendants.h), and
// stderr is kept as a bounded tail for the report.
#ifndef MCXTEST_HARNESS_SUT_PROCESS_H_
#define MCXTEST_HARNESS_SUT_PROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crypto/result.h"

namespace mcx::sut {

struct ProcessOptions {
  // Run as /bin/sh -c would, so vendors can pass "python3 shim.py --flag"
  // (a plain command is started without the shell: process.cc says when).
  std::string command;
  std::string working_dir;  // empty: inherit
  size_t max_line_bytes = 64u << 20;
  size_t stderr_tail_lines = 40;
  size_t stderr_tail_bytes = 64u << 10;
};

// How a finished child ended: exit code or signal.
struct ExitInfo {
  bool exited = false;
  int exit_code = 0;
  bool signaled = false;
  int signal = 0;
  std::string ToString() const;
};

// kInterrupted: SIGINT/SIGTERM during the wait (interrupt.h).
enum class ReadOutcome { kLine, kTimeout, kEof, kLineTooLong, kInterrupted };

struct ReadResult {
  ReadOutcome outcome;
  std::string line;  // without the newline, when outcome == kLine
};

class SutProcess {
 public:
  static Result<std::unique_ptr<SutProcess>> Start(const ProcessOptions& options);
  ~SutProcess();
  SutProcess(const SutProcess&) = delete;
  SutProcess& operator=(const SutProcess&) = delete;

  // Writes one line (a '\n' is appended). Fails on timeout (the SUT stopped
  // reading and the pipe is full), when the SUT closed its stdin, or on an
  // interrupt.
  Status WriteLine(const std::string& line, std::chrono::milliseconds timeout);

  // Next line of stdout. Drains stderr meanwhile so a SUT that floods stderr
  // can never block on it. Empty lines are skipped, but the deadline holds
  // whatever the SUT writes; an interrupt (interrupt.h) ends the wait.
  ReadResult ReadLine(std::chrono::milliseconds timeout);

  // Closes stdin, waits up to `grace` for the SUT to exit, then kills its
  // process group. Idempotent; returns how it ended.
  ExitInfo Stop(std::chrono::milliseconds grace);

  // Non-blocking: has the child exited? (reaps it if so)
  std::optional<ExitInfo> PollExit();

  // Last lines the SUT wrote to stderr (bounded).
  std::vector<std::string> StderrTail() const;
  pid_t pid() const { return pid_; }

 private:
  SutProcess() = default;
  void DrainStderr();
  // The first non-blank complete line in stdout_buffer_, consumed with the
  // blank ones before it.
  std::optional<std::string> NextBufferedLine();
  void AppendStderr(const char* data, size_t n);
  void KillGroup(int sig);
  // SIGKILL to the process group and to every descendant that left it.
  void KillDescendants();

  ProcessOptions options_;
  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  int stderr_fd_ = -1;
  std::string stdout_buffer_;
  bool discarding_long_line_ = false;
  std::string stderr_partial_;
  std::deque<std::string> stderr_tail_;
  size_t stderr_tail_size_ = 0;
  std::optional<ExitInfo> exit_;
  bool stopped_ = false;
};

}  // namespace mcx::sut

#endif  // MCXTEST_HARNESS_SUT_PROCESS_H_
