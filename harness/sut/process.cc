#include "harness/sut/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "harness/sut/descendants.h"
#include "harness/sut/interrupt.h"

namespace mcx::sut {
namespace {

using Clock = std::chrono::steady_clock;

int RemainingMs(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

void SetNonBlocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

void CloseFd(int& fd) {
  if (fd >= 0) close(fd);
  fd = -1;
}

ExitInfo FromWaitStatus(int status) {
  ExitInfo info;
  if (WIFEXITED(status)) {
    info.exited = true;
    info.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    info.signaled = true;
    info.signal = WTERMSIG(status);
  }
  return info;
}

// The words of a command a shell would run as they are: only
// [A-Za-z0-9_./=:,+@%-] and spaces (no quotes, variables, globs,
// redirections, assignments). Empty: the command needs /bin/sh.
std::vector<std::string> PlainWords(const std::string& command) {
  std::vector<std::string> words(1);
  for (char c : command) {
    if (c == ' ') {
      if (!words.back().empty()) words.emplace_back();
      continue;
    }
    if (!std::isalnum(static_cast<unsigned char>(c)) && !std::strchr("_./=:,+@%-", c)) return {};
    words.back() += c;
  }
  if (words.back().empty()) words.pop_back();
  if (words.empty() || words[0].find('=') != std::string::npos) return {};
  return words;
}

// Starts the SUT in its own process group (so a timeout can kill everything
// it spawned) with the pipes as stdin/stdout/stderr and SIGPIPE at its
// default. posix_spawn (clone with CLONE_VFORK) instead of fork: the
// harness's address space, with its SAKKE tables, is not copied per case.
// A plain command (PlainWords) is spawned directly, found on PATH as sh
// would, which saves a shell's start-up per case; anything else, or a plain
// command that cannot be spawned (a shell builtin, a missing program: sh then
// says why and exits 127, as before), runs as /bin/sh -c COMMAND.
Result<pid_t> Spawn(const ProcessOptions& options, int in, int out, int err) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in, STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err, STDERR_FILENO);
  if (!options.working_dir.empty()) posix_spawn_file_actions_addchdir_np(&actions, options.working_dir.c_str());
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attr, 0);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigdefault(&attr, &defaults);

  pid_t pid = -1;
  int rc = ENOENT;
  std::vector<std::string> words = PlainWords(options.command);
  if (!words.empty()) {
    std::vector<char*> argv;
    for (auto& w : words) argv.push_back(w.data());
    argv.push_back(nullptr);
    rc = posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), environ);
  }
  if (rc != 0) {
    std::string sh = "sh", dash_c = "-c", command = options.command;
    char* argv[] = {sh.data(), dash_c.data(), command.data(), nullptr};
    rc = posix_spawn(&pid, "/bin/sh", &actions, &attr, argv, environ);
  }
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return Error(ErrorCode::kIo, "starting the SUT: " + std::string(strerror(rc)));
  return pid;
}

// Every SUT leader alive in this process: the children of mcxtest that are
// not orphans of some SUT.
std::mutex g_live_mu;
std::set<pid_t> g_live_suts;

}  // namespace

std::string ExitInfo::ToString() const {
  if (exited) return "exited with code " + std::to_string(exit_code);
  if (signaled) return "killed by signal " + std::to_string(signal) + " (" + strsignal(signal) + ")";
  return "still running";
}

Result<std::unique_ptr<SutProcess>> SutProcess::Start(const ProcessOptions& options) {
  if (options.command.empty()) return InvalidArgument("empty SUT command");
  // A SUT that closes its stdin must not kill the harness with SIGPIPE.
  signal(SIGPIPE, SIG_IGN);

  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) != 0) return Error(ErrorCode::kIo, std::string("pipe: ") + strerror(errno));
  if (pipe2(out_pipe, O_CLOEXEC) != 0) {
    close(in_pipe[0]);
    close(in_pipe[1]);
    return Error(ErrorCode::kIo, std::string("pipe: ") + strerror(errno));
  }
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1]}) close(fd);
    return Error(ErrorCode::kIo, std::string("pipe: ") + strerror(errno));
  }

  BecomeChildSubreaper();
  // Held over the spawn and registration, so Stop() on another thread never
  // takes this new child for an orphan.
  std::unique_lock<std::mutex> live_lock(g_live_mu);
  auto spawned = Spawn(options, in_pipe[0], out_pipe[1], err_pipe[1]);
  if (!spawned.ok()) {
    for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) close(fd);
    return spawned.error();
  }
  const pid_t pid = *spawned;
  setpgid(pid, pid);  // also from the parent: no race with an early kill
  g_live_suts.insert(pid);
  live_lock.unlock();
  close(in_pipe[0]);
  close(out_pipe[1]);
  close(err_pipe[1]);

  std::unique_ptr<SutProcess> p(new SutProcess());
  p->options_ = options;
  p->pid_ = pid;
  p->stdin_fd_ = in_pipe[1];
  p->stdout_fd_ = out_pipe[0];
  p->stderr_fd_ = err_pipe[0];
  SetNonBlocking(p->stdin_fd_);
  SetNonBlocking(p->stdout_fd_);
  SetNonBlocking(p->stderr_fd_);
  return p;
}

