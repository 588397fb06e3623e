#include "harness/sut/interrupt.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>

namespace mcx::sut {
namespace {

std::atomic<int> g_signal{0};
// The self-pipe: written once per interrupt, never drained while the
// interrupt stands, so every later poll() wakes at once too.
int g_wake[2] = {-1, -1};
struct sigaction g_old_int {}, g_old_term {};

void EnsurePipe() {
  static const bool created = [] {
    if (pipe2(g_wake, O_CLOEXEC | O_NONBLOCK) != 0) g_wake[0] = g_wake[1] = -1;
    return true;
  }();
  (void)created;
}

void Drain() {
  if (g_wake[0] < 0) return;
  char buf[64];
  while (read(g_wake[0], buf, sizeof buf) > 0) {
  }
}

void OnSignal(int sig) { RequestInterrupt(sig); }

}  // namespace

InterruptScope::InterruptScope() {
  EnsurePipe();
  Drain();
  g_signal = 0;
  struct sigaction action {};
  action.sa_handler = OnSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &g_old_int);
  sigaction(SIGTERM, &action, &g_old_term);
}

InterruptScope::~InterruptScope() {
  sigaction(SIGINT, &g_old_int, nullptr);
  sigaction(SIGTERM, &g_old_term, nullptr);
}

int InterruptSignal() { return g_signal.load(std::memory_order_relaxed); }

void RequestInterrupt(int signal) {
  int expected = 0;
  // The first signal is the one reported.
  g_signal.compare_exchange_strong(expected, signal);
  // No EnsurePipe() here: a signal handler may not run the static
  // initializer. InterruptScope and InterruptFd() create the pipe first.
  if (g_wake[1] >= 0) {
    const char byte = 1;
    ssize_t ignored = write(g_wake[1], &byte, 1);
    (void)ignored;
  }
}

const char* InterruptSignalName() {
  switch (InterruptSignal()) {
    case 0: return "";
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    default: return "a signal";
  }
}

int InterruptFd() {
  EnsurePipe();
  return g_wake[0];
}

}  // namespace mcx::sut
