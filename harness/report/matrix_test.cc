#include "harness/report/matrix.h"

#include <gtest/gtest.h>

#include "harness/report/html.h"
#include "harness/report/test_support.h"

namespace mcx::report {
namespace {

using engine::Verdict;
using testing::ParseXml;
using testing::XmlDocPtr;
using testing::XPathNumber;
using testing::XPathString;

std::string E(const std::string& tag) { return "*[local-name()='" + tag + "']"; }

// Three implementations: the sample run, the same with the failing case
// passing and the error case missing, and one that could not start.
InteropMatrix SampleMatrix() {
  InteropMatrix matrix;
  matrix.started_at = "2024-05-01T12:00:00Z";
  matrix.command_line = "mcxtest matrix --sut 'acme=./shim <x>' --sut ref=";
  matrix.mcxtest_version = "0.1.0";
  MatrixColumn acme;
  acme.name = "acme <&>";
  acme.command = "./shim <x>";
  acme.html_href = "acme/report.html";
  acme.json_href = "acme/report.json";
  acme.exit_code = 1;
  acme.run = testing::SampleRun();
  MatrixColumn ref = acme;
  ref.name = "ref";
  ref.command = "";
  ref.html_href = "ref/report.html";
  ref.json_href = "ref/report.json";
  ref.run.cases[1].verdict = Verdict::kPassed;
  ref.run.cases[1].messages.clear();
  ref.run.cases[1].flow_checks.clear();
  ref.run.cases.pop_back();
  ref.exit_code = 0;
  MatrixColumn broken;
  broken.name = "broken";
  broken.command = "/bin/false";
  broken.exit_code = 3;
  broken.error = "the SUT could not be started";
  matrix.columns = {acme, ref, broken};
  return matrix;
}

class MatrixTest : public ::testing::Test {
 protected:
  void SetUp() override {
    matrix_ = SampleMatrix();
    html_ = MatrixHtml(matrix_);
    std::string error;
    doc_ = ParseXml(html_, &error);
    ASSERT_NE(doc_, nullptr) << error;
  }
  std::string Str(const std::string& xpath) { return XPathString(doc_.get(), xpath); }
  double Num(const std::string& xpath) { return XPathNumber(doc_.get(), xpath); }
  std::string Result(const std::string& case_id, const std::string& impl, const std::string& what) {
    return Str("//" + E("td") + "[@data-case='" + case_id + "' and @data-impl='" + impl + "']" + what);
  }

