// `mcxtest run` and `mcxtest list`: the conformance suite.
#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "harness/cli/case_pool.h"
#include "harness/cli/case_progress.h"
#include "harness/cli/cli_util.h"
#include "harness/cli/command.h"
#include "harness/cli/version.h"
#include "harness/engine/engine.h"
#include "harness/pcap/sip_trace.h"
#include "harness/report/console.h"
#include "harness/report/html.h"
#include "harness/report/report_writer.h"
#include "harness/report/text.h"
#include "harness/scenario/scenario.h"
#include "harness/shim/client.h"
#include "harness/sut/interrupt.h"

namespace mcx::cli {
namespace {

namespace fs = std::filesystem;

// The checkout's testcases/ (the launcher exports MCXTEST_ROOT), else ./testcases.
std::string DefaultTestcases() {
  if (const char* root = std::getenv("MCXTEST_ROOT")) return std::string(root) + "/testcases";
  return "testcases";
}

// A relative test case path that does not exist here but does in the
// checkout (MCXTEST_ROOT) is the checkout's: `./mcxtest run testcases/ue`
// from any directory means what a bare `run` would, as the docs show it.
std::vector<std::string> ResolveTestcasePaths(std::vector<std::string> paths) {
  if (paths.empty()) return {DefaultTestcases()};
  const char* root = std::getenv("MCXTEST_ROOT");
  if (root == nullptr || *root == '\0') return paths;
  for (std::string& p : paths) {
    std::error_code ec;
    if (p.empty() || fs::path(p).is_absolute() || fs::exists(p, ec)) continue;
    fs::path in_root = fs::path(root) / p;
    if (fs::exists(in_root, ec)) p = in_root.string();
  }
  return paths;
}

Result<std::vector<scenario::Scenario>> LoadAll(const std::vector<std::string>& paths, const std::string& role) {
  std::vector<scenario::Scenario> out;
  std::set<std::string> ids;
  for (const auto& p : paths) {
    MCX_ASSIGN_OR_RETURN(std::vector<scenario::Scenario> loaded, scenario::LoadScenarios(p));
    for (auto& s : loaded) {
      if (!role.empty() && role != scenario::SutRoleName(s.role)) continue;
      if (!ids.insert(s.id).second) return InvalidArgument(s.source_file + ": duplicate test case ID '" + s.id + "'");
      out.push_back(std::move(s));
    }
  }
  return out;
}

// `list --json`: what CI and scripts select cases by, one object per case.
std::string ListJson(const std::vector<scenario::Scenario>& cases) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& s : cases) {
    nlohmann::ordered_json c;
    c["id"] = s.id;
    c["role"] = scenario::SutRoleName(s.role);
    c["title"] = s.title;
    c["procedure"] = scenario::ProcedureName(s.procedure);
    c["expected_outcome"] = s.expect.outcome == scenario::Expectation::Outcome::kReject ? "reject" : "accept";
    c["failing_checks"] = s.expect.failing_checks;
    c["mutation"] = s.injection.mutation;
    c["clauses"] = s.spec_clauses;
    c["file"] = s.source_file;
    list.push_back(std::move(c));
  }
  return list.dump(2);
}

struct RunArgs {
  std::vector<std::string> paths;
  std::string sut;
  std::string role;
  int jobs = 0;
  uint64_t seed = 1;
  double timeout_seconds = 30;
  std::string report_dir = "mcxtest-report";
  std::string junit;
  std::string json;
  std::string html;  // --html: the self-contained HTML report
  std::string pcap_dir;  // one trace per case, when set
  bool pcap_keys = false;  // also each case's key store (with its test KMS secrets)
  bool no_controls = false;  // --no-controls: negative cases without their positive control
  uint64_t t_window_seconds = engine::kDefaultTWindowSeconds;  // --t-window
  std::string junit_suite;  // --junit-suite: the JUnit testsuite's name (matrix: the column's)
  std::string shard;        // --shard I/N
  std::string color = "auto";  // --color auto|always|never
};

// Columns of the terminal on stderr (for the live line), 80 if unknown.
size_t TerminalWidth() {
  struct winsize size {};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return CaseProgress::kDefaultWidth;
}

struct Shard {
  size_t index = 0;
  size_t count = 1;
};

