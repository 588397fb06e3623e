// What a run produces: one TestCaseResult per scenario, with every message
// exchanged and every check reported. Reports (console, JUnit, JSON, HTML)
// are all written from these values.
#ifndef MCXTEST_HARNESS_ENGINE_RESULT_H_
#define MCXTEST_HARNESS_ENGINE_RESULT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "crypto/bytes.h"
#include "mikey/checks.h"

namespace mcx::engine {

enum class Verdict {
  kPassed,   // every MUST check passed and the expected outcome happened
  kFailed,   // a MUST check failed
  kSkipped,  // the SUT does not implement what the case needs
  kError,    // the SUT could not be driven (crash, timeout, garbage)
};
const char* VerdictName(Verdict v);  // "passed", "failed", "skipped", "error"

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
  Verdict verdict = Verdict::kError;
  std::string summary;  // one line: why it passed / failed
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
};

struct RunResult {
  RunInfo info;
  std::vector<TestCaseResult> cases;
  bool interrupted = false;

  int Count(Verdict v) const;
};

}  // namespace mcx::engine

#endif  // MCXTEST_HARNESS_ENGINE_RESULT_H_
