#include "harness/engine/flow_checks.h"

#include <algorithm>
#include <iterator>

namespace mcx::engine {

using checks::CheckId;
using checks::CheckList;

void CheckKeyedSet(CheckList& flow, const std::vector<Verified>& msgs, const std::multiset<std::string>& expected,
                   const std::string& what) {
  std::multiset<std::string> actual;
  for (const auto& m : msgs) actual.insert(m.record.to);
  std::vector<std::string> missing, extra;
  std::set_difference(expected.begin(), expected.end(), actual.begin(), actual.end(), std::back_inserter(missing));
  std::set_difference(actual.begin(), actual.end(), expected.begin(), expected.end(), std::back_inserter(extra));
  // At most 20 URIs per list: with thousands of members the full lists would
  // only bloat every report.
  auto join = [](const std::vector<std::string>& v) {
    constexpr size_t kMaxListed = 20;
    std::string s;
    for (size_t i = 0; i < v.size() && i < kMaxListed; ++i) s += (s.empty() ? "" : ", ") + v[i];
    if (v.size() > kMaxListed) s += " and " + std::to_string(v.size() - kMaxListed) + " more";
    return s.empty() ? std::string("none") : s;
  };
  bool ok = missing.empty() && extra.empty();
  flow.Expect(ok, CheckId::kFlowCoverage,
              ok ? std::to_string(actual.size()) + " " + what + ", one per affiliated member"
                 : "missing: " + join(missing) + "; unexpected or duplicate: " + join(extra),
              join({expected.begin(), expected.end()}), join({actual.begin(), actual.end()}));
}

void CheckSameKey(CheckList& flow, const std::vector<const Verified*>& msgs,
                  const std::optional<std::pair<Bytes, uint32_t>>& reference_key) {
  std::optional<Bytes> first;
  std::optional<uint32_t> first_id;
  std::string problem;
  for (const Verified* m : msgs) {
    const auto& v = m->verification;
    if (!v.gmk || !v.gmk_id) {
      problem = "no GMK recovered from the step-" + std::to_string(m->record.step) + " GKTP to " + m->record.to;
      break;
    }
    Bytes gmk(v.gmk->span().begin(), v.gmk->span().end());
    if (!first) {
      first = reference_key ? reference_key->first : gmk;
      first_id = reference_key ? reference_key->second : *v.gmk_id;
    }
    if (gmk != *first || *v.gmk_id != *first_id) {
      problem = m->record.to + " (step " + std::to_string(m->record.step) + ") got GMK-ID " + HexU32(*v.gmk_id) +
                (gmk != *first ? " with a different GMK" : "") + "; expected GMK-ID " + HexU32(*first_id);
      break;
    }
  }
  if (msgs.empty() && !reference_key) {
    flow.NotApplicable(CheckId::kFlowSameGmk, "no key was distributed");
    return;
  }
  flow.Expect(problem.empty(), CheckId::kFlowSameGmk,
              problem.empty() ? "all " + std::to_string(msgs.size()) + " recipients hold GMK-ID " +
                                    (first_id ? HexU32(*first_id) : std::string("?"))
                              : problem,
              first_id ? HexU32(*first_id) : "", problem);
}

void CheckSigner(CheckList& flow, const std::vector<Verified>& msgs, const std::string& signer) {
  for (const auto& m : msgs) {
    const auto* sender = m.verification.checks.Find("IDR.SENDER");
    const auto* sig = m.verification.checks.Find("SIGN.VALID");
    bool ok = sender && sender->status == checks::CheckStatus::kPass && sig &&
              sig->status == checks::CheckStatus::kPass;
    if (!ok) {
      flow.Fail(CheckId::kFlowSigner,
                "the step-" + std::to_string(m.record.step) + " GKTP to " + m.record.to + " is not validly signed by " +
                    signer,
                signer, m.verification.sender_uri.value_or("unknown signer"));
      return;
    }
  }
  flow.Pass(CheckId::kFlowSigner, "every GKTP validly signed by " + signer);
}

void CheckPrimaryOrder(CheckList& flow, const std::vector<shim::SentGktp>& gktps, bool multi) {
  std::string problem;
  bool seen14 = false;
  for (const auto& g : gktps) {
    if (g.step != 14 && !(multi && g.step == 7)) {
      problem = "a GKTP labelled step " + std::to_string(g.step) + " (to " + g.recipient + ")";
      break;
    }
    if (g.step == 14) seen14 = true;
    if (g.step == 7 && seen14) {
      problem = "step 7 (to the partner GMS) came after step 14";
      break;
    }
  }
  flow.Expect(problem.empty(), CheckId::kFlowOrder, problem.empty() ? "steps in procedure order" : problem,
              multi ? "7, then 14" : "14", problem);
}

void CheckPartnerKeying(CheckList& flow, const std::vector<Verified>& sent, const std::optional<shim::Party>& partner,
                        bool multi) {
  if (!multi) {
    flow.NotApplicable(CheckId::kFlowPartnerKeying, "single-domain procedure");
    return;
  }
  std::vector<const Verified*> step7;
  for (const auto& v : sent) {
    if (v.record.step == 7) step7.push_back(&v);
  }
  std::string problem;
  if (step7.size() != 1) {
    problem = std::to_string(step7.size()) + " step-7 GKTPs";
  } else if (step7[0]->record.to != partner->uri) {
    problem = "step 7 went to " + step7[0]->record.to;
  } else {
    for (const char* id : {"IDR.RECIPIENT", "SAKKE.DECAP", "GUKID.DERIVATION"}) {
      const auto* c = step7[0]->verification.checks.Find(id);
      if (c && c->failed()) problem = std::string(id) + ": " + c->detail;
    }
  }
  flow.Expect(problem.empty(), CheckId::kFlowPartnerKeying,
              problem.empty() ? "step 7 keyed to the partner GMS identity and URI" : problem, partner->uri, problem);
}

void CheckNewGmk(CheckList& flow, scenario::Procedure procedure, const std::vector<shim::ConstituentGroup>& constituents,
                 const std::vector<const Verified*>& all) {
  if (procedure == scenario::Procedure::kGroupCreation) {
    flow.NotApplicable(CheckId::kFlowNewGmk, "group creation has no earlier key");
    return;
  }
  std::string problem;
  for (const auto& cg : constituents) {
    for (const Verified* v : all) {
      if (v->verification.gmk && cg.gmk && ConstantTimeEquals(v->verification.gmk->span(), *cg.gmk)) {
        problem = "the GMK to " + v->record.to + " is the current key of " + cg.id;
      }
    }
  }
  flow.Expect(problem.empty(), CheckId::kFlowNewGmk, problem.empty() ? "the GMK is new" : problem,
              "a key no constituent group uses", problem);
}

}  // namespace mcx::engine
