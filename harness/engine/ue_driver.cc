// The SUT plays a UE: the harness, as a GMS, hands it one GKTP (valid, or
// mutated in a negative case after its valid twin) and judges whether it
// accepted or rejected it, and for what reason, and which SRTP keys it
// derived.
#include "crypto/srtp_key.h"
#include "harness/engine/case_runner.h"
#include "harness/engine/rejection_reason.h"
#include "kms/drbg.h"

namespace mcx::engine {

using checks::CheckId;
using shim::Party;

CaseRunner::UeDelivery CaseRunner::PlanUeDelivery() const {
  // The UE under test: the first affiliated member; its home GMS sends,
  // unless the case asks for the other domain's GMS.
  scenario::Member ue_member = s_.AffiliatedMembers().front();
  UeDelivery d;
  d.ue = {ue_member.uri, world_->kms_of_member.at(ue_member.uri)};
  d.sender = world_->partner_gms && d.ue.kms_uri == world_->partner_gms->kms_uri ? *world_->partner_gms
                                                                                 : world_->primary_gms;
  auto sender_param = s_.injection.params.find("sender");
  if (sender_param != s_.injection.params.end()) {
    if (sender_param->second == "partner-gms" && world_->partner_gms) d.sender = *world_->partner_gms;
    if (sender_param->second == "primary-gms") d.sender = world_->primary_gms;
  }
  // TS 33.180 7.3.3.3: the partner GMS keys its own domain's users at step
  // 11, the primary GMS its own at step 14. A GMS keying the other domain's
  // user is no step of 7.3.3.3 (it is key distribution across security
  // domains, TS 33.180 5.2.7): labelled step 0, on its sender's step clock.
  const bool from_partner = world_->partner_gms && d.sender.uri == world_->partner_gms->uri;
  const bool ue_in_partner = world_->partner_gms && d.ue.kms_uri == world_->partner_gms->kms_uri;
  const int sender_step = from_partner ? 11 : 14;
  d.step = from_partner == ue_in_partner ? sender_step : 0;
  d.now = StepClock().at(sender_step);
  return d;
}

shim::DeliverRequest CaseRunner::MakeDeliverRequest(const UeDelivery& d, const Bytes& gktp,
                                                    const std::string& rand_label) const {
  shim::DeliverRequest req;
  req.ue = d.ue;
  req.sender = d.sender.uri;
  req.gktp = gktp;
  req.clock_ntp_seconds = d.now;
  req.srtp_cs_id = s_.options.cs_id;
  SecretBytes rand_key = kms::DrbgDomainKey(world_->seed, "srtp-rand");
  SecretBytes rand = kms::DrbgOctets(rand_key.span(), AsSpan(rand_label), 16);
  req.srtp_rand = Bytes(rand.span().begin(), rand.span().end());
  return req;
}

void CaseRunner::RunUe() {
  const UeDelivery d = PlanUeDelivery();
  auto [gmk, gmk_id] = HarnessGroupKey(*world_, s_);
  std::string note;
  auto wire = BuildDelivered(d.sender, d.ue, gmk, gmk_id, d.now, &note);
  if (!wire.ok()) return Fail(Verdict::kError, "harness could not build the GKTP: " + wire.error().ToString());

  std::vector<shim::SentGktp> one{{d.step, d.ue.uri, *wire}};
  std::vector<Verified> delivered =
      VerifyAll(*world_, s_, one, d.sender.uri, "harness", ClockWith(d.step, d.now), o_, "the GKTP for the UE");
  delivered[0].record.note = note;
  delivered[0].record.from = d.sender.uri;
  if (!InjectedMessageIsSound(delivered)) return;
  shim::DeliverRequest req = MakeDeliverRequest(d, *wire, s_.id);
  if (!RunUeControl(d)) return;
  Record(delivered);
  auto parsed = Ask<shim::DeliverGktpCall>(req);
  if (!parsed) return;
  if (!parsed->accepted) r_.sut_reason = RejectionText(parsed->reason, parsed->reason_code);
  const mikey::GktpVerification& hv = delivered[0].verification;
  if (s_.expect.outcome == scenario::Expectation::Outcome::kReject) {
    if (parsed->accepted) {
      flow_.Fail(CheckId::kUeReject, "accepted an invalid GKTP (" + s_.injection.mutation + ")", "rejected", "accepted");
    } else {
      // A SUT that also rejects the valid twin gives no reason worth judging.
      bool judge = r_.control.status != ControlStatus::kRejected;
      CheckRejection(flow_, CheckId::kUeReject, parsed->reason, judge ? parsed->reason_code : "", hv.checks.results(),
                     s_.expect.failing_checks);
    }
    return;
  }
  if (!parsed->accepted) {
    flow_.Fail(CheckId::kUeAccept, "rejected a valid GKTP: " + parsed->reason, "accepted", "rejected");
    return;
  }
  JudgeUeAcceptance(*parsed, req, hv, gmk, gmk_id);
}

// An accepting UE must hold the GMK-ID sent and derive the SRTP keys TS
// 33.180 7.4 gives for it.
void CaseRunner::JudgeUeAcceptance(const shim::DeliverAnswer& answer, const shim::DeliverRequest& req,
                                   const mikey::GktpVerification& delivered, const SecretBytes& gmk, uint32_t gmk_id) {
  auto expected_keys = SrtpKeysFromGmk(gmk.span(), gmk_id, req.srtp_cs_id, *delivered.csb_id, req.srtp_rand);
  std::string problem;
  if (answer.gmk_id != gmk_id) {
    problem = "GMK-ID " + HexU32(answer.gmk_id) + ", expected " + HexU32(gmk_id);
  } else if (!expected_keys.ok()) {
    problem = "harness could not derive SRTP keys: " + expected_keys.error().message();
  } else if (!ConstantTimeEquals(answer.srtp_master_key, expected_keys->master_key.span())) {
    problem = "SRTP master key differs from TS 33.180 7.4 derivation";
  } else if (!ConstantTimeEquals(answer.srtp_master_salt, expected_keys->master_salt.span())) {
    problem = "SRTP master salt differs from TS 33.180 7.4 derivation";
  }
  flow_.Expect(problem.empty(), CheckId::kUeAccept,
               problem.empty() ? "accepted; GMK-ID " + HexU32(gmk_id) + " and SRTP master key/salt match" : problem,
               "GMK-ID " + HexU32(gmk_id) + " and matching SRTP keys", problem);
}

}  // namespace mcx::engine
