#include "harness/report/html.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "harness/report/report_writer.h"
#include "harness/report/test_support.h"

namespace mcx::report {
namespace {

using checks::CheckStatus;
using testing::Check;
using testing::kNasty;
using testing::ParseXml;
using testing::XmlDocPtr;
using testing::XPathNumber;
using testing::XPathString;

// XHTML elements live in the XHTML namespace; match them by local name.
std::string E(const std::string& tag) { return "*[local-name()='" + tag + "']"; }

XmlDocPtr ParseOrFail(const std::string& html) {
  std::string error;
  XmlDocPtr doc = ParseXml(html, &error);
  EXPECT_NE(doc, nullptr) << error;
  return doc;
}

class HtmlTest : public ::testing::Test {
 protected:
  void SetUp() override { Render(testing::SampleRun()); }

  void Render(engine::RunResult run, const HtmlOptions& options = {}) {
    run_ = std::move(run);
    html_ = HtmlReport(run_, options);
    doc_ = ParseOrFail(html_);
    ASSERT_NE(doc_, nullptr);
  }

  std::string Str(const std::string& xpath) { return XPathString(doc_.get(), xpath); }
  double Num(const std::string& xpath) { return XPathNumber(doc_.get(), xpath); }
  std::string Cell(const std::string& case_id, const std::string& check, const std::string& attr = "data-status") {
    return Str("//" + E("td") + "[@data-case='" + case_id + "' and @data-check='" + check + "']/@" + attr);
  }

