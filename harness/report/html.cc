#include "harness/report/html.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/report/junit.h"
#include "harness/report/report_writer.h"
#include "harness/report/text.h"
#include "mikey/checks.h"
#include "mikey/codec.h"
#include "mikey/inspect.h"

namespace mcx::report {
namespace {

using Json = nlohmann::ordered_json;
using checks::CheckResult;
using checks::CheckStatus;
using checks::Requirement;
using engine::MessageRecord;
using engine::RunResult;
using engine::TestCaseResult;
using engine::Verdict;

std::string Esc(std::string_view text) { return XmlEscape(text, XmlContext::kText); }

std::string Attr(std::string_view name, std::string_view value) {
  return " " + std::string(name) + "=\"" + XmlEscape(value, XmlContext::kAttribute) + "\"";
}

std::string AsciiLower(std::string_view text) {
  std::string out(text);
  for (char& ch : out) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  return out;
}

// Long SUT-controlled strings (URIs of 10,000 members, garbage stderr)
// shortened for labels; the full text stays in the title.
std::string Shorten(const std::string& text, size_t max_chars) {
  std::string clean = SanitizeUtf8(text);
  size_t count = 0;
  for (size_t pos = 0; pos < clean.size();) {
    char32_t cp;
    size_t length = DecodeUtf8(clean, pos, &cp);
    if (length == 0) length = 1;
    if (++count > max_chars) return clean.substr(0, pos) + "\u2026";
    pos += length;
  }
  return clean;
}

std::string Family(std::string_view check_id) {
  size_t dot = check_id.find('.');
  return std::string(dot == std::string_view::npos ? check_id : check_id.substr(0, dot));
}

// ------------------------------------------------------------------ cells

// What one check did in one case, over every message and the flow.
enum class CellStatus { kNone, kNotApplicable, kNotEvaluated, kPass, kWarn, kFail, kSkipped };

const char* CellStatusName(CellStatus s) {
  switch (s) {
    case CellStatus::kNone: return "none";
    case CellStatus::kNotApplicable: return "na";
    case CellStatus::kNotEvaluated: return "ne";
    case CellStatus::kPass: return "pass";
    case CellStatus::kWarn: return "warn";
    case CellStatus::kFail: return "fail";
    case CellStatus::kSkipped: return "skipped";
  }
  return "none";
}

// Symbols as well as colors, so the matrix reads in monochrome too.
const char* CellSymbol(CellStatus s) {
  switch (s) {
    case CellStatus::kNone: return "";
    case CellStatus::kNotApplicable: return "\u2013";
    case CellStatus::kNotEvaluated: return "\u2298";
    case CellStatus::kPass: return "\u2713";
    case CellStatus::kWarn: return "!";
    case CellStatus::kFail: return "\u2717";
    case CellStatus::kSkipped: return "s";
  }
  return "";
}

struct Cell {
  CellStatus status = CellStatus::kNone;
  int passed = 0;
  int failed = 0;
  int warned = 0;
  int not_applicable = 0;
  int not_evaluated = 0;
  std::string clause;
  Requirement requirement = Requirement::kMust;
  const CheckResult* first_failure = nullptr;
  const CheckResult* first_blocked = nullptr;

