#include "harness/reference/reference.h"

#include <algorithm>
#include <atomic>
#include <functional>
#include <span>
#include <thread>

#include "crypto/eccsi.h"
#include "crypto/guk_id.h"
#include "crypto/random.h"
#include "crypto/srtp_key.h"
#include "crypto/uid.h"
#include "kms/annex_d.h"
#include "kms/drbg.h"
#include "mikey/byte_reader.h"

namespace mcx::reference {

using shim::DeliverAnswer;
using shim::DeliverRequest;
using shim::GktpOptions;
using shim::Party;
using shim::PartnerAnswer;
using shim::ProvisionedIdentity;
using shim::RegroupNotification;
using shim::RegroupRequest;
using shim::SentGktp;

namespace {

using mikey::GktpSpec;

constexpr uint8_t kGroupIdIei = 0x78;  // TLV-E "MCPTT group ID" in the key parameters

// One GKTP per target, built on all cores: each is an independent SAKKE
// encapsulation and ECCSI signature, and a regroup may key thousands of
// members. Each carries `faults`, the message defects this GMS plays. The
// result keeps the order of `targets`; on failure, the error of the first
// failing target.
Result<std::vector<SentGktp>> BuildAll(const mikey::GktpBuilder& builder, int step, const std::vector<Party>& targets,
                                       const std::function<GktpSpec(const Party&)>& make_spec,
                                       std::span<const mikey::GktpFault* const> faults,
                                       const mikey::FaultContext& context) {
  std::vector<std::optional<Result<Bytes>>> built(targets.size());
  auto work = [&](size_t i) { built[i].emplace(mikey::BuildWithFaults(builder, make_spec(targets[i]), faults, context)); };
  size_t threads = std::min<size_t>(std::max(1u, std::thread::hardware_concurrency()), targets.size());
  if (threads <= 1) {
    for (size_t i = 0; i < targets.size(); ++i) work(i);
  } else {
    std::atomic<size_t> next{0};
    std::vector<std::thread> pool;
    for (size_t t = 0; t < threads; ++t) {
      pool.emplace_back([&] {
        for (size_t i = next++; i < targets.size(); i = next++) work(i);
      });
    }
    for (auto& th : pool) th.join();
  }
  std::vector<SentGktp> out;
  out.reserve(targets.size());
  for (size_t i = 0; i < targets.size(); ++i) {
    if (!built[i]->ok()) return built[i]->error();
    out.push_back({step, targets[i].uri, std::move(*built[i]).value()});
  }
  return out;
}

// The spans a UE that guesses at RFC 6509 tries after the prescribed one:
// the message without the SIGN payload, and the whole message with the
// signature zeroed (what ue-any-signature-span accepts).
bool SignsAnotherSpan(const kms::KeyStore& store, ByteSpan wire, const mikey::GktpVerification& v) {
  if (!v.message || !v.sender_uri || !v.sender_kms_uri || !v.t_ntp_seconds) return false;
  const mikey::SignPayload* sign =
      v.message->payloads.empty() ? nullptr : v.message->payloads.back().As<mikey::SignPayload>();
  constexpr size_t kSignHeaderSize = 2;
  if (!sign || sign->signature.size() + kSignHeaderSize > wire.size()) return false;
  auto kms = store.Kms(*v.sender_kms_uri);
  auto period = store.KeyPeriodNo(*v.sender_kms_uri, *v.t_ntp_seconds);
  if (!kms.ok() || !period.ok()) return false;
  Bytes uid =
      MikeySakkeUid({*v.sender_uri, kms->kms_uri, kms->user_key_period, kms->user_key_offset, *period});
  const size_t value_at = wire.size() - sign->signature.size();
  Bytes zeroed(wire.begin(), wire.end());
  std::fill(zeroed.begin() + static_cast<ptrdiff_t>(value_at), zeroed.end(), 0);
  for (ByteSpan span : {wire.subspan(0, value_at - kSignHeaderSize), ByteSpan(zeroed)}) {
    if (eccsi::Verify(kms->kpak, uid, span, sign->signature).ok()) return true;
  }
  return false;
}

// Whether key parameters are the message's first general extension (what
// ue-first-extension-only reads).
bool KeyParamsComeFirst(const mikey::GktpVerification& v) {
  if (!v.message) return true;
  for (const auto& p : v.message->payloads) {
    if (const auto* ext = p.As<mikey::GeneralExtPayload>()) return ext->type == mikey::kExtTypeKeyParameters;
  }
  return true;
}

}  // namespace

ReferenceImplementation::ReferenceImplementation(const kms::KeyStore& store, const std::set<std::string>& defects,
                                                 std::optional<uint64_t> seed)
    : store_(store), defects_(defects), seed_(seed), builder_(store), verifier_(store) {}

Result<SecretBytes> ReferenceImplementation::NewGmk(const std::string& label) {
  if (!seed_) return RandomSecret(16);
  SecretBytes key = kms::DrbgDomainKey(*seed_, "reference-gms");
  std::string l = "gmk|" + label + "|" + std::to_string(counter_++);
  return kms::DrbgOctets(key.span(), AsSpan(l), 16);
}

Result<uint32_t> ReferenceImplementation::NewGmkId(const std::string& label) {
  MCX_ASSIGN_OR_RETURN(SecretBytes r, NewGmk("id|" + label));
  uint32_t id = 0;
  mikey::ByteReader reader(r.span());
  if (!reader.GetU32(&id)) return Error(ErrorCode::kInternal, "GMK-ID: DRBG output shorter than 4 octets");
  // Purpose tag 0 (GMK) in the top 4 bits, 28 random bits below.
  id &= 0x0fffffffu;
  return id;
}

GktpSpec MakeGktpSpec(const Party& sender, const Party& recipient, const SecretBytes& gmk, uint32_t gmk_id,
                      uint64_t ntp_seconds, const GktpOptions& options, const std::string& group_id) {
  GktpSpec spec;
  spec.sender = {sender.uri, sender.kms_uri};
  spec.recipient = {recipient.uri, recipient.kms_uri};
  spec.gmk = gmk;
  spec.gmk_id = gmk_id;
  spec.ntp_seconds = ntp_seconds;
  spec.identity_hiding = options.identity_hiding;
  spec.include_sp = options.sp_payload;
  spec.cs_id = options.cs_id;
  spec.sakke_to_self = options.sakke_to_self;
  if (options.key_params != "none") {
    spec.key_params.form =
        options.key_params == "rel15" ? mikey::KeyParamsForm::kProtected : mikey::KeyParamsForm::kClear;
    spec.key_params.params.key_type = static_cast<uint8_t>(KeyPurpose::kGmk);
    spec.key_params.params.status = mikey::kKeyStatusValid | mikey::kKeyStatusShared;
    spec.key_params.params.group_ids = std::vector<mikey::GroupIdTlv>{{kGroupIdIei, ToBytes(group_id)}};
    spec.key_params.date_time = ntp_seconds;
  }
  return spec;
}

Result<std::vector<SentGktp>> ReferenceImplementation::HandleRegroupRequest(const RegroupRequest& r) {
  const Party& self = r.primary_gms;
  if (!store_.HasDomain(self.kms_uri)) return InvalidArgument("not provisioned for KMS " + self.kms_uri);
  bool multi = r.procedure == "multi-domain-regroup";
  if (multi && !r.partner) return InvalidArgument("a multi-domain regroup needs a partner GMS");
  auto clock = [&](int step) {
    auto it = r.step_clock.find(step);
    if (it != r.step_clock.end()) return it->second;
    return r.step_clock.empty() ? uint64_t{0} : r.step_clock.begin()->second;
  };

  // Step 6: a new GMK and GMK-ID for the temporary group.
  MCX_ASSIGN_OR_RETURN(SecretBytes gmk, NewGmk(r.temporary_group_id));
  MCX_ASSIGN_OR_RETURN(uint32_t gmk_id, NewGmkId(r.temporary_group_id));
  if (Has(BehaviourDefect::kReuseConstituentGmk)) {
    for (const auto& g : r.constituent_groups) {
      if (g.gmk) {
        gmk = SecretBytes(*g.gmk);
        if (g.gmk_id) gmk_id = *g.gmk_id;
        break;
      }
    }
  }

  // Who gets a key: affiliated members of this domain, once each.
  std::vector<Party> own, foreign, not_affiliated;
  std::set<std::string> seen;
  for (const auto& g : r.constituent_groups) {
    for (const auto& m : g.members) {
      if (!seen.insert(m.uri).second) continue;
      Party p{m.uri, m.kms_uri};
      if (!m.affiliated) {
        not_affiliated.push_back(p);
      } else if (m.kms_uri == self.kms_uri) {
        own.push_back(p);
      } else {
        foreign.push_back(p);
      }
    }
  }
  std::vector<Party> step14 = own;
  if (Has(BehaviourDefect::kPrimaryKeysPartnerUsers)) step14.insert(step14.end(), foreign.begin(), foreign.end());
  if (Has(BehaviourDefect::kGktpToNonAffiliated)) step14.insert(step14.end(), not_affiliated.begin(), not_affiliated.end());
  if (Has(BehaviourDefect::kMemberSkipped) && !step14.empty()) step14.pop_back();

  // The message defects this GMS plays, in every GKTP it sends.
  mikey::FaultContext context{store_, "", r.partner ? r.partner->kms_uri : ""};
  const auto& faults = defects_.message_faults();

  std::vector<SentGktp> step7_out, step14_out;
  if (multi) {
    SecretBytes partner_gmk = gmk;
    if (Has(BehaviourDefect::kDifferentGmkPerDomain)) {
      MCX_ASSIGN_OR_RETURN(partner_gmk, NewGmk(r.temporary_group_id + "|partner"));
    }
    std::vector<Party> step7_targets{*r.partner};
    if (Has(BehaviourDefect::kStep7ToPartnerUsers) && !foreign.empty()) step7_targets = foreign;
    for (const Party& target : step7_targets) {
      GktpSpec spec = MakeGktpSpec(self, target, partner_gmk, gmk_id, clock(7), r.options, r.temporary_group_id);
      MCX_ASSIGN_OR_RETURN(Bytes wire, mikey::BuildWithFaults(builder_, std::move(spec), faults, context));
      step7_out.push_back({7, target.uri, std::move(wire)});
    }
  }
  MCX_ASSIGN_OR_RETURN(step14_out, BuildAll(builder_, 14, step14, [&](const Party& member) {
                         return MakeGktpSpec(self, member, gmk, gmk_id, clock(14), r.options, r.temporary_group_id);
                       }, faults, context));
  std::vector<SentGktp> out;
  auto append = [&out](std::vector<SentGktp>& v) { std::move(v.begin(), v.end(), std::back_inserter(out)); };
  if (Has(BehaviourDefect::kStepsOutOfOrder)) {
    append(step14_out);
    append(step7_out);
  } else {
    append(step7_out);
    append(step14_out);
  }
  return out;
}

Result<PartnerAnswer> ReferenceImplementation::HandleRegroupNotification(const RegroupNotification& n) {
  const Party& self = n.partner_gms;
  mikey::VerifyOptions options;
  options.recipient_uri = self.uri;
  options.recipient_kms_uri = self.kms_uri;
  options.expected_sender_uri = n.primary_gms.uri;
  options.now_ntp_seconds = n.clock_ntp_seconds;
  options.expected_group_id = n.temporary_group_id;
  mikey::GktpVerification v = verifier_.Verify(n.gktp, options);

  PartnerAnswer answer;
  std::vector<std::string> failed;
  for (const auto& c : v.checks.results()) {
    if (!c.failed_must()) continue;
    if (defects_.Skips(c.id, DefectRole::kPartnerGms)) continue;
    if (failed.empty()) answer.reason_code = c.id;
    failed.push_back(c.id + ": " + c.detail);
  }
  if (!failed.empty() || !v.gmk || !v.gmk_id) {
    answer.rejected = true;
    answer.reason = failed.empty() ? "GMK not recovered" : failed.front();
    return answer;
  }
  SecretBytes gmk = *v.gmk;
  uint32_t gmk_id = *v.gmk_id;
  if (Has(BehaviourDefect::kPartnerNewGmk)) {
    MCX_ASSIGN_OR_RETURN(gmk, NewGmk(n.temporary_group_id + "|own"));
  }
  std::vector<Party> members = n.affiliated_members;
  if (Has(BehaviourDefect::kPartnerSkipsMember) && !members.empty()) members.pop_back();
  // Step 11: re-encrypt to each affiliated user of this domain, signed by us.
  MCX_ASSIGN_OR_RETURN(answer.gktps, BuildAll(builder_, 11, members, [&](const Party& member) {
                         GktpSpec spec = MakeGktpSpec(self, member, gmk, gmk_id, n.clock_ntp_seconds, n.options,
                                                      n.temporary_group_id);
                         if (Has(BehaviourDefect::kPartnerSignsAsPrimary)) {
                           spec.sender = {n.primary_gms.uri, n.primary_gms.kms_uri};
                           spec.deviations.sign_as = mikey::GktpParty{self.uri, self.kms_uri};
                         }
                         return spec;
                       }, /*faults=*/{}, mikey::FaultContext{store_, "", ""}));
  return answer;
}

Result<DeliverAnswer> ReferenceImplementation::HandleDeliver(const DeliverRequest& request) {
  mikey::VerifyOptions options;
  options.recipient_uri = request.ue.uri;
  if (!request.ue.kms_uri.empty()) options.recipient_kms_uri = request.ue.kms_uri;
  options.expected_sender_uri = request.sender;
  options.now_ntp_seconds = request.clock_ntp_seconds;
  mikey::GktpVerification v = verifier_.Verify(request.gktp, options);

  DeliverAnswer answer;
  if (Has(BehaviourDefect::kUeSingleKms) && v.sender_kms_uri && *v.sender_kms_uri != request.ue.kms_uri) {
    answer.reason = "signed under " + *v.sender_kms_uri + ", and this UE knows no KMS but " + request.ue.kms_uri;
    answer.reason_code = "trust";
    return answer;
  }
  for (const auto& c : v.checks.results()) {
    if (!c.failed_must()) continue;
    if (defects_.Skips(c.id, DefectRole::kUe)) continue;
    if (Has(BehaviourDefect::kUeAnySignatureSpan) && c.id == "SIGN.VALID" &&
        SignsAnotherSpan(store_, request.gktp, v)) {
      continue;
    }
    if (Has(BehaviourDefect::kUeFirstExtensionOnly) && c.id.starts_with("KEYPARAMS.") && !KeyParamsComeFirst(v)) {
      continue;
    }
    answer.reason = c.id + ": " + c.detail;
    answer.reason_code = c.id;
    return answer;
  }
  if (!v.gmk || !v.gmk_id || !v.csb_id) {
    answer.reason = "no GMK recovered";
    return answer;
  }
  Bytes rand = request.srtp_rand.empty() ? v.rand : request.srtp_rand;
  MCX_ASSIGN_OR_RETURN(SrtpKeys keys, SrtpKeysFromGmk(v.gmk->span(), *v.gmk_id, request.srtp_cs_id, *v.csb_id, rand));
  answer.accepted = true;
  answer.gmk_id = *v.gmk_id;
  answer.srtp_master_key.assign(keys.master_key.span().begin(), keys.master_key.span().end());
  answer.srtp_master_salt.assign(keys.master_salt.span().begin(), keys.master_salt.span().end());
  if (Has(BehaviourDefect::kUeWrongSrtpLabel)) {
    // The salt's label constant (0x39A2C14B) used for the master key too.
    Bytes label = {0x39, 0xa2, 0xc1, 0x4b, request.srtp_cs_id};
    Bytes csb = FixedBigEndian(*v.csb_id, 4);
    label.insert(label.end(), csb.begin(), csb.end());
    label.insert(label.end(), rand.begin(), rand.end());
    MCX_ASSIGN_OR_RETURN(SecretBytes wrong, MikeyPrfHmacSha256(v.gmk->span(), label, 16));
    answer.srtp_master_key.assign(wrong.span().begin(), wrong.span().end());
  }
  return answer;
}

Result<kms::KeyStore> StoreFromProvisioning(const std::vector<ProvisionedIdentity>& identities) {
  kms::KeyStore store = kms::KeyStore::InMemory();
  std::set<std::string> imported, own, revoked;
  auto import_cert = [&](const kms::KmsCertificate& cert) -> Status {
    if (cert.revoked.value_or(false)) revoked.insert(cert.kms_uri);
    if (!imported.insert(cert.kms_uri).second) return Status::Ok();
    return store.ImportCertificate(cert);
  };
  for (const auto& id : identities) {
    MCX_ASSIGN_OR_RETURN(kms::KmsResponse init, kms::ParseKmsResponse(id.init_xml));
    for (const auto& cert : init.certificates) MCX_RETURN_IF_ERROR(import_cert(cert));
    own.insert(id.kms_uri);
    if (!id.certcache_xml.empty()) {
      MCX_ASSIGN_OR_RETURN(kms::KmsResponse cache, kms::ParseKmsResponse(id.certcache_xml));
      for (const auto& cert : cache.certificates) MCX_RETURN_IF_ERROR(import_cert(cert));
    }
  }
  // A revoked external KMS stays known, so its signatures can be checked,
  // but is not trusted (SIGN.TRUST).
  for (const auto& kms_uri : own) {
    if (!store.HasDomain(kms_uri)) continue;
    std::vector<std::string> trusted;
    for (const auto& other : imported) {
      if (other != kms_uri && !revoked.count(other)) trusted.push_back(other);
    }
    MCX_RETURN_IF_ERROR(store.SetTrustedKms(kms_uri, trusted));
  }
  // Key sets after every certificate, so each validates against its KMS.
  for (const auto& id : identities) {
    MCX_ASSIGN_OR_RETURN(kms::KmsResponse prov, kms::ParseKmsResponse(id.keyprov_xml));
    for (const auto& ks : prov.key_sets) MCX_RETURN_IF_ERROR(store.ImportKeySet(ks));
  }
  return store;
}

}  // namespace mcx::reference
