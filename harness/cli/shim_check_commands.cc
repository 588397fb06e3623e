// `mcxtest shim-check --sut CMD [--role R]`: the first step of connecting a
// shim (docs/shim-protocol.md). It drives the shim through the probe and one
// harmless valid conversation per role (hello, provision, the role's request,
// shutdown) and reports the first thing wrong with its framing or answers —
// "answer to 'deliver-gktp' lacks 'accepted' (line 3)" — rather than the
// conformance verdicts `mcxtest run` gives.
//
// Exit codes: 0 every answer was well-formed and the shim exited with code 0
// after each shutdown; 1 a problem (each printed as FAIL); 2 a usage error.
#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "harness/cli/cli_util.h"
#include "harness/cli/command.h"
#include "harness/engine/engine.h"
#include "harness/scenario/scenario.h"
#include "harness/shim/client.h"
#include "harness/sut/process.h"

namespace mcx::cli {
namespace {

// One positive conversation per role, the smallest the engine runs: its
// requests are valid and need only a well-behaved answer. Not test cases of
// testcases/ (a shim-check must not change when those do).
constexpr char kDomains[] = R"(
procedure: multi-domain-regroup
domains:
  primary: {kms_uri: kms.police.example, gms_uri: "sip:gms@police.example", key_period: 2592000}
  partner: {kms_uri: kms.fire.example, gms_uri: "sip:gms@fire.example", key_period: 2592000}
groups:
  - id: sip:group-a@police.example
    domain: primary
    members: [sip:alice@police.example]
  - id: sip:group-b@fire.example
    domain: partner
    members: [sip:dave@fire.example]
regroup:
  requester: sip:alice@police.example
  temporary_group_id: sip:temp-1@police.example
  constituent_groups: [sip:group-a@police.example, sip:group-b@fire.example]
expect:
  outcome: accept
)";

struct RoleCheck {
  const char* role;
  const char* request;  // the request type the role answers
};
constexpr RoleCheck kRoleChecks[] = {
    {"primary-gms", "regroup-request"},
    {"partner-gms", "regroup-notification"},
    {"ue", "deliver-gktp"},
};

Result<scenario::Scenario> CheckScenario(const std::string& role) {
  std::string yaml = "id: SHIM-CHECK-" + role + "\ntitle: shim-check conversation for role " + role +
                     "\nspec: [\"mcxtest shim protocol\"]\nrole: " + role + kDomains;
  return scenario::ParseScenario(yaml, "shim-check(" + role + ")");
}

std::string Joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

class Checker {
 public:
  Checker(CommandContext& ctx, std::string sut, std::chrono::milliseconds timeout)
      : ctx_(ctx), sut_(std::move(sut)), timeout_(timeout) {}

  // The probe `mcxtest run` sends first: hello without role, seed or clock,
  // then shutdown. Returns the roles the shim plays, or nothing when it failed.
  std::optional<std::vector<std::string>> Probe() {
    sut::ProcessOptions po;
    po.command = sut_;
    auto process = sut::SutProcess::Start(po);
    if (!process.ok()) {
      Problem("probe", "the shim could not be started: " + process.error().ToString(), {});
      return std::nullopt;
    }
    shim::ShimClient client(std::move(process).value(), timeout_);
    shim::HelloRequest probe;
    probe.test_case = "probe";
    auto hello = client.Ask<shim::HelloCall>(probe);
    sut::ExitInfo exit = client.Shutdown();
    if (!hello.call.ok()) {
      Problem("probe", std::string(shim::CallFailureName(hello.call.failure)) + ": " + hello.call.detail,
              client.StderrTail());
      return std::nullopt;
    }
    if (hello.malformed) {
      Problem("probe", hello.malformed->message(), client.StderrTail());
      return std::nullopt;
    }
    if (!ExitedCleanly(exit)) {
      Problem("probe", "after 'shutdown' the shim " + exit.ToString() + ", expected exit code 0", client.StderrTail());
      return std::nullopt;
    }
    Ok("probe", "hello answered: " + hello.answer->name + " " + hello.answer->version + ", roles [" +
                    Joined(hello.answer->roles) + "]; exited with code 0 after shutdown");
    return hello.answer->roles;
  }

