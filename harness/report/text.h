// Text and case helpers shared by every report format: making untrusted
// strings (SUT stderr, details echoing attacker-controlled fields) safe for
// JSON, XML and terminals, and picking out the failures worth showing.
#ifndef MCXTEST_HARNESS_REPORT_TEXT_H_
#define MCXTEST_HARNESS_REPORT_TEXT_H_

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/utf8.h"
#include "harness/engine/result.h"
#include "mikey/checks.h"

namespace mcx::report {

// Where a run stood when a report was written. Reports are rewritten after
// every case, so one left "running" is what a killed run leaves behind.
enum class RunState { kRunning, kFinished, kInterrupted };
const char* RunStateName(RunState state);  // "running", "finished", "interrupted"
RunState RunStateOf(const engine::RunResult& run);  // finished or interrupted

// A document made of pre-rendered parts: head, the parts joined by
// `separator`, tail. Writers stream the pieces instead of building one
// string, which for a 10,000-message report would be a large copy per case.
struct DocumentFrame {
  std::string head;
  std::string separator;
  std::string tail;

  std::vector<std::string_view> Pieces(const std::vector<std::string>& parts) const;
  std::string Assemble(const std::vector<std::string>& parts) const;
};

// Unicode bidirectional formatting characters, which can make displayed
// text read differently from what it is.
bool IsBidiControl(char32_t code_point);

// "\xNN" for an octet, "\uNNNN" for a code point: how every report shows
// what it must not emit literally.
void AppendByteEscape(std::string& out, unsigned char octet);
void AppendCodePointEscape(std::string& out, char32_t code_point);

// The walk every escaper shares: each octet that is not part of a valid
// UTF-8 sequence is appended to `out` as "\xNN"; for each valid sequence
// `on_code_point(code_point, sequence)` appends what it becomes.
template <typename OnCodePoint>
void AppendEscapedUtf8(std::string_view text, std::string& out, OnCodePoint on_code_point) {
  for (size_t pos = 0; pos < text.size();) {
    char32_t cp;
    size_t length = DecodeUtf8(text, pos, &cp);
    if (length == 0) {
      AppendByteEscape(out, static_cast<unsigned char>(text[pos]));
      ++pos;
      continue;
    }
    on_code_point(cp, text.substr(pos, length));
    pos += length;
  }
}

// Valid UTF-8 is kept as is; every octet that is not part of a valid
// sequence becomes the four characters "\xNN", so the text stays
// informative and is always valid Unicode.
std::string SanitizeUtf8(std::string_view text);

// For terminals: like SanitizeUtf8, and C0 controls and DEL become "\xNN",
// C1 controls and bidirectional overrides "\uNNNN", so SUT output can
// neither inject escape sequences nor reorder what the reader sees. '\n' is
// kept when `keep_newlines` is set.
std::string PrintableText(std::string_view text, bool keep_newlines = false);

// Durations as reports show them; negative or non-finite values count as 0.
double SanitizedSeconds(double seconds);
std::string FormatSeconds(double seconds, int decimals);

struct VerdictCounts {
  int passed = 0;
  int failed = 0;
  int skipped = 0;
  int error = 0;
  int inconclusive = 0;

  void Add(engine::Verdict v);
  int Get(engine::Verdict v) const;
  int total() const { return passed + failed + skipped + error + inconclusive; }
  // Nothing failed, errored or stayed inconclusive (skips allowed): what
  // exit code 0 and "Result: PASSED" mean.
  bool AllPassed() const { return failed == 0 && error == 0 && inconclusive == 0; }
};

// Verdict counts overall and per role (roles sorted by name).
struct RunCounts {
  VerdictCounts all;
  std::map<std::string, VerdictCounts> by_role;

  void Add(const engine::TestCaseResult& c);
};
RunCounts CountCases(const std::vector<engine::TestCaseResult>& cases);

// One failed check and where it happened.
struct FailedCheck {
  const checks::CheckResult* check;
  std::string where;  // "flow" or "step 11, sip:gms-b -> sip:bob"
};

// The failures of one check ID in a case. Large runs fail the same check on
// thousands of messages; reports show a few examples and the count.
struct FailureGroup {
  std::string id;
  std::vector<FailedCheck> examples;
  size_t count = 0;
};

// Failed checks of `requirement` that count against the SUT, by the rule of
// TestCaseResult::FailedCheckIds (checks of SUT-produced messages and flow
// checks; harness-made messages fail on purpose), grouped by ID in order of
// first appearance. Pointers refer into `c`.
std::vector<FailureGroup> GroupSutFailures(const engine::TestCaseResult& c,
                                           checks::Requirement requirement,
                                           size_t max_examples = 3);

// Readable lines for what went wrong in a case: each failed MUST check
// group (ID, requirement, clause, where, detail, expected vs actual), the
// checks those failures left unevaluated ("not evaluated: GUKID.DERIVATION
// (SAKKE.DECAP failed)"), then SHOULD failures as warnings. Every field is made printable; every line
// starts with `indent` and ends with '\n'. Empty when nothing failed.
std::string DescribeFailures(const engine::TestCaseResult& c, std::string_view indent);

// For an inconclusive case: what the SUT answered to the valid twin, as
// "control: the SUT rejected the valid twin of the mutated message: ...";
// empty for other cases. Same conventions as DescribeFailures.
std::string DescribeControl(const engine::TestCaseResult& c, std::string_view indent);

// How the SUT ended and the tail of its stderr, same conventions; empty
// when the case recorded neither.
std::string DescribeSutEnd(const engine::TestCaseResult& c, std::string_view indent);

}  // namespace mcx::report

#endif  // MCXTEST_HARNESS_REPORT_TEXT_H_
