// Test-only: hand-built run results covering every verdict, with hostile
// strings in every field a SUT can influence, and libxml2 helpers to read
// the XML reports back.
#ifndef MCXTEST_HARNESS_REPORT_TEST_SUPPORT_H_
#define MCXTEST_HARNESS_REPORT_TEST_SUPPORT_H_

#include <memory>
#include <string>
#include <string_view>

#include <libxml/parser.h>

#include "crypto/bytes.h"
#include "harness/engine/result.h"
#include "mikey/checks.h"

namespace mcx::report::testing {

// Markup characters, C0 controls (including ESC of a terminal escape),
// DEL, a C1 control, a bidi override, invalid UTF-8, a CDATA terminator,
// and valid multi-byte text that must survive unchanged.
extern const std::string kNasty;

// A catalogued check with the catalogue's clause and requirement.
checks::CheckResult Check(std::string_view id, checks::CheckStatus status, std::string detail = "",
                          std::string expected = "", std::string actual = "");

// The Streamwide GMK I_MESSAGE of testdata/vectors/interop_streamwide_v5.json.
Bytes StreamwideWire();

engine::TestCaseResult PassingCase();  // ue, harness message that parses, a SHOULD warning
engine::TestCaseResult FailingCase();  // primary-gms, SIGN.VALID + FLOW.SAME_GMK failed
engine::TestCaseResult SkippedCase();  // partner-gms, unimplemented
engine::TestCaseResult ErrorCase();    // ue, crashed SUT with hostile stderr
engine::RunResult SampleRun();         // the four above, in that order
// ue, negative case whose positive control the SUT rejected (hostile detail);
// not part of SampleRun, so the counts of the tests above stay put.
engine::TestCaseResult InconclusiveCase();

struct XmlDocDeleter {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
using XmlDocPtr = std::unique_ptr<xmlDoc, XmlDocDeleter>;

// Strict parse (no recovery, no network); null with `*error` set when the
// text is not well-formed XML.
XmlDocPtr ParseXml(const std::string& text, std::string* error);
double XPathNumber(xmlDoc* doc, const std::string& expression);
std::string XPathString(xmlDoc* doc, const std::string& expression);

}  // namespace mcx::report::testing

#endif  // MCXTEST_HARNESS_REPORT_TEST_SUPPORT_H_