  InteropMatrix matrix_;
  std::string html_;
  XmlDocPtr doc_;
};

TEST_F(MatrixTest, OneRowPerCaseOneCellPerImplementation) {
  EXPECT_EQ(Num("count(//" + E("tr") + "[@data-case])"), 4);
  EXPECT_EQ(Num("count(//" + E("td") + "[@data-impl and @data-case])"), 12);
  EXPECT_EQ(Num("count(//" + E("th") + "[@class='impl'])"), 3);
  EXPECT_EQ(Str("//" + E("th") + "[@class='impl'][1]/text()"), "acme <&>");
}

TEST_F(MatrixTest, CellsShowVerdictsAndLinkToTheDetailedReport) {
  EXPECT_EQ(Result("PGMS-REGROUP-002", "acme <&>", "/@data-verdict"), "failed");
  EXPECT_EQ(Result("PGMS-REGROUP-002", "ref", "/@data-verdict"), "passed");
  EXPECT_EQ(Result("PGMS-REGROUP-002", "acme <&>", "/" + E("a") + "/@href"),
            "acme/report.html#" + HtmlCaseAnchor("PGMS-REGROUP-002"));
  EXPECT_NE(Result("PGMS-REGROUP-002", "acme <&>", "/@title").find("SIGN.VALID"), std::string::npos);
  EXPECT_EQ(Result("UE/REJECT 003 <&>", "acme <&>", "/@data-verdict"), "error");
  EXPECT_EQ(Result("UE/REJECT 003 <&>", "ref", "/@data-verdict"), "not-run");
  EXPECT_EQ(Result("UE-ACCEPT-001", "broken", "/@data-verdict"), "not-run");
  EXPECT_NE(Result("UE-ACCEPT-001", "broken", "/@title").find("could not be started"), std::string::npos);
  EXPECT_EQ(Str("//" + E("tr") + "[@data-case='PGMS-REGROUP-002']/@data-agree"), "no");
}

// Issue 19.10: every column shows the command that ran (--sut), the
// bundled reference SUT by name.
TEST_F(MatrixTest, ColumnsShowTheirCommand) {
  const std::string impl = "//" + E("th") + "[@class='impl']";
  EXPECT_EQ(Str(impl + "[@data-impl='acme <&>']/" + E("code") + "[@class='impl-command']"), "./shim <x>");
  EXPECT_EQ(Str(impl + "[@data-impl='ref']/" + E("code") + "[@class='impl-command']"), "(bundled reference SUT)");
  EXPECT_EQ(Str(impl + "[@data-impl='broken']/" + E("code") + "[@class='impl-command']"), "/bin/false");
}

TEST_F(MatrixTest, ImplementationTableHasCountsAndLinks) {
  EXPECT_EQ(Str("//*[@id='impl-1-passed']"), "1");
  EXPECT_EQ(Str("//*[@id='impl-1-failed']"), "1");
  EXPECT_EQ(Str("//*[@id='impl-2-passed']"), "2");
  EXPECT_EQ(Str("//*[@id='impl-2-error']"), "0");
  EXPECT_EQ(Str("//*[@id='impl-3-passed']"), "0");
  EXPECT_EQ(Str("//*[@id='impl-2']//" + E("a") + "[1]/@href"), "ref/report.html");
  EXPECT_NE(Str("//*[@id='impl-3']").find("could not be started"), std::string::npos);
  EXPECT_EQ(Str("//*[@id='command-line']"), matrix_.command_line);
  EXPECT_EQ(Num("count(//" + E("script") + ")"), 1);
  EXPECT_EQ(Str("//*[@id='filters']/@hidden"), "hidden");
}

TEST(MatrixInconclusiveTest, CellsAndCountsShowInconclusive) {
  InteropMatrix matrix = SampleMatrix();
  matrix.columns[0].run.cases.push_back(testing::InconclusiveCase());
  std::string error;
  XmlDocPtr doc = ParseXml(MatrixHtml(matrix), &error);
  ASSERT_NE(doc, nullptr) << error;
  EXPECT_EQ(XPathString(doc.get(), "//" + E("td") + "[@data-case='UE-035' and @data-impl='acme <&>']/@data-verdict"),
            "inconclusive");
  EXPECT_EQ(XPathString(doc.get(), "//" + E("td") + "[@data-case='UE-035' and @data-impl='acme <&>']"),
            "? inconclusive");
  EXPECT_EQ(XPathString(doc.get(), "//*[@id='impl-1-inconclusive']"), "1");
  EXPECT_EQ(XPathString(doc.get(), "//*[@id='impl-2-inconclusive']"), "0");
  nlohmann::ordered_json j = MatrixJson(matrix);
  EXPECT_EQ(j["implementations"][0]["counts"]["inconclusive"], 1);
}

TEST_F(MatrixTest, JsonForDashboards) {
  nlohmann::ordered_json j = MatrixJson(matrix_);
  EXPECT_EQ(j["format"], kMatrixFormat);
  EXPECT_EQ(j["version"], kMatrixVersion);
  ASSERT_EQ(j["implementations"].size(), 3u);
  EXPECT_EQ(j["implementations"][0]["name"], "acme <&>");
  EXPECT_EQ(j["implementations"][0]["implementation"], "Acme MCX <server> & \"friends\"");
  EXPECT_EQ(j["implementations"][0]["version"], "1.2.3 \\xff");  // valid UTF-8 for JSON
  EXPECT_EQ(j["implementations"][0]["counts"]["failed"], 1);
  EXPECT_EQ(j["implementations"][1]["counts"]["total"], 3);
  EXPECT_EQ(j["implementations"][2]["exit_code"], 3);
  EXPECT_EQ(j["implementations"][2]["error"], "the SUT could not be started");
  EXPECT_FALSE(j["implementations"][2].contains("html"));
  ASSERT_EQ(j["cases"].size(), 4u);
  nlohmann::ordered_json failing;
  for (const auto& c : j["cases"]) {
    if (c["id"] == "PGMS-REGROUP-002") failing = c;
  }
  ASSERT_FALSE(failing.is_null());
  EXPECT_EQ(failing["results"]["acme <&>"]["verdict"], "failed");
  EXPECT_EQ(failing["results"]["acme <&>"]["failed_checks"], nlohmann::ordered_json::array({"SIGN.VALID", "FLOW.SAME_GMK"}));
  EXPECT_EQ(failing["results"]["ref"]["verdict"], "passed");
  EXPECT_EQ(failing["results"]["acme <&>"]["report"], "acme/report.html#case-PGMS-REGROUP-002");
  EXPECT_FALSE(failing["results"].contains("broken"));
  // Serializes even with the invalid UTF-8 of the sample run.
  EXPECT_NO_THROW(j.dump());
}

}  // namespace
}  // namespace mcx::report
