// `mcxtest report` (re-render the reports of a finished run from its
// report.json) and `mcxtest matrix` (the suite against several
// implementations, as one interop matrix).
#include <ctime>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "crypto/read_file.h"
#include "harness/cli/cli_util.h"
#include "harness/cli/command.h"
#include "harness/cli/version.h"
#include "harness/report/html.h"
#include "harness/report/json_report.h"
#include "harness/report/junit.h"
#include "harness/report/matrix.h"
#include "harness/report/report_writer.h"

namespace mcx::cli {
namespace {

namespace fs = std::filesystem;

Result<std::string> ReadReportJson(const std::string& path) {
  return ReadFileWithLimit(path, report::kMaxJsonReportSize);
}

// `target` as a link from a page in `from_dir`: relative when possible, so
// the report directory can be moved or archived as a whole.
std::string Href(const fs::path& from_dir, const fs::path& target) {
  std::error_code ec;
  fs::path base = fs::absolute(from_dir, ec).lexically_normal();
  fs::path to = fs::absolute(target, ec).lexically_normal();
  fs::path relative = to.lexically_relative(base);
  return report::UrlPathEscape((relative.empty() ? to : relative).generic_string());
}

// Single quotes for the reproducing command line, as a shell reads them.
std::string ShellQuote(const std::string& text) {
  std::string out = "'";
  for (char ch : text) {
    if (ch == '\'') {
      out += "'\\''";
    } else {
      out.push_back(ch);
    }
  }
  return out + "'";
}

// ------------------------------------------------------------------ report

struct ReportArgs {
  std::string from;
  std::string html;
  std::string junit;
};

int Report(CommandContext& ctx, const ReportArgs& args) {
  if (args.html.empty() && args.junit.empty()) return UsageError(ctx, "nothing to write: give --html and/or --junit");
  auto text = ReadReportJson(args.from);
  if (!text.ok()) return ErrorExit(ctx, text.error());
  auto run = report::ReadJsonReport(*text);
  if (!run.ok()) return InputError(ctx, args.from + ": " + run.error().ToString());
  if (!args.html.empty()) {
    if (Status s = report::WriteHtmlReport(args.html, *run); !s.ok()) return ErrorExit(ctx, s.error());
    *ctx.out << "html report: " << args.html << "\n";
  }
  if (!args.junit.empty()) {
    if (Status s = report::WriteFileAtomically(args.junit, report::JunitXml(*run)); !s.ok()) {
      return ErrorExit(ctx, s.error());
    }
    *ctx.out << "junit report: " << args.junit << "\n";
  }
  return kExitOk;
}

// ------------------------------------------------------------------ matrix

struct MatrixArgs {
  std::vector<std::string> suts;  // NAME=CMD
  std::vector<std::string> paths;
  std::string role;
  int jobs = 0;
  uint64_t seed = 1;
  double timeout_seconds = 30;
  std::string report_dir = "mcxtest-matrix";
  std::string html;
  std::string json;
  std::string junit_dir;
  std::string color = "auto";  // passed to each run
};

struct Implementation {
  std::string name;
  std::string command;  // empty: the bundled reference SUT
  std::string dir;
};


// Runs `mcxtest run` for one implementation through the CLI itself, so the
// matrix gets exactly what a user running it alone would (every `run`
// option, report files, console output), then reads its report.json back.
int RunOne(CommandContext& ctx, const MatrixArgs& args, const Implementation& impl, const std::string& junit,
           report::MatrixColumn* column) {
  std::vector<std::string> argv = {"mcxtest",  "run",           "--report-dir", impl.dir,
                                   "--html",   impl.dir + "/report.html",       "--seed",
                                   std::to_string(args.seed),   "--timeout",    std::to_string(args.timeout_seconds),
                                   "--jobs",   std::to_string(args.jobs),
                                   "--color",  args.color};
  if (!impl.command.empty()) argv.insert(argv.end(), {"--sut", impl.command});
  if (!args.role.empty()) argv.insert(argv.end(), {"--role", args.role});
  if (!junit.empty()) argv.insert(argv.end(), {"--junit", junit});
  argv.insert(argv.end(), {"--junit-suite", impl.name});
  if (!args.paths.empty()) {
    argv.push_back("--");  // test case paths may start with '-'
    argv.insert(argv.end(), args.paths.begin(), args.paths.end());
  }
  std::vector<const char*> raw;
  for (const std::string& a : argv) raw.push_back(a.c_str());
  int code = RunCli(static_cast<int>(raw.size()), raw.data(), *ctx.out, *ctx.err);
  column->exit_code = code;
  if (code == kExitSutStart) {
    column->error = "the SUT could not be started";
    return code;
  }
  if (code == kExitUsage) return code;
  const std::string json_path = impl.dir + "/report.json";
  auto text = ReadReportJson(json_path);
  if (!text.ok()) {
    column->error = text.error().message();
    return code;
  }
  auto run = report::ReadJsonReport(*text);
  if (!run.ok()) {
    column->error = run.error().ToString();
    return code;
  }
  column->run = std::move(run).value();
  return code;
}

int Matrix(CommandContext& ctx, const MatrixArgs& args) {
  if (args.suts.empty()) return UsageError(ctx, "give at least one --sut NAME=CMD");
  std::vector<Implementation> impls;
  std::set<std::string> names;
  std::set<std::string> dirs;
  for (const std::string& spec : args.suts) {
    size_t eq = spec.find('=');
    if (eq == std::string::npos || eq == 0) {
      return UsageError(ctx, "--sut '" + spec + "': expected NAME=CMD (an empty CMD means the bundled reference SUT)");
    }
    Implementation impl{spec.substr(0, eq), spec.substr(eq + 1), ""};
    if (!names.insert(impl.name).second) return UsageError(ctx, "--sut: duplicate name '" + impl.name + "'");
    std::string dir_name = report::SanitizeFileName(impl.name);
    if (!dirs.insert(dir_name).second) {
      return UsageError(ctx, "--sut: names '" + impl.name + "' and another both map to directory '" + dir_name + "'");
    }
    impl.dir = (fs::path(args.report_dir) / dir_name).string();
    impls.push_back(std::move(impl));
  }
  const std::string html_path = args.html.empty() ? args.report_dir + "/matrix.html" : args.html;
  const std::string json_path = args.json.empty() ? args.report_dir + "/matrix.json" : args.json;
  const fs::path html_dir = fs::path(html_path).parent_path();
  const fs::path json_dir = fs::path(json_path).parent_path();

  report::InteropMatrix matrix;
  matrix.started_at = NowUtcIso8601();
  matrix.mcxtest_version = kMcxtestVersion;
  matrix.command_line = "mcxtest matrix";
  for (const std::string& spec : args.suts) matrix.command_line += " --sut " + ShellQuote(spec);
  for (const std::string& p : args.paths) matrix.command_line += " " + p;
  matrix.command_line += " --seed " + std::to_string(args.seed);
  if (!args.role.empty()) matrix.command_line += " --role " + args.role;

  bool any_sut_start = false;
  bool any_failed = false;
  bool interrupted = false;
  for (const Implementation& impl : impls) {
    *ctx.out << "== " << impl.name << ": " << (impl.command.empty() ? "(bundled reference SUT)" : impl.command)
             << "\n";
    ctx.out->flush();
    report::MatrixColumn column;
    column.name = impl.name;
    column.command = impl.command;
    std::string junit = args.junit_dir.empty()
                            ? ""
                            : (fs::path(args.junit_dir) / (report::SanitizeFileName(impl.name) + ".xml")).string();
    int code = RunOne(ctx, args, impl, junit, &column);
    if (code == kExitUsage) return code;  // the same for every implementation: stop here
    if (column.error.empty()) {
      column.html_href = Href(html_dir, impl.dir + "/report.html");
      column.json_href = Href(html_dir, impl.dir + "/report.json");
    }
    any_sut_start |= code == kExitSutStart;
    any_failed |= code != kExitOk;
    interrupted |= code == kExitInterrupted;
    matrix.columns.push_back(std::move(column));
    if (interrupted) break;
  }

  if (Status s = report::WriteFileAtomically(html_path, report::MatrixHtml(matrix)); !s.ok()) {
    *ctx.err << "mcxtest: " << s.error().ToString() << "\n";
    return kExitUsage;
  }
  // The JSON's links are relative to its own directory.
  for (size_t i = 0; i < matrix.columns.size(); ++i) {
    if (!matrix.columns[i].error.empty()) continue;
    matrix.columns[i].html_href = Href(json_dir, impls[i].dir + "/report.html");
    matrix.columns[i].json_href = Href(json_dir, impls[i].dir + "/report.json");
  }
  std::string json = report::MatrixJson(matrix).dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  if (Status s = report::WriteFileAtomically(json_path, json + "\n"); !s.ok()) {
    *ctx.err << "mcxtest: " << s.error().ToString() << "\n";
    return kExitUsage;
  }

  *ctx.out << "\ninterop matrix (" << matrix.columns.size() << " implementation(s)):\n";
  for (const report::MatrixColumn& column : matrix.columns) {
    report::RunCounts counts = report::CountCases(column.run.cases);
    *ctx.out << "  " << column.name << ": ";
    if (!column.error.empty()) {
      *ctx.out << "not run (" << column.error << ")\n";
      continue;
    }
    *ctx.out << counts.all.passed << " passed, " << counts.all.failed << " failed, " << counts.all.skipped
             << " skipped, " << counts.all.error << " error\n";
  }
  *ctx.out << "matrix: " << html_path << ", " << json_path << "\n";
  if (interrupted) return kExitInterrupted;
  if (any_sut_start) return kExitSutStart;
  return any_failed ? kExitRejected : kExitOk;
}

}  // namespace

void AddReportCommands(CLI::App& app, CommandContext& ctx) {
  auto report_args = std::make_shared<ReportArgs>();
  CLI::App* report = app.add_subcommand("report", "Render the reports of a finished run from its report.json");
  report->add_option("--from", report_args->from, "report.json of the run")->required();
  report->add_option("--html", report_args->html, "Write the self-contained HTML report here");
  report->add_option("--junit", report_args->junit, "Write the JUnit XML here");
  SetAction(report, ctx, [&ctx, report_args] { return Report(ctx, *report_args); });

  auto args = std::make_shared<MatrixArgs>();
  CLI::App* matrix = app.add_subcommand(
      "matrix", "Run the suite against several implementations and write one interop matrix");
  matrix->add_option("--sut", args->suts,
                     "NAME=CMD: an implementation and its shim command (repeat; empty CMD: bundled reference)")
      ->required()
      ->allow_extra_args(false);  // one NAME=CMD per --sut, so test case paths may follow
  matrix->add_option("testcases", args->paths, "Test case files or directories (default: testcases/)");
  matrix->add_option("--role", args->role, "Only test cases for this SUT role");
  matrix->add_option("--jobs", args->jobs, "Test cases run at once per implementation (as for run)")
      ->check(DecimalIn(0, kMaxJobs));
  matrix->add_option("--seed", args->seed, "Seed for keys and random values (same for every implementation)")
      ->check(DecimalIn(0, UINT64_MAX));
  matrix->add_option("--timeout", args->timeout_seconds, "Per-request timeout in seconds (default 30, at most 86400)")
      ->check(SecondsUpTo(kMaxTimeoutSeconds));
  matrix->add_option("--color", args->color, "Colour the verdicts: auto (default), always, never (as for run)")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  matrix->add_option("--report-dir", args->report_dir,
                     "Directory of the per-implementation reports, <dir>/<NAME>/ (default mcxtest-matrix/)");
  matrix->add_option("--html", args->html, "The matrix as HTML (default <report-dir>/matrix.html)");
  matrix->add_option("--json", args->json, "The matrix as JSON (default <report-dir>/matrix.json)");
  matrix->add_option("--junit", args->junit_dir, "Also write each implementation's JUnit XML as DIR/<NAME>.xml");
  SetAction(matrix, ctx, [&ctx, args] { return Matrix(ctx, *args); });
}

}  // namespace mcx::cli
