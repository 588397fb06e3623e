// The SUT plays the partner GMS (TS 33.180 7.3.3.3 step 11): the harness, as
// the primary GMS, hands it a step-7 GKTP (valid, or mutated in a negative
// case after its valid twin) and verifies what it sends its own users.
#include "harness/engine/case_runner.h"
#include "harness/engine/flow_checks.h"
#include "harness/engine/rejection_reason.h"

namespace mcx::engine {

using checks::CheckId;

void CaseRunner::RunPartnerGms() {
  auto clock = StepClock();
  auto [gmk, gmk_id] = HarnessGroupKey(*world_, s_);
  std::string note;
  auto wire = BuildDelivered(world_->primary_gms, *world_->partner_gms, gmk, gmk_id, clock.at(7), &note);
  if (!wire.ok()) return Fail(Verdict::kError, "harness could not build step 7: " + wire.error().ToString());

  std::vector<shim::SentGktp> step7{{7, world_->partner_gms->uri, *wire}};
  std::vector<Verified> delivered =
      VerifyAll(*world_, s_, step7, world_->primary_gms.uri, "harness", clock, o_, "the step-7 GKTP");
  delivered[0].record.note = note;
  if (!InjectedMessageIsSound(delivered)) return;
  std::multiset<std::string> expected;
  shim::RegroupNotification n = PartnerNotification(*wire, &expected);
  if (!RunPartnerControl(n)) return;
  Record(delivered);
  auto parsed = Ask<shim::RegroupNotificationCall>(n);
  if (!parsed) return;
  if (parsed->rejected) r_.sut_reason = RejectionText(parsed->reason, parsed->reason_code);
  if (s_.expect.outcome == scenario::Expectation::Outcome::kReject) {
    return JudgePartnerRejection(*parsed, delivered[0], clock);
  }
  if (parsed->rejected) {
    flow_.Fail(CheckId::kFlowCoverage, "rejected a valid step-7 payload: " + parsed->reason, "step-11 GKTPs", "rejection");
    return;
  }
  std::vector<Verified> sent =
      VerifyAll(*world_, s_, parsed->gktps, world_->partner_gms->uri, "sut", clock, o_, "GKTPs from the SUT");
  std::string problem;
  for (const auto& g : parsed->gktps) {
    if (g.step != 11) problem = "a GKTP labelled step " + std::to_string(g.step);
  }
  flow_.Expect(problem.empty(), CheckId::kFlowOrder, problem.empty() ? "all step 11" : problem, "11", problem);
  CheckKeyedSet(flow_, sent, expected, "step-11 GKTPs");
  CheckSigner(flow_, sent, world_->partner_gms->uri);
  std::vector<const Verified*> all;
  for (const auto& v : sent) all.push_back(&v);
  CheckSameKey(flow_, all, std::make_pair(Bytes(gmk.span().begin(), gmk.span().end()), gmk_id));
  Record(sent);
}

shim::RegroupNotification CaseRunner::PartnerNotification(const Bytes& gktp,
                                                          std::multiset<std::string>* expected) const {
  shim::RegroupNotification n;
  n.primary_gms = world_->primary_gms;
  n.partner_gms = *world_->partner_gms;
  n.temporary_group_id = GroupOfKeys(s_);
  n.gktp = gktp;
  n.clock_ntp_seconds = StepClock().at(11);
  n.options = world_->options;
  for (const auto& m : s_.AffiliatedMembers()) {
    if (world_->kms_of_member.at(m.uri) != world_->partner_gms->kms_uri) continue;
    n.affiliated_members.push_back({m.uri, world_->partner_gms->kms_uri});
    if (expected) expected->insert(m.uri);
  }
  return n;
}

void CaseRunner::JudgePartnerRejection(const shim::PartnerAnswer& answer, const Verified& delivered,
                                       const std::map<int, uint64_t>& clock) {
  if (answer.rejected && answer.gktps.empty()) {
    // A SUT that also rejects the valid twin gives no reason worth judging.
    bool judge = r_.control.status != ControlStatus::kRejected;
    CheckRejection(flow_, CheckId::kPartnerReject, answer.reason, judge ? answer.reason_code : "",
                   delivered.verification.checks.results(), s_.expect.failing_checks);
  } else {
    flow_.Fail(CheckId::kPartnerReject,
               "re-keyed " + std::to_string(answer.gktps.size()) + " users after an invalid step-7 payload (" +
                   s_.injection.mutation + ")",
               "rejection, nothing sent", std::to_string(answer.gktps.size()) + " GKTPs sent");
  }
  std::vector<Verified> leaked =
      VerifyAll(*world_, s_, answer.gktps, world_->partner_gms->uri, "sut", clock, o_, "GKTPs from the SUT");
  Record(leaked);
}

}  // namespace mcx::engine