// "I/N" with 0 <= I < N, as Bazel's TEST_SHARD_INDEX/TEST_TOTAL_SHARDS.
Result<Shard> ParseShard(const std::string& text) {
  auto fail = [&] {
    return InvalidArgument("--shard '" + text + "': expected I/N with 0 <= I < N (e.g. 0/4), as Bazel's "
                           "TEST_SHARD_INDEX/TEST_TOTAL_SHARDS");
  };
  size_t slash = text.find('/');
  if (slash == std::string::npos) return fail();
  auto number = [](std::string_view digits, size_t* out) {
    if (digits.empty() || digits.size() > 6) return false;
    size_t v = 0;
    for (char ch : digits) {
      if (ch < '0' || ch > '9') return false;
      v = v * 10 + static_cast<size_t>(ch - '0');
    }
    *out = v;
    return true;
  };
  Shard shard;
  if (!number(std::string_view(text).substr(0, slash), &shard.index) ||
      !number(std::string_view(text).substr(slash + 1), &shard.count) || shard.count == 0 ||
      shard.index >= shard.count) {
    return fail();
  }
  return shard;
}

// --pcap-dir: the case's SIP trace, and with --pcap-keys the key store that
// verifies it (Wireshark's mcxmikey.keystore preference). The store holds the
// run's test KMS master secrets, so it is written only on request.
// Failures are reported, not fatal.
void WriteCaseTrace(CommandContext& ctx, const std::string& dir, bool with_keys, const scenario::Scenario& s,
                    const engine::EngineOptions& options, const engine::TestCaseResult& r) {
  if (Status st = pcap::WriteSipTrace(pcap::TracePath(dir, r.id), r); !st.ok()) {
    *ctx.err << "mcxtest: " << st.error().ToString() << "\n";
  }
  if (!with_keys) return;
  auto json = engine::CaseKeyStoreJson(s, options);
  const std::string path = pcap::KeyStorePath(dir, r.id);
  if (!json.ok()) {
    *ctx.err << "mcxtest: " << path << ": " << json.error().ToString() << "\n";
    return;
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << *json;
  out.close();
  if (!out) *ctx.err << "mcxtest: cannot write " << path << "\n";
  // It holds the (test) KMS master secrets: owner only, like a store's
  // master-secrets.json.
  std::error_code ec;
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace, ec);
}

// Starts the SUT once and says hello: a command that cannot even do that is
// a setup problem (exit 3), not a list of failed test cases.
Result<shim::HelloAnswer> ProbeSut(const std::string& command, std::chrono::milliseconds timeout) {
  sut::ProcessOptions po;
  po.command = command;
  auto process = sut::SutProcess::Start(po);
  if (!process.ok()) return process.error();
  shim::ShimClient shim(std::move(process).value(), timeout);
  shim::HelloRequest probe;
  probe.test_case = "probe";
  auto hello = shim.Ask<shim::HelloCall>(probe);
  shim.Shutdown();
  if (!hello.call.ok()) {
    std::string tail;
    for (const auto& l : shim.StderrTail()) tail += "\n  " + l;
    return Error(ErrorCode::kIo, hello.call.detail + tail);
  }
  if (hello.malformed) return *hello.malformed;
  return std::move(*hello.answer);
}

// The result of a case that did not run: `verdict` kSkipped (interrupted
// first) or kError (the SUT could not be started), `reason` saying why.
engine::TestCaseResult NotRun(const scenario::Scenario& s, engine::Verdict verdict, const std::string& reason) {
  engine::TestCaseResult r;
  r.id = s.id;
  r.title = s.title;
  r.role = scenario::SutRoleName(s.role);
  r.spec_clauses = s.spec_clauses;
  r.source_file = s.source_file;
  r.verdict = verdict;
  r.summary = reason;
  return r;
}

// Finishes every report of the run: CI reads them above all when a run
// ends early, so an interrupt or a SUT that cannot start still gets
// complete files with every case in them.
void FinishReports(CommandContext& ctx, report::ReportWriter& writer, const std::string& html,
                   const engine::RunResult& run) {
  if (Status s = writer.Finish(run.interrupted); !s.ok()) *ctx.err << "mcxtest: " << s.error().ToString() << "\n";
  if (!html.empty()) {
    if (Status s = report::WriteHtmlReport(html, run); !s.ok()) *ctx.err << "mcxtest: " << s.error().ToString() << "\n";
  }
}

