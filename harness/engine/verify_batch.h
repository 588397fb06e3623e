// Verifying a batch of GKTPs, each for its recipient, on every core: the
// engine's one place where messages meet the reference verifier. Internal to
// the engine.
#ifndef MCXTEST_HARNESS_ENGINE_VERIFY_BATCH_H_
#define MCXTEST_HARNESS_ENGINE_VERIFY_BATCH_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "harness/engine/engine.h"
#include "harness/engine/result.h"
#include "harness/engine/world.h"
#include "harness/scenario/scenario.h"
#include "harness/shim/answers.h"
#include "mikey/gktp_verifier.h"

namespace mcx::engine {

// A message as the report records it, with the verification it came from.
struct Verified {
  MessageRecord record;
  mikey::GktpVerification verification;
};

// Runs fn(i) for i in [0, n) on `jobs` threads.
void ParallelFor(size_t n, int jobs, const std::function<void(size_t)>& fn);

// Verifies each message for its recipient (in parallel on EngineOptions::jobs
// threads, reporting to EngineOptions::progress as `what`) and records it as
// produced by `produced_by` ("sut" or "harness"). `step_clock` gives each
// step's receiver clock; a step missing from it is at the world's t0.
std::vector<Verified> VerifyAll(const World& w, const scenario::Scenario& s, const std::vector<shim::SentGktp>& gktps,
                                const std::string& expected_sender, const std::string& produced_by,
                                const std::map<int, uint64_t>& step_clock, const EngineOptions& eo,
                                std::string_view what);

}  // namespace mcx::engine

#endif  // MCXTEST_HARNESS_ENGINE_VERIFY_BATCH_H_
