#include "harness/report/matrix.h"

#include <algorithm>
#include <map>
#include <set>

#include "harness/report/html.h"
#include "harness/report/junit.h"
#include "harness/report/text.h"

namespace mcx::report {
namespace {

using Json = nlohmann::ordered_json;
using engine::TestCaseResult;

std::string Esc(std::string_view text) { return XmlEscape(text, XmlContext::kText); }

std::string Attr(std::string_view name, std::string_view value) {
  return " " + std::string(name) + "=\"" + XmlEscape(value, XmlContext::kAttribute) + "\"";
}

std::string AsciiLower(std::string text) {
  for (char& ch : text) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  return text;
}

// A row of the matrix: the case as the first implementation that ran it
// describes it, and where to find it in every column.
struct Row {
  std::string id;
  std::string title;
  std::string role;
  std::vector<const TestCaseResult*> results;  // per column, null if not run
};

std::vector<Row> Rows(const InteropMatrix& matrix) {
  std::vector<Row> rows;
  std::map<std::string, size_t> index;
  for (size_t col = 0; col < matrix.columns.size(); ++col) {
    for (const TestCaseResult& c : matrix.columns[col].run.cases) {
      auto [it, inserted] = index.emplace(c.id, rows.size());
      if (inserted) {
        rows.push_back(Row{c.id, c.title, c.role, std::vector<const TestCaseResult*>(matrix.columns.size())});
      }
      Row& row = rows[it->second];
      if (row.results[col] == nullptr) row.results[col] = &c;
    }
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.role < b.role; });
  return rows;
}

std::string JoinIds(const std::vector<std::string>& ids) {
  std::string out;
  for (const std::string& id : ids) out += (out.empty() ? "" : ", ") + id;
  return out;
}

const char* VerdictSymbol(engine::Verdict v) {
  switch (v) {
    case engine::Verdict::kPassed: return "\u2713";
    case engine::Verdict::kFailed: return "\u2717";
    case engine::Verdict::kSkipped: return "s";
    case engine::Verdict::kError: return "!";
    case engine::Verdict::kInconclusive: return "?";
  }
  return "";
}

std::string CaseLink(const MatrixColumn& column, const std::string& case_id) {
  if (column.html_href.empty()) return "";
  return column.html_href + "#" + HtmlCaseAnchor(case_id);
}

constexpr char kMatrixStyle[] = R"css(
table.interop td.result{text-align:center;padding:2px 8px;border:1px solid #fff;white-space:nowrap}
table.interop td.result a{color:inherit;text-decoration:none;display:block}
table.interop td.v-not-run{background:#fafafa;color:#999}
table.interop th.impl{padding:4px 8px;font-weight:normal;vertical-align:bottom}
table.interop code.impl-command{display:inline-block;max-width:20em;font-size:.8em;color:#555;word-break:break-all}
table.interop tr.disagree th.case-id{font-weight:bold}
table.impls td,table.impls th{border:1px solid #ddd;padding:2px 8px;text-align:left;vertical-align:top}
table.impls td.command{word-break:break-all;max-width:40em}
)css";

constexpr char kMatrixScript[] = R"js(
(function () {
  var doc = document;
  var bar = doc.getElementById('filters');
  if (!bar) return;
  bar.removeAttribute('hidden');
  var rows = doc.querySelectorAll('tr.case-row');
  function apply() {
    var query = doc.getElementById('f-search').value.trim().toLowerCase();
    var onlyDiff = doc.getElementById('f-disagree').checked;
    var shown = 0;
    for (var i = 0; i < rows.length; i++) {
      var ok = (rows[i].getAttribute('data-search') || '').indexOf(query) >= 0;
      if (onlyDiff && rows[i].getAttribute('data-agree') === 'yes') ok = false;
      rows[i].hidden = !ok;
      if (ok) shown++;
    }
    doc.getElementById('filter-status').textContent = 'showing ' + shown + ' of ' + rows.length + ' test cases';
  }
  doc.getElementById('f-search').addEventListener('input', apply);
  doc.getElementById('f-disagree').addEventListener('change', apply);
  apply();
  doc.documentElement.setAttribute('data-js', 'ready');
})();
)js";

}  // namespace

std::string MatrixHtml(const InteropMatrix& matrix) {
  std::vector<Row> rows = Rows(matrix);
  std::string out =
      "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
      "<meta name=\"generator\" content=\"mcxtest\"/>\n<title>mcxtest interop matrix</title>\n<style>" +
      std::string(HtmlStyleSheet()) + kMatrixStyle + "</style>\n</head>\n<body>\n<header id=\"summary\">\n" +
      "<h1>mcxtest interop matrix</h1>\n<table class=\"run-info\">\n<tr><th>date</th><td id=\"started-at\">" +
      Esc(matrix.started_at) + "</td></tr>\n<tr><th>mcxtest</th><td id=\"mcxtest-version\">" +
      Esc(matrix.mcxtest_version) + "</td></tr>\n</table>\n<p>Reproduce: <code id=\"command-line\">" +
      Esc(matrix.command_line) + "</code></p>\n</header>\n";

  out += "<section id=\"implementations\">\n<h2>Implementations</h2>\n<table class=\"impls\"><thead><tr>"
         "<th>name</th><th>implementation</th><th>command</th><th>passed</th><th>failed</th><th>skipped</th>"
         "<th>error</th><th>inconclusive</th><th>exit</th><th>report</th></tr></thead><tbody>\n";
  for (size_t col = 0; col < matrix.columns.size(); ++col) {
    const MatrixColumn& column = matrix.columns[col];
    RunCounts counts = CountCases(column.run.cases);
    std::string n = "impl-" + std::to_string(col + 1);
    out += "<tr" + Attr("id", n) + Attr("data-impl", column.name) + "><th>" + Esc(column.name) + "</th><td>" +
           Esc(column.run.info.implementation_name + " " + column.run.info.implementation_version) +
           "</td><td class=\"command\"><code>" + Esc(column.command) + "</code></td>";
    for (engine::Verdict verdict : engine::kAllVerdicts) {
      out += "<td" + Attr("id", n + "-" + engine::VerdictName(verdict)) + ">" +
             std::to_string(counts.all.Get(verdict)) + "</td>";
    }
    out += "<td>" + std::to_string(column.exit_code) + (column.error.empty() ? "" : ": " + Esc(column.error)) +
           "</td><td>";
    if (!column.html_href.empty()) out += "<a" + Attr("href", column.html_href) + ">HTML</a> ";
    if (!column.json_href.empty()) out += "<a" + Attr("href", column.json_href) + ">JSON</a>";
    out += "</td></tr>\n";
  }
  out += "</tbody></table>\n</section>\n";

  out += "<section id=\"matrix\">\n<h2>Verdicts</h2>\n<div id=\"filters\" hidden=\"hidden\">\n"
         "<label>search <input id=\"f-search\" type=\"search\" placeholder=\"case ID or title\"/></label>\n"
         "<label><input id=\"f-disagree\" type=\"checkbox\"/> only cases where implementations differ</label>\n"
         "<span id=\"filter-status\"></span>\n</div>\n"
         "<p class=\"legend\"><span class=\"v-passed\">\u2713 passed</span><span class=\"v-failed\">\u2717 failed"
         "</span><span class=\"v-skipped\">s skipped</span><span class=\"v-error\">! error</span>"
         "<span class=\"v-inconclusive\">? inconclusive (also rejected the valid message)</span>"
         "<span class=\"v-not-run\">not run</span></p>\n"
         "<div class=\"matrix-wrap\">\n<table id=\"interop-matrix\" class=\"matrix interop\">\n<thead><tr>"
         "<th>test case</th><th>role</th>";
  // Each column says what ran: the --sut command (the resolved one in the
  // title, e.g. the bundled reference SUT's path).
  for (const MatrixColumn& column : matrix.columns) {
    std::string command = column.command.empty() ? "(bundled reference SUT)" : column.command;
    std::string title = column.run.info.implementation_name + " " + column.run.info.implementation_version;
    if (!column.run.info.sut_command.empty()) title += "\n" + column.run.info.sut_command;
    out += "<th class=\"impl\"" + Attr("data-impl", column.name) + Attr("title", title) + ">" + Esc(column.name) +
           "<br/><code class=\"impl-command\">" + Esc(command) + "</code></th>";
  }
  out += "</tr></thead>\n<tbody>\n";
  for (const Row& row : rows) {
    std::set<std::string> verdicts;
    for (const TestCaseResult* r : row.results) verdicts.insert(r == nullptr ? "not-run" : engine::VerdictName(r->verdict));
    bool agree = verdicts.size() <= 1;
    out += "<tr class=\"case-row" + std::string(agree ? "" : " disagree") + "\"" + Attr("data-case", row.id) +
           Attr("data-role", row.role) + Attr("data-agree", agree ? "yes" : "no") +
           Attr("data-search", AsciiLower(row.id + " " + row.title)) + "><th class=\"case-id\"" +
           Attr("title", row.title) + ">" + Esc(row.id) + "</th><td>" + Esc(row.role) + "</td>";
    for (size_t col = 0; col < matrix.columns.size(); ++col) {
      const MatrixColumn& column = matrix.columns[col];
      const TestCaseResult* r = row.results[col];
      std::string common = Attr("data-case", row.id) + Attr("data-impl", column.name);
      if (r == nullptr) {
        out += "<td class=\"result v-not-run\"" + common + " data-verdict=\"not-run\"" +
               Attr("title", column.error.empty() ? "not run" : "not run: " + column.error) + ">\u2013</td>";
        continue;
      }
      std::string verdict = engine::VerdictName(r->verdict);
      std::string title = column.name + ": " + verdict;
      std::vector<std::string> failed = r->FailedCheckIds();
      if (!failed.empty()) title += " (" + JoinIds(failed) + ")";
      if (!r->summary.empty()) title += "\n" + r->summary;
      std::string text = std::string(VerdictSymbol(r->verdict)) + " " + verdict;
      std::string link = CaseLink(column, r->id);
      out += "<td class=\"result v-" + verdict + "\"" + common + Attr("data-verdict", verdict) + Attr("title", title) +
             ">" + (link.empty() ? Esc(text) : "<a" + Attr("href", link) + ">" + Esc(text) + "</a>") + "</td>";
    }
    out += "</tr>\n";
  }
  out += "</tbody></table>\n</div>\n</section>\n<script>//<![CDATA[" + std::string(kMatrixScript) +
         "//]]></script>\n</body>\n</html>\n";
  return out;
}

Json MatrixJson(const InteropMatrix& matrix) {
  auto S = [](const std::string& text) { return SanitizeUtf8(text); };
  Json j;
  j["format"] = kMatrixFormat;
  j["version"] = kMatrixVersion;
  j["started_at"] = S(matrix.started_at);
  j["command_line"] = S(matrix.command_line);
  j["mcxtest_version"] = S(matrix.mcxtest_version);
  Json impls = Json::array();
  for (const MatrixColumn& column : matrix.columns) {
    RunCounts counts = CountCases(column.run.cases);
    Json impl;
    impl["name"] = S(column.name);
    impl["command"] = S(column.command);
    impl["implementation"] = S(column.run.info.implementation_name);
    impl["version"] = S(column.run.info.implementation_version);
    impl["exit_code"] = column.exit_code;
    if (!column.error.empty()) impl["error"] = S(column.error);
    if (!column.html_href.empty()) impl["html"] = S(column.html_href);
    if (!column.json_href.empty()) impl["json"] = S(column.json_href);
    impl["counts"] = Json{{"total", counts.all.total()},
                          {"passed", counts.all.passed},
                          {"failed", counts.all.failed},
                          {"skipped", counts.all.skipped},
                          {"error", counts.all.error},
                          {"inconclusive", counts.all.inconclusive}};
    impls.push_back(std::move(impl));
  }
  j["implementations"] = std::move(impls);
  Json cases = Json::array();
  for (const Row& row : Rows(matrix)) {
    Json c;
    c["id"] = S(row.id);
    c["title"] = S(row.title);
    c["role"] = S(row.role);
    Json results = Json::object();
    for (size_t col = 0; col < matrix.columns.size(); ++col) {
      const TestCaseResult* r = row.results[col];
      if (r == nullptr) continue;
      Json result;
      result["verdict"] = engine::VerdictName(r->verdict);
      Json failed = Json::array();
      for (const std::string& id : r->FailedCheckIds()) failed.push_back(S(id));
      result["failed_checks"] = std::move(failed);
      std::string link = CaseLink(matrix.columns[col], r->id);
      if (!link.empty()) result["report"] = S(link);
      results[S(matrix.columns[col].name)] = std::move(result);
    }
    c["results"] = std::move(results);
    cases.push_back(std::move(c));
  }
  j["cases"] = std::move(cases);
  return j;
}

}  // namespace mcx::report
