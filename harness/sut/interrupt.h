// Ctrl-C (SIGINT) and CI cancellation (SIGTERM) during a run.
//
// A signal must end the run promptly whatever the SUT is doing, yet the
// harness must still kill the SUT and write complete reports. So the
// handler only records the signal and wakes every wait: SutProcess polls
// InterruptFd() next to the SUT's pipes and gives up as soon as it is
// readable.
#ifndef MCXTEST_HARNESS_SUT_INTERRUPT_H_
#define MCXTEST_HARNESS_SUT_INTERRUPT_H_

namespace mcx::sut {

// While alive, SIGINT and SIGTERM interrupt instead of killing the process.
// Constructing one clears any earlier interrupt; the destructor restores the
// previous handlers. One at a time per process.
class InterruptScope {
 public:
  InterruptScope();
  ~InterruptScope();
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;
};

// The signal that interrupted the run, 0 if none.
int InterruptSignal();
inline bool Interrupted() { return InterruptSignal() != 0; }
// "SIGINT", "SIGTERM", "a signal"; "" if none.
const char* InterruptSignalName();

// What the signal handler does, for callers and tests that interrupt
// without a signal. Async-signal-safe.
void RequestInterrupt(int signal);

// Readable once an interrupt was requested (until the next InterruptScope);
// -1 if the wake-up pipe could not be created (waits then notice an
// interrupt only through EINTR).
int InterruptFd();

}  // namespace mcx::sut

#endif  // MCXTEST_HARNESS_SUT_INTERRUPT_H_
