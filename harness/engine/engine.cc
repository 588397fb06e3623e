#include "harness/engine/engine.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "crypto/sakke.h"
#include "crypto/srtp_key.h"
#include "crypto/uid.h"
#include "harness/engine/rejection_reason.h"
#include "harness/reference/reference.h"
#include "harness/shim/answers.h"
#include "harness/shim/client.h"
#include "harness/shim/protocol.h"
#include "harness/shim/requests.h"
#include "harness/sut/process.h"
#include "kms/annex_d.h"
#include "kms/drbg.h"
#include "kms/key_store.h"
#include "kms/ntp_time.h"
#include "mikey/codec.h"
#include "mikey/gktp_builder.h"
#include "mikey/gktp_faults.h"
#include "mikey/gktp_verifier.h"

namespace mcx::engine {
namespace {

using checks::CheckId;
using checks::CheckList;
using shim::Party;
using scenario::Scenario;
using scenario::SutRole;

constexpr char kRogueKms[] = "kms.rogue.invalid";
constexpr char kRogueGms[] = "sip:gms@rogue.invalid";
// The note of a positive control's message in reports.
constexpr char kControlNote[] = "positive control: the valid twin of the mutated message";

uint64_t Fnv1a(std::string_view s, uint64_t h = 1469598103934665603ull) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// A rejection as reports show it: the SUT's reason, and its reason_code in
// brackets when it gave one.
std::string RejectionText(const std::string& reason, const std::string& reason_code) {
  return reason + (reason_code.empty() ? "" : " [" + reason_code + "]");
}

// ---------------------------------------------------------------- the world

struct World {
  kms::KeyStore store = kms::KeyStore::InMemory();
  Party primary_gms;
  std::optional<Party> partner_gms;
  Party rogue_gms{kRogueGms, kRogueKms};
  std::map<std::string, std::string> kms_of_member;  // member URI -> KMS URI
  std::map<std::string, std::string> kms_of_domain;  // "primary"/"partner" -> KMS URI
  uint64_t t0 = kDefaultClockNtpSeconds;
  uint64_t seed = 1;
  // How far T may be from a receiver's clock (EngineOptions::t_window_seconds).
  uint64_t t_window_seconds = kDefaultTWindowSeconds;
  shim::GktpOptions options;
  // One for the whole case, so its prepared KMS keys (a 4.2 MB table each,
  // about 0.1 s to build) serve every batch.
  mikey::GktpVerifier verifier{store};
};

Result<std::unique_ptr<World>> BuildWorld(const Scenario& s, const EngineOptions& o) {
  auto w = std::make_unique<World>();
  w->seed = o.seed;
  w->t_window_seconds = o.t_window_seconds;
  w->t0 = s.options.start_ntp_seconds ? s.options.start_ntp_seconds : kDefaultClockNtpSeconds;
  if (w->t0 + s.options.step_advance_seconds > scenario::kMaxNtpSeconds) {
    return InvalidArgument("test case defect: " + s.source_file + ": the clock (options.start_ntp_seconds " +
                           std::to_string(w->t0) + " + options.step_advance_seconds " +
                           std::to_string(s.options.step_advance_seconds) + ") passes " +
                           std::to_string(scenario::kMaxNtpSeconds) + " NTP seconds, which the T payload cannot hold");
  }
  uint64_t case_seed = Fnv1a(s.id, Fnv1a(std::to_string(o.seed)));
  std::vector<std::string> mc_domains;
  for (const auto& [name, d] : s.domains) {
    MCX_RETURN_IF_ERROR(w->store.CreateDomain(
        {d.kms_uri, d.key_period, d.key_period_offset, Fnv1a(d.kms_uri, case_seed)}));
    w->kms_of_domain[name] = d.kms_uri;
    mc_domains.push_back(d.kms_uri);
  }
  const auto* primary = s.FindDomain("primary");
  MCX_RETURN_IF_ERROR(
      w->store.CreateDomain({kRogueKms, primary->key_period, primary->key_period_offset, Fnv1a(kRogueKms, case_seed)}));
  // The MC domains trust each other; nobody trusts the rogue KMS.
  for (const auto& kms : mc_domains) {
    std::vector<std::string> others;
    for (const auto& other : mc_domains) {
      if (other != kms) others.push_back(other);
    }
    MCX_RETURN_IF_ERROR(w->store.SetTrustedKms(kms, others));
  }
  MCX_RETURN_IF_ERROR(w->store.SetTrustedKms(kRogueKms, {}));
  w->primary_gms = {primary->gms_uri, primary->kms_uri};
  if (const auto* partner = s.FindDomain("partner")) w->partner_gms = Party{partner->gms_uri, partner->kms_uri};
  for (const auto& g : s.groups) {
    for (const auto& m : g.members) w->kms_of_member[m.uri] = w->kms_of_domain[m.domain];
  }
  w->options.identity_hiding = s.options.identity_hiding;
  w->options.sp_payload = s.options.sp_payload;
  w->options.key_params = scenario::KeyParamsModeName(s.options.key_params);
  w->options.sakke_to_self = s.options.sakke_to_self;
  w->options.cs_id = s.options.cs_id;
  return w;
}

// What a KMS would give `identity`: its certificate, key sets for `periods`
// and the external certificates its domain trusts.
Result<shim::ProvisionedIdentity> Provision(World& w, const std::string& uri, const std::string& kms_uri,
                                                 const std::set<uint64_t>& periods) {
  shim::ProvisionedIdentity p;
  p.uri = uri;
  p.kms_uri = kms_uri;
  kms::KmsResponse base;
  base.user_uri = uri;
  base.kms_uri = kms_uri;
  base.time = kms::Iso8601FromNtpSeconds(w.t0);
  base.client_req_url = "https://" + kms_uri + "/keymanagement/identity/v1/";

  kms::KmsResponse init = base;
  init.type = kms::KmsMessageType::kInit;
  MCX_ASSIGN_OR_RETURN(kms::KmsCertificate cert, w.store.Certificate(kms_uri));
  init.certificates = {cert};
  init.client_req_url += "init";
  p.init_xml = kms::WriteKmsResponse(init);

  kms::KmsResponse prov = base;
  prov.type = kms::KmsMessageType::kKeyProv;
  prov.client_req_url += "keyprov";
  for (uint64_t period : periods) {
    MCX_ASSIGN_OR_RETURN(kms::KmsKeySet ks, w.store.Provision(kms_uri, uri, period));
    prov.key_sets.push_back(std::move(ks));
  }
  p.keyprov_xml = kms::WriteKmsResponse(prov);

  kms::KmsResponse cache = base;
  cache.type = kms::KmsMessageType::kCertCache;
  cache.client_req_url += "certcache";
  MCX_ASSIGN_OR_RETURN(cache.certificates, w.store.TrustedExternalCertificates(kms_uri));
  // The rogue KMS's certificate, revoked: a receiver can check signatures
  // under it but must not trust them (mutation untrusted-kms).
  MCX_ASSIGN_OR_RETURN(kms::KmsCertificate rogue, w.store.Certificate(kRogueKms));
  rogue.role = kms::CertificateRole::kExternal;
  rogue.revoked = true;
  cache.certificates.push_back(std::move(rogue));
  p.certcache_xml = kms::WriteKmsResponse(cache);
  return p;
}

Result<std::set<uint64_t>> PeriodsAt(const World& w, const std::string& kms_uri, std::vector<uint64_t> times) {
  std::set<uint64_t> out;
  for (uint64_t t : times) {
    MCX_ASSIGN_OR_RETURN(uint64_t p, w.store.KeyPeriodNo(kms_uri, t));
    out.insert(p);
  }
  return out;
}

// ---------------------------------------------------------------- helpers

// Runs fn(i) for i in [0, n) on `jobs` threads.
void ParallelFor(size_t n, int jobs, const std::function<void(size_t)>& fn) {
  size_t threads = jobs > 0 ? static_cast<size_t>(jobs) : std::max(1u, std::thread::hardware_concurrency());
  threads = std::min(threads, n);
  if (threads <= 1) {
    for (size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  std::atomic<size_t> next{0};
  std::vector<std::thread> pool;
  for (size_t t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (size_t i = next++; i < n; i = next++) fn(i);
    });
  }
  for (auto& th : pool) th.join();
}

struct Verified {
  MessageRecord record;
  mikey::GktpVerification verification;
};

// The KMS a GMS of the scenario belongs to (the harness knows it; IDR.KMS
// fails when IDRkmsi names another one).
std::optional<std::string> KmsOfGms(const World& w, const std::string& gms_uri) {
  if (gms_uri == w.primary_gms.uri) return w.primary_gms.kms_uri;
  if (w.partner_gms && gms_uri == w.partner_gms->uri) return w.partner_gms->kms_uri;
  return std::nullopt;
}

// The MC domain's KMS that is not `kms_uri` (empty with one domain): what a
// fault naming "the other domain's KMS" puts in.
std::string OtherMcKms(const World& w, const std::string& kms_uri) {
  for (const auto& [name, uri] : w.kms_of_domain) {
    if (uri != kms_uri) return uri;
  }
  return "";
}

// Counts verified messages of one batch for EngineOptions::progress; the
// calls are serialized so that `done` only grows.
class BatchProgress {
 public:
  BatchProgress(const ProgressFn& fn, uint64_t total, std::string_view what) : fn_(fn), total_(total), what_(what) {
    if (fn_) fn_(0, total_, what_);
  }
  void Done() {
    if (!fn_) return;
    std::lock_guard lock(mu_);
    fn_(++done_, total_, what_);
  }

