// Runs a suite's test cases on several workers at once while handing their
// results on in suite order, so console lines and reports read as in a
// one-case-at-a-time run whatever finishes first.
#ifndef MCXTEST_HARNESS_CLI_CASE_POOL_H_
#define MCXTEST_HARNESS_CLI_CASE_POOL_H_

#include <cstddef>
#include <functional>

#include "harness/engine/result.h"

namespace mcx::cli {

// How `mcxtest run --jobs` spends the cores: `cases` test cases at once
// (each with its own SUT process), and `verify_threads` harness threads per
// case for verifying its messages, so that together they use about `cores`.
struct Parallelism {
  int cases = 1;
  int verify_threads = 1;
};

// jobs: the --jobs value (0: not given). Without it the bundled reference
// SUT runs one case per core, an external SUT one case at a time (a vendor's
// shim may drive a single device). A case verifies on the cores the other
// running cases leave (at least one thread).
Parallelism ChooseParallelism(int jobs, bool bundled_sut, size_t case_count, int cores);

// Calls run(i) for every i in [0, count) on `workers` threads, taking cases
// in suite order, and emit(i, result) on the calling thread for i = 0, 1, ...
// in that order as soon as case i and every case before it have finished.
// Once stop() is true no further case starts; the running ones finish
// (an interrupt cuts them short) and are emitted. Returns how many cases were emitted (count unless stopped), always
// the first ones of the suite.
size_t RunCasesInOrder(size_t count, int workers, const std::function<bool()>& stop,
                       const std::function<engine::TestCaseResult(size_t)>& run,
                       const std::function<void(size_t, engine::TestCaseResult&&)>& emit);

}  // namespace mcx::cli

#endif  // MCXTEST_HARNESS_CLI_CASE_POOL_H_
