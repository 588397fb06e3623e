// Positive controls: before the mutated message of a negative ue or
// partner-gms case, the SUT gets its valid twin. A negative verdict counts
// only if the SUT accepted the twin; one that rejects both is INCONCLUSIVE.
#include "harness/engine/case_runner.h"

namespace mcx::engine {

using scenario::SutRole;
using shim::Party;

bool CaseRunner::WantsControl() {
  bool negative = s_.expect.outcome == scenario::Expectation::Outcome::kReject;
  if (!negative || s_.role == SutRole::kPrimaryGms) return false;
  if (!o_.controls) {
    r_.control = {ControlStatus::kOff, "positive controls are off (--no-controls)"};
    return false;
  }
  return true;
}

std::optional<Verified> CaseRunner::BuildControl(const Party& sender, const Party& recipient, int step,
                                                 uint64_t now) {
  auto [gmk, gmk_id] = HarnessControlKey(*world_, s_);
  std::string note;
  auto wire = BuildDelivered(sender, recipient, gmk, gmk_id, now, &note, /*mutate=*/false);
  if (!wire.ok()) {
    Fail(Verdict::kError, "harness could not build the positive control: " + wire.error().ToString());
    return std::nullopt;
  }
  std::vector<shim::SentGktp> one{{step, recipient.uri, *wire}};
  std::vector<Verified> twin =
      VerifyAll(*world_, s_, one, sender.uri, "harness", ClockWith(step, now), o_, "the positive control's GKTP");
  twin[0].record.note = note;
  twin[0].record.from = sender.uri;
  if (twin[0].verification.checks.AnyMustFailed()) {
    std::string ids;
    for (const auto& id : twin[0].verification.checks.FailedIds()) ids += (ids.empty() ? "" : ", ") + id;
    Record(twin);
    Fail(Verdict::kError, "test case defect: the positive control's valid GKTP fails " + ids);
    return std::nullopt;
  }
  return std::move(twin[0]);
}

bool CaseRunner::RunUeControl(const UeDelivery& d) {
  if (!WantsControl()) return true;
  std::optional<Verified> twin = BuildControl(d.sender, d.ue, d.step, d.now);
  if (!twin) return false;
  shim::DeliverRequest req = MakeDeliverRequest(d, twin->record.wire, s_.id + "|control");
  r_.messages.push_back(std::move(twin->record));
  auto answer = Ask<shim::DeliverGktpCall>(req);
  if (!answer) return false;
  if (answer->accepted) {
    r_.control = {ControlStatus::kAccepted, "accepted the valid twin (GMK-ID " + HexU32(answer->gmk_id) + ")"};
  } else {
    r_.control = {ControlStatus::kRejected,
                  "rejected the valid twin: " + RejectionText(answer->reason, answer->reason_code)};
  }
  return true;
}

bool CaseRunner::RunPartnerControl(const shim::RegroupNotification& notification) {
  if (!WantsControl()) return true;
  std::optional<Verified> twin = BuildControl(world_->primary_gms, *world_->partner_gms, 7, StepClock().at(7));
  if (!twin) return false;
  shim::RegroupNotification n = notification;
  n.gktp = twin->record.wire;
  r_.messages.push_back(std::move(twin->record));
  auto answer = Ask<shim::RegroupNotificationCall>(n);
  if (!answer) return false;
  if (answer->rejected) {
    r_.control = {ControlStatus::kRejected,
                  "rejected the valid twin: " + RejectionText(answer->reason, answer->reason_code)};
  } else {
    r_.control = {ControlStatus::kAccepted,
                  "accepted the valid twin and re-keyed " + std::to_string(answer->gktps.size()) + " user(s)"};
  }
  return true;
}

// A negative verdict counts only if the SUT accepted the valid twin: one
// that rejects both proves nothing by rejecting the mutation. A SUT that
// accepted the mutation has failed whatever its control did.
void CaseRunner::ApplyControl() {
  if (r_.control.status != ControlStatus::kRejected || r_.verdict != Verdict::kPassed) return;
  for (const auto& c : flow_.results()) {
    if ((c.id == "UE.REJECT" || c.id == "PARTNER.REJECT") && c.failed()) return;
  }
  Fail(Verdict::kInconclusive, "rejected, but it also rejects the valid message (" + r_.control.detail + ")");
}

}  // namespace mcx::engine