  engine::RunResult run_;
  std::string html_;
  XmlDocPtr doc_;
};

// Issue 19.10: each matrix row says what the case is and expects, what the
// harness did to the message and why the SUT rejected it.
TEST_F(HtmlTest, MatrixRowsCarryTitleExpectationMutationAndSutReason) {
  engine::RunResult run = testing::SampleRun();
  run.cases.push_back(testing::InconclusiveCase());
  Render(run);
  const std::string row = "//" + E("tr") + "[@data-case='UE-035']/" + E("td");
  EXPECT_EQ(Str(row + "[contains(@class,'case-title')]"), "UE rejects a partner-GMS GKTP with a bad signature");
  EXPECT_EQ(Str(row + "[@class='expected-outcome']"), "reject");
  EXPECT_EQ(Str(row + "[@class='mutation']"), "bad-signature");
  const std::string reason = Str(row + "[contains(@class,'sut-reason')]/@title");
  EXPECT_EQ(reason.rfind("unknown KMS <&", 0), 0u) << reason;
  EXPECT_NE(reason.find("[IDR.KMS]"), std::string::npos) << reason;
  EXPECT_EQ(Str("//" + E("tr") + "[@data-case='UE-ACCEPT-001']/" + E("td") + "[@class='expected-outcome']"), "accept");
  EXPECT_EQ(Str("//" + E("tr") + "[@data-case='UE-ACCEPT-001']/" + E("td") + "[@class='mutation']"), "");
  EXPECT_EQ(Str("//" + E("tr") + "[@data-case='UE-ACCEPT-001']/" + E("td") + "[contains(@class,'sut-reason')]"), "");
  // A long title is cut in the cell and whole in its tooltip.
  const std::string failing = "//" + E("tr") + "[@data-case='PGMS-REGROUP-002']/" + E("td") + "[contains(@class,'case-title')]";
  EXPECT_EQ(Str(failing + "/@title").rfind("Primary GMS distributes one GMK to both domains <&", 0), 0u);
  EXPECT_NE(Str(failing), Str(failing + "/@title"));
  // The header names the six leading columns, and group rows span them.
  const std::string head = "//" + E("table") + "[@id='check-matrix']/" + E("thead") + "/" + E("tr") + "/" + E("th");
  EXPECT_EQ(Str(head + "[3]"), "title");
  EXPECT_EQ(Str(head + "[4]"), "expected");
  EXPECT_EQ(Str(head + "[5]"), "mutation");
  EXPECT_EQ(Str(head + "[6]"), "SUT reason");
  EXPECT_EQ(Num("count(" + head + ")"), Num("count(" + head + "[@data-check])") + 6);
  EXPECT_EQ(Num("//" + E("tr") + "[@class='group-role'][1]/" + E("th") + "/@colspan"), Num("count(" + head + ")"));
  // The case's own section says the same.
  const std::string meta = "//" + E("section") + "[@data-case='UE-035']//" + E("dd");
  EXPECT_EQ(Str(meta + "[@class='expected-outcome']"), "reject");
  EXPECT_EQ(Str(meta + "[@class='mutation']"), "bad-signature");
  EXPECT_EQ(Str(meta + "[@class='sut-reason']").rfind("unknown KMS <&", 0), 0u);
}

// Issue 19.10: sortable by ID with a small inline script; without scripts
// the button is hidden, a plain label shows and the rows stay grouped.
TEST_F(HtmlTest, MatrixSortsByIdWithScriptAndIsPlainWithout) {
  const std::string first = "//" + E("table") + "[@id='check-matrix']/" + E("thead") + "/" + E("tr") + "/" + E("th") + "[1]";
  EXPECT_EQ(Str(first + "/" + E("span") + "[@id='sort-label']"), "test case");
  EXPECT_EQ(Str(first + "/" + E("button") + "[@id='sort-id']/@hidden"), "hidden");
  EXPECT_EQ(Str(first + "/" + E("button") + "[@id='sort-id']/@type"), "button");
  EXPECT_EQ(Str("//" + E("table") + "[@id='check-matrix']/@data-sort"), "grouped");
  EXPECT_EQ(Str("//" + E("tbody") + "[@id='sorted-rows']/@hidden"), "hidden");
  EXPECT_EQ(Num("count(//" + E("tbody") + "[@id='sorted-rows']/*)"), 0) << "rows start grouped";
  for (const char* part : {"function sortRows()", "localeCompare", "aria-sort", "'#sort=id-desc'"}) {
    EXPECT_NE(html_.find(part), std::string::npos) << part;
  }
  EXPECT_EQ(Num("count(//" + E("script") + "[@src])"), 0) << "no external script";
}

TEST_F(HtmlTest, SummaryShowsImplementationSeedCountsAndCommandLine) {
  EXPECT_EQ(Str("//*[@id='count-passed']"), "1");
  EXPECT_EQ(Str("//*[@id='count-failed']"), "1");
  EXPECT_EQ(Str("//*[@id='count-skipped']"), "1");
  EXPECT_EQ(Str("//*[@id='count-error']"), "1");
  EXPECT_EQ(Str("//*[@id='count-total']"), "4");
  EXPECT_EQ(Str("//*[@id='impl-name']"), run_.info.implementation_name);  // <, &, " survive
  EXPECT_EQ(Str("//*[@id='impl-version']"), "1.2.3 \\xff");
  EXPECT_EQ(Str("//*[@id='seed']"), "18446744073709551615");
  EXPECT_EQ(Str("//*[@id='started-at']"), "2024-05-01T12:00:00Z");
  EXPECT_EQ(Str("//*[@id='command-line']"), run_.info.command_line);
  EXPECT_EQ(Str("//*[@id='run-state']"), "finished");
  EXPECT_NE(Str("//" + E("title")).find("Acme MCX <server>"), std::string::npos);
}

TEST_F(HtmlTest, SelfContainedNoNetwork) {
  EXPECT_EQ(Num("count(//*[@src])"), 0);
  EXPECT_EQ(Num("count(//" + E("link") + ")"), 0);
  EXPECT_EQ(Num("count(//" + E("script") + ")"), 1);
  // The only URLs are the XHTML and SVG namespace names.
  std::string text = html_;
  for (const std::string ns : {"http://www.w3.org/1999/xhtml", "http://www.w3.org/2000/svg"}) {
    for (size_t at = text.find(ns); at != std::string::npos; at = text.find(ns)) text.erase(at, ns.size());
  }
  EXPECT_EQ(text.find("http:"), std::string::npos);
  EXPECT_EQ(text.find("https:"), std::string::npos);
  EXPECT_EQ(html_.find("@import"), std::string::npos);
  EXPECT_EQ(html_.find("url(http"), std::string::npos);
}

TEST_F(HtmlTest, MatrixHasOneCellPerCaseAndCheckWithClauseOnHover) {
  const double columns = Num("count(//" + E("table") + "[@id='check-matrix']/" + E("thead") + "//" + E("th") +
                             "[@data-check])");
  EXPECT_GT(columns, 4);
  EXPECT_EQ(Num("count(//" + E("td") + "[@data-status])"), columns * 4);
  EXPECT_EQ(Cell("PGMS-REGROUP-002", "SIGN.VALID"), "fail");
  EXPECT_EQ(Cell("PGMS-REGROUP-002", "FLOW.SAME_GMK"), "fail");
  EXPECT_EQ(Cell("PGMS-REGROUP-002", "HDR.VERSION"), "pass");
  EXPECT_EQ(Cell("PGMS-REGROUP-002", "FLOW.COVERAGE"), "pass");
  EXPECT_EQ(Cell("UE-ACCEPT-001", "T.WINDOW"), "warn");  // a SHOULD failure
  EXPECT_EQ(Cell("UE-ACCEPT-001", "UE.ACCEPT"), "pass");
  EXPECT_EQ(Cell("UE-ACCEPT-001", "SIGN.VALID"), "none");  // only on the harness's message
  EXPECT_EQ(Cell("PARTNER-001", "SIGN.VALID"), "skipped");
  EXPECT_EQ(Cell("UE/REJECT 003 <&>", "SUT.RESPONSE"), "fail");
  // The harness's own mutated message fails RAND.LENGTH on purpose: no column.
  EXPECT_EQ(Num("count(//" + E("td") + "[@data-check='RAND.LENGTH'])"), 0);
  std::string title = Cell("PGMS-REGROUP-002", "SIGN.VALID", "title");
  EXPECT_NE(title.find(std::string(checks::FindCheck("SIGN.VALID")->clause)), std::string::npos) << title;
  EXPECT_NE(title.find("expected: valid"), std::string::npos) << title;
  EXPECT_EQ(Cell("PGMS-REGROUP-002", "SIGN.VALID", "data-family"), "SIGN");
}

TEST_F(HtmlTest, RowsAreGroupedByRoleThenClause) {
  EXPECT_EQ(Num("count(//" + E("tbody") + "[@data-role])"), 3);
  // Roles sorted: partner-gms, primary-gms, ue; the ue rows under one role group.
  EXPECT_EQ(Str("(//" + E("tr") + "[@class='case-row'])[1]/@data-case"), "PARTNER-001");
  EXPECT_EQ(Num("count(//" + E("tbody") + "[@data-role='ue']/" + E("tr") + "[@class='case-row'])"), 2);
  EXPECT_EQ(Num("count(//" + E("tbody") + "[@data-role='ue']/" + E("tr") + "[@class='group-clause'])"), 2);
  EXPECT_EQ(Str("//" + E("tbody") + "[@data-role='ue']/" + E("tr") + "[@class='group-clause'][1]"),
            "TS 33.180 5.7");
}

TEST_F(HtmlTest, FiltersExistButTheMatrixNeedsNoScript) {
  EXPECT_EQ(Str("//*[@id='filters']/@hidden"), "hidden");  // shown by the script only
  EXPECT_EQ(Num("count(//" + E("select") + "[@id='f-role']/" + E("option") + ")"), 4);  // all + 3 roles
  EXPECT_EQ(Num("count(//" + E("select") + "[@id='f-verdict']/" + E("option") + ")"), 6);
  EXPECT_GE(Num("count(//" + E("select") + "[@id='f-family']/" + E("option") + ")"), 5);
  EXPECT_EQ(Num("count(//" + E("input") + "[@id='f-search'])"), 1);
  std::string script = Str("//" + E("script"));
  EXPECT_EQ(script.find("createElement"), std::string::npos);
  EXPECT_EQ(script.find("innerHTML"), std::string::npos);
}

TEST_F(HtmlTest, FailedChecksShowExpectedAndActual) {
  std::string row = "//" + E("section") + "[@data-case='PGMS-REGROUP-002']//" + E("tr") +
                    "[@class='failure' and @data-check='FLOW.SAME_GMK']";
  EXPECT_EQ(Str(row + "/" + E("td") + "[@class='expected']"), "GMK-ID 0x0a0b0c0d <&>");
  EXPECT_EQ(Str(row + "/" + E("td") + "[@class='actual']"), "GMK-ID 0x01020304 \\xff");
  std::string sign = "//" + E("section") + "[@data-case='PGMS-REGROUP-002']//" + E("tr") +
                     "[@class='failure' and @data-check='SIGN.VALID']";
  EXPECT_EQ(Str(sign + "/" + E("td") + "[@class='expected']"), "valid");
  EXPECT_EQ(Str(sign + "/" + E("td") + "[@class='actual']"), "invalid");
  EXPECT_EQ(Str(sign + "/" + E("td") + "[4]"), "step 14, sip:gms-a@example.org -> sip:bob/../x@example.org");
  // The harness's mutation is not a failure of the SUT.
  EXPECT_EQ(Num("count(//" + E("tr") + "[@class='failure' and @data-check='RAND.LENGTH'])"), 0);
  // The SHOULD failure of the passing case is listed too, as SHOULD.
  EXPECT_EQ(Str("//" + E("tr") + "[@class='failure' and @data-check='T.WINDOW']/@data-requirement"), "SHOULD");
}

TEST_F(HtmlTest, NotEvaluatedChecksShowTheirBlockerAndNeverFail) {
  // The only SIGN.TRUST of the case's SUT messages was not evaluated.
  EXPECT_EQ(Cell("PGMS-REGROUP-002", "SIGN.TRUST"), "ne");
  std::string title = Cell("PGMS-REGROUP-002", "SIGN.TRUST", "title");
  EXPECT_NE(title.find("1 not evaluated"), std::string::npos) << title;
  EXPECT_NE(title.find("not evaluated: IDR.KMS failed"), std::string::npos) << title;
  std::string row = "//" + E("section") + "[@data-case='PGMS-REGROUP-002']//" + E("table") + "[contains(@class, "
                    "'checks')]//" + E("tr") + "[@data-check='SIGN.TRUST']";
  EXPECT_EQ(Str(row + "/@data-status"), "ne");
  EXPECT_EQ(Str(row + "/" + E("td") + "[4]"), "not-evaluated (IDR.KMS failed)");
  EXPECT_EQ(Num("count(//" + E("tr") + "[@class='failure' and @data-check='SIGN.TRUST'])"), 0);
}

TEST_F(HtmlTest, CaseSectionsHaveStableAnchorsAndVerdicts) {
  EXPECT_EQ(HtmlCaseAnchor("UE-ACCEPT-001"), "case-UE-ACCEPT-001");
  EXPECT_EQ(HtmlCaseAnchor("UE/REJECT 003 <&>"), "case-UE_2fREJECT_20003_20_3c_26_3e");
  EXPECT_NE(HtmlCaseAnchor("a/b"), HtmlCaseAnchor("a_b"));
  EXPECT_EQ(Num("count(//" + E("section") + "[@class and @data-verdict])"), 4);
  EXPECT_EQ(Str("//*[@id='case-UE_2fREJECT_20003_20_3c_26_3e']/@data-verdict"), "error");
  EXPECT_EQ(Str("//" + E("tr") + "[@data-case='UE/REJECT 003 <&>']/" + E("th") + "/" + E("a") + "/@href"),
            "#case-UE_2fREJECT_20003_20_3c_26_3e");
}

TEST_F(HtmlTest, SutExitAndStderrTailAreShownEscaped) {
  std::string section = "//" + E("section") + "[@data-case='UE/REJECT 003 <&>']";
  EXPECT_EQ(Str(section + "//" + E("code") + "[@class='sut-exit']"), "killed by signal 11 (SIGSEGV)");
  std::string stderr_text = Str(section + "//" + E("pre") + "[@class='stderr']");
  EXPECT_NE(stderr_text.find("Segmentation fault at 0x0"), std::string::npos);
  EXPECT_NE(stderr_text.find("\\x1b]0;pwned\\x07"), std::string::npos) << stderr_text;
  // Nothing hostile reaches the file: no ESC, NUL, BEL, invalid UTF-8 or a
  // second script element.
  for (unsigned char ch : html_) {
    ASSERT_FALSE(ch < 0x20 && ch != '\n' && ch != '\t') << static_cast<int>(ch);
  }
  EXPECT_EQ(html_.find("\xff"), std::string::npos);
  EXPECT_EQ(html_.find("\xe2\x80\xae"), std::string::npos);  // the bidi override
  EXPECT_EQ(html_.find("<server>"), std::string::npos);
  EXPECT_NE(html_.find("\xc3\xa9t\xc3\xa9 \xe2\x82\xac"), std::string::npos);  // valid text survives
}

TEST_F(HtmlTest, DecodedFieldsAreShownAndFailingFieldsHighlighted) {
  engine::RunResult run = testing::SampleRun();
  engine::MessageRecord& m = run.cases[1].messages[0];  // the Streamwide GKTP, produced by the SUT
  m.checks = {Check("HDR.VERSION", CheckStatus::kFail, "wrong version", "1", "2"),
              Check("SIGN.VALID", CheckStatus::kFail, "bad signature", "valid", "invalid"),
              Check("RAND.LENGTH", CheckStatus::kPass)};
  Render(std::move(run));
  std::string details = "//" + E("details") + "[@id='case-PGMS-REGROUP-002-m1']";
  EXPECT_EQ(Str(details + "/@open"), "open");
  std::string version = details + "//" + E("tbody") + "[@data-section='HDR']/" + E("tr") + "[" + E("th") + "='version']";
  EXPECT_EQ(Str(version + "/@class"), "field-fail");
  EXPECT_EQ(Str(version + "/" + E("td") + "[1]"), "1");
  EXPECT_EQ(Str(version + "/" + E("td") + "[@class='field-checks']"), "HDR.VERSION: expected 1, actual 2");
  EXPECT_EQ(Num("count(" + details + "//" + E("tr") + "[" + E("th") + "='csb_id'])"), 1);
  EXPECT_EQ(Str(details + "//" + E("tr") + "[" + E("th") + "='csb_id']/@class"), "");
  // Passed checks are listed compactly, failed ones in the table.
  EXPECT_EQ(Str(details + "//" + E("p") + "[@class='passed-checks']/" + E("span") + "/@data-check"), "RAND.LENGTH");
  EXPECT_EQ(Num("count(" + details + "//" + E("table") + "[@class='checks message']//" + E("tr") + "[@data-check])"), 2);
  EXPECT_EQ(Str(details + "//" + E("tbody") + "[@data-section='SIGN']/@class"), "section-fail");
  EXPECT_EQ(Str(details + "//" + E("tbody") + "[@data-section='RAND']/@class"), "");
  EXPECT_GE(Num("count(" + details + "//" + E("tbody") + "[@data-section])"), 6);  // HDR + payloads
  // The message that is not MIKEY shows why and its octets.
  std::string bad = "//" + E("details") + "[@id='case-PGMS-REGROUP-002-m2']";
  EXPECT_NE(Str(bad + "//" + E("p") + "[@class='decode-error']").find("Not decodable"), std::string::npos);
  EXPECT_EQ(Str(bad + "//" + E("pre") + "[@class='hex']"), "0100ff3c26001b");
}

TEST_F(HtmlTest, SequenceDiagramDrawsEveryMessage) {
  std::string svg = "//" + E("section") + "[@data-case='PGMS-REGROUP-002']//" + E("svg");
  EXPECT_EQ(Num("count(//*[local-name()='svg' and namespace-uri()='http://www.w3.org/2000/svg'])"), 2);
  EXPECT_EQ(Num("count(" + svg + "/" + E("g") + "[@class='msg'])"), 4);
  EXPECT_EQ(Str(svg + "/" + E("g") + "[@class='msg'][2]/@data-step"), "14");
  // Step 14 counts against the SUT: drawn as a failure; step 8 (harness) not.
  EXPECT_EQ(Str(svg + "/" + E("g") + "[@class='msg'][2]/" + E("line") + "/@class"), "arrow sut fail");
  EXPECT_EQ(Str(svg + "/" + E("g") + "[@class='msg'][3]/" + E("line") + "/@class"), "arrow harness");
  // Lanes: gms-a, gms-b, bob, and "(none)" for the message without a recipient.
  EXPECT_EQ(Num("count(" + svg + "/" + E("g") + "[@class='actor'])"), 4);
}

TEST_F(HtmlTest, LargeCasesAreCapped) {
  engine::RunResult run = testing::SampleRun();
  engine::TestCaseResult& c = run.cases[0];
  engine::MessageRecord base = c.messages[0];
  c.messages.clear();
  for (int i = 0; i < 1000; ++i) {
    engine::MessageRecord m = base;
    m.produced_by = "sut";
    m.to = "sip:member" + std::to_string(i) + "@example.org";
    m.checks = {Check("SIGN.VALID", i == 900 ? CheckStatus::kFail : CheckStatus::kPass)};
    c.messages.push_back(m);
  }
  Render(std::move(run));
  std::string section = "//" + E("section") + "[@data-case='UE-ACCEPT-001']";
  EXPECT_EQ(Num("count(" + section + "//" + E("details") + ")"), kHtmlDetailedMessages);
  EXPECT_EQ(Num("count(" + section + "//" + E("details") + "[@id='case-UE-ACCEPT-001-m901'])"), 1);
  EXPECT_EQ(Num("count(" + section + "//" + E("g") + "[@class='msg'])"), kHtmlDiagramMessages);
  EXPECT_EQ(Num("count(" + section + "//" + E("g") + "[@class='actor'])"), 9);  // 8 lanes + "others"
  EXPECT_EQ(Cell("UE-ACCEPT-001", "SIGN.VALID"), "fail");
  EXPECT_LT(html_.size(), 1000000u);
}

TEST_F(HtmlTest, PcapLinksFollowTheFileNameConvention) {
  EXPECT_EQ(Num("count(//" + E("a") + "[@class='pcap'])"), 0);
  engine::RunResult run = testing::SampleRun();
  run.info.pcap_dir = "traces dir";
  Render(std::move(run));
  EXPECT_EQ(Num("count(//" + E("a") + "[@class='pcap'])"), 4);
  std::string id = "UE/REJECT 003 <&>";
  EXPECT_EQ(Str("//" + E("section") + "[@data-case='" + id + "']//" + E("a") + "[@class='pcap']/@href"),
            "traces%20dir/" + UrlPathEscape(SanitizeFileName(id)) + ".pcap");
  EXPECT_EQ(Str("//*[@id='pcap-dir']"), "traces dir");
}

TEST(HtmlUrlTest, EscapesPaths) {
  EXPECT_EQ(UrlPathEscape("a b/\xc3\xbc:x#?"), "a%20b/%C3%BC%3Ax%23%3F");
  EXPECT_EQ(UrlPathEscape("../p-1_2.pcap"), "../p-1_2.pcap");
  EXPECT_EQ(UrlPathEscape("//evil.example/x"), "/./evil.example/x");
  EXPECT_EQ(UrlPathEscape("javascript:alert(1)"), "javascript%3Aalert%281%29");
}

TEST(HtmlWriteTest, WritesTheFileWithPcapLinksRelativeToIt) {
  namespace fs = std::filesystem;
  fs::path root = fs::path(std::getenv("TEST_TMPDIR")) / "html_write";
  engine::RunResult run = testing::SampleRun();
  run.info.pcap_dir = (root / "pcaps").string();
  std::string path = (root / "out" / "report.html").string();
  ASSERT_TRUE(WriteHtmlReport(path, run).ok());
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  XmlDocPtr doc = ParseOrFail(text.str());
  ASSERT_NE(doc, nullptr);
  EXPECT_EQ(XPathString(doc.get(), "//" + E("section") + "[@data-case='UE-ACCEPT-001']//" + E("a") +
                                       "[@class='pcap']/@href"),
            "../pcaps/UE-ACCEPT-001.pcap");
}

TEST_F(HtmlTest, InconclusiveCasesShowTheirFailedControl) {
  engine::RunResult run = testing::SampleRun();
  run.cases.push_back(testing::InconclusiveCase());
  Render(std::move(run));
  EXPECT_EQ(Str("//*[@id='count-inconclusive']"), "1");
  EXPECT_EQ(Str("//*[@id='count-total']"), "5");
  EXPECT_EQ(Str("//*[@id='controls']"), "on");
  std::string section = "//" + E("section") + "[@data-case='UE-035']";
  EXPECT_EQ(Str(section + "/@data-verdict"), "inconclusive");
  EXPECT_EQ(Str(section + "//" + E("p") + "[@class='control']/@data-control"), "rejected");
  EXPECT_NE(Str(section + "//" + E("p") + "[@class='control']")
                .find("positive control failed: the SUT rejected the valid twin of the mutated message"),
            std::string::npos);
  EXPECT_EQ(Str("//" + E("tr") + "[@data-case='UE-035']/@data-verdict"), "inconclusive");
  engine::RunResult off = testing::SampleRun();
  off.info.controls = false;
  Render(std::move(off));
  EXPECT_EQ(Str("//*[@id='controls']").rfind("off (--no-controls)", 0), 0u);
}

TEST(HtmlEmptyRunTest, AnEmptyOrInterruptedRunStillRenders) {
  engine::RunResult run;
  run.interrupted = true;
  std::string html = HtmlReport(run);
  std::string error;
  XmlDocPtr doc = ParseXml(html, &error);
  ASSERT_NE(doc, nullptr) << error;
  EXPECT_EQ(XPathString(doc.get(), "//*[@id='count-total']"), "0");
  EXPECT_EQ(XPathString(doc.get(), "//*[@id='run-state']"), "interrupted");
}

}  // namespace
}  // namespace mcx::report