 private:
  const ProgressFn& fn_;
  const uint64_t total_;
  const std::string_view what_;
  std::mutex mu_;
  uint64_t done_ = 0;
};

// Verifies each message for its recipient (in parallel) and records it.
std::vector<Verified> VerifyAll(const World& w, const Scenario& s, const std::vector<shim::SentGktp>& gktps,
                                const std::string& expected_sender, const std::string& produced_by,
                                const std::map<int, uint64_t>& step_clock, const EngineOptions& eo,
                                std::string_view what) {
  std::vector<Verified> out(gktps.size());
  BatchProgress progress(eo.progress, gktps.size(), what);
  ParallelFor(gktps.size(), eo.jobs, [&](size_t i) {
    const auto& g = gktps[i];
    Verified& v = out[i];
    v.record.step = g.step;
    v.record.from = expected_sender;
    v.record.to = g.recipient;
    v.record.produced_by = produced_by;
    v.record.kind = "gktp";
    v.record.wire = g.message;
    mikey::VerifyOptions o;
    o.recipient_uri = g.recipient;
    auto kms = w.kms_of_member.find(g.recipient);
    if (w.partner_gms && g.recipient == w.partner_gms->uri) {
      o.recipient_kms_uri = w.partner_gms->kms_uri;
    } else if (g.recipient == w.primary_gms.uri) {
      o.recipient_kms_uri = w.primary_gms.kms_uri;
    } else if (kms != w.kms_of_member.end()) {
      o.recipient_kms_uri = kms->second;
    } else {
      v.record.note = "recipient is not part of the scenario";
    }
    o.expected_sender_uri = expected_sender;
    o.expected_sender_kms_uri = KmsOfGms(w, expected_sender);
    auto t = step_clock.find(g.step);
    o.now_ntp_seconds = t != step_clock.end() ? t->second : w.t0;
    o.max_clock_skew_seconds = w.t_window_seconds;
    if (s.options.key_params != scenario::KeyParamsMode::kNone) o.expected_group_id = s.regroup.temporary_group_id;
    if (s.procedure == scenario::Procedure::kGroupCreation) o.expected_group_id = s.groups[0].id;
    v.verification = w.verifier.Verify(g.message, o);
    v.record.checks = v.verification.checks.results();
    progress.Done();
  });
  return out;
}

std::string GroupOfKeys(const Scenario& s) {
  return s.procedure == scenario::Procedure::kGroupCreation ? s.groups[0].id : s.regroup.temporary_group_id;
}

// The GMK and GMK-ID the harness distributes when it plays a GMS towards the
// SUT: derived from the run's seed and the case, so reruns repeat them.
std::pair<SecretBytes, uint32_t> HarnessGroupKey(const World& w, const Scenario& s) {
  SecretBytes key = kms::DrbgDomainKey(w.seed, "harness-gmk");
  SecretBytes gmk = kms::DrbgOctets(key.span(), AsSpan(s.id + "|gmk"), 16);
  SecretBytes id_octets = kms::DrbgOctets(key.span(), AsSpan(s.id + "|gmk-id"), 4);
  // The purpose tag (top 4 bits) of a GMK-ID is 0.
  uint32_t gmk_id = BigEndianU32(id_octets.span().first<4>()) & 0x0fffffffu;
  return {std::move(gmk), gmk_id};
}

// The GMK and GMK-ID of a negative case's positive control: its own, so the
// valid twin is never a replay of the mutated message's key.
std::pair<SecretBytes, uint32_t> HarnessControlKey(const World& w, const Scenario& s) {
  Scenario control = s;
  control.id = s.id + "|control";
  return HarnessGroupKey(w, control);
}

// The existing key of a constituent group: from the scenario, else derived.
std::pair<Bytes, uint32_t> ExistingGroupKey(const World& w, const scenario::Group& g) {
  SecretBytes key = kms::DrbgDomainKey(w.seed, "constituent-groups");
  SecretBytes octets = kms::DrbgOctets(key.span(), AsSpan(g.id), 20);
  Bytes gmk(octets.data(), octets.data() + 16);
  if (g.existing_gmk_hex) gmk = FromHex(*g.existing_gmk_hex).value();
  uint32_t id = BigEndianU32(octets.span().subspan<16, 4>()) & 0x0fffffffu;
  return {gmk, id};
}

// Flow checks shared by the GMS roles: who got a key, signed by whom, with
// which key.
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

// ---------------------------------------------------------------- the run

class CaseRunner {
 public:
  CaseRunner(const Scenario& s, const EngineOptions& o, TestCaseResult& r) : s_(s), o_(o), r_(r) {}