  void Add(const CheckResult& check) {
    if (clause.empty()) {
      clause = check.clause;
      requirement = check.requirement;
    }
    switch (check.status) {
      case CheckStatus::kPass: ++passed; break;
      case CheckStatus::kNotApplicable: ++not_applicable; break;
      case CheckStatus::kNotEvaluated:
        ++not_evaluated;
        if (first_blocked == nullptr) first_blocked = &check;
        break;
      case CheckStatus::kFail:
        if (check.requirement == Requirement::kMust) {
          ++failed;
        } else {
          ++warned;
        }
        if (first_failure == nullptr) first_failure = &check;
        break;
    }
    if (failed > 0) {
      status = CellStatus::kFail;
    } else if (warned > 0) {
      status = CellStatus::kWarn;
    } else if (passed > 0) {
      status = CellStatus::kPass;
    } else if (not_evaluated > 0) {
      status = CellStatus::kNotEvaluated;
    } else {
      status = CellStatus::kNotApplicable;
    }
  }
};

// The checks that count against the SUT (TestCaseResult::FailedCheckIds's
// rule): those of messages it produced, and flow checks. The harness's own
// messages fail on purpose in negative cases and are shown per case only.
std::map<std::string, Cell> CaseCells(const TestCaseResult& c) {
  std::map<std::string, Cell> cells;
  for (const MessageRecord& m : c.messages) {
    if (m.produced_by != "sut") continue;
    for (const CheckResult& check : m.checks) cells[check.id].Add(check);
  }
  for (const CheckResult& check : c.flow_checks) cells[check.id].Add(check);
  return cells;
}

// Check IDs in catalogue order; IDs a report carries that the catalogue
// does not know (an older or newer mcxtest) follow, sorted.
std::vector<std::string> OrderedCheckIds(const std::set<std::string>& ids) {
  std::vector<std::string> out;
  for (const checks::CheckInfo& info : checks::Catalogue()) {
    if (ids.count(std::string(info.id)) > 0) out.emplace_back(info.id);
  }
  for (const std::string& id : ids) {
    if (checks::FindCheck(id) == nullptr) out.push_back(id);
  }
  return out;
}

std::string CellTitle(const std::string& id, const Cell& cell, Verdict verdict) {
  if (cell.status == CellStatus::kNone) {
    return id + ": not run" + (verdict == Verdict::kSkipped ? " (case skipped)" : "");
  }
  std::string title = id + " [" + checks::RequirementName(cell.requirement) + ", " + cell.clause + "]: ";
  title += CellStatusName(cell.status);
  title += " (" + std::to_string(cell.passed) + " pass, " + std::to_string(cell.failed + cell.warned) + " fail, " +
           std::to_string(cell.not_applicable) + " n/a" +
           (cell.not_evaluated > 0 ? ", " + std::to_string(cell.not_evaluated) + " not evaluated" : "") + ")";
  if (cell.first_failure != nullptr) {
    const CheckResult& f = *cell.first_failure;
    if (!f.detail.empty()) title += "\n" + Shorten(f.detail, 300);
    if (!f.expected.empty() || !f.actual.empty()) {
      title += "\nexpected: " + Shorten(f.expected, 200) + "\nactual: " + Shorten(f.actual, 200);
    }
  } else if (cell.status == CellStatus::kNotEvaluated) {
    title += "\nnot evaluated: " + cell.first_blocked->blocked_by + " failed";
  }
  return title;
}

// ------------------------------------------------------------ page pieces

// A case's title, expected outcome, mutation and the SUT's reason as matrix
// cells; long text is cut, the whole of it in the cell's title.
std::string CaseTextCells(const TestCaseResult& c) {
  return "<td class=\"case-text case-title\"" + Attr("title", Shorten(c.title, 1000)) + ">" + Esc(Shorten(c.title, 60)) +
         "</td><td class=\"expected-outcome\">" + Esc(c.expected_outcome) + "</td><td class=\"mutation\">" +
         Esc(c.mutation) + "</td><td class=\"case-text sut-reason\"" + Attr("title", Shorten(c.sut_reason, 1000)) +
         ">" + Esc(Shorten(c.sut_reason, 80)) + "</td>";
}

constexpr char kStyle[] = R"css(
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:1.5em;color:#212121;background:#fff;font-size:14px}
h1{font-size:1.6em;margin:0 0 .4em}h2{font-size:1.3em;margin:1.4em 0 .5em;border-bottom:1px solid #ccc}
h3{font-size:1.1em;margin:.2em 0 .4em}
code,pre,.mono{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:.92em}
pre{white-space:pre-wrap;word-break:break-all;background:#f5f5f5;padding:.5em;margin:.3em 0}
table{border-collapse:collapse}
.run-info th{text-align:left;padding:1px 1em 1px 0;color:#555;font-weight:normal;vertical-align:top}
.run-info td{padding:1px 0;word-break:break-all}
.counts{list-style:none;padding:0;margin:.8em 0;display:flex;flex-wrap:wrap;gap:.6em}
.counts li{padding:.3em .9em;border-radius:4px;border:1px solid #bbb}
.counts strong{font-size:1.5em;margin-left:.3em}
.v-passed{background:#c8e6c9}.v-failed{background:#ffcdd2}.v-skipped{background:#e1f5fe}.v-error{background:#ffe082}
.v-inconclusive{background:#e1bee7}
.v-total{background:#eceff1}
.badge{display:inline-block;padding:0 .5em;border-radius:3px;border:1px solid #999;font-size:.85em;font-weight:normal}
#filters{margin:.6em 0;display:flex;flex-wrap:wrap;gap:1em;align-items:center}
#filters[hidden]{display:none}
.matrix-wrap{overflow-x:auto}
.matrix th.check{font-weight:normal;font-size:.8em;padding:4px 1px;white-space:nowrap;vertical-align:bottom}
.matrix th.check span{writing-mode:vertical-rl;transform:rotate(180deg)}
.matrix td.cell{min-width:1.5em;height:1.5em;text-align:center;border:1px solid #fff;font-size:.85em;padding:0 2px}
.matrix th.case-id{text-align:left;font-weight:normal;white-space:nowrap;padding-right:.6em}
.matrix td.verdict{padding:0 .5em;font-size:.85em}
.matrix td.case-text{font-size:.85em;padding:0 .5em;max-width:18em;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.matrix td.mutation{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:.8em;white-space:nowrap;padding:0 .5em}
.matrix td.expected-outcome{font-size:.85em;padding:0 .5em}
#sort-id{font:inherit;font-weight:bold;border:1px solid #999;border-radius:3px;background:#f5f5f5;cursor:pointer}
#sort-id[hidden],#sort-label[hidden]{display:none}
.matrix tr.group-role th{background:#37474f;color:#fff;text-align:left;padding:3px 6px}
.matrix tr.group-clause th{background:#eceff1;text-align:left;font-weight:normal;font-style:italic;padding:2px 6px}
.st-pass{background:#a5d6a7}.st-fail{background:#e57373;font-weight:bold}.st-warn{background:#ffcc80}
.st-na{background:#e0e0e0;color:#666}.st-ne{background:#f3e5f5;color:#666}.st-skipped{background:#b3e5fc;color:#555}.st-none{background:#fafafa}
.legend span{display:inline-block;padding:0 .5em;margin-right:.4em;border:1px solid #ccc}
section.case{border:1px solid #ccc;border-radius:4px;padding:.6em 1em;margin:1em 0}
section.case.v-failed,section.case.v-error{border-left:6px solid #c62828}
section.case.v-passed{border-left:6px solid #2e7d32}section.case.v-skipped{border-left:6px solid #0277bd}
section.case.v-inconclusive{border-left:6px solid #6a1b9a}
section.case{background:#fff}
.meta{display:grid;grid-template-columns:max-content auto;gap:1px 1em;margin:.3em 0}
.meta dt{color:#555}.meta dd{margin:0;word-break:break-all}
table.checks,table.fields,table.failures{margin:.4em 0;font-size:.9em}
table.checks td,table.checks th,table.failures td,table.failures th,table.fields td,table.fields th{border:1px solid #ddd;padding:2px 6px;vertical-align:top;text-align:left}
table.checks td,table.failures td{word-break:break-word;max-width:40em}
td.expected{background:#e8f5e9}td.actual{background:#ffebee}td.expected:empty,td.actual:empty{background:none}
table.checks td:nth-child(-n+2),table.failures td:nth-child(-n+2){white-space:nowrap}
table.checks tr.st-pass td{background:#e8f5e9}table.checks tr.st-na td{background:#f5f5f5}table.checks tr.st-ne td{background:#faf5fb}
table.checks tr.st-fail td{background:#ffcdd2}table.checks tr.st-warn td{background:#ffe0b2}
table.fields th{font-weight:normal;color:#444;white-space:nowrap}
table.fields td:nth-child(2){font-family:ui-monospace,"DejaVu Sans Mono",monospace;word-break:break-all;max-width:60em}
table.fields tr.section th{background:#eceff1;font-weight:bold;color:#212121}
tr.field-fail th,tr.field-fail td,tbody.section-fail tr.section th,tbody.section-fail tr.section td{background:#ffcdd2}
tbody.section-fail th,tbody.section-fail td{background:#fff5f5}
td.field-checks{color:#b71c1c;font-size:.9em}
details.message{margin:.3em 0;border:1px solid #e0e0e0;padding:.2em .6em}
details.message.has-fail{border-color:#e57373}
details.message summary{cursor:pointer}
figure.sequence{margin:.5em 0;overflow-x:auto}
svg.sequence text{font-size:11px;font-family:system-ui,sans-serif}
svg.sequence .lane{stroke:#90a4ae;stroke-dasharray:4 3}
svg.sequence .arrow{stroke:#455a64;stroke-width:1.5}svg.sequence .arrow.harness{stroke-dasharray:6 3}
svg.sequence .arrow.fail{stroke:#c62828;stroke-width:2}svg.sequence text.fail{fill:#c62828;font-weight:bold}
svg.sequence rect.actor{fill:#eceff1;stroke:#607d8b}
.note{color:#555;font-style:italic}
p.passed-checks{margin:.3em 0;font-size:.88em;color:#1b5e20}p.passed-checks span{white-space:nowrap}
a.pcap{font-weight:bold}
)css";

constexpr char kScript[] = R"js(
(function () {
  var doc = document;
  function byId(id) { return doc.getElementById(id); }
  var bar = byId('filters');
  if (!bar) return;
  bar.removeAttribute('hidden');
  var rows = doc.querySelectorAll('tr.case-row');
  var sections = doc.querySelectorAll('section.case');
  var familyCells = doc.querySelectorAll('#check-matrix [data-family]');
  var groups = doc.querySelectorAll('tr.group-clause');
  var bodies = doc.querySelectorAll('#check-matrix tbody');
  function matches(el, role, verdict, query) {
    if (role !== '' && el.getAttribute('data-role') !== role) return false;
    if (verdict !== '' && el.getAttribute('data-verdict') !== verdict) return false;
    if (query !== '' && (el.getAttribute('data-search') || '').indexOf(query) < 0) return false;
    return true;
  }
  function apply() {
    var role = byId('f-role').value, verdict = byId('f-verdict').value, family = byId('f-family').value;
    var query = byId('f-search').value.trim().toLowerCase();
    var shown = 0, i, j;
    var visibleGroups = {};
    for (i = 0; i < rows.length; i++) {
      var ok = matches(rows[i], role, verdict, query);
      rows[i].hidden = !ok;
      if (ok) { shown++; visibleGroups[rows[i].getAttribute('data-group')] = true; }
    }
    for (i = 0; i < groups.length; i++) groups[i].hidden = !visibleGroups[groups[i].getAttribute('data-group')];
    for (i = 0; i < bodies.length; i++) bodies[i].hidden = bodies[i].querySelector('tr.case-row:not([hidden])') === null;
    for (i = 0; i < sections.length; i++) sections[i].hidden = !matches(sections[i], role, verdict, query);
    for (j = 0; j < familyCells.length; j++) {
      familyCells[j].hidden = family !== '' && familyCells[j].getAttribute('data-family') !== family;
    }
    byId('filter-status').textContent = 'showing ' + shown + ' of ' + rows.length + ' test cases';
  }
  ['f-role', 'f-verdict', 'f-family'].forEach(function (id) { byId(id).addEventListener('change', apply); });
  byId('f-search').addEventListener('input', apply);
  // Sorting by ID: each click goes ascending, descending, then back to the
  // grouped order (the order without scripts). Sorted rows move to the
  // tbody#sorted-rows; the grouped tbodies keep their group headers and get
  // their rows back in the saved order.
  var sortButton = byId('sort-id'), table = byId('check-matrix'), sortedBody = byId('sorted-rows');
  var caseRows = Array.prototype.slice.call(rows), sortState = 0;
  var saved = Array.prototype.map.call(bodies, function (b) { return Array.prototype.slice.call(b.children); });
  function byCase(a, b) {
    return a.getAttribute('data-case').localeCompare(b.getAttribute('data-case'), 'en', { numeric: true });
  }
  function sortRows() {
    sortState = (sortState + 1) % 3;
    var th = sortButton.parentNode, i;
    if (sortState === 0) {
      for (i = 0; i < bodies.length; i++) saved[i].forEach(function (r) { bodies[i].appendChild(r); });
      th.removeAttribute('aria-sort');
      sortButton.textContent = 'test case \u21c5';
    } else {
      var order = caseRows.slice().sort(byCase);
      if (sortState === 2) order.reverse();
      order.forEach(function (r) { sortedBody.appendChild(r); });
      th.setAttribute('aria-sort', sortState === 1 ? 'ascending' : 'descending');
      sortButton.textContent = 'test case ' + (sortState === 1 ? '\u25b2' : '\u25bc');
    }
    table.setAttribute('data-sort', ['grouped', 'id-ascending', 'id-descending'][sortState]);
    apply();  // hides the emptied tbodies (the sorted one when grouped)
  }
  sortButton.removeAttribute('hidden');
  byId('sort-label').setAttribute('hidden', 'hidden');
  sortButton.addEventListener('click', sortRows);
  apply();
  // report.html#sort=id / #sort=id-desc opens the matrix sorted.
  if (location.hash === '#sort=id' || location.hash === '#sort=id-desc') sortRows();
  if (location.hash === '#sort=id-desc') sortRows();
  doc.documentElement.setAttribute('data-js', 'ready');
})();
)js";

std::string PageHead(const std::string& title) {
  return "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n"
         "<meta charset=\"utf-8\"/>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
         "<meta name=\"generator\" content=\"mcxtest\"/>\n<title>" +
         Esc(title) + "</title>\n<style>" + std::string(kStyle) + "</style>\n</head>\n";
}

std::string RunInfoRow(std::string_view label, std::string_view id, const std::string& value, bool code = false) {
  std::string cell = code ? "<code>" + Esc(value) + "</code>" : Esc(value);
  return "<tr><th>" + std::string(label) + "</th><td" + Attr("id", id) + ">" + cell + "</td></tr>\n";
}

std::string Summary(const RunResult& run) {
  const engine::RunInfo& info = run.info;
  RunCounts counts = CountCases(run.cases);
  std::string out = "<header id=\"summary\">\n<h1>mcxtest report: " + Esc(info.implementation_name) + " " +
                    Esc(info.implementation_version) + "</h1>\n<table class=\"run-info\">\n";
  out += RunInfoRow("implementation", "impl-name", info.implementation_name);
  out += RunInfoRow("version", "impl-version", info.implementation_version);
  out += RunInfoRow("date", "started-at", info.started_at);
  out += RunInfoRow("seed", "seed", std::to_string(info.seed));
  out += RunInfoRow("mcxtest", "mcxtest-version", info.mcxtest_version);
  out += RunInfoRow("SUT command", "sut-command", info.sut_command, true);
  out += RunInfoRow("state", "run-state", RunStateName(RunStateOf(run)));
  out += RunInfoRow("positive controls", "controls",
                    info.controls ? "on" : "off (--no-controls): negative verdicts rest on rejections alone");
  out += RunInfoRow("T window", "t-window", std::to_string(info.t_window_seconds) + " s");
  if (!info.pcap_dir.empty()) out += RunInfoRow("pcap directory", "pcap-dir", info.pcap_dir, true);
  out += "</table>\n<ul class=\"counts\">\n";
  auto count = [&](const char* name, const char* css, int n) {
    out += "<li class=\"" + std::string(css) + "\">" + name + "<strong id=\"count-" + name + "\">" + std::to_string(n) +
           "</strong></li>\n";
  };
  count("passed", "v-passed", counts.all.passed);
  count("failed", "v-failed", counts.all.failed);
  count("skipped", "v-skipped", counts.all.skipped);
  count("error", "v-error", counts.all.error);
  count("inconclusive", "v-inconclusive", counts.all.inconclusive);
  count("total", "v-total", counts.all.total());
  out += "</ul>\n<p>Reproduce: <code id=\"command-line\">" + Esc(info.command_line) + "</code></p>\n";
  if (run.interrupted) out += "<p class=\"note\">The run was interrupted; only the cases that ran are shown.</p>\n";
  out += "</header>\n";
  return out;
}

std::string Options(const std::string& id, const std::string& label, const std::vector<std::string>& values) {
  std::string out = "<label>" + label + " <select" + Attr("id", id) + "><option value=\"\">all</option>";
  for (const std::string& v : values) out += "<option" + Attr("value", v) + ">" + Esc(v) + "</option>";
  return out + "</select></label>\n";
}

std::string FirstClause(const TestCaseResult& c) {
  return c.spec_clauses.empty() ? std::string("(no spec clause)") : c.spec_clauses.front();
}

std::string Matrix(const RunResult& run) {
  std::vector<std::map<std::string, Cell>> cells;
  std::set<std::string> ids;
  std::set<std::string> roles;
  for (const TestCaseResult& c : run.cases) {
    cells.push_back(CaseCells(c));
    for (const auto& [id, cell] : cells.back()) ids.insert(id);
    roles.insert(c.role);
  }
  std::vector<std::string> columns = OrderedCheckIds(ids);
  std::vector<std::string> families;
  for (const std::string& id : columns) {
    std::string f = Family(id);
    if (std::find(families.begin(), families.end(), f) == families.end()) families.push_back(f);
  }

  std::string out = "<section id=\"matrix\">\n<h2>Check matrix</h2>\n";
  out += "<div id=\"filters\" hidden=\"hidden\">\n";
  out += Options("f-role", "role", std::vector<std::string>(roles.begin(), roles.end()));
  std::vector<std::string> verdict_names;
  for (Verdict v : engine::kAllVerdicts) verdict_names.push_back(engine::VerdictName(v));
  out += Options("f-verdict", "verdict", verdict_names);
  out += Options("f-family", "check family", families);
  out += "<label>search <input id=\"f-search\" type=\"search\" placeholder=\"case ID, title, check ID\"/></label>\n";
  out += "<span id=\"filter-status\"></span>\n</div>\n";
  out += "<p class=\"legend\">";
  for (CellStatus s : {CellStatus::kPass, CellStatus::kFail, CellStatus::kWarn, CellStatus::kNotEvaluated,
                       CellStatus::kNotApplicable, CellStatus::kSkipped, CellStatus::kNone}) {
    static const std::map<CellStatus, const char*> kMeaning = {
        {CellStatus::kPass, "pass"},          {CellStatus::kFail, "MUST failed"},
        {CellStatus::kWarn, "SHOULD failed"}, {CellStatus::kNotApplicable, "not applicable"},
        {CellStatus::kNotEvaluated, "not evaluated (an earlier check failed)"},
        {CellStatus::kSkipped, "case skipped"}, {CellStatus::kNone, "not run"}};
    out += "<span class=\"st-" + std::string(CellStatusName(s)) + "\">" + CellSymbol(s) + " " + kMeaning.at(s) +
           "</span>";
  }
  out += "</p>\n<p class=\"note\">Checks of messages the SUT produced and flow checks; hover a cell for its "
         "clause and counts.</p>\n";

  // The sort button is for scripts; without them the label shows and the
  // rows stay grouped.
  out += "<div class=\"matrix-wrap\">\n<table id=\"check-matrix\" class=\"matrix\" data-sort=\"grouped\">\n"
         "<thead><tr><th class=\"sort\"><span id=\"sort-label\">test case</span><button type=\"button\" "
         "id=\"sort-id\" hidden=\"hidden\" title=\"Sort by test case ID: ascending, descending, then grouped "
         "again\">test case \u21c5</button></th><th>verdict</th><th>title</th><th>expected</th><th>mutation</th>"
         "<th>SUT reason</th>";
  for (const std::string& id : columns) {
    const checks::CheckInfo* info = checks::FindCheck(id);
    std::string title = id;
    if (info != nullptr) {
      title += " [" + std::string(checks::RequirementName(info->requirement)) + ", " + std::string(info->clause) +
               "]: " + std::string(info->summary);
    }
    out += "<th class=\"check\"" + Attr("data-check", id) + Attr("data-family", Family(id)) + Attr("title", title) +
           "><span>" + Esc(id) + "</span></th>";
  }
  out += "</tr></thead>\n";

  // Rows grouped by role, then by first spec clause; run order within.
  std::vector<size_t> order(run.cases.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const TestCaseResult& x = run.cases[a];
    const TestCaseResult& y = run.cases[b];
    if (x.role != y.role) return x.role < y.role;
    return FirstClause(x) < FirstClause(y);
  });
  const std::string span = std::to_string(columns.size() + 6);
  std::string current_role;
  std::string current_clause;
  int group = -1;
  bool open = false;
  for (size_t n = 0; n < order.size(); ++n) {
    const TestCaseResult& c = run.cases[order[n]];
    if (!open || c.role != current_role) {
      if (open) out += "</tbody>\n";
      out += "<tbody" + Attr("data-role", c.role) + ">\n<tr class=\"group-role\"><th" + Attr("colspan", span) +
             ">role: " + Esc(c.role) + "</th></tr>\n";
      open = true;
      current_role = c.role;
      current_clause.clear();
      current_clause.push_back('\0');  // forces a clause row
    }
    if (FirstClause(c) != current_clause) {
      current_clause = FirstClause(c);
      ++group;
      out += "<tr class=\"group-clause\"" + Attr("data-group", std::to_string(group)) + "><th" +
             Attr("colspan", span) + ">" + Esc(current_clause) + "</th></tr>\n";
    }
    std::string verdict = engine::VerdictName(c.verdict);
    std::string search = AsciiLower(c.id + " " + c.title + " " + c.mutation);
    for (const std::string& id : c.FailedCheckIds()) search += " " + AsciiLower(id);
    out += "<tr class=\"case-row\"" + Attr("data-case", c.id) + Attr("data-role", c.role) +
           Attr("data-verdict", verdict) + Attr("data-group", std::to_string(group)) + Attr("data-search", search) +
           "><th class=\"case-id\"" + Attr("title", c.title) + "><a" + Attr("href", "#" + HtmlCaseAnchor(c.id)) + ">" +
           Esc(c.id) + "</a></th><td class=\"verdict v-" + verdict + "\">" + verdict + "</td>" + CaseTextCells(c);
    const std::map<std::string, Cell>& row = cells[order[n]];
    for (const std::string& id : columns) {
      auto it = row.find(id);
      Cell cell = it == row.end() ? Cell{} : it->second;
      if (it == row.end() && c.verdict == Verdict::kSkipped) cell.status = CellStatus::kSkipped;
      const char* status = CellStatusName(cell.status);
      out += "<td class=\"cell st-" + std::string(status) + "\"" + Attr("data-case", c.id) + Attr("data-check", id) +
             Attr("data-family", Family(id)) + Attr("data-status", status) +
             Attr("title", CellTitle(id, cell, c.verdict)) + ">" + CellSymbol(cell.status) + "</td>";
    }
    out += "</tr>\n";
  }
  if (open) out += "</tbody>\n";
  // Where the script puts the rows sorted by ID (empty and hidden otherwise).
  out += "<tbody id=\"sorted-rows\" hidden=\"hidden\"></tbody>\n";
  out += "</table>\n</div>\n</section>\n";
  return out;
}

// ------------------------------------------------------------- per case

// `compact_passes`: passed checks as one line of IDs (clause on hover)
// instead of a row each; a GKTP passes ~28 checks and the full suite has
// over a hundred GKTPs, which would otherwise dominate the file.
std::string ChecksTable(const std::vector<CheckResult>& list, const std::string& css, bool compact_passes = false) {
  if (list.empty()) return "";
  std::string out;
  std::string passed;
  for (const CheckResult& check : list) {
    if (!compact_passes || check.status != CheckStatus::kPass) continue;
    passed += std::string(passed.empty() ? "" : ", ") + "<span" + Attr("data-check", check.id) +
              Attr("title", std::string(checks::RequirementName(check.requirement)) + ", " + check.clause +
                                (check.detail.empty() ? "" : ": " + check.detail)) +
              ">" + Esc(check.id) + "</span>";
  }
  if (!passed.empty()) out += "<p class=\"passed-checks\">passed: " + passed + "</p>\n";
  if (compact_passes && std::all_of(list.begin(), list.end(), [](const CheckResult& c) {
        return c.status == CheckStatus::kPass;
      })) {
    return out;
  }
  out += "<table class=\"checks " + css +
         "\"><thead><tr><th>check</th><th>req.</th><th>clause</th><th>status</th><th>detail</th>"
         "<th>expected</th><th>actual</th></tr></thead><tbody>\n";
  for (const CheckResult& check : list) {
    if (compact_passes && check.status == CheckStatus::kPass) continue;
    std::string status = check.failed() ? (check.requirement == Requirement::kMust ? "fail" : "warn")
                         : check.status == CheckStatus::kPass ? "pass"
                         : check.not_evaluated()              ? "ne"
                                                              : "na";
    std::string shown = checks::CheckStatusName(check.status);
    if (check.not_evaluated()) shown += " (" + check.blocked_by + " failed)";
    out += "<tr class=\"st-" + status + "\"" + Attr("data-check", check.id) + Attr("data-status", status) + "><td>" +
           Esc(check.id) + "</td><td>" + checks::RequirementName(check.requirement) + "</td><td>" + Esc(check.clause) +
           "</td><td>" + Esc(shown) + "</td><td>" + Esc(check.detail) +
           "</td><td class=\"expected\">" + Esc(check.expected) + "</td><td class=\"actual\">" + Esc(check.actual) +
           "</td></tr>\n";
  }
  return out + "</tbody></table>\n";
}

std::string FailuresTable(const TestCaseResult& c) {
  std::string rows;
  for (Requirement requirement : {Requirement::kMust, Requirement::kShould}) {
    for (const FailureGroup& group : GroupSutFailures(c, requirement)) {
      for (const FailedCheck& example : group.examples) {
        const CheckResult& check = *example.check;
        rows += "<tr class=\"failure\"" + Attr("data-check", check.id) +
                Attr("data-requirement", checks::RequirementName(check.requirement)) + "><td>" + Esc(check.id) +
                "</td><td>" + checks::RequirementName(check.requirement) + "</td><td>" + Esc(check.clause) +
                "</td><td>" + Esc(example.where) + "</td><td>" + Esc(check.detail) + "</td><td class=\"expected\">" +
                Esc(check.expected) + "</td><td class=\"actual\">" + Esc(check.actual) + "</td></tr>\n";
      }
      if (group.count > group.examples.size()) {
        rows += "<tr class=\"more\"><td colspan=\"7\">" + Esc(group.id) + ": and " +
                std::to_string(group.count - group.examples.size()) + " more</td></tr>\n";
      }
    }
  }
  if (rows.empty()) return "";
  return "<h4>Failed checks</h4>\n<table class=\"failures\"><thead><tr><th>check</th><th>req.</th><th>clause</th>"
         "<th>where</th><th>detail</th><th>expected</th><th>actual</th></tr></thead><tbody>\n" +
         rows + "</tbody></table>\n";
}

bool CountsAgainstSut(const MessageRecord& m, const CheckResult& check) {
  return m.produced_by == "sut" && check.failed_must();
}

bool AnyFailed(const MessageRecord& m) {
  return std::any_of(m.checks.begin(), m.checks.end(), [](const CheckResult& c) { return c.failed(); });
}

std::string Participant(const std::string& uri) { return uri.empty() ? std::string("(none)") : uri; }

// The messages as arrows between participant lanes. Lanes beyond the first
// few share one "others" lane so a 10,000-member case stays drawable.
std::string SequenceDiagram(const TestCaseResult& c, size_t case_index) {
  constexpr size_t kMaxLanes = 8;
  constexpr int kLaneWidth = 180;
  constexpr int kMargin = 20;
  constexpr int kTop = 46;
  constexpr int kRow = 28;
  if (c.messages.empty()) return "";
  size_t drawn = std::min(c.messages.size(), kHtmlDiagramMessages);
  std::vector<std::string> lanes;
  std::map<std::string, size_t> lane_of;
  size_t others = 0;
  std::set<std::string> other_names;
  auto lane = [&](const std::string& uri) {
    std::string name = Participant(uri);
    auto it = lane_of.find(name);
    if (it != lane_of.end()) return it->second;
    if (lanes.size() < kMaxLanes) {
      lane_of[name] = lanes.size();
      lanes.push_back(name);
      return lanes.size() - 1;
    }
    other_names.insert(name);
    return kMaxLanes;
  };
  std::vector<std::pair<size_t, size_t>> arrows;
  for (size_t i = 0; i < drawn; ++i) arrows.emplace_back(lane(c.messages[i].from), lane(c.messages[i].to));
  others = other_names.size();
  size_t lane_count = lanes.size() + (others > 0 ? 1 : 0);
  int width = kMargin * 2 + static_cast<int>(lane_count) * kLaneWidth;
  int height = kTop + static_cast<int>(drawn) * kRow + 20;
  auto x_of = [&](size_t l) { return kMargin + kLaneWidth / 2 + static_cast<int>(l) * kLaneWidth; };
  std::string n = std::to_string(case_index);
  std::string out = "<figure class=\"sequence\"><svg xmlns=\"http://www.w3.org/2000/svg\" class=\"sequence\"" +
                    Attr("width", std::to_string(width)) + Attr("height", std::to_string(height)) +
                    Attr("viewBox", "0 0 " + std::to_string(width) + " " + std::to_string(height)) +
                    " role=\"img\"><title>" + Esc("Message sequence of " + c.id) + "</title>\n<defs>" +
                    "<marker id=\"ah-" + n +
                    "\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" "
                    "orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#455a64\"/></marker>"
                    "<marker id=\"ahf-" + n +
                    "\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" "
                    "orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#c62828\"/></marker></defs>\n";
  for (size_t l = 0; l < lane_count; ++l) {
    std::string full = l < lanes.size() ? lanes[l] : std::to_string(others) + " other participants";
    std::string label = l < lanes.size() ? Shorten(lanes[l], 26) : full;
    int x = x_of(l);
    out += "<g class=\"actor\"><title>" + Esc(full) + "</title><rect class=\"actor\"" +
           Attr("x", std::to_string(x - kLaneWidth / 2 + 6)) + " y=\"4\"" +
           Attr("width", std::to_string(kLaneWidth - 12)) + " height=\"24\" rx=\"3\"/><text" +
           Attr("x", std::to_string(x)) + " y=\"20\" text-anchor=\"middle\">" + Esc(label) + "</text></g><line class=\"lane\"" +
           Attr("x1", std::to_string(x)) + Attr("x2", std::to_string(x)) + " y1=\"28\"" +
           Attr("y2", std::to_string(height - 6)) + "/>\n";
  }
  for (size_t i = 0; i < drawn; ++i) {
    const MessageRecord& m = c.messages[i];
    bool against = std::any_of(m.checks.begin(), m.checks.end(),
                               [&](const CheckResult& check) { return CountsAgainstSut(m, check); });
    std::string css = std::string("arrow ") + (m.produced_by == "sut" ? "sut" : "harness") + (against ? " fail" : "");
    int y = kTop + static_cast<int>(i) * kRow + 10;
    int x1 = x_of(arrows[i].first);
    int x2 = x_of(arrows[i].second);
    size_t failed = std::count_if(m.checks.begin(), m.checks.end(), [](const CheckResult& ch) { return ch.failed(); });
    std::string tip = "step " + std::to_string(m.step) + ": " + Participant(m.from) + " \u2192 " + Participant(m.to) +
                      " (" + m.kind + ", produced by " + m.produced_by + ", " + std::to_string(m.wire.size()) +
                      " octets; " + std::to_string(failed) + " failed check(s))";
    if (!m.note.empty()) tip += "\n" + m.note;
    std::string label = "step " + std::to_string(m.step) + " " + m.kind + (failed > 0 ? " \u2717" : "");
    out += "<g class=\"msg\"" + Attr("data-step", std::to_string(m.step)) + "><title>" + Esc(tip) + "</title>";
    std::string marker = against ? "url(#ahf-" + n + ")" : "url(#ah-" + n + ")";
    if (x1 == x2) {
      // A message to the sender's own lane (or within "others"): a loop.
      out += "<path class=\"" + css + "\" fill=\"none\"" +
             Attr("d", "M" + std::to_string(x1) + "," + std::to_string(y - 6) + " h30 v12 h-30") +
             Attr("marker-end", marker) + "/>";
      out += "<text" + std::string(against ? " class=\"fail\"" : "") + Attr("x", std::to_string(x1 + 34)) +
             Attr("y", std::to_string(y + 4)) + ">" + Esc(label) + "</text>";
    } else {
      out += "<line class=\"" + css + "\"" + Attr("x1", std::to_string(x1)) + Attr("y1", std::to_string(y)) +
             Attr("x2", std::to_string(x2)) + Attr("y2", std::to_string(y)) + Attr("marker-end", marker) + "/>";
      out += "<text" + std::string(against ? " class=\"fail\"" : "") + Attr("x", std::to_string((x1 + x2) / 2)) +
             Attr("y", std::to_string(y - 4)) + " text-anchor=\"middle\">" + Esc(label) + "</text>";
    }
    out += "</g>\n";
  }
  out += "</svg>";
  if (drawn < c.messages.size()) {
    out += "<figcaption class=\"note\">First " + std::to_string(drawn) + " of " + std::to_string(c.messages.size()) +
           " messages drawn.</figcaption>";
  }
  return out + "</figure>\n";
}

// ------------------------------------------------------- decoded fields

// Which decoded fields a check is about: a section ("HDR" or a payload
// name) and, for header checks, the header fields; an empty field list
// means the whole section.
struct FieldRule {
  std::string section;
  std::vector<std::string> fields;
};

std::vector<FieldRule> FieldsOf(const std::string& check_id) {
  static const std::map<std::string, std::vector<FieldRule>> kById = {
      {"HDR.VERSION", {{"HDR", {"version"}}}},
      {"HDR.DATATYPE", {{"HDR", {"data_type"}}}},
      {"HDR.VBIT", {{"HDR", {"v_flag"}}}},
      {"HDR.PRF", {{"HDR", {"prf_func"}}}},
      {"HDR.CSMAP", {{"HDR", {"cs_count", "cs_id_map_type", "cs_id_map"}}}},
      {"HDR.SPI", {{"HDR", {"cs_id_map"}}}},
      {"KEYID.PURPOSE", {{"HDR", {"csb_id", "csb_id_purpose", "cs_id_map"}}}},
      {"GUKID.DERIVATION", {{"HDR", {"cs_id_map"}}}},
  };
  static const std::map<std::string, std::string> kSectionByFamily = {
      {"T", "T"},           {"RAND", "RAND"}, {"IDR", "IDR"}, {"SAKKE", "SAKKE"},
      {"SIGN", "SIGN"},     {"SP", "SP"},     {"KEYPARAMS", "GENERAL EXTENSION"},
  };
  auto it = kById.find(check_id);
  if (it != kById.end()) return it->second;
  auto family = kSectionByFamily.find(Family(check_id));
  if (family != kSectionByFamily.end()) return {{family->second, {}}};
  return {};
}


// (field path, text) rows of one section, nested objects as "a.b", array
// elements as "a[1].b" (1-based, as `gktp inspect` numbers them).
void Flatten(const Json& object, const std::string& prefix, std::vector<std::pair<std::string, std::string>>& rows) {
  for (const auto& [key, value] : object.items()) {
    std::string path = prefix.empty() ? key : prefix + "." + key;
    if (mikey::InspectIsLeaf(value)) {
      rows.emplace_back(path, mikey::InspectLeafText(value));
    } else if (value.is_array()) {
      for (size_t i = 0; i < value.size(); ++i) Flatten(value[i], path + "[" + std::to_string(i + 1) + "]", rows);
    } else {
      Flatten(value, path, rows);
    }
  }
}

std::string TopKey(const std::string& path) {
  size_t end = path.find_first_of(".[");
  return end == std::string::npos ? path : path.substr(0, end);
}

std::string CheckNote(const CheckResult& check) {
  std::string note = check.id;
  if (!check.expected.empty() || !check.actual.empty()) {
    note += ": expected " + check.expected + ", actual " + check.actual;
  } else if (!check.detail.empty()) {
    note += ": " + check.detail;
  }
  return note;
}

// The third column (failed checks per field) only exists when some check
// of the message failed.
std::string FieldSection(const std::string& section, const std::string& heading, const Json& body,
                         const std::vector<const CheckResult*>& failed) {
  const bool notes_column = !failed.empty();
  // Failed checks aimed at the whole section, and at each header field.
  std::vector<const CheckResult*> whole;
  std::map<std::string, std::vector<const CheckResult*>> by_field;
  for (const CheckResult* check : failed) {
    for (const FieldRule& rule : FieldsOf(check->id)) {
      if (rule.section != section) continue;
      if (rule.fields.empty()) {
        whole.push_back(check);
      } else {
        for (const std::string& f : rule.fields) by_field[f].push_back(check);
      }
    }
  }
  auto notes = [](const std::vector<const CheckResult*>& list) {
    std::string text;
    for (const CheckResult* check : list) text += (text.empty() ? "" : "; ") + CheckNote(*check);
    return text;
  };
  std::string out = "<tbody" + Attr("data-section", section) + (whole.empty() ? "" : " class=\"section-fail\"") +
                    "><tr class=\"section\"><th>" + Esc(heading) + "</th><td></td>" +
                    (notes_column ? "<td class=\"field-checks\">" + Esc(notes(whole)) + "</td>" : "") + "</tr>\n";
  std::vector<std::pair<std::string, std::string>> rows;
  Flatten(body, "", rows);
  for (const auto& [path, text] : rows) {
    auto hit = by_field.find(TopKey(path));
    bool bad = hit != by_field.end();
    // Lean rows: the full suite has ~14,000 of them.
    out += std::string(bad ? "<tr class=\"field-fail\">" : "<tr>") + "<th>" + Esc(path) + "</th><td>" + Esc(text) +
           "</td>" +
           (notes_column ? "<td class=\"field-checks\">" + (bad ? Esc(notes(hit->second)) : "") + "</td>" : "") +
           "</tr>\n";
  }
  return out + "</tbody>\n";
}

std::string DecodedFields(const MessageRecord& m) {
  std::vector<const CheckResult*> failed;
  for (const CheckResult& check : m.checks) {
    if (check.failed()) failed.push_back(&check);
  }
  auto parsed = mikey::Parse(m.wire);
  if (!parsed.ok()) {
    constexpr size_t kMaxHex = 2048;
    Bytes head(m.wire.begin(), m.wire.begin() + std::min(m.wire.size(), kMaxHex));
    return "<p class=\"decode-error\">Not decodable as MIKEY: " + Esc(parsed.error().ToString()) +
           "</p>\n<pre class=\"hex\">" + Esc(ToHex(head)) + (head.size() < m.wire.size() ? "\u2026" : "") +
           "</pre>\n";
  }
  Json decoded = mikey::InspectJson(*parsed);
  std::string out = "<table class=\"fields\"><thead><tr><th>field</th><th>value</th>" +
                    std::string(failed.empty() ? "" : "<th>failed checks</th>") + "</tr></thead>\n";
  Json hdr = decoded["hdr"];
  std::string heading = "HDR (offset " + hdr["offset"].dump() + ", " + hdr["length"].dump() + " octets)";
  hdr.erase("offset");
  hdr.erase("length");
  out += FieldSection("HDR", heading, hdr, failed);
  for (Json payload : decoded["payloads"]) {
    std::string name = payload["payload"]["name"].is_string() ? payload["payload"]["name"].get<std::string>() : "";
    if (name.empty()) name = "payload " + payload["payload"]["value"].dump();
    heading = name + " (offset " + payload["offset"].dump() + ", " + payload["length"].dump() + " octets)";
    for (const char* key : {"payload", "offset", "length"}) payload.erase(key);
    out += FieldSection(name, heading, payload, failed);
  }
  return out + "</table>\n";
}

std::string MessageDetails(const TestCaseResult& c, size_t index, const std::string& anchor) {
  const MessageRecord& m = c.messages[index];
  bool failed = AnyFailed(m);
  size_t failed_count =
      std::count_if(m.checks.begin(), m.checks.end(), [](const CheckResult& ch) { return ch.failed(); });
  std::string out = "<details class=\"message" + std::string(failed ? " has-fail" : "") + "\"" +
                    Attr("id", anchor + "-m" + std::to_string(index + 1)) + Attr("data-step", std::to_string(m.step)) +
                    Attr("data-produced-by", m.produced_by) + (failed ? " open=\"open\"" : "") + "><summary>" +
                    "message " + std::to_string(index + 1) + ", step " + std::to_string(m.step) + ": " +
                    Esc(Participant(m.from)) + " \u2192 " + Esc(Participant(m.to)) + " (" + Esc(m.kind) + " by " +
                    Esc(m.produced_by) + ", " + std::to_string(m.wire.size()) + " octets) \u2014 " +
                    std::to_string(m.checks.size()) + " check(s), " + std::to_string(failed_count) + " failed</summary>\n";
  if (!m.note.empty()) out += "<p class=\"note\">" + Esc(m.note) + "</p>\n";
  out += ChecksTable(m.checks, "message", /*compact_passes=*/true);
  if (m.kind == "gktp" || !m.wire.empty()) out += DecodedFields(m);
  return out + "</details>\n";
}

// Which messages get full details: all of a small case; of a large one the
// failing ones first, then the rest in order, up to the limit.
std::vector<size_t> DetailedMessages(const TestCaseResult& c) {
  std::vector<size_t> picked;
  if (c.messages.size() <= kHtmlDetailedMessages) {
    for (size_t i = 0; i < c.messages.size(); ++i) picked.push_back(i);
    return picked;
  }
  std::vector<bool> taken(c.messages.size(), false);
  for (size_t i = 0; i < c.messages.size() && picked.size() < kHtmlDetailedMessages; ++i) {
    if (AnyFailed(c.messages[i])) {
      picked.push_back(i);
      taken[i] = true;
    }
  }
  for (size_t i = 0; i < c.messages.size() && picked.size() < kHtmlDetailedMessages; ++i) {
    if (!taken[i]) picked.push_back(i);
  }
  std::sort(picked.begin(), picked.end());
  return picked;
}

// The positive control of a negative case, when it had one: the evidence
// that its rejection means something (or, rejected, that it does not).
std::string ControlParagraph(const TestCaseResult& c) {
  using engine::ControlStatus;
  std::string text;
  switch (c.control.status) {
    case ControlStatus::kNone: return "";
    case ControlStatus::kOff: text = "positive control off (--no-controls)"; break;
    case ControlStatus::kAccepted: text = "positive control: the SUT accepted the valid twin of the mutated message"; break;
    case ControlStatus::kRejected: text = "positive control failed: the SUT rejected the valid twin of the mutated message"; break;
  }
  if (!c.control.detail.empty()) text += " (" + c.control.detail + ")";
  return "<p class=\"control\"" + Attr("data-control", engine::ControlStatusName(c.control.status)) + ">" + Esc(text) +
         "</p>\n";
}

std::string CaseSection(const TestCaseResult& c, size_t case_index, const std::string& pcap_dir) {
  std::string anchor = HtmlCaseAnchor(c.id);
  std::string verdict = engine::VerdictName(c.verdict);
  std::string search = AsciiLower(c.id + " " + c.title);
  for (const std::string& id : c.FailedCheckIds()) search += " " + AsciiLower(id);
  std::string out = "<section class=\"case v-" + verdict + "\"" + Attr("id", anchor) + Attr("data-case", c.id) +
                    Attr("data-role", c.role) + Attr("data-verdict", verdict) + Attr("data-search", search) + ">\n";
  out += "<h3><span class=\"badge v-" + verdict + "\">" + verdict + "</span> " + Esc(c.id) + " \u2014 " + Esc(c.title) +
         "</h3>\n";
  if (!c.summary.empty()) out += "<p class=\"case-summary\">" + Esc(c.summary) + "</p>\n";
  out += "<dl class=\"meta\"><dt>role</dt><dd>" + Esc(c.role) + "</dd>";
  std::string clauses;
  for (const std::string& clause : c.spec_clauses) clauses += (clauses.empty() ? "" : "; ") + clause;
  if (!clauses.empty()) out += "<dt>spec</dt><dd>" + Esc(clauses) + "</dd>";
  if (!c.source_file.empty()) out += "<dt>source</dt><dd><code>" + Esc(c.source_file) + "</code></dd>";
  if (!c.expected_outcome.empty()) out += "<dt>expected</dt><dd class=\"expected-outcome\">" + Esc(c.expected_outcome) + "</dd>";
  if (!c.mutation.empty()) out += "<dt>mutation</dt><dd class=\"mutation\"><code>" + Esc(c.mutation) + "</code></dd>";
  if (!c.sut_reason.empty()) out += "<dt>SUT reason</dt><dd class=\"sut-reason\">" + Esc(c.sut_reason) + "</dd>";
  out += "<dt>time</dt><dd>" + FormatSeconds(c.seconds, 3) + " s</dd><dt>messages</dt><dd>" +
         std::to_string(c.messages.size()) + "</dd>";
  if (!pcap_dir.empty()) {
    std::string file = SanitizeFileName(c.id) + ".pcap";
    std::string href = UrlPathEscape(pcap_dir + (pcap_dir.back() == '/' ? "" : "/") + file);
    out += "<dt>pcap</dt><dd><a class=\"pcap\"" + Attr("href", href) + ">" + Esc(file) + "</a></dd>";
  }
  out += "</dl>\n";
  out += ControlParagraph(c);
  out += FailuresTable(c);
  if (c.verdict == Verdict::kError || !c.sut_exit.empty() || !c.sut_stderr_tail.empty()) {
    out += "<div class=\"sut-end\">";
    if (!c.sut_exit.empty()) out += "<p>SUT exit: <code class=\"sut-exit\">" + Esc(c.sut_exit) + "</code></p>";
    if (!c.sut_stderr_tail.empty()) {
      out += "<p>SUT stderr (last " + std::to_string(c.sut_stderr_tail.size()) + " lines):</p><pre class=\"stderr\">";
      for (const std::string& line : c.sut_stderr_tail) out += Esc(line) + "\n";
      out += "</pre>";
    }
    out += "</div>\n";
  }
  if (!c.flow_checks.empty()) out += "<h4>Flow checks</h4>\n" + ChecksTable(c.flow_checks, "flow");
  if (!c.messages.empty()) {
    out += "<h4>Messages</h4>\n" + SequenceDiagram(c, case_index);
    std::vector<size_t> picked = DetailedMessages(c);
    if (picked.size() < c.messages.size()) {
      out += "<p class=\"note\">Details of " + std::to_string(picked.size()) + " of " +
             std::to_string(c.messages.size()) +
             " messages (failing ones first); report.json and the messages/ directory hold all.</p>\n";
    }
    for (size_t i : picked) out += MessageDetails(c, i, anchor);
  }
  return out + "</section>\n";
}

}  // namespace

std::string HtmlCaseAnchor(std::string_view case_id) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "case-";
  for (char ch : case_id) {
    auto u = static_cast<unsigned char>(ch);
    if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '-' || u == '.') {
      out.push_back(ch);
    } else {
      out += "_";
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0xf]);
    }
  }
  return out;
}

std::string UrlPathEscape(std::string_view path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : path) {
    auto u = static_cast<unsigned char>(ch);
    if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '-' || u == '.' ||
        u == '_' || u == '~' || u == '/') {
      out.push_back(ch);
    } else {
      out += "%";
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0xf]);
    }
  }
  // "javascript:" and friends need a ':' before any '/', which is encoded;
  // a leading "//" would name a host.
  if (out.rfind("//", 0) == 0) out = "/." + out.substr(1);
  return out;
}

std::string_view HtmlStyleSheet() { return kStyle; }

std::string HtmlReport(const RunResult& run, const HtmlOptions& options) {
  std::string pcap_dir = options.pcap_href_dir.empty() ? run.info.pcap_dir : options.pcap_href_dir;
  std::string out = PageHead("mcxtest report: " + run.info.implementation_name + " " +
                             run.info.implementation_version);
  out += "<body>\n" + Summary(run) + Matrix(run) + "<section id=\"cases\">\n<h2>Test cases</h2>\n";
  for (size_t i = 0; i < run.cases.size(); ++i) out += CaseSection(run.cases[i], i, pcap_dir);
  out += "</section>\n<script>//<![CDATA[" + std::string(kScript) + "//]]></script>\n</body>\n</html>\n";
  return out;
}

Status WriteHtmlReport(const std::string& path, const RunResult& run) {
  namespace fs = std::filesystem;
  HtmlOptions options;
  if (!run.info.pcap_dir.empty()) {
    // Relative to the report, so the directory can be moved or archived
    // as a whole; as given when no relative path exists.
    std::error_code ec;
    fs::path base = fs::absolute(fs::path(path), ec).parent_path();
    fs::path pcaps = fs::absolute(fs::path(run.info.pcap_dir), ec);
    if (!ec) {
      fs::path relative = pcaps.lexically_normal().lexically_relative(base.lexically_normal());
      if (!relative.empty()) options.pcap_href_dir = relative.generic_string();
    }
  }
  return WriteFileAtomically(path, HtmlReport(run, options));
}

}  // namespace mcx::report