// Exit 3: every case an error carrying the reason, in every report.
int SutCannotStart(CommandContext& ctx, report::ReportWriter& writer, const RunArgs& args,
                   const std::vector<scenario::Scenario>& cases, engine::RunResult& run, const std::string& reason) {
  // Everything here may come from the shim (its error text, stderr): a
  // terminal must not execute it.
  *ctx.err << "mcxtest: the SUT could not be started (" << report::PrintableText(args.sut)
           << "): " << report::PrintableText(reason, /*keep_newlines=*/true) << "\n";
  for (const auto& s : cases) {
    run.cases.push_back(NotRun(s, engine::Verdict::kError, "the SUT could not be started: " + reason));
    if (Status st = writer.AddCase(run.cases.back()); !st.ok()) *ctx.err << "mcxtest: " << st.error().ToString() << "\n";
  }
  FinishReports(ctx, writer, args.html, run);
  *ctx.out << "reports: " << writer.junit_path() << ", " << writer.json_path()
           << (args.html.empty() ? "" : ", " + args.html) << "\n";
  return kExitSutStart;
}

int Run(CommandContext& ctx, RunArgs args, const std::string& command_line) {
  args.paths = ResolveTestcasePaths(std::move(args.paths));
  if (!args.role.empty() && !scenario::SutRoleFromName(args.role)) {
    return UsageError(ctx, "unknown role '" + args.role + "' (primary-gms, partner-gms, ue)");
  }
  if (args.pcap_keys && args.pcap_dir.empty()) return UsageError(ctx, "--pcap-keys needs --pcap-dir");
  Shard shard;
  if (!args.shard.empty()) {
    auto parsed = ParseShard(args.shard);
    if (!parsed.ok()) return UsageError(ctx, parsed.error().message());
    shard = *parsed;
  }
  auto cases = LoadAll(args.paths, args.role);
  if (!cases.ok()) return ErrorExit(ctx, cases.error());
  if (cases->empty()) return UsageError(ctx, "no test cases found");
  if (shard.count > 1) {
    // Round robin over the loaded (ID-ordered) cases: every shard gets a mix
    // of roles and lengths, and the shards together run each case once.
    std::vector<scenario::Scenario> mine;
    for (size_t i = shard.index; i < cases->size(); i += shard.count) mine.push_back(std::move((*cases)[i]));
    *cases = std::move(mine);
    // More shards than cases: an empty shard passes, so a fixed shard_count
    // keeps working as the suite shrinks.
    if (cases->empty()) {
      *ctx.out << "mcxtest: shard " << args.shard << " has no test cases\n";
    }
  }
  if (!args.pcap_dir.empty()) {
    std::error_code ec;
    fs::create_directories(args.pcap_dir, ec);
    if (ec) return InputError(ctx, "cannot create --pcap-dir " + args.pcap_dir + ": " + ec.message());
  }

  engine::RunInfo info;
  info.sut_command = args.sut;
  info.command_line = command_line;
  info.seed = args.seed;
  info.controls = !args.no_controls;
  info.t_window_seconds = args.t_window_seconds;
  info.started_at = NowUtcIso8601();
  info.mcxtest_version = kMcxtestVersion;
  info.pcap_dir = args.pcap_dir;
  engine::RunResult run;
  run.info = info;
  // From here on SIGINT and SIGTERM end the run with complete reports,
  // also while the first hello waits.
  sut::InterruptScope interrupt_scope;

  const bool bundled_sut = args.sut.empty() || NamesBundledSut(args.sut);
  if (bundled_sut) {
    args.sut = args.sut.empty() ? BundledSutPath() : ResolveBundledSut(args.sut, BundledSutPath());
    run.info.sut_command = args.sut;
  }
  auto timeout = std::chrono::milliseconds(static_cast<int64_t>(args.timeout_seconds * 1000));
  Result<shim::HelloAnswer> hello = args.sut.empty() || NamesBundledSut(args.sut)
                                        ? Error(ErrorCode::kNotFound,
                                                "the bundled reference SUT was not found next to this binary; pass --sut CMD")
                                        : ProbeSut(args.sut, timeout);
  if (hello.ok()) {
    run.info.implementation_name = hello->name;
    run.info.implementation_version = hello->version;
  }
  report::ReportWriter writer(args.report_dir, args.junit, args.json);
  writer.set_junit_suite(args.junit_suite);
  if (Status s = writer.Begin(run.info); !s.ok()) {
    return InputError(ctx, "cannot write reports: " + s.error().message());
  }
  if (!hello.ok() && !sut::Interrupted()) return SutCannotStart(ctx, writer, args, *cases, run, hello.error().ToString());
  if (hello.ok()) {
    *ctx.out << "mcxtest " << kMcxtestVersion << ": " << cases->size() << " test case(s) against "
             << report::PrintableText(hello->name + " " + hello->version) << " (seed " << args.seed << ")\n";
  }

  const Parallelism parallel =
      ChooseParallelism(args.jobs, bundled_sut, cases->size(), static_cast<int>(std::thread::hardware_concurrency()));
  engine::EngineOptions options;
  options.sut_command = args.sut;
  options.timeout = timeout;
  options.seed = args.seed;
  options.jobs = parallel.verify_threads;
  options.controls = !args.no_controls;
  options.t_window_seconds = args.t_window_seconds;
  const bool live = ctx.err == &std::cerr && ::isatty(STDERR_FILENO) == 1;
  const bool color = UseColor(args.color, ctx.out == &std::cout && ::isatty(STDOUT_FILENO) == 1);
  CaseProgress progress(*ctx.err, live, /*name_cases=*/parallel.cases > 1, live ? TerminalWidth() : 0);
  size_t ran = RunCasesInOrder(
      cases->size(), parallel.cases, [] { return sut::Interrupted(); },
      [&](size_t i) {
        engine::EngineOptions case_options = options;
        case_options.progress = progress.For(i, (*cases)[i].id);
        case_options.waiting = progress.Waiting(i, (*cases)[i].id);
        engine::TestCaseResult r = engine::RunTestCase((*cases)[i], case_options);
        progress.CaseDone(i);
        return r;
      },
      [&](size_t i, engine::TestCaseResult&& r) {
        if (!args.pcap_dir.empty()) WriteCaseTrace(ctx, args.pcap_dir, args.pcap_keys, (*cases)[i], options, r);
        std::string line = report::CaseLine(r, i + 1, cases->size(), color);
        if (line.empty() || line.back() != '\n') line += "\n";
        if (r.verdict == engine::Verdict::kFailed || r.verdict == engine::Verdict::kError ||
            r.verdict == engine::Verdict::kInconclusive) {
          line += report::CaseDetails(r);
        }
        progress.Print(*ctx.out, line);
        if (Status s = writer.AddCase(r); !s.ok()) *ctx.err << "mcxtest: " << s.error().ToString() << "\n";
        run.cases.push_back(std::move(r));
      });
  // A signal during the last case still marks the run interrupted: that
  // case may have been cut short.
  run.interrupted = sut::Interrupted();
  const size_t completed = ran;
  for (; ran < cases->size(); ++ran) {
    run.cases.push_back(NotRun((*cases)[ran], engine::Verdict::kSkipped,
                               std::string("not run: the run was interrupted (") + sut::InterruptSignalName() + ")"));
    if (Status s = writer.AddCase(run.cases.back()); !s.ok()) *ctx.err << "mcxtest: " << s.error().ToString() << "\n";
  }
  FinishReports(ctx, writer, args.html, run);
  *ctx.out << report::SummaryTable(run, color);
  *ctx.out << "reports: " << writer.junit_path() << ", " << writer.json_path()
           << (args.html.empty() ? "" : ", " + args.html) << "\n";
  if (run.interrupted) {
    *ctx.err << "mcxtest: interrupted (" << sut::InterruptSignalName() << ") after " << completed << " of "
             << cases->size() << " case(s); the reports mark the rest as skipped\n";
    return kExitInterrupted;
  }
  return report::CountCases(run.cases).all.AllPassed() ? kExitOk : kExitRejected;
}

}  // namespace

