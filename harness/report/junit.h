// JUnit XML for a run: one <testsuite name="mcxtest"> with a <testcase> per
// test case, so CI systems (Jenkins, GitLab, GitHub annotations) show the
// verdicts. A testcase is named by its stable case ID (the title is its
// "title" property), so renaming a title keeps CI history. A failure's type
// lists the failed check IDs; its body gives each with clause, detail and
// expected vs actual. An error's type is the verdict word (`timeout`,
// `protocol-error`, `sut-exited`, `sut-cannot-start`, ...; docs/reports.md). An inconclusive case is an
// <error type="inconclusive"> (counted under "errors"): the SUT also
// rejected the valid message, so nothing was shown to fail, yet CI must not
// go green.
#ifndef MCXTEST_HARNESS_REPORT_JUNIT_H_
#define MCXTEST_HARNESS_REPORT_JUNIT_H_

#include <string>
#include <string_view>
#include <vector>

#include "harness/engine/result.h"
#include "harness/report/text.h"

namespace mcx::report {

enum class XmlContext {
  kText,       // element content
  kAttribute,  // double- or single-quoted attribute value
};

// Escapes arbitrary octets for XML 1.0: markup characters become entity
// references; characters XML 1.0 forbids (C0 controls other than tab, LF,
// CR; U+FFFE/U+FFFF), DEL and octets that are not valid UTF-8 become the
// visible text "\xNN", C1 controls and bidi overrides "\uNNNN" (as on the
// console). In attributes tab/LF/CR become character references so
// attribute normalization keeps them; in text CR does (XML turns CR into LF).
std::string XmlEscape(std::string_view text, XmlContext context);

// The <testcase> element of one case. It depends on nothing else, so a
// writer can render it once and reuse it every time the document is rewritten.
// A non-empty `suite` (matrix: the implementation's name) names the
// <testsuite> and goes into every classname (mcxtest.<suite>.<role>), so
// several SUTs' files do not collide in one CI view.
std::string JunitTestCase(const engine::TestCaseResult& c, std::string_view suite = "");

// The document around pre-rendered <testcase> elements. `verdicts` (one per
// case) give the <testsuite> counts; `total_seconds` its time attribute.
DocumentFrame JunitFrame(const engine::RunInfo& info, const std::vector<engine::Verdict>& verdicts,
                         double total_seconds, RunState state, std::string_view suite = "");

// The whole document of a run.
std::string JunitXml(const engine::RunResult& run, std::string_view suite = "");

}  // namespace mcx::report

#endif  // MCXTEST_HARNESS_REPORT_JUNIT_H_
