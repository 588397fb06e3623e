// The scenario engine: runs one conformance test case against an
// implementation under test. It builds the test's world (KMS domains and key
// material), starts the SUT shim, provisions it, drives the role it plays
// through the procedure, plays every other role with the reference
// implementation, verifies every key payload for its recipient and checks the
// flow across the whole run. It never throws and never hangs: every SUT
// failure becomes a verdict.
#ifndef MCXTEST_HARNESS_ENGINE_ENGINE_H_
#define MCXTEST_HARNESS_ENGINE_ENGINE_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/result.h"
#include "harness/engine/result.h"
#include "harness/scenario/scenario.h"

namespace mcx::engine {

// 2024-01-01T00:00:00Z: the clock every run starts from unless a scenario
// says otherwise, so that runs are reproducible.
inline constexpr uint64_t kDefaultClockNtpSeconds = 3913056000;

// Progress of a case with many messages: `done` of `total` GKTPs of one batch
// verified, `what` naming the batch (e.g. "GKTPs from the SUT"). Each batch
// starts with done = 0 and ends with done = total. The engine makes the
// calls one at a time, but from its verification threads.
using ProgressFn = std::function<void(uint64_t done, uint64_t total, std::string_view what)>;

// The shim request a case waits on: its protocol type (e.g. "deliver-gktp",
// docs/shim-protocol.md) just before it is sent, and "" once its answer or
// failure is in. Called on the case's own thread.
using WaitingFn = std::function<void(std::string_view request)>;

// How far T may lie from a receiver's clock (RFC 3830 5.4's allowed clock
// skew) in the harness's verification, unless `mcxtest run --t-window` says
// otherwise: the window mutation t-outside-window steps beyond.
inline constexpr uint64_t kDefaultTWindowSeconds = 300;

struct EngineOptions {
  std::string sut_command;
  std::chrono::milliseconds timeout{30000};
  uint64_t seed = 1;
  int jobs = 0;  // verification threads; 0 = all cores
  // Positive controls: before the mutated message of a negative ue or
  // partner-gms case, deliver its valid twin; a SUT rejecting both gets
  // INCONCLUSIVE, not PASS. `mcxtest run --no-controls` turns them off.
  bool controls = true;
  uint64_t t_window_seconds = kDefaultTWindowSeconds;
  ProgressFn progress;  // optional
  WaitingFn waiting;    // optional: `mcxtest run`'s live line on a terminal
};

struct MutationInfo {
  std::string_view name;
  std::string_view description;
};
// The ways the harness can break the message it hands a `ue` or
// `partner-gms` SUT (scenario field inject.mutation).
const std::vector<MutationInfo>& Mutations();

TestCaseResult RunTestCase(const scenario::Scenario& scenario, const EngineOptions& options);

// The key store of the case's world (same seed, same keys) as JSON with its
// master secrets, so a verifier can issue any member's key set: what
// Wireshark's mcxmikey.keystore preference needs to verify the case's trace
// (`mcxtest run --pcap-dir`). Each domain's trusted external KMSs go with it
// (trusted_external_kms; nobody trusts the rogue KMS), so SIGN.TRUST comes
// out as in the run.
Result<std::string> CaseKeyStoreJson(const scenario::Scenario& scenario, const EngineOptions& options);

}  // namespace mcx::engine

#endif  // MCXTEST_HARNESS_ENGINE_ENGINE_H_
