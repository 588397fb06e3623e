#include "harness/report/junit.h"

#include <random>

#include <gtest/gtest.h>

#include "harness/report/test_support.h"

namespace mcx::report {
namespace {

using testing::kNasty;
using testing::ParseXml;
using testing::XmlDocPtr;
using testing::XPathNumber;
using testing::XPathString;

XmlDocPtr ParseOrFail(const std::string& xml) {
  std::string error;
  XmlDocPtr doc = ParseXml(xml, &error);
  EXPECT_NE(doc, nullptr) << error << "\n" << xml;
  return doc;
}

bool HasXmlForbiddenChar(const std::string& text) {
  for (unsigned char ch : text) {
    if (ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') return true;
  }
  return false;
}

class JunitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    run_ = testing::SampleRun();
    xml_ = JunitXml(run_);
    doc_ = ParseOrFail(xml_);
    ASSERT_NE(doc_, nullptr);
  }

  std::string Str(const std::string& xpath) { return XPathString(doc_.get(), xpath); }
  double Num(const std::string& xpath) { return XPathNumber(doc_.get(), xpath); }

  engine::RunResult run_;
  std::string xml_;
  XmlDocPtr doc_;
};

TEST_F(JunitTest, SuiteCountsMatchTheVerdicts) {
  EXPECT_EQ(Num("count(/testsuites/testsuite)"), 1);
  EXPECT_EQ(Str("/testsuites/testsuite/@name"), "mcxtest");
  EXPECT_EQ(Str("/testsuites/testsuite/@tests"), "4");
  EXPECT_EQ(Str("/testsuites/testsuite/@failures"), "1");
  EXPECT_EQ(Str("/testsuites/testsuite/@errors"), "1");
  EXPECT_EQ(Str("/testsuites/testsuite/@skipped"), "1");
  EXPECT_EQ(Str("/testsuites/testsuite/@time"), "4.180");  // 0.42 + 1.5 + 0.01 + 2.25
  EXPECT_EQ(Str("/testsuites/testsuite/@timestamp"), "2024-05-01T12:00:00Z");
  EXPECT_EQ(Str("/testsuites/@tests"), "4");
  EXPECT_EQ(Num("count(//testcase)"), 4);
  EXPECT_EQ(Num("count(//testcase/failure)"), 1);
  EXPECT_EQ(Num("count(//testcase/error)"), 1);
  EXPECT_EQ(Num("count(//testcase/skipped)"), 1);
}

TEST_F(JunitTest, PropertiesDescribeTheRun) {
  auto property = [&](const std::string& name) {
    return Str("//properties/property[@name='" + name + "']/@value");
  };
  EXPECT_EQ(property("seed"), "18446744073709551615");
  EXPECT_EQ(property("sut_command"), run_.info.sut_command);  // quotes and <> survive escaping
  EXPECT_EQ(property("implementation_name"), run_.info.implementation_name);
  EXPECT_EQ(property("implementation_version"), "1.2.3 \\xff");
  EXPECT_EQ(property("mcxtest_version"), "0.1.0");
  EXPECT_EQ(property("run_state"), "finished");
  run_.interrupted = true;
  XmlDocPtr interrupted = ParseOrFail(JunitXml(run_));
  EXPECT_EQ(XPathString(interrupted.get(), "//property[@name='run_state']/@value"), "interrupted");
}

TEST_F(JunitTest, PassingCaseHasClassnameNameTimeAndWarnings) {
  EXPECT_EQ(Str("//testcase[1]/@classname"), "mcxtest.ue");
  // The stable ID names the case; the title is a property, so renaming it
  // keeps CI history.
  EXPECT_EQ(Str("//testcase[1]/@name"), "UE-ACCEPT-001");
  EXPECT_EQ(Str("//testcase[1]/properties/property[@name='title']/@value"), "UE accepts a valid step-14 GKTP");
  EXPECT_EQ(Str("//testcase[1]/@time"), "0.420");
  EXPECT_EQ(Str("//testcase[1]/@file"), "testcases/ue/accept-001.yaml");
  EXPECT_EQ(Num("count(//testcase[1]/*[self::failure or self::error or self::skipped])"), 0);
  EXPECT_NE(Str("//testcase[1]/system-out").find("T.WINDOW [SHOULD"), std::string::npos);
}

TEST_F(JunitTest, FailureListsEveryFailedCheckWithClauseExpectedAndActual) {
  EXPECT_EQ(Str("//testcase[2]/@classname"), "mcxtest.primary-gms");
  EXPECT_EQ(Str("//testcase[2]/failure/@type"), "SIGN.VALID,FLOW.SAME_GMK");
  std::string message = Str("//testcase[2]/failure/@message");
  EXPECT_EQ(message.rfind("2 MUST checks failed: <&\"'> ", 0), 0u) << message;
  EXPECT_NE(message.find("\\x1b[31mred"), std::string::npos) << message;
  EXPECT_NE(message.find("\\xff\\xfe"), std::string::npos) << message;
  EXPECT_NE(message.find("]]> \xc3\xa9t\xc3\xa9 \xe2\x82\xac"), std::string::npos) << message;
  EXPECT_FALSE(HasXmlForbiddenChar(message));
  std::string body = Str("//testcase[2]/failure");
  EXPECT_NE(body.find("SIGN.VALID [MUST, RFC 6507 5.2.2; RFC 6509 4.3]"), std::string::npos) << body;
  EXPECT_NE(body.find("step 14, sip:gms-a@example.org -> sip:bob/../x@example.org"), std::string::npos) << body;
  EXPECT_NE(body.find("expected: valid\n"), std::string::npos) << body;
  EXPECT_NE(body.find("actual:   invalid\n"), std::string::npos) << body;
  EXPECT_NE(body.find("FLOW.SAME_GMK [MUST, TS 33.180 7.3.3.3 steps 11, 14]"), std::string::npos) << body;
  EXPECT_NE(body.find("expected: GMK-ID 0x0a0b0c0d <&>"), std::string::npos) << body;
  EXPECT_EQ(body.find("RAND.LENGTH"), std::string::npos) << "a harness mutation is not the SUT's failure";
  EXPECT_NE(body.find("not evaluated: SIGN.TRUST (IDR.KMS failed)\n"), std::string::npos) << body;
  EXPECT_NE(Str("//testcase[2]/system-err").find("warning: clock skew"), std::string::npos);
}

TEST_F(JunitTest, ErrorCarriesSutExitAndStderrTail) {
  EXPECT_EQ(Str("//testcase[4]/@name"), "UE/REJECT 003 <&>");
  EXPECT_EQ(Str("//testcase[4]/error/@message"), "sut-exited: the SUT crashed while handling deliver-gktp");
  // The type is the documented verdict word, not the exit detail (that is in the body).
  EXPECT_EQ(Str("//testcase[4]/error/@type"), "sut-exited");
  std::string body = Str("//testcase[4]/error");
  EXPECT_NE(body.find("SUT exit: killed by signal 11 (SIGSEGV)"), std::string::npos) << body;
  EXPECT_NE(body.find("| Segmentation fault at 0x0"), std::string::npos) << body;
  EXPECT_NE(body.find("SUT.RESPONSE"), std::string::npos) << body;
  EXPECT_FALSE(HasXmlForbiddenChar(body));
}

TEST_F(JunitTest, SkippedCarriesTheReason) {
  EXPECT_EQ(Str("//testcase[3]/skipped/@message"), "the SUT does not implement partner-gms (unimplemented)");
  EXPECT_EQ(Str("//testcase[3]/@classname"), "mcxtest.partner-gms");
}

TEST(JunitErrorTypeTest, IsTheDocumentedVerdictWord) {
  const std::pair<std::string, std::string> cases[] = {
      {"timeout: no answer to deliver-gktp within 30 s", "timeout"},
      {"protocol-error: answer field 'accepted' missing", "protocol-error"},
      {"invalid-json: not json", "invalid-json"},
      {"the SUT could not be started: exit 127", "sut-cannot-start"},
      {"SUT could not be started: no such file", "sut-cannot-start"},
      {"harness setup: bad key store", "harness-error"},
      {"test case defect: the injected message does not fail X", "harness-error"},
      {"", "harness-error"},
  };
  for (const auto& [summary, type] : cases) {
    engine::TestCaseResult c = testing::ErrorCase();
    c.summary = summary;
    engine::RunResult run;
    run.cases = {c};
    XmlDocPtr doc = ParseOrFail(JunitXml(run));
    ASSERT_NE(doc, nullptr);
    EXPECT_EQ(XPathString(doc.get(), "//testcase/error/@type"), type) << summary;
  }
}

TEST(JunitSuiteTest, NamesTheSuiteAndClassnamesByImplementation) {
  engine::RunResult run = testing::SampleRun();
  XmlDocPtr doc = ParseOrFail(JunitXml(run, "vendor.a v1"));
  ASSERT_NE(doc, nullptr);
  EXPECT_EQ(XPathString(doc.get(), "/testsuites/testsuite/@name"), "vendor.a v1");
  // Dots would read as packages in Jenkins.
  EXPECT_EQ(XPathString(doc.get(), "//testcase[1]/@classname"), "mcxtest.vendor_a_v1.ue");
  EXPECT_EQ(XPathString(doc.get(), "//testcase[2]/@classname"), "mcxtest.vendor_a_v1.primary-gms");
}

TEST(JunitInconclusiveTest, IsAnErrorOfTypeInconclusiveWithTheControlsAnswer) {
  engine::RunResult run;
  run.cases = {testing::PassingCase(), testing::InconclusiveCase()};
  run.info.controls = true;
  XmlDocPtr doc = ParseOrFail(JunitXml(run));
  ASSERT_NE(doc, nullptr);
  EXPECT_EQ(XPathString(doc.get(), "/testsuites/testsuite/@errors"), "1");
  EXPECT_EQ(XPathString(doc.get(), "/testsuites/testsuite/@failures"), "0");
  EXPECT_EQ(XPathString(doc.get(), "//testcase[starts-with(@name,'UE-035')]/error/@type"), "inconclusive");
  EXPECT_EQ(XPathString(doc.get(), "//testcase[starts-with(@name,'UE-035')]/error/@message"),
            "rejected, but it also rejects the valid message");
  std::string body = XPathString(doc.get(), "//testcase[starts-with(@name,'UE-035')]/error");
  EXPECT_NE(body.find("control: the SUT rejected the valid twin of the mutated message: rejected: unknown KMS"),
            std::string::npos)
      << body;
  EXPECT_EQ(XPathString(doc.get(), "//property[@name='controls']/@value"), "on");
  run.info.controls = false;
  XmlDocPtr off = ParseOrFail(JunitXml(run));
  EXPECT_EQ(XPathString(off.get(), "//property[@name='controls']/@value"), "off");
}

TEST(JunitEmptyRunTest, EmptyRunIsAValidDocument) {
  XmlDocPtr doc = ParseOrFail(JunitXml(engine::RunResult{}));
  ASSERT_NE(doc, nullptr);
  EXPECT_EQ(XPathString(doc.get(), "/testsuites/testsuite/@tests"), "0");
  EXPECT_EQ(XPathNumber(doc.get(), "count(//testcase)"), 0);
}

TEST(XmlEscapeTest, MarkupAndForbiddenCharacters) {
  EXPECT_EQ(XmlEscape("<a & 'b' \"c\">", XmlContext::kAttribute), "&lt;a &amp; &apos;b&apos; &quot;c&quot;&gt;");
  EXPECT_EQ(XmlEscape("<a & 'b' \"c\">", XmlContext::kText), "&lt;a &amp; 'b' \"c\"&gt;");
  EXPECT_EQ(XmlEscape("a\x01" "b\x1f" "c", XmlContext::kText), "a\\x01b\\x1fc");
  EXPECT_EQ(XmlEscape(std::string("\0", 1), XmlContext::kText), "\\x00");
  EXPECT_EQ(XmlEscape("\xef\xbf\xbe", XmlContext::kText), "\\xef\\xbf\\xbe");  // U+FFFE
  EXPECT_EQ(XmlEscape("\xff", XmlContext::kAttribute), "\\xff");
  EXPECT_EQ(XmlEscape("\xc3\xa9", XmlContext::kAttribute), "\xc3\xa9");
  // Legal XML, but a terminal would act on them.
  EXPECT_EQ(XmlEscape("a\x7f" "b\xc2\x9b" "c\xe2\x80\xae", XmlContext::kText), "a\\x7fb\\u009bc\\u202e");
}

// Whitespace must come back exactly: attribute normalization would turn a
// raw tab or newline into a space, and XML turns a raw CR into LF.
TEST(XmlEscapeTest, WhitespaceSurvivesAParser) {
  const std::string value = "a\tb\nc\rd\r\ne";
  std::string xml = "<x a=\"" + XmlEscape(value, XmlContext::kAttribute) + "\">" +
                    XmlEscape(value, XmlContext::kText) + "</x>";
  XmlDocPtr doc = ParseOrFail(xml);
  ASSERT_NE(doc, nullptr);
  EXPECT_EQ(XPathString(doc.get(), "/x/@a"), value);
  EXPECT_EQ(XPathString(doc.get(), "/x"), value);
}

TEST(XmlEscapeTest, ArbitraryOctetsAlwaysGiveWellFormedXml) {
  std::mt19937 rng(20240501);
  for (int i = 0; i < 3000; ++i) {
    std::string text(rng() % 40, '\0');
    for (char& ch : text) ch = static_cast<char>(rng() % 256);
    std::string xml = "<x a=\"" + XmlEscape(text, XmlContext::kAttribute) + "\" b='" +
                      XmlEscape(text, XmlContext::kAttribute) + "'>" + XmlEscape(text, XmlContext::kText) + "</x>";
    std::string error;
    XmlDocPtr doc = ParseXml(xml, &error);
    ASSERT_NE(doc, nullptr) << error << " for input #" << i;
  }
}

TEST(XmlEscapeTest, ValidTextRoundTripsExactly) {
  const std::string text = "sip:alice@example.org <&> \"quoted\" 'single' \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80";
  XmlDocPtr doc = ParseOrFail("<x a=\"" + XmlEscape(text, XmlContext::kAttribute) + "\">" +
                              XmlEscape(text, XmlContext::kText) + "</x>");
  ASSERT_NE(doc, nullptr);
  EXPECT_EQ(XPathString(doc.get(), "/x/@a"), text);
  EXPECT_EQ(XPathString(doc.get(), "/x"), text);
}

TEST(JunitTestCaseTest, CleanPassCarriesOnlyItsTitle) {
  engine::TestCaseResult c;
  c.id = "X-1";
  c.title = "t";
  c.role = "ue";
  c.verdict = engine::Verdict::kPassed;
  c.seconds = 1;
  EXPECT_EQ(JunitTestCase(c),
            "    <testcase classname=\"mcxtest.ue\" name=\"X-1\" time=\"1.000\">\n"
            "      <properties>\n        <property name=\"title\" value=\"t\"/>\n      </properties>\n"
            "    </testcase>\n");
}

}  // namespace
}  // namespace mcx::report
