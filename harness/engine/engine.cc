#include "harness/engine/engine.h"

#include <algorithm>
#include <chrono>
#include <memory>

#include "harness/engine/case_runner.h"
#include "harness/engine/world.h"
#include "mikey/gktp_faults.h"

namespace mcx::engine {

using scenario::Scenario;

const std::vector<MutationInfo>& Mutations() {
  static const std::vector<MutationInfo> kInfo = [] {
    std::vector<MutationInfo> out;
    for (const mikey::GktpFault& f : mikey::GktpFaults()) {
      if (f.injected()) out.push_back({f.name, f.description});
    }
    std::sort(out.begin(), out.end(), [](const MutationInfo& a, const MutationInfo& b) { return a.name < b.name; });
    return out;
  }();
  return kInfo;
}

TestCaseResult RunTestCase(const Scenario& s, const EngineOptions& options) {
  auto start = std::chrono::steady_clock::now();
  TestCaseResult r;
  r.id = s.id;
  r.title = s.title;
  r.role = scenario::SutRoleName(s.role);
  r.spec_clauses = s.spec_clauses;
  r.source_file = s.source_file;
  r.expected_outcome = s.expect.outcome == scenario::Expectation::Outcome::kReject ? "reject" : "accept";
  r.mutation = s.injection.mutation;
  CaseRunner(s, options, r).Run();
  // The stderr tail explains failures and errors (docs/shim-protocol.md);
  // reports of passes and skips do not carry what a vendor's shim logged.
  if (r.verdict != Verdict::kFailed && r.verdict != Verdict::kError) r.sut_stderr_tail.clear();
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

Result<std::string> CaseKeyStoreJson(const Scenario& s, const EngineOptions& options) {
  MCX_ASSIGN_OR_RETURN(std::unique_ptr<World> world, BuildWorld(s, options));
  return world->store.ExportJson(/*include_secrets=*/true);
}

}  // namespace mcx::engine