  void Run();

 private:
  // Sends a request of shim/protocol.h and reads its answer; on any failure
  // the verdict is set and nothing returned. `malformed` is what the
  // SUT.RESPONSE check shows for an answer that is not valid.
  template <typename C>
  std::optional<typename C::Answer> Ask(const typename C::Request& request,
                                        const char* malformed = "malformed answer") {
    if (o_.waiting) o_.waiting(C::kType);
    shim::Reply<typename C::Answer> reply = shim_->Ask<C>(request);
    if (o_.waiting) o_.waiting("");
    if (!reply.call.ok()) {
      CallFailed(reply.call);
      return std::nullopt;
    }
    if (reply.malformed) {
      flow_.Fail(CheckId::kSutResponse, reply.malformed->message(), C::kExpectedAnswer, malformed);
      Fail(Verdict::kError, "protocol-error: " + reply.malformed->message());
      return std::nullopt;
    }
    return std::move(reply.answer);
  }
  void CallFailed(const shim::CallOutcome& out);
  // A case expecting acceptance must hand the SUT a message that passes
  // every MUST check: if the harness's own message fails one, the case asks
  // for something the engine cannot build correctly, and a SUT rejecting it
  // is right. The case is then an ERROR, never a FAIL of the SUT.
  Status CheckOwnMessage(const mikey::GktpVerification& v) const {
    if (s_.expect.outcome != scenario::Expectation::Outcome::kAccept || !v.checks.AnyMustFailed()) {
      return Status::Ok();
    }
    std::string ids;
    for (const auto& id : v.checks.FailedIds()) ids += (ids.empty() ? "" : ", ") + id;
    return InvalidArgument("test case defect: the harness's own valid GKTP fails " + ids + " (" + s_.source_file +
                           ": check the case's options)");
  }
  void Fail(Verdict verdict, const std::string& summary) {
    r_.verdict = verdict;
    r_.summary = summary;
  }
  // The step clock with `step` (0 for a message outside 7.3.3.3) at `now`.
  std::map<int, uint64_t> ClockWith(int step, uint64_t now) const {
    auto clock = StepClock();
    clock[step] = now;
    return clock;
  }
  std::map<int, uint64_t> StepClock() const {
    uint64_t t7 = world_->t0;
    uint64_t t14 = world_->t0 + s_.options.step_advance_seconds;
    return {{7, t7}, {11, t7}, {14, t14}};
  }
  shim::RegroupRequest MakeRegroupRequest() const;
  // Moves the records into the result; the verifications stay in `msgs`.
  void Record(std::vector<Verified>& msgs) {
    r_.messages.reserve(r_.messages.size() + msgs.size());
    for (auto& m : msgs) r_.messages.push_back(std::move(m.record));
  }

