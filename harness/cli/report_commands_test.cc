#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "harness/cli/cli_util.h"
#include "harness/report/json_report.h"
#include "harness/report/test_support.h"
#include "harness/testing/cli_runner.h"

namespace mcx::cli {
namespace {

namespace fs = std::filesystem;
using mcx::testing::RunMcxtest;

std::string TempDir(const std::string& name) {
  fs::path dir = fs::path(std::getenv("TEST_TMPDIR")) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

TEST(ReportCommandTest, NeedsAnOutputAndAReadableReport) {
  std::string dir = TempDir("report_usage");
  auto r = RunMcxtest({"report", "--from", dir + "/report.json"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("nothing to write"), std::string::npos) << r.err;
  r = RunMcxtest({"report", "--from", dir + "/missing.json", "--html", dir + "/r.html"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("missing.json"), std::string::npos) << r.err;
  WriteFile(dir + "/bad.json", "{\"format\": \"mcxtest-report\"}");
  r = RunMcxtest({"report", "--from", dir + "/bad.json", "--html", dir + "/r.html"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("report.json"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir + "/r.html"));
  r = RunMcxtest({"report", "--html", dir + "/r.html"});
  EXPECT_EQ(r.exit_code, 2);  // --from is required
}

TEST(ReportCommandTest, RendersHtmlAndJunitFromReportJson) {
  std::string dir = TempDir("report_render");
  engine::RunResult run = report::testing::SampleRun();
  run.info.pcap_dir = dir + "/pcaps";
  WriteFile(dir + "/report.json", report::JsonReport(run));
  auto r = RunMcxtest({"report", "--from", dir + "/report.json", "--html", dir + "/out/r.html", "--junit",
                       dir + "/out/j.xml"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string error;
  auto html = report::testing::ParseXml(ReadFile(dir + "/out/r.html"), &error);
  ASSERT_NE(html, nullptr) << error;
  EXPECT_EQ(report::testing::XPathString(html.get(), "//*[@id='count-failed']"), "1");
  EXPECT_EQ(report::testing::XPathString(html.get(), "//*[@id='count-total']"), "4");
  // pcap_dir survives report.json, and links are relative to the HTML file.
  EXPECT_EQ(report::testing::XPathString(html.get(), "//*[@id='pcap-dir']"), dir + "/pcaps");
  EXPECT_EQ(report::testing::XPathString(
                html.get(), "//*[local-name()='section'][@data-case='UE-ACCEPT-001']//*[@class='pcap']/@href"),
            "../pcaps/UE-ACCEPT-001.pcap");
  auto junit = report::testing::ParseXml(ReadFile(dir + "/out/j.xml"), &error);
  ASSERT_NE(junit, nullptr) << error;
  EXPECT_EQ(report::testing::XPathString(junit.get(), "/testsuites/testsuite/@tests"), "4");
}

TEST(ReportCommandTest, OldReportsWithoutPcapDirStillRead) {
  std::string dir = TempDir("report_old");
  engine::RunResult run = report::testing::SampleRun();
  std::string text = report::JsonReport(run);
  EXPECT_EQ(text.find("pcap_dir"), std::string::npos);
  auto back = report::ReadJsonReport(text);
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ(back->info.pcap_dir, "");
}

TEST(MatrixCommandTest, UsageErrors) {
  std::string dir = TempDir("matrix_usage");
  EXPECT_EQ(RunMcxtest({"matrix", "--report-dir", dir}).exit_code, 2);  // --sut is required
  auto r = RunMcxtest({"matrix", "--sut", "no-equals-sign", "--report-dir", dir});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("NAME=CMD"), std::string::npos) << r.err;
  r = RunMcxtest({"matrix", "--sut", "a=x", "--sut", "a=y", "--report-dir", dir});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("duplicate"), std::string::npos) << r.err;
  r = RunMcxtest({"matrix", "--sut", "a/b=x", "--sut", "a_b=y", "--report-dir", dir});
  EXPECT_EQ(r.exit_code, 2);  // both would write to <dir>/a_b
  EXPECT_FALSE(fs::exists(dir + "/matrix.json"));
}

TEST(MatrixCommandTest, ImplementationsThatCannotStartAreReportedAsSuch) {
  std::string dir = TempDir("matrix_no_start");
  auto r = RunMcxtest({"matrix", "--sut", "ghost=/nonexistent/shim", "--sut", "phantom=/nonexistent/other",
                       "testcases/ue/ue-001-valid-own-gms.yaml", "--timeout", "5", "--report-dir", dir, "--junit",
                       dir + "/junit"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  // Each implementation's JUnit names its suite and classnames after it, so
  // two SUTs' files do not collide in one CI view; the case ID names the test.
  for (const std::string name : {"ghost", "phantom"}) {
    std::string error;
    auto junit = report::testing::ParseXml(ReadFile(dir + "/junit/" + name + ".xml"), &error);
    ASSERT_NE(junit, nullptr) << name << ": " << error;
    EXPECT_EQ(report::testing::XPathString(junit.get(), "/testsuites/testsuite/@name"), name);
    EXPECT_EQ(report::testing::XPathString(junit.get(), "//testcase/@classname"), "mcxtest." + name + ".ue");
    EXPECT_EQ(report::testing::XPathString(junit.get(), "//testcase/@name"), "UE-001");
    EXPECT_EQ(report::testing::XPathString(junit.get(), "//testcase/error/@type"), "sut-cannot-start");
  }
  nlohmann::json j = nlohmann::json::parse(ReadFile(dir + "/matrix.json"));
  EXPECT_EQ(j["format"], "mcxtest-matrix");
  ASSERT_EQ(j["implementations"].size(), 2u);
  EXPECT_EQ(j["implementations"][0]["name"], "ghost");
  EXPECT_EQ(j["implementations"][0]["exit_code"], 3);
  EXPECT_EQ(j["implementations"][1]["error"], "the SUT could not be started");
  EXPECT_TRUE(j["cases"].empty());
  std::string error;
  auto html = report::testing::ParseXml(ReadFile(dir + "/matrix.html"), &error);
  ASSERT_NE(html, nullptr) << error;
  EXPECT_NE(report::testing::XPathString(html.get(), "//*[@id='impl-1']").find("could not be started"),
            std::string::npos);
}

// Issue 19.5: docs/reports.md's matrix example names the bundled reference
// SUT in --sut ("reference_sut --defect rand-short", or "reference ..."), so
// it must resolve by name, not through $PATH.
TEST(MatrixCommandTest, DocumentedExampleResolvesTheReferenceSutByName) {
  std::string dir = TempDir("matrix_reference_by_name");
  auto r = RunMcxtest({"matrix", "--sut", "ref=", "--sut", "bad=reference_sut --defect rand-short", "--sut",
                       "worse=reference --defect rand-short", "--report-dir", dir, "--",
                       "testcases/ue/ue-001-valid-own-gms.yaml", "testcases/primary-gms/pgms-001-multi-domain-small.yaml"});
  nlohmann::json j = nlohmann::json::parse(ReadFile(dir + "/matrix.json"));
  ASSERT_EQ(j["implementations"].size(), 3u) << r.out << r.err;
  EXPECT_EQ(j["implementations"][0]["exit_code"], 0) << r.err;
  // The defective GMS starts (no "could not be started") and its pgms case fails.
  for (int i : {1, 2}) {
    EXPECT_EQ(j["implementations"][i]["exit_code"], 1) << j["implementations"][i].dump() << r.err;
    EXPECT_FALSE(j["implementations"][i].contains("error")) << j["implementations"][i].dump();
  }
}

TEST(ResolveBundledSutTest, OnlyTheFirstWordNamesIt) {
  EXPECT_EQ(ResolveBundledSut("reference", "/b/reference_sut"), "'/b/reference_sut'");
  EXPECT_EQ(ResolveBundledSut("  reference_sut --defect rand-short", "/b/it's"), "'/b/it'\\''s' --defect rand-short");
  EXPECT_EQ(ResolveBundledSut("references --x", "/b/r"), "references --x");
  EXPECT_EQ(ResolveBundledSut("python3 reference", "/b/r"), "python3 reference");
  EXPECT_EQ(ResolveBundledSut("reference", ""), "reference");
  EXPECT_TRUE(NamesBundledSut("reference --defect v-bit"));
  EXPECT_FALSE(NamesBundledSut("./reference"));
}

// --shard I/N (what the Bazel rule passes): the shards partition the suite.
// A SUT that cannot start still writes every shard case to the reports.
TEST(RunShardTest, ShardsPartitionTheSuite) {
  std::string dir = TempDir("shards");
  std::multiset<std::string> seen;
  size_t total = 0;
  for (int i = 0; i < 3; ++i) {
    std::string report = dir + "/" + std::to_string(i);
    auto r = RunMcxtest({"run", "testcases/ue", "--sut", "/nonexistent/shim", "--timeout", "5", "--shard",
                         std::to_string(i) + "/3", "--report-dir", report});
    EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
    nlohmann::json j = nlohmann::json::parse(ReadFile(report + "/report.json"));
    EXPECT_FALSE(j["cases"].empty());
    for (const auto& c : j["cases"]) seen.insert(c["id"].get<std::string>());
    total += j["cases"].size();
  }
  auto all = RunMcxtest({"list", "testcases/ue"});
  size_t listed = 0;
  std::istringstream lines(all.out);
  for (std::string line; std::getline(lines, line);) {
    if (line.find('\t') == std::string::npos) continue;
    ++listed;
    EXPECT_EQ(seen.count(line.substr(0, line.find('\t'))), 1u) << line;
  }
  EXPECT_GT(listed, 3u);
  EXPECT_EQ(total, listed);
  for (const char* bad : {"3/3", "1", "a/2", "-1/2", "0/0", "1/x"}) {
    auto r = RunMcxtest({"run", "testcases/ue", std::string("--shard=") + bad, "--report-dir", dir + "/bad"});
    EXPECT_EQ(r.exit_code, 2) << bad;
    EXPECT_NE(r.err.find("--shard"), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace mcx::cli
