#include "harness/engine/case_runner.h"

#include <algorithm>

#include "harness/reference/reference.h"
#include "harness/sut/process.h"
#include "kms/drbg.h"
#include "mikey/gktp_builder.h"
#include "mikey/gktp_faults.h"

namespace mcx::engine {

using checks::CheckId;
using scenario::SutRole;
using shim::Party;

std::string RejectionText(const std::string& reason, const std::string& reason_code) {
  return reason + (reason_code.empty() ? "" : " [" + reason_code + "]");
}

void CaseRunner::Run() {
  if (!Start()) return;
  Greet();
  if (r_.verdict == Verdict::kPassed) ProvisionAndDrive();
  Finish();
}

bool CaseRunner::Start() {
  auto world = BuildWorld(s_, o_);
  if (!world.ok()) {
    Fail(Verdict::kError, "harness setup: " + world.error().ToString());
    return false;
  }
  world_ = std::move(world).value();
  sut::ProcessOptions po;
  po.command = o_.sut_command;
  auto process = sut::SutProcess::Start(po);
  if (!process.ok()) {
    Fail(Verdict::kError, "SUT could not be started: " + process.error().ToString());
    return false;
  }
  shim_ = std::make_unique<shim::ShimClient>(std::move(process).value(), o_.timeout);
  return true;
}

void CaseRunner::Greet() {
  shim::HelloRequest hello;
  hello.seed = o_.seed;
  hello.clock_ntp_seconds = world_->t0;
  hello.test_case = s_.id;
  hello.role = scenario::SutRoleName(s_.role);
  auto answer = Ask<shim::HelloCall>(hello, "malformed");
  if (!answer) return;
  std::string role = scenario::SutRoleName(s_.role);
  if (std::find(answer->roles.begin(), answer->roles.end(), role) == answer->roles.end()) {
    Fail(Verdict::kSkipped, answer->name + " does not play role " + role);
  } else {
    r_.verdict = Verdict::kPassed;  // until something says otherwise
  }
}

void CaseRunner::ProvisionAndDrive() {
  shim::ProvisionRequest provision;
  if (Status st = ProvisionSutIdentity(provision); !st.ok()) {
    return Fail(Verdict::kError, "harness could not provision: " + st.error().ToString());
  }
  if (!Ask<shim::ProvisionCall>(provision)) return;
  switch (s_.role) {
    case SutRole::kPrimaryGms: RunPrimaryGms(); break;
    case SutRole::kPartnerGms: RunPartnerGms(); break;
    case SutRole::kUe: RunUe(); break;
  }
}

// The identity the SUT plays, for every key period the case touches.
Status CaseRunner::ProvisionSutIdentity(shim::ProvisionRequest& provision) {
  auto clock = StepClock();
  std::vector<uint64_t> times = {clock.at(7), clock.at(14)};
  Party identity;
  switch (s_.role) {
    case SutRole::kPrimaryGms: identity = world_->primary_gms; break;
    case SutRole::kPartnerGms: identity = *world_->partner_gms; break;
    case SutRole::kUe: {
      const scenario::Member m = s_.AffiliatedMembers().front();
      identity = {m.uri, world_->kms_of_member.at(m.uri)};
      break;
    }
  }
  MCX_ASSIGN_OR_RETURN(std::set<uint64_t> periods, PeriodsAt(*world_, identity.kms_uri, times));
  MCX_ASSIGN_OR_RETURN(shim::ProvisionedIdentity p, Provision(*world_, identity.uri, identity.kms_uri, periods));
  provision.identities.push_back(std::move(p));
  return Status::Ok();
}

void CaseRunner::Finish() {
  sut::ExitInfo exit = shim_->Shutdown();
  r_.sut_exit = exit.ToString();
  r_.sut_stderr_tail = shim_->StderrTail();
  r_.flow_checks = flow_.results();
  ApplyControl();
  if (r_.verdict != Verdict::kPassed) return;
  auto failed = r_.FailedCheckIds();
  if (failed.empty()) {
    r_.summary = "all checks passed";
    return;
  }
  r_.verdict = Verdict::kFailed;
  std::string ids;
  for (const auto& id : failed) ids += (ids.empty() ? "" : ", ") + id;
  r_.summary = "failed: " + ids;
}

void CaseRunner::CallFailed(const shim::CallOutcome& out) {
  // Neither says anything about the SUT: an interrupted case did not run.
  if (out.failure == shim::CallFailure::kUnimplemented || out.failure == shim::CallFailure::kInterrupted) {
    Fail(Verdict::kSkipped, out.detail);
    return;
  }
  flow_.Fail(CheckId::kSutResponse, std::string(shim::CallFailureName(out.failure)) + ": " + out.detail, "an answer",
             shim::CallFailureName(out.failure));
  Fail(out.failure == shim::CallFailure::kShimError ? Verdict::kFailed : Verdict::kError,
       std::string(shim::CallFailureName(out.failure)) + ": " + out.detail);
}

Result<Bytes> CaseRunner::BuildDelivered(const Party& sender, const Party& recipient, const SecretBytes& gmk,
                                         uint32_t gmk_id, uint64_t now, std::string* note, bool mutate) {
  shim::GktpOptions options = world_->options;
  const mikey::GktpFault* fault = nullptr;
  if (!s_.injection.mutation.empty()) {
    fault = mikey::FindGktpFault(s_.injection.mutation);
    if (!fault || !fault->injected()) return InvalidArgument("unknown mutation '" + s_.injection.mutation + "'");
    // Without key parameters the fault would not exist; its valid twin (the
    // control) has them too.
    if (fault->needs != mikey::FaultNeeds::kNothing && options.key_params == "none") options.key_params = "rel15";
    *note = mutate ? "mutation: " + s_.injection.mutation : std::string(kControlNote);
    if (!mutate) fault = nullptr;
  }
  mikey::GktpSpec spec = reference::MakeGktpSpec(sender, recipient, gmk, gmk_id, now, options, GroupOfKeys(s_));
  SecretBytes rand_key = kms::DrbgDomainKey(world_->seed, "harness-rand");
  SecretBytes rand =
      kms::DrbgOctets(rand_key.span(), AsSpan(s_.id + (mutate ? "|" : "|control|") + recipient.uri), 16);
  spec.rand = Bytes(rand.span().begin(), rand.span().end());
  if (fault && fault->needs == mikey::FaultNeeds::kProtectedKeyParams) {
    spec.key_params.form = mikey::KeyParamsForm::kProtected;
  }
  mikey::GktpBuilder builder(world_->store);
  if (!fault) {
    MCX_ASSIGN_OR_RETURN(mikey::BuiltGktp built, builder.Build(spec));
    return built.wire;
  }
  mikey::FaultContext context{world_->store, kRogueKms, OtherMcKms(*world_, sender.kms_uri),
                              world_->t_window_seconds};
  return mikey::BuildWithFault(builder, std::move(spec), *fault, context);
}

bool CaseRunner::InjectedMessageIsSound(std::vector<Verified>& delivered) {
  const mikey::GktpVerification& v = delivered[0].verification;
  std::string defect;
  if (s_.expect.outcome == scenario::Expectation::Outcome::kAccept && v.checks.AnyMustFailed()) {
    std::string ids;
    for (const auto& id : v.checks.FailedIds()) ids += (ids.empty() ? "" : ", ") + id;
    defect = "test case defect: the harness's own valid GKTP fails " + ids + " (" + s_.source_file +
             ": check the case's options)";
  } else {
    for (const auto& id : s_.expect.failing_checks) {
      const auto* c = v.checks.Find(id);
      if (!c || !c->failed()) {
        defect = "test case defect: the injected message does not fail " + id;
        break;
      }
    }
  }
  if (defect.empty()) return true;
  Record(delivered);
  Fail(Verdict::kError, defect);
  return false;
}

}  // namespace mcx::engine
