// The SUT plays the primary GMS (TS 33.180 7.3.3.3 steps 7 and 14): the
// harness asks it to regroup, verifies every GKTP it sends, and plays the
// partner GMS with the reference implementation so both domains' keys can be
// compared.
#include "harness/engine/case_runner.h"
#include "harness/engine/flow_checks.h"
#include "harness/reference/reference.h"

namespace mcx::engine {

void CaseRunner::RunPrimaryGms() {
  shim::RegroupRequest req = MakeRegroupRequest();
  auto gktps = Ask<shim::RegroupRequestCall>(req);
  if (!gktps) return;
  const bool multi = s_.procedure == scenario::Procedure::kMultiDomainRegroup;
  auto clock = StepClock();
  std::vector<Verified> sent =
      VerifyAll(*world_, s_, *gktps, world_->primary_gms.uri, "sut", clock, o_, "GKTPs from the SUT");
  CheckPrimaryOrder(flow_, *gktps, multi);
  // Coverage: the partner GMS once (step 7), then each affiliated member of
  // the primary domain once (step 14).
  std::multiset<std::string> expected;
  if (multi) expected.insert(world_->partner_gms->uri);
  for (const auto& m : s_.AffiliatedMembers()) {
    if (world_->kms_of_member.at(m.uri) == world_->primary_gms.kms_uri) expected.insert(m.uri);
  }
  CheckKeyedSet(flow_, sent, expected, "GKTPs");
  CheckPartnerKeying(flow_, sent, world_->partner_gms, multi);
  CheckSigner(flow_, sent, world_->primary_gms.uri);
  std::vector<Verified> step11;
  if (multi) step11 = PlayPartnerStep11(sent, clock);
  // Every recipient, in both domains, must end with the same key, and it
  // must be new.
  std::vector<const Verified*> all;
  for (const auto& v : sent) all.push_back(&v);
  for (const auto& v : step11) all.push_back(&v);
  CheckSameKey(flow_, all, std::nullopt);
  CheckNewGmk(flow_, s_.procedure, req.constituent_groups, all);
  Record(sent);
  Record(step11);
}

std::vector<Verified> CaseRunner::PlayPartnerStep11(const std::vector<Verified>& sent,
                                                    const std::map<int, uint64_t>& clock) {
  for (const auto& v : sent) {
    if (v.record.step != 7 || v.record.to != world_->partner_gms->uri) continue;
    shim::RegroupNotification n = PartnerNotification(v.record.wire, nullptr);
    reference::ReferenceImplementation partner(world_->store, {}, world_->seed);
    auto answer11 = partner.HandleRegroupNotification(n);
    if (!answer11.ok() || answer11->rejected) return {};
    return VerifyAll(*world_, s_, answer11->gktps, world_->partner_gms->uri, "harness", clock, o_,
                     "step-11 GKTPs of the harness's partner GMS");
  }
  return {};
}

shim::RegroupRequest CaseRunner::MakeRegroupRequest() const {
  shim::RegroupRequest req;
  req.procedure = scenario::ProcedureName(s_.procedure);
  req.requester = s_.regroup.requester;
  req.temporary_group_id = GroupOfKeys(s_);
  req.primary_gms = world_->primary_gms;
  req.partner = world_->partner_gms;
  std::vector<const scenario::Group*> groups;
  if (s_.procedure == scenario::Procedure::kGroupCreation) {
    groups.push_back(&s_.groups[0]);
  } else {
    for (const auto& id : s_.regroup.constituent_groups) groups.push_back(s_.FindGroup(id));
  }
  for (const auto* g : groups) {
    shim::ConstituentGroup cg;
    cg.id = g->id;
    cg.domain = g->domain;
    if (s_.procedure != scenario::Procedure::kGroupCreation) {
      auto [gmk, id] = ExistingGroupKey(*world_, *g);
      cg.gmk = gmk;
      cg.gmk_id = id;
    }
    for (const auto& m : g->members) {
      cg.members.push_back({m.uri, world_->kms_of_member.at(m.uri), m.affiliated});
    }
    req.constituent_groups.push_back(std::move(cg));
  }
  req.step_clock = {{7, StepClock().at(7)}, {14, StepClock().at(14)}};
  req.options = world_->options;
  return req;
}

}  // namespace mcx::engine