  void RunPrimaryGms();
  void RunPartnerGms();
  void RunUe();
  // With `mutate` false, the valid twin of what the case injects: the same
  // options (key parameters a mutation needs included), no mutation.
  Result<Bytes> BuildDelivered(const Party& sender, const Party& recipient, const SecretBytes& gmk, uint32_t gmk_id,
                               uint64_t now, std::string* note, bool mutate = true);

  // Positive controls (harness/engine/control.h): whether this case runs
  // one, and running it — false when the case ended (verdict set).
  bool WantsControl();
  std::optional<Verified> BuildControl(const Party& sender, const Party& recipient, int step, uint64_t now);
  bool RunUeControl(const Party& sender, const Party& ue, int step, uint64_t now);
  bool RunPartnerControl(const shim::RegroupNotification& notification);
  void ApplyControl();

  const Scenario& s_;
  const EngineOptions& o_;
  TestCaseResult& r_;
  std::unique_ptr<World> world_;
  std::unique_ptr<shim::ShimClient> shim_;
  CheckList flow_;
};

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

void CaseRunner::RunPrimaryGms() {
  shim::RegroupRequest req = MakeRegroupRequest();
  auto gktps = Ask<shim::RegroupRequestCall>(req);
  if (!gktps) return;
  bool multi = s_.procedure == scenario::Procedure::kMultiDomainRegroup;
  auto clock = StepClock();
  std::vector<Verified> sent =
      VerifyAll(*world_, s_, *gktps, world_->primary_gms.uri, "sut", clock, o_, "GKTPs from the SUT");

  // Which steps, in which order.
  {
    std::string problem;
    bool seen14 = false;
    for (const auto& g : *gktps) {
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
    flow_.Expect(problem.empty(), CheckId::kFlowOrder, problem.empty() ? "steps in procedure order" : problem,
                 multi ? "7, then 14" : "14", problem);
  }

  // Coverage: the partner GMS once (step 7), then each affiliated member of
  // the primary domain once (step 14).
  std::multiset<std::string> expected;
  if (multi) expected.insert(world_->partner_gms->uri);
  for (const auto& m : s_.AffiliatedMembers()) {
    if (world_->kms_of_member.at(m.uri) == world_->primary_gms.kms_uri) expected.insert(m.uri);
  }
  CheckKeyedSet(flow_, sent, expected, "GKTPs");

  if (multi) {
    std::vector<const Verified*> step7;
    for (const auto& v : sent) {
      if (v.record.step == 7) step7.push_back(&v);
    }
    std::string problem;
    if (step7.size() != 1) {
      problem = std::to_string(step7.size()) + " step-7 GKTPs";
    } else if (step7[0]->record.to != world_->partner_gms->uri) {
      problem = "step 7 went to " + step7[0]->record.to;
    } else {
      for (const char* id : {"IDR.RECIPIENT", "SAKKE.DECAP", "GUKID.DERIVATION"}) {
        const auto* c = step7[0]->verification.checks.Find(id);
        if (c && c->failed()) problem = std::string(id) + ": " + c->detail;
      }
    }
    flow_.Expect(problem.empty(), CheckId::kFlowPartnerKeying,
                 problem.empty() ? "step 7 keyed to the partner GMS identity and URI" : problem,
                 world_->partner_gms->uri, problem);
  } else {
    flow_.NotApplicable(CheckId::kFlowPartnerKeying, "single-domain procedure");
  }
  CheckSigner(flow_, sent, world_->primary_gms.uri);

  // The harness plays the partner GMS: step 11 to its affiliated users.
  std::vector<Verified> step11;
  if (multi) {
    for (const auto& v : sent) {
      if (v.record.step != 7 || v.record.to != world_->partner_gms->uri) continue;
      shim::RegroupNotification n;
      n.primary_gms = world_->primary_gms;
      n.partner_gms = *world_->partner_gms;
      n.temporary_group_id = req.temporary_group_id;
      n.gktp = v.record.wire;
      n.clock_ntp_seconds = clock.at(11);
      n.options = world_->options;
      for (const auto& m : s_.AffiliatedMembers()) {
        if (world_->kms_of_member.at(m.uri) == world_->partner_gms->kms_uri) {
          n.affiliated_members.push_back({m.uri, world_->partner_gms->kms_uri});
        }
      }
      reference::ReferenceImplementation partner(world_->store, {}, world_->seed);
      auto answer11 = partner.HandleRegroupNotification(n);
      if (answer11.ok() && !answer11->rejected) {
        step11 = VerifyAll(*world_, s_, answer11->gktps, world_->partner_gms->uri, "harness", clock, o_,
                           "step-11 GKTPs of the harness's partner GMS");
      }
      break;
    }
  }

  // Every recipient, in both domains, must end with the same key, and it
  // must be new.
  std::vector<const Verified*> all;
  for (const auto& v : sent) all.push_back(&v);
  for (const auto& v : step11) all.push_back(&v);
  CheckSameKey(flow_, all, std::nullopt);
  {
    std::string problem;
    for (const auto& cg : req.constituent_groups) {
      for (const Verified* v : all) {
        if (v->verification.gmk && cg.gmk && ConstantTimeEquals(v->verification.gmk->span(), *cg.gmk)) {
          problem = "the GMK to " + v->record.to + " is the current key of " + cg.id;
        }
      }
    }
    if (s_.procedure == scenario::Procedure::kGroupCreation) {
      flow_.NotApplicable(CheckId::kFlowNewGmk, "group creation has no earlier key");
    } else {
      flow_.Expect(problem.empty(), CheckId::kFlowNewGmk, problem.empty() ? "the GMK is new" : problem,
                   "a key no constituent group uses", problem);
    }
  }
  Record(sent);
  Record(step11);
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
  bool expect_reject = s_.expect.outcome == scenario::Expectation::Outcome::kReject;
  if (Status built = CheckOwnMessage(delivered[0].verification); !built.ok()) {
    Record(delivered);
    return Fail(Verdict::kError, built.error().message());
  }
  // As for a UE: a negative case must really be invalid in the named way.
  for (const auto& id : s_.expect.failing_checks) {
    const auto* c = delivered[0].verification.checks.Find(id);
    if (!c || !c->failed()) {
      Record(delivered);
      return Fail(Verdict::kError, "test case defect: the injected message does not fail " + id);
    }
  }

  shim::RegroupNotification n;
  n.primary_gms = world_->primary_gms;
  n.partner_gms = *world_->partner_gms;
  n.temporary_group_id = GroupOfKeys(s_);
  n.gktp = *wire;
  n.clock_ntp_seconds = clock.at(11);
  n.options = world_->options;
  std::multiset<std::string> expected;
  for (const auto& m : s_.AffiliatedMembers()) {
    if (world_->kms_of_member.at(m.uri) == world_->partner_gms->kms_uri) {
      n.affiliated_members.push_back({m.uri, world_->partner_gms->kms_uri});
      expected.insert(m.uri);
    }
  }
  if (!RunPartnerControl(n)) return;
  Record(delivered);
  auto parsed = Ask<shim::RegroupNotificationCall>(n);
  if (!parsed) return;
  if (parsed->rejected) r_.sut_reason = RejectionText(parsed->reason, parsed->reason_code);
  if (expect_reject) {
    bool ok = parsed->rejected && parsed->gktps.empty();
    if (ok) {
      bool judge = r_.control.status != ControlStatus::kRejected;
      CheckRejection(flow_, CheckId::kPartnerReject, parsed->reason, judge ? parsed->reason_code : "",
                     delivered[0].verification.checks.results(), s_.expect.failing_checks);
    } else {
      flow_.Fail(CheckId::kPartnerReject,
                 "re-keyed " + std::to_string(parsed->gktps.size()) + " users after an invalid step-7 payload (" +
                     s_.injection.mutation + ")",
                 "rejection, nothing sent", std::to_string(parsed->gktps.size()) + " GKTPs sent");
    }
    std::vector<Verified> leaked =
        VerifyAll(*world_, s_, parsed->gktps, world_->partner_gms->uri, "sut", clock, o_, "GKTPs from the SUT");
    Record(leaked);
    return;
  }
  if (parsed->rejected) {
    flow_.Fail(CheckId::kFlowCoverage, "rejected a valid step-7 payload: " + parsed->reason, "step-11 GKTPs", "rejection");
    return;
  }
  std::vector<Verified> sent =
      VerifyAll(*world_, s_, parsed->gktps, world_->partner_gms->uri, "sut", clock, o_, "GKTPs from the SUT");
  {
    std::string problem;
    for (const auto& g : parsed->gktps) {
      if (g.step != 11) problem = "a GKTP labelled step " + std::to_string(g.step);
    }
    flow_.Expect(problem.empty(), CheckId::kFlowOrder, problem.empty() ? "all step 11" : problem, "11", problem);
  }
  CheckKeyedSet(flow_, sent, expected, "step-11 GKTPs");
  CheckSigner(flow_, sent, world_->partner_gms->uri);
  std::vector<const Verified*> all;
  for (const auto& v : sent) all.push_back(&v);
  CheckSameKey(flow_, all, std::make_pair(Bytes(gmk.span().begin(), gmk.span().end()), gmk_id));
  Record(sent);
}

void CaseRunner::RunUe() {
  auto clock = StepClock();
  // The UE under test: the first affiliated member; its home GMS sends,
  // unless the case asks for the other domain's GMS.
  scenario::Member ue_member = s_.AffiliatedMembers().front();
  Party ue{ue_member.uri, world_->kms_of_member.at(ue_member.uri)};
  Party sender = world_->partner_gms && ue.kms_uri == world_->partner_gms->kms_uri ? *world_->partner_gms
                                                                                 : world_->primary_gms;
  auto sender_param = s_.injection.params.find("sender");
  if (sender_param != s_.injection.params.end()) {
    if (sender_param->second == "partner-gms" && world_->partner_gms) sender = *world_->partner_gms;
    if (sender_param->second == "primary-gms") sender = world_->primary_gms;
  }
  // TS 33.180 7.3.3.3: the partner GMS keys its own domain's users at step
  // 11, the primary GMS its own at step 14. A GMS keying the other domain's
  // user is no step of 7.3.3.3 (it is key distribution across security
  // domains, TS 33.180 5.2.7): labelled step 0, on its sender's step clock.
  const bool from_partner = world_->partner_gms && sender.uri == world_->partner_gms->uri;
  const bool ue_in_partner = world_->partner_gms && ue.kms_uri == world_->partner_gms->kms_uri;
  const int sender_step = from_partner ? 11 : 14;
  const int step = from_partner == ue_in_partner ? sender_step : 0;
  uint64_t now = clock.at(sender_step);
  clock[step] = now;
  auto [gmk, gmk_id] = HarnessGroupKey(*world_, s_);
  std::string note;
  auto wire = BuildDelivered(sender, ue, gmk, gmk_id, now, &note);
  if (!wire.ok()) return Fail(Verdict::kError, "harness could not build the GKTP: " + wire.error().ToString());

  std::vector<shim::SentGktp> one{{step, ue.uri, *wire}};
  std::vector<Verified> delivered = VerifyAll(*world_, s_, one, sender.uri, "harness", clock, o_, "the GKTP for the UE");
  delivered[0].record.note = note;
  delivered[0].record.from = sender.uri;
  const mikey::GktpVerification& hv = delivered[0].verification;

  if (Status built = CheckOwnMessage(hv); !built.ok()) {
    Record(delivered);
    return Fail(Verdict::kError, built.error().message());
  }
  // A negative case is only meaningful if the message really is invalid in
  // the way the case says.
  for (const auto& id : s_.expect.failing_checks) {
    const auto* c = hv.checks.Find(id);
    if (!c || !c->failed()) {
      Record(delivered);
      return Fail(Verdict::kError, "test case defect: the injected message does not fail " + id);
    }
  }

  shim::DeliverRequest req;
  req.ue = ue;
  req.sender = sender.uri;
  req.gktp = *wire;
  req.clock_ntp_seconds = now;
  req.srtp_cs_id = s_.options.cs_id;
  SecretBytes rand_key = kms::DrbgDomainKey(world_->seed, "srtp-rand");
  SecretBytes rand = kms::DrbgOctets(rand_key.span(), AsSpan(s_.id), 16);
  req.srtp_rand = Bytes(rand.span().begin(), rand.span().end());
  if (!RunUeControl(sender, ue, step, now)) return;
  Record(delivered);
  auto parsed = Ask<shim::DeliverGktpCall>(req);
  if (!parsed) return;
  if (!parsed->accepted) r_.sut_reason = RejectionText(parsed->reason, parsed->reason_code);
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
  auto expected_keys = SrtpKeysFromGmk(gmk.span(), gmk_id, req.srtp_cs_id, *hv.csb_id, req.srtp_rand);
  std::string problem;
  if (parsed->gmk_id != gmk_id) {
    problem = "GMK-ID " + HexU32(parsed->gmk_id) + ", expected " + HexU32(gmk_id);
  } else if (!expected_keys.ok()) {
    problem = "harness could not derive SRTP keys: " + expected_keys.error().message();
  } else if (!ConstantTimeEquals(parsed->srtp_master_key, expected_keys->master_key.span())) {
    problem = "SRTP master key differs from TS 33.180 7.4 derivation";
  } else if (!ConstantTimeEquals(parsed->srtp_master_salt, expected_keys->master_salt.span())) {
    problem = "SRTP master salt differs from TS 33.180 7.4 derivation";
  }
  flow_.Expect(problem.empty(), CheckId::kUeAccept,
               problem.empty() ? "accepted; GMK-ID " + HexU32(gmk_id) + " and SRTP master key/salt match" : problem,
               "GMK-ID " + HexU32(gmk_id) + " and matching SRTP keys", problem);
}

// ---------------------------------------------------------------- controls

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

bool CaseRunner::RunUeControl(const Party& sender, const Party& ue, int step, uint64_t now) {
  if (!WantsControl()) return true;
  std::optional<Verified> twin = BuildControl(sender, ue, step, now);
  if (!twin) return false;
  shim::DeliverRequest req;
  req.ue = ue;
  req.sender = sender.uri;
  req.gktp = twin->record.wire;
  req.clock_ntp_seconds = now;
  req.srtp_cs_id = s_.options.cs_id;
  SecretBytes rand_key = kms::DrbgDomainKey(world_->seed, "srtp-rand");
  SecretBytes rand = kms::DrbgOctets(rand_key.span(), AsSpan(s_.id + "|control"), 16);
  req.srtp_rand = Bytes(rand.span().begin(), rand.span().end());
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

void CaseRunner::Run() {
  auto world = BuildWorld(s_, o_);
  if (!world.ok()) return Fail(Verdict::kError, "harness setup: " + world.error().ToString());
  world_ = std::move(world).value();

  sut::ProcessOptions po;
  po.command = o_.sut_command;
  auto process = sut::SutProcess::Start(po);
  if (!process.ok()) return Fail(Verdict::kError, "SUT could not be started: " + process.error().ToString());
  shim_ = std::make_unique<shim::ShimClient>(std::move(process).value(), o_.timeout);

  shim::HelloRequest hello;
  hello.seed = o_.seed;
  hello.clock_ntp_seconds = world_->t0;
  hello.test_case = s_.id;
  hello.role = scenario::SutRoleName(s_.role);
  if (auto answer = Ask<shim::HelloCall>(hello, "malformed")) {
    std::string role = scenario::SutRoleName(s_.role);
    if (std::find(answer->roles.begin(), answer->roles.end(), role) == answer->roles.end()) {
      Fail(Verdict::kSkipped, answer->name + " does not play role " + role);
    } else {
      r_.verdict = Verdict::kPassed;  // until something says otherwise
    }
  }

  if (r_.verdict == Verdict::kPassed) {
    // Provision the identities the SUT plays, for every key period the case touches.
    shim::ProvisionRequest provision;
    std::vector<shim::ProvisionedIdentity>& ids = provision.identities;
    auto clock = StepClock();
    std::vector<uint64_t> times = {clock.at(7), clock.at(14)};
    auto add = [&](const std::string& uri, const std::string& kms) -> Status {
      MCX_ASSIGN_OR_RETURN(std::set<uint64_t> periods, PeriodsAt(*world_, kms, times));
      MCX_ASSIGN_OR_RETURN(shim::ProvisionedIdentity p, Provision(*world_, uri, kms, periods));
      ids.push_back(std::move(p));
      return Status::Ok();
    };
    Status st = Status::Ok();
    if (s_.role == SutRole::kPrimaryGms) st = add(world_->primary_gms.uri, world_->primary_gms.kms_uri);
    if (s_.role == SutRole::kPartnerGms) st = add(world_->partner_gms->uri, world_->partner_gms->kms_uri);
    if (s_.role == SutRole::kUe) {
      const scenario::Member m = s_.AffiliatedMembers().front();
      st = add(m.uri, world_->kms_of_member.at(m.uri));
    }
    if (!st.ok()) {
      Fail(Verdict::kError, "harness could not provision: " + st.error().ToString());
    } else if (Ask<shim::ProvisionCall>(provision)) {
      switch (s_.role) {
        case SutRole::kPrimaryGms: RunPrimaryGms(); break;
        case SutRole::kPartnerGms: RunPartnerGms(); break;
        case SutRole::kUe: RunUe(); break;
      }
    }
  }

  sut::ExitInfo exit = shim_->Shutdown();
  r_.sut_exit = exit.ToString();
  r_.sut_stderr_tail = shim_->StderrTail();
  r_.flow_checks = flow_.results();
  ApplyControl();
  if (r_.verdict == Verdict::kPassed) {
    auto failed = r_.FailedCheckIds();
    if (!failed.empty()) {
      r_.verdict = Verdict::kFailed;
      std::string ids;
      for (const auto& id : failed) ids += (ids.empty() ? "" : ", ") + id;
      r_.summary = "failed: " + ids;
    } else {
      r_.summary = "all checks passed";
    }
  }
}

}  // namespace

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
