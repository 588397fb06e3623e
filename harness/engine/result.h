// What a run produces: one TestCaseResult per scenario, with every message
// exchanged and every check reported. Reports (console, JUnit, JSON, HTML)
// are all written from these values.
#ifndef MCXTEST_HARNESS_ENGINE_RESULT_H_
#define MCXTEST_HARNESS_ENGINE_RESULT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/bytes.h"
#include "mikey/checks.h"

namespace mcx::engine {

enum class Verdict {
  kPassed,   // every MUST check passed and the expected outcome happened
  kFailed,   // a MUST check failed
  kSkipped,  // the SUT does not implement what the case needs
  kError,    // the SUT could not be driven (crash, timeout, garbage)
  // A negative case whose positive control failed: the SUT rejected the
  // mutated message but also the valid message it was made from, so the
  // rejection proves nothing either way.
  kInconclusive,
};
// Every verdict, in the order reports list them.
inline constexpr Verdict kAllVerdicts[] = {Verdict::kPassed, Verdict::kFailed, Verdict::kSkipped, Verdict::kError,
                                           Verdict::kInconclusive};
// "passed", "failed", "skipped", "error", "inconclusive"
const char* VerdictName(Verdict v);
std::optional<Verdict> VerdictFromName(std::string_view name);

// The positive control of a negative `ue` or `partner-gms` case: before the
// mutated message, the harness delivers its valid twin (same sender, KMS,
// options and key period; its own GMK, GMK-ID and RAND). Only a SUT that
// accepts the twin earns a verdict from rejecting the mutation.
enum class ControlStatus {
  kNone,      // the case has no control (a positive case, or a primary-gms case)
  kOff,       // controls were turned off for the run (--no-controls)
  kAccepted,  // the SUT accepted the valid twin: the negative verdict stands
  kRejected,  // the SUT rejected the valid twin: the case is inconclusive
};
const char* ControlStatusName(ControlStatus s);  // "none", "off", "accepted", "rejected"
std::optional<ControlStatus> ControlStatusFromName(std::string_view name);

struct ControlResult {
  ControlStatus status = ControlStatus::kNone;
  std::string detail;  // what the SUT answered to the valid twin
};

// One message of the procedure, as it travelled, with its verification.
struct MessageRecord {
  int step = 0;
  std::string from;       // URI of the sender
  std::string to;         // URI of the recipient
  std::string produced_by;  // "sut" or "harness"
  std::string kind;         // "gktp" (others may follow)
  Bytes wire;
  std::vector<checks::CheckResult> checks;  // the recipient-side verification
  std::string note;                         // e.g. the mutation applied
};

struct TestCaseResult {
  std::string id;
  std::string title;
  std::string role;
  std::vector<std::string> spec_clauses;
  std::string source_file;
  // From the test case, so a report stands alone: what the SUT must do with
  // the message ("accept" or "reject") and the fault the harness injected
  // into it (a mutation name; "" when delivered intact).
  std::string expected_outcome;
  std::string mutation;
  Verdict verdict = Verdict::kError;
  std::string summary;  // one line: why it passed / failed
  // The reason (and reason_code in brackets) the SUT gave when it rejected
  // the case's message; "" when it did not reject (the control's answer is
  // in `control`).
  std::string sut_reason;
  ControlResult control;
  std::vector<MessageRecord> messages;
  std::vector<checks::CheckResult> flow_checks;  // FLOW.*, UE.*, PARTNER.*, SUT.*
  std::vector<std::string> sut_stderr_tail;
  std::string sut_exit;  // how the SUT process ended
  double seconds = 0;

  // Every check of the case: per-message ones, then flow checks.
  std::vector<checks::CheckResult> AllChecks() const;
  // IDs of failed MUST checks that count against the SUT: checks of
  // messages it produced, and flow checks.
  std::vector<std::string> FailedCheckIds() const;
};

struct RunInfo {
  std::string implementation_name;
  std::string implementation_version;
  std::string sut_command;
  std::string command_line;  // reproduces the run
  uint64_t seed = 0;
  std::string started_at;  // ISO 8601 UTC
  std::string mcxtest_version;
  // --pcap-dir of the run, empty if none: case X's trace is
  // <pcap_dir>/<report::SanitizeFileName(X)>.pcap
  std::string pcap_dir;
  // False when the run was made with --no-controls: negative verdicts then
  // rest on rejections alone.
  bool controls = true;
  // The acceptance window for T the harness verified with (--t-window).
  uint64_t t_window_seconds = 300;
};

struct RunResult {
  RunInfo info;
  std::vector<TestCaseResult> cases;
  bool interrupted = false;

  int Count(Verdict v) const;
};

}  // namespace mcx::engine

#endif  // MCXTEST_HARNESS_ENGINE_RESULT_H_
