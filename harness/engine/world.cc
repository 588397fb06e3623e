#include "harness/engine/world.h"

#include "kms/annex_d.h"
#include "kms/drbg.h"
#include "kms/ntp_time.h"

namespace mcx::engine {
namespace {

using scenario::Scenario;
using shim::Party;

uint64_t Fnv1a(std::string_view s, uint64_t h = 1469598103934665603ull) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace

std::shared_ptr<kms::KeyMaterialCache> ProcessKeyMaterial() {
  // Destroyed (secrets wiped) at exit, or after the last World holding it.
  static const std::shared_ptr<kms::KeyMaterialCache> cache = std::make_shared<kms::KeyMaterialCache>();
  return cache;
}

kms::DomainConfig DomainConfigOf(uint64_t run_seed, const std::string& kms_uri, uint64_t key_period,
                                 uint64_t key_period_offset) {
  // Not the case: a domain's keys are a function of the run seed and the
  // domain's definition alone (docs/performance.md, issue 18.3).
  uint64_t h = Fnv1a(std::to_string(run_seed));
  h = Fnv1a(kms_uri, h);
  h = Fnv1a("|" + std::to_string(key_period) + "|" + std::to_string(key_period_offset), h);
  return {kms_uri, key_period, key_period_offset, h};
}

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
  std::vector<std::string> mc_domains;
  for (const auto& [name, d] : s.domains) {
    MCX_RETURN_IF_ERROR(w->store.CreateDomain(DomainConfigOf(o.seed, d.kms_uri, d.key_period, d.key_period_offset)));
    w->kms_of_domain[name] = d.kms_uri;
    mc_domains.push_back(d.kms_uri);
  }
  const auto* primary = s.FindDomain("primary");
  MCX_RETURN_IF_ERROR(
      w->store.CreateDomain(DomainConfigOf(o.seed, kRogueKms, primary->key_period, primary->key_period_offset)));
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

std::optional<std::string> KmsOfGms(const World& w, const std::string& gms_uri) {
  if (gms_uri == w.primary_gms.uri) return w.primary_gms.kms_uri;
  if (w.partner_gms && gms_uri == w.partner_gms->uri) return w.partner_gms->kms_uri;
  return std::nullopt;
}

std::string OtherMcKms(const World& w, const std::string& kms_uri) {
  for (const auto& [name, uri] : w.kms_of_domain) {
    if (uri != kms_uri) return uri;
  }
  return "";
}

std::string GroupOfKeys(const Scenario& s) {
  return s.procedure == scenario::Procedure::kGroupCreation ? s.groups[0].id : s.regroup.temporary_group_id;
}

std::pair<SecretBytes, uint32_t> HarnessGroupKey(const World& w, const Scenario& s) {
  SecretBytes key = kms::DrbgDomainKey(w.seed, "harness-gmk");
  SecretBytes gmk = kms::DrbgOctets(key.span(), AsSpan(s.id + "|gmk"), 16);
  SecretBytes id_octets = kms::DrbgOctets(key.span(), AsSpan(s.id + "|gmk-id"), 4);
  // The purpose tag (top 4 bits) of a GMK-ID is 0.
  uint32_t gmk_id = BigEndianU32(id_octets.span().first<4>()) & 0x0fffffffu;
  return {std::move(gmk), gmk_id};
}

std::pair<SecretBytes, uint32_t> HarnessControlKey(const World& w, const Scenario& s) {
  Scenario control = s;
  control.id = s.id + "|control";
  return HarnessGroupKey(w, control);
}

std::pair<Bytes, uint32_t> ExistingGroupKey(const World& w, const scenario::Group& g) {
  SecretBytes key = kms::DrbgDomainKey(w.seed, "constituent-groups");
  SecretBytes octets = kms::DrbgOctets(key.span(), AsSpan(g.id), 20);
  Bytes gmk(octets.data(), octets.data() + 16);
  if (g.existing_gmk_hex) gmk = FromHex(*g.existing_gmk_hex).value();
  uint32_t id = BigEndianU32(octets.span().subspan<16, 4>()) & 0x0fffffffu;
  return {gmk, id};
}

}  // namespace mcx::engine