  // hello, provision, the role's request and shutdown, through the engine
  // exactly as `mcxtest run` does.
  void Conversation(const RoleCheck& check) {
    const std::string label = check.role;
    auto s = CheckScenario(check.role);
    if (!s.ok()) {
      Problem(label, "internal: " + s.error().ToString(), {});
      return;
    }
    engine::EngineOptions options;
    options.sut_command = sut_;
    options.timeout = timeout_;
    options.controls = false;
    options.jobs = 1;
    engine::TestCaseResult r = engine::RunTestCase(*s, options);
    const std::string conversation = "hello, provision, " + std::string(check.request) + ", shutdown";
    switch (r.verdict) {
      case engine::Verdict::kSkipped:
      case engine::Verdict::kError:
        Problem(label, r.summary, r.sut_stderr_tail);
        return;
      case engine::Verdict::kFailed:
        // A shim that answers {"error": ...} to a valid request fails the
        // case; so does a well-formed answer a conformance check refuses,
        // which is `mcxtest run`'s business, not a framing problem.
        if (r.summary.starts_with(shim::CallFailureName(shim::CallFailure::kShimError))) {
          Problem(label, r.summary, r.sut_stderr_tail);
          return;
        }
        break;
      case engine::Verdict::kPassed:
      case engine::Verdict::kInconclusive:
        break;
    }
    const std::string clean = sut::ExitInfo{.exited = true, .exit_code = 0}.ToString();
    if (r.sut_exit != clean) {
      Problem(label, "after 'shutdown' the shim " + r.sut_exit + ", expected exit code 0", r.sut_stderr_tail);
      return;
    }
    std::string note = r.verdict == engine::Verdict::kFailed
                           ? " (well-formed; conformance " + r.summary + ": see mcxtest run)"
                           : "";
    Ok(label, conversation + ": every answer well-formed" + note);
  }

  int problems() const { return problems_; }

 private:
  static bool ExitedCleanly(const sut::ExitInfo& e) { return e.exited && e.exit_code == 0; }

  void Ok(const std::string& what, const std::string& detail) {
    *ctx_.out << "ok    " << what << ": " << detail << "\n";
  }
  void Problem(const std::string& what, const std::string& detail, const std::vector<std::string>& stderr_tail) {
    ++problems_;
    *ctx_.out << "FAIL  " << what << ": " << detail << "\n";
    // The last lines the shim logged usually say why.
    size_t from = stderr_tail.size() > 5 ? stderr_tail.size() - 5 : 0;
    for (size_t i = from; i < stderr_tail.size(); ++i) *ctx_.out << "        stderr: " << stderr_tail[i] << "\n";
  }

  CommandContext& ctx_;
  std::string sut_;
  std::chrono::milliseconds timeout_;
  int problems_ = 0;
};

}  // namespace

void AddShimCheckCommands(CLI::App& app, CommandContext& ctx) {
  struct Flags {
    std::string sut, role;
    double timeout = 10;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* sub = app.add_subcommand(
      "shim-check",
      "Self-test a shim's framing and answers (the probe, then hello, provision, one valid request of each role "
      "and shutdown) before any conformance run; exit 0 all well-formed, 1 a problem, 2 usage");
  sub->add_option("--sut", f->sut, "the shim command (as for run; `reference` names the bundled one)")->required();
  sub->add_option("--role", f->role, "check only this role: primary-gms, partner-gms or ue (default: every role "
                                     "the shim's hello lists)");
  sub->add_option("--timeout", f->timeout, "seconds to wait for each answer (default 10, at most 86400)")
      ->check(SecondsUpTo(86400));
  SetAction(sub, ctx, [&ctx, f] {
    const RoleCheck* only = nullptr;
    if (!f->role.empty()) {
      for (const auto& c : kRoleChecks) {
        if (f->role == c.role) only = &c;
      }
      if (only == nullptr) {
        return UsageError(ctx, "--role: unknown role '" + f->role + "' (primary-gms, partner-gms or ue)");
      }
    }
    std::string sut = f->sut;
    if (NamesBundledSut(sut)) {
      std::string bundled = BundledSutPath();
      if (bundled.empty()) return UsageError(ctx, "the bundled reference SUT was not found next to this binary");
      sut = ResolveBundledSut(sut, bundled);
    }
    *ctx.out << "shim-check: " << f->sut << "\n";
    Checker checker(ctx, sut, std::chrono::milliseconds(static_cast<int64_t>(f->timeout * 1000)));
    if (auto roles = checker.Probe()) {
      bool any = false;
      for (const auto& c : kRoleChecks) {
        if (only != nullptr && only != &c) continue;
        bool listed = std::find(roles->begin(), roles->end(), c.role) != roles->end();
        if (!listed && only == nullptr) continue;
        any = true;
        checker.Conversation(c);
      }
      if (!any) {
        *ctx.out << "FAIL  roles: the hello answer lists no role this harness tests "
                    "(primary-gms, partner-gms or ue)\n";
        return kExitRejected;
      }
    }
    if (checker.problems() > 0) {
      *ctx.out << "shim-check: " << checker.problems() << " problem(s); fix them before `mcxtest run`\n";
      return kExitRejected;
    }
    *ctx.out << "shim-check: passed; next: mcxtest run --sut ...\n";
    return kExitOk;
  });
}

}  // namespace mcx::cli