SutProcess::~SutProcess() { Stop(std::chrono::milliseconds(0)); }

void SutProcess::AppendStderr(const char* data, size_t n) {
  stderr_partial_.append(data, n);
  size_t pos;
  while ((pos = stderr_partial_.find('\n')) != std::string::npos) {
    std::string line = stderr_partial_.substr(0, pos);
    stderr_partial_.erase(0, pos + 1);
    if (line.size() > options_.stderr_tail_bytes) line.resize(options_.stderr_tail_bytes);
    stderr_tail_size_ += line.size();
    stderr_tail_.push_back(std::move(line));
    while (stderr_tail_.size() > options_.stderr_tail_lines ||
           (stderr_tail_size_ > options_.stderr_tail_bytes && stderr_tail_.size() > 1)) {
      stderr_tail_size_ -= stderr_tail_.front().size();
      stderr_tail_.pop_front();
    }
  }
  // A flood without newlines must not grow without bound either.
  if (stderr_partial_.size() > options_.stderr_tail_bytes) {
    stderr_partial_.erase(0, stderr_partial_.size() - options_.stderr_tail_bytes);
  }
}

void SutProcess::DrainStderr() {
  if (stderr_fd_ < 0) return;
  char buf[65536];
  for (;;) {
    ssize_t n = read(stderr_fd_, buf, sizeof buf);
    if (n > 0) {
      AppendStderr(buf, static_cast<size_t>(n));
      continue;
    }
    if (n == 0) CloseFd(stderr_fd_);
    return;  // EAGAIN or error: nothing more now
  }
}

std::vector<std::string> SutProcess::StderrTail() const {
  std::vector<std::string> out(stderr_tail_.begin(), stderr_tail_.end());
  if (!stderr_partial_.empty()) out.push_back(stderr_partial_);
  return out;
}

Status SutProcess::WriteLine(const std::string& line, std::chrono::milliseconds timeout) {
  if (stdin_fd_ < 0) return Error(ErrorCode::kIo, "SUT stdin is closed");
  std::string data = line + "\n";
  size_t written = 0;
  auto deadline = Clock::now() + timeout;
  while (written < data.size()) {
    ssize_t n = write(stdin_fd_, data.data() + written, data.size() - written);
    if (n > 0) {
      written += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      return Error(ErrorCode::kIo, std::string("SUT stopped reading its input (") + strerror(errno) + ")");
    }
    if (Interrupted()) return Error(ErrorCode::kIo, "interrupted while writing to the SUT");
    int left = RemainingMs(deadline);
    if (left == 0) {
      return Error(ErrorCode::kIo, "timed out writing to the SUT: it does not read its input");
    }
    // Keep draining stderr so the SUT cannot block on it while we wait on stdin.
    pollfd fds[3] = {{stdin_fd_, POLLOUT, 0}, {InterruptFd(), POLLIN, 0}, {stderr_fd_, POLLIN, 0}};
    poll(fds, stderr_fd_ >= 0 ? 3 : 2, left);
    DrainStderr();
  }
  return Status::Ok();
}

std::optional<std::string> SutProcess::NextBufferedLine() {
  // One pass with a moving start and a single erase: a SUT writing nothing
  // but newlines must cost linear time, not a quadratic front-erase each.
  size_t start = 0;
  size_t pos;
  std::optional<std::string> found;
  while ((pos = stdout_buffer_.find('\n', start)) != std::string::npos) {
    size_t begin = start;
    start = pos + 1;
    if (discarding_long_line_) {
      discarding_long_line_ = false;  // the rest of an over-long line ends here
      continue;
    }
    size_t end = pos;
    if (end > begin && stdout_buffer_[end - 1] == '\r') --end;
    if (end == begin) continue;
    found = stdout_buffer_.substr(begin, end - begin);
    break;
  }
  stdout_buffer_.erase(0, start);
  return found;
}