void AddRunCommands(CLI::App& app, CommandContext& ctx) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* run = app.add_subcommand("run", "Run the conformance suite against an implementation");
  run->add_option("testcases", args->paths, "Test case files or directories (default: testcases/)");
  run->add_option("--sut", args->sut,
                  "Shim command of the implementation under test (default: bundled reference; `reference ARGS` "
                  "names it too, e.g. \"reference --defect rand-short\")");
  run->add_option("--role", args->role, "Only test cases for this SUT role");
  run->add_option("--jobs", args->jobs,
                  "Test cases run at once, each with its own SUT process (default: one per core for the "
                  "bundled reference SUT, 1 with --sut; at most 1024); each verifies on the cores the others leave")
      ->check(DecimalIn(0, kMaxJobs));
  run->add_option("--seed", args->seed, "Seed for keys and random values, 0 to 2^64-1 (reproducible runs)")
      ->check(DecimalIn(0, UINT64_MAX));
  run->add_option("--timeout", args->timeout_seconds, "Per-request timeout in seconds (default 30, at most 86400)")
      ->check(SecondsUpTo(kMaxTimeoutSeconds));
  run->add_option("--report-dir", args->report_dir, "Report directory (default mcxtest-report/)");
  run->add_option("--junit", args->junit, "Also write the JUnit XML here");
  run->add_option("--json", args->json, "Also write report.json here");
  run->add_option("--html", args->html, "Also write the self-contained HTML report here");
  run->add_option("--pcap-dir", args->pcap_dir,
                  "Write one pcap per test case (SIP MESSAGEs over UDP) here");
  run->add_option("--t-window", args->t_window_seconds,
                  "How far (seconds) T may lie from a receiver's clock in the harness's verification; case UE-021 "
                  "puts T a day beyond it (default 300)")
      ->check(DecimalIn(1, uint64_t{86400} * 30));
  run->add_option("--shard", args->shard,
                  "Run only shard I of N (0 <= I < N): every Nth case from the I-th, as Bazel's "
                  "TEST_SHARD_INDEX/TEST_TOTAL_SHARDS (docs/bazel.md)");
  run->add_option("--junit-suite", args->junit_suite,
                  "Name the JUnit testsuite NAME and its classnames mcxtest.NAME.<role> (matrix: each "
                  "implementation's name), so several SUTs do not collide in CI");
  run->add_option("--color", args->color,
                  "Colour the verdicts: auto (default: when stdout is a terminal and NO_COLOR is unset), "
                  "always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  run->add_flag("--no-controls", args->no_controls,
                "Skip the positive controls (the valid twin delivered before each negative case's mutated "
                "message); negative verdicts then rest on rejections alone, and the reports say so");
  run->add_flag("--pcap-keys", args->pcap_keys,
                "With --pcap-dir: also write each case's key store JSON (the run's test KMS secrets) "
                "for Wireshark's mcxmikey.keystore preference");
  SetAction(run, ctx, [&ctx, args, run] {
    std::string command_line = "mcxtest run";
    for (const auto& p : args->paths) command_line += " " + p;
    command_line += " --seed " + std::to_string(args->seed);
    if (!args->role.empty()) command_line += " --role " + args->role;
    if (!args->sut.empty()) command_line += " --sut '" + args->sut + "'";
    if (!args->pcap_dir.empty()) command_line += " --pcap-dir " + args->pcap_dir;
    if (args->pcap_keys) command_line += " --pcap-keys";
    if (args->no_controls) command_line += " --no-controls";
    if (!args->shard.empty()) command_line += " --shard " + args->shard;
    if (args->t_window_seconds != engine::kDefaultTWindowSeconds) {
      command_line += " --t-window " + std::to_string(args->t_window_seconds);
    }
    (void)run;
    return Run(ctx, *args, command_line);
  });

  auto list_paths = std::make_shared<std::vector<std::string>>();
  auto list_role = std::make_shared<std::string>();
  auto list_json = std::make_shared<bool>(false);
  CLI::App* list = app.add_subcommand("list", "List the conformance test cases");
  list->add_option("testcases", *list_paths, "Test case files or directories (default: testcases/)");
  list->add_option("--role", *list_role, "Only test cases for this SUT role");
  list->add_flag("--json", *list_json,
                 "One JSON array instead: per case id, role, title, procedure, expected outcome, failing_checks, "
                 "mutation, clauses, file");
  SetAction(list, ctx, [&ctx, list_paths, list_role, list_json] {
    std::vector<std::string> paths = ResolveTestcasePaths(*list_paths);
    if (!list_role->empty() && !scenario::SutRoleFromName(*list_role)) {
      return UsageError(ctx, "unknown role '" + *list_role + "' (primary-gms, partner-gms, ue)");
    }
    auto cases = LoadAll(paths, *list_role);
    if (!cases.ok()) return ErrorExit(ctx, cases.error());
    if (*list_json) {
      *ctx.out << ListJson(*cases) << "\n";
      return kExitOk;
    }
    for (const auto& s : *cases) {
      std::string clauses;
      for (const auto& c : s.spec_clauses) clauses += (clauses.empty() ? "" : "; ") + c;
      *ctx.out << s.id << "\t" << scenario::SutRoleName(s.role) << "\t" << s.title << "\t[" << clauses << "]\n";
    }
    *ctx.out << cases->size() << " test case(s)\n";
    return kExitOk;
  });
}

}  // namespace mcx::cli