ReadResult SutProcess::ReadLine(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  char buf[65536];
  for (;;) {
    if (Interrupted()) return {ReadOutcome::kInterrupted, {}};
    // Serve complete lines from the buffer first.
    if (std::optional<std::string> line = NextBufferedLine()) return {ReadOutcome::kLine, std::move(*line)};
    if (stdout_buffer_.size() > options_.max_line_bytes) {
      stdout_buffer_.clear();
      if (!discarding_long_line_) {
        discarding_long_line_ = true;
        return {ReadOutcome::kLineTooLong, {}};
      }
    }
    if (stdout_fd_ < 0) return {ReadOutcome::kEof, {}};
    // Checked on every pass, not only when poll() times out: a SUT that
    // writes blank lines without end keeps stdout readable for ever.
    int left = RemainingMs(deadline);
    if (left == 0) return {ReadOutcome::kTimeout, {}};

    pollfd fds[3] = {{stdout_fd_, POLLIN, 0}, {InterruptFd(), POLLIN, 0}, {stderr_fd_, POLLIN, 0}};
    int ready = poll(fds, stderr_fd_ >= 0 ? 3 : 2, left);
    DrainStderr();
    if (ready <= 0) continue;  // EINTR, timeout: the checks above decide
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t n = read(stdout_fd_, buf, sizeof buf);
      if (n > 0) {
        if (discarding_long_line_) {
          // Drop everything up to the newline that ends the over-long line.
          const char* nl = static_cast<const char*>(memchr(buf, '\n', static_cast<size_t>(n)));
          if (nl == nullptr) continue;
          discarding_long_line_ = false;
          stdout_buffer_.append(nl + 1, static_cast<size_t>(buf + n - (nl + 1)));
        } else {
          stdout_buffer_.append(buf, static_cast<size_t>(n));
        }
      } else if (n == 0) {
        CloseFd(stdout_fd_);
      } else if (errno != EAGAIN && errno != EINTR) {
        CloseFd(stdout_fd_);
      }
    }
  }
}

std::optional<ExitInfo> SutProcess::PollExit() {
  if (exit_) return exit_;
  if (pid_ <= 0) return std::nullopt;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) exit_ = FromWaitStatus(status);
  return exit_;
}

void SutProcess::KillGroup(int sig) {
  if (pid_ > 0) kill(-pid_, sig);
}

void SutProcess::KillDescendants() {
  std::lock_guard<std::mutex> lock(g_live_mu);
  g_live_suts.erase(pid_);
  // Stop the whole tree first, so nothing forks while it is being killed;
  // repeat until a pass finds nothing new. Orphans already reparented to
  // mcxtest (their parent exited) are roots too.
  // The leader too: it may have left its own group. Once reaped its pid
  // may belong to someone else, so only while it is ours.
  const bool leader_alive = pid_ > 0 && !exit_;
  if (leader_alive) kill(pid_, SIGSTOP);
  std::set<pid_t> victims;
  constexpr int kMaxPasses = 32;
  for (int pass = 0; pass < kMaxPasses; ++pass) {
    std::set<pid_t> roots = UnknownChildren(g_live_suts);
    if (leader_alive) roots.insert(pid_);
    std::set<pid_t> found = DescendantsOf(roots);
    found.insert(roots.begin(), roots.end());
    size_t before = victims.size();
    for (pid_t p : found) {
      if (p > 0 && p != pid_ && victims.insert(p).second) kill(p, SIGSTOP);
    }
    if (victims.size() == before) break;
  }
  KillGroup(SIGKILL);
  if (leader_alive) kill(pid_, SIGKILL);
  for (pid_t p : victims) kill(p, SIGKILL);
  // They become our children as their parents die: reap them, or they stay
  // zombies for the rest of the run. Bounded: SIGKILL takes effect at once.
  auto deadline = Clock::now() + std::chrono::seconds(2);
  while (!victims.empty() && Clock::now() < deadline) {
    for (auto it = victims.begin(); it != victims.end();) {
      int status = 0;
      pid_t r = waitpid(*it, &status, WNOHANG);
      bool gone = r == *it || (r < 0 && errno == ECHILD && kill(*it, 0) != 0);
      it = gone ? victims.erase(it) : std::next(it);
    }
    if (!victims.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

ExitInfo SutProcess::Stop(std::chrono::milliseconds grace) {
  CloseFd(stdin_fd_);
  auto deadline = Clock::now() + grace;
  // An interrupted run does not wait for a polite exit.
  while (!PollExit() && Clock::now() < deadline && !Interrupted()) {
    DrainStderr();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  // Whatever the leader did, nothing it spawned may outlive the test case:
  // not its process group, nor what left it (setsid).
  if (!stopped_) {
    stopped_ = true;
    KillDescendants();
  }
  if (!exit_ && pid_ > 0) {
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    exit_ = FromWaitStatus(status);
  }
  DrainStderr();
  CloseFd(stdout_fd_);
  CloseFd(stderr_fd_);
  return exit_.value_or(ExitInfo{});
}

}  // namespace mcx::sut
