#include "mikey/gktp_verifier.h"

#include <algorithm>
#include <cstdio>

#include "crypto/guk_id.h"
#include "crypto/uid.h"
#include "mikey/codec.h"
#include "mikey/gktp_builder.h"
#include "mikey/key_params_crypto.h"

namespace mcx::mikey {
namespace {

using checks::CheckId;
using checks::CheckList;


std::string Hex32(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08x", v);
  return buf;
}

std::string Num(uint64_t v) { return std::to_string(v); }

std::string IdText(const IdrPayload& idr) {
  bool printable = std::all_of(idr.id.begin(), idr.id.end(), [](uint8_t c) { return c >= 0x20 && c < 0x7f; });
  if (printable && !idr.id.empty()) return std::string(idr.id.begin(), idr.id.end());
  return ToHex(idr.id);
}

std::vector<const IdrPayload*> IdrsWithRoles(const Message& m, std::initializer_list<IdRole> roles) {
  std::vector<const IdrPayload*> out;
  for (const Payload& p : m.payloads) {
    if (const IdrPayload* idr = p.As<IdrPayload>()) {
      for (IdRole r : roles) {
        if (idr->role == static_cast<uint8_t>(r)) out.push_back(idr);
      }
    }
  }
  return out;
}

bool PolicyMatchesDefault(const SpPayload& sp, std::string* mismatch) {
  std::map<uint8_t, Bytes> expected;
  for (const auto& p : DefaultGroupPolicy()) expected[p.type] = Bytes(p.value.begin(), p.value.end());
  std::map<uint8_t, Bytes> actual;
  for (const auto& p : sp.params) actual[p.type] = Bytes(p.value.begin(), p.value.end());
  if (sp.prot_type != 0) {
    *mismatch = "protocol type " + Num(sp.prot_type) + " is not SRTP (0)";
    return false;
  }
  for (const auto& [type, value] : expected) {
    auto it = actual.find(type);
    if (it == actual.end()) {
      *mismatch = "parameter type " + Num(type) + " missing";
      return false;
    }
    if (it->second != value) {
      *mismatch = "parameter type " + Num(type) + " is " + ToHex(it->second) + ", profile says " + ToHex(value);
      return false;
    }
  }
  return true;
}

}  // namespace

Result<GktpVerifier::KmsCache> GktpVerifier::CacheFor(const std::string& kms_uri) const {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(kms_uri);
    if (it != cache_.end()) return it->second;
  }
  MCX_ASSIGN_OR_RETURN(kms::KmsPublicParams kms, store_.Kms(kms_uri));
  KmsCache entry;
  MCX_ASSIGN_OR_RETURN(entry.sakke, sakke::PreparedPublicKey::Create(kms.z_t));
  MCX_ASSIGN_OR_RETURN(eccsi::PreparedVerifier verifier, eccsi::PreparedVerifier::Create(kms.kpak));
  entry.eccsi = std::make_shared<const eccsi::PreparedVerifier>(std::move(verifier));
  std::lock_guard<std::mutex> lock(mu_);
  cache_.emplace(kms_uri, entry);
  return entry;
}

GktpVerification GktpVerifier::Verify(ByteSpan wire, const VerifyOptions& options) const {
  GktpVerification v;
  CheckList& c = v.checks;

  auto parsed = Parse(wire);
  if (!parsed.ok()) {
    c.Fail(CheckId::kMikeyParse, parsed.error().ToString());
    // Another MIKEY version has another layout, so nothing else can be read;
    // its first octet still says which rule was broken.
    bool other_version = !wire.empty() && wire[0] != kMikeyVersion;
    if (other_version) c.Fail(CheckId::kHdrVersion, "version " + Num(wire[0]), "1", Num(wire[0]));
    // Every other per-message check, in registry order.
    for (const checks::CheckInfo& info : checks::Catalogue()) {
      if (info.scope != checks::CheckScope::kMessage || info.check == CheckId::kMikeyParse) continue;
      if (other_version && info.check == CheckId::kHdrVersion) continue;
      c.Blocked(info.check, {CheckId::kMikeyParse}, "the message did not parse");
    }
    return v;
  }
  c.Pass(CheckId::kMikeyParse, Num(wire.size()) + " octets, " + Num(parsed->payloads.size()) + " payloads");
  v.message = std::move(parsed).value();
  const Message& m = *v.message;
  const CommonHeader& hdr = m.hdr;
  v.csb_id = hdr.csb_id;

  // ---- header
  c.Expect(hdr.version == kMikeyVersion, CheckId::kHdrVersion, "version " + Num(hdr.version), "1", Num(hdr.version));
  c.Expect(hdr.data_type == kDataTypeSakkeMessage, CheckId::kHdrDataType, "data type " + Num(hdr.data_type), "26",
           Num(hdr.data_type));
  c.Expect(!hdr.v_flag, CheckId::kHdrVBit, hdr.v_flag ? "V bit set: asks one-to-many receivers for a verification message"
                                              : "V bit clear",
           "0", hdr.v_flag ? "1" : "0");
  c.Expect(hdr.prf_func == kPrfHmacSha256, CheckId::kHdrPrf, "PRF function " + Num(hdr.prf_func), "1", Num(hdr.prf_func));

  std::optional<uint32_t> spi_key_id;
  std::optional<uint32_t> spi_guk_id;
  if (const auto* generic = std::get_if<GenericIdMap>(&hdr.cs_id_map)) {
    if (generic->entries.size() != 1) {
      c.Fail(CheckId::kHdrCsMap, "GENERIC-ID map with " + Num(generic->entries.size()) + " crypto sessions", "1",
             Num(generic->entries.size()));
      c.NotApplicable(CheckId::kHdrSpi, "no single crypto session");
    } else {
      const GenericIdEntry& e = generic->entries[0];
      v.cs_id = e.cs_id;
      bool cs_ok = (e.cs_id == 4 || e.cs_id == 5) && e.prot_type == 0;
      c.Expect(cs_ok, CheckId::kHdrCsMap,
               "GENERIC-ID, CS-ID " + Num(e.cs_id) + ", protocol " + Num(e.prot_type),
               "CS-ID 4 or 5, protocol 0 (SRTP)", "CS-ID " + Num(e.cs_id) + ", protocol " + Num(e.prot_type));
      spi_key_id = e.SpiKeyId();
      spi_guk_id = e.SpiGukId();
      if (e.spi.size() != 8) {
        c.Fail(CheckId::kHdrSpi, "SPI has " + Num(e.spi.size()) + " octets", "8 octets GMK-ID || GUK-ID",
               ToHex(e.spi));
      } else {
        c.Expect(*spi_guk_id == hdr.csb_id, CheckId::kHdrSpi,
                 "SPI GMK-ID " + Hex32(*spi_key_id) + ", GUK-ID " + Hex32(*spi_guk_id), Hex32(hdr.csb_id),
                 Hex32(*spi_guk_id));
      }
    }
  } else if (std::holds_alternative<EmptyMap>(hdr.cs_id_map)) {
    c.Pass(CheckId::kHdrCsMap, "empty map (type 1, #CS 0): default policy");
    c.NotApplicable(CheckId::kHdrSpi, "empty CS ID map carries no SPI");
  } else {
    const auto& srtp = std::get<SrtpIdMap>(hdr.cs_id_map);
    c.Pass(CheckId::kHdrCsMap, "SRTP-ID map (type 0) with " + Num(srtp.entries.size()) +
                            " sessions: the Rel-13 format some interworking functions expect");
    c.NotApplicable(CheckId::kHdrSpi, "SRTP-ID map carries no SPI");
  }

  // ---- T and RAND
  const TimestampPayload* t = m.Find<TimestampPayload>();
  if (t == nullptr) {
    c.Fail(CheckId::kTType, "no T payload", "T payload, NTP-UTC", "absent");
  } else {
    c.Expect(t->ts_type == TsType::kNtpUtc, CheckId::kTType, "TS type " + Num(static_cast<uint8_t>(t->ts_type)), "0 (NTP-UTC)",
             Num(static_cast<uint8_t>(t->ts_type)));
    if (t->ts_type != TsType::kCounter) v.t_ntp_seconds = t->value >> 32;
  }
  const RandPayload* rand = m.Find<RandPayload>();
  if (rand == nullptr) {
    c.Fail(CheckId::kRandLength, "no RAND payload", ">= 16 octets", "absent");
  } else {
    v.rand = rand->rand;
    c.Expect(rand->rand.size() >= 16, CheckId::kRandLength, Num(rand->rand.size()) + " octets", ">= 16",
             Num(rand->rand.size()));
  }

  // ---- identities
  auto idri = IdrsWithRoles(m, {IdRole::kIdri, IdRole::kIdruidi});
  auto idrr = IdrsWithRoles(m, {IdRole::kIdrr, IdRole::kIdruidr});
  auto kmsi = IdrsWithRoles(m, {IdRole::kIdrkmsi});
  auto kmsr = IdrsWithRoles(m, {IdRole::kIdrkmsr});
  {
    std::string missing;
    auto note = [&](const char* name, size_t n) {
      if (n != 1) missing += std::string(missing.empty() ? "" : ", ") + name + " x" + Num(n);
    };
    note("IDRi", idri.size());
    note("IDRr", idrr.size());
    note("IDRkmsi", kmsi.size());
    note("IDRkmsr", kmsr.size());
    c.Expect(missing.empty(), CheckId::kIdrPresent, missing.empty() ? "IDRi, IDRr, IDRkmsi, IDRkmsr present" : missing,
             "one each of IDRi, IDRr, IDRkmsi, IDRkmsr", missing);
  }

  // Which KMS each side belongs to.
  std::optional<std::string> named_kmsi, named_kmsr;
  if (kmsi.size() == 1) named_kmsi = std::string(kmsi[0]->id.begin(), kmsi[0]->id.end());
  if (kmsr.size() == 1) named_kmsr = std::string(kmsr[0]->id.begin(), kmsr[0]->id.end());
  if (options.recipient_kms_uri) {
    v.recipient_kms_uri = options.recipient_kms_uri;
  } else if (auto k = store_.KmsForIdentity(options.recipient_uri); k.ok()) {
    v.recipient_kms_uri = *k;
  } else if (named_kmsr && store_.HasDomain(*named_kmsr)) {
    v.recipient_kms_uri = named_kmsr;
  }
  if (named_kmsi && store_.HasDomain(*named_kmsi)) v.sender_kms_uri = named_kmsi;
  {
    std::string problem;
    if (!v.recipient_kms_uri) {
      problem = "the receiver's KMS is unknown to the key store";
    } else if (named_kmsr && *named_kmsr != *v.recipient_kms_uri) {
      problem = "IDRkmsr names " + *named_kmsr + ", the receiver's KMS is " + *v.recipient_kms_uri;
    } else if (named_kmsi && !v.sender_kms_uri) {
      problem = "IDRkmsi names " + *named_kmsi + ", a KMS the key store does not know";
    }
    if (!named_kmsi || !named_kmsr) {
      c.Fail(CheckId::kIdrKms, "IDRkmsi/IDRkmsr missing", "both KMS URIs", "missing");
    } else if (problem.empty() && options.expected_sender_kms_uri && *named_kmsi != *options.expected_sender_kms_uri) {
      c.Fail(CheckId::kIdrKms,
             "IDRkmsi names " + *named_kmsi + ", but the sender " +
                 options.expected_sender_uri.value_or("expected") + " belongs to " + *options.expected_sender_kms_uri,
             *options.expected_sender_kms_uri, *named_kmsi);
    } else {
      c.Expect(problem.empty(), CheckId::kIdrKms, problem.empty() ? "sender KMS " + *named_kmsi + ", receiver KMS " + *named_kmsr : problem,
               v.recipient_kms_uri.value_or("?"), *named_kmsr);
    }
  }

  // Which check's failure left a KMS unknown: IDRkmsi missing or repeated,
  // else naming a KMS the store does not hold (or the receiver's unknown).
  const CheckId signer_kms_blocker = !named_kmsi ? CheckId::kIdrPresent : CheckId::kIdrKms;

  // Key periods follow T, in each side's own KMS.
  std::optional<uint64_t> recipient_period, sender_period;
  std::optional<kms::KmsPublicParams> recipient_kms, sender_kms;
  if (v.recipient_kms_uri) {
    if (auto k = store_.Kms(*v.recipient_kms_uri); k.ok()) recipient_kms = *k;
  }
  if (v.sender_kms_uri) {
    if (auto k = store_.Kms(*v.sender_kms_uri); k.ok()) sender_kms = *k;
  }
  if (v.t_ntp_seconds && recipient_kms) {
    if (auto p = store_.KeyPeriodNo(recipient_kms->kms_uri, *v.t_ntp_seconds); p.ok()) recipient_period = *p;
  }
  if (v.t_ntp_seconds && sender_kms) {
    if (auto p = store_.KeyPeriodNo(sender_kms->kms_uri, *v.t_ntp_seconds); p.ok()) sender_period = *p;
  }
  std::optional<kms::KmsKeySet> recipient_keys;
  if (recipient_period) {
    if (auto k = store_.KeySet(recipient_kms->kms_uri, options.recipient_uri, *recipient_period); k.ok()) {
      recipient_keys = **k;
    }
  }

  // T.WINDOW: the clock, then the key period.
  if (!v.t_ntp_seconds) {
    c.Blocked(CheckId::kTWindow, {CheckId::kTType}, "no NTP time to check", "an NTP-UTC T", "none");
  } else if (options.now_ntp_seconds &&
             (*v.t_ntp_seconds + options.max_clock_skew_seconds < *options.now_ntp_seconds ||
              *v.t_ntp_seconds > *options.now_ntp_seconds + options.max_clock_skew_seconds)) {
    c.Fail(CheckId::kTWindow, "T is more than " + Num(options.max_clock_skew_seconds) + " s from the receiver's clock",
           Num(*options.now_ntp_seconds) + " +/- " + Num(options.max_clock_skew_seconds), Num(*v.t_ntp_seconds));
  } else if (!recipient_period) {
    c.Fail(CheckId::kTWindow, "T lies in no key period of the receiver's KMS", "a key period", Num(*v.t_ntp_seconds));
  } else if (!recipient_keys) {
    c.Fail(CheckId::kTWindow, "the receiver holds no keys for key period " + Num(*recipient_period),
           "a provisioned key period", Num(*recipient_period));
  } else {
    c.Pass(CheckId::kTWindow, "T " + Num(*v.t_ntp_seconds) + " in key period " + Num(*recipient_period) +
                           (options.now_ntp_seconds ? "" : " (no receiver clock given)"));
  }

  // IDRr: the receiver, by URI or by UID.
  // The check whose failure explains missing receiver key material (its KMS,
  // the key period of T, its keys for that period).
  const CheckId recipient_keys_blocker =
      !recipient_kms ? CheckId::kIdrKms : !v.t_ntp_seconds ? CheckId::kTType : CheckId::kTWindow;
  std::optional<Bytes> recipient_uid;
  if (recipient_kms && recipient_period) {
    recipient_uid = MikeySakkeUid({options.recipient_uri, recipient_kms->kms_uri, recipient_kms->user_key_period,
                                   recipient_kms->user_key_offset, *recipient_period});
  }
  if (idrr.size() != 1) {
    c.Blocked(CheckId::kIdrRecipient, {CheckId::kIdrPresent}, "no single IDRr", options.recipient_uri,
              Num(idrr.size()) + " IDRr payloads");
  } else if (idrr[0]->role == static_cast<uint8_t>(IdRole::kIdrr)) {
    std::string named = IdText(*idrr[0]);
    c.Expect(named == options.recipient_uri, CheckId::kIdrRecipient, "IDRr " + named, options.recipient_uri, named);
  } else if (!recipient_uid) {
    c.Blocked(CheckId::kIdrRecipient, {recipient_keys_blocker},
              "cannot compute the receiver's UID (KMS or key period unknown)", "UID", ToHex(idrr[0]->id));
  } else {
    c.Expect(idrr[0]->id == *recipient_uid, CheckId::kIdrRecipient, "IDRr carries the receiver's UID for key period " +
                 Num(*recipient_period), ToHex(*recipient_uid), ToHex(idrr[0]->id));
  }

  // IDRi: the signer. Its UID is what the signature is made for.
  std::optional<Bytes> signer_uid;
  if (idri.size() != 1) {
    c.Blocked(CheckId::kIdrSender, {CheckId::kIdrPresent}, "no single IDRi",
              options.expected_sender_uri.value_or("one IDRi"), Num(idri.size()) + " IDRi payloads");
  } else {
    const IdrPayload& i = *idri[0];
    auto uid_for = [&](const std::string& uri) -> std::optional<Bytes> {
      if (!sender_kms || !sender_period) return std::nullopt;
      return MikeySakkeUid(
          {uri, sender_kms->kms_uri, sender_kms->user_key_period, sender_kms->user_key_offset, *sender_period});
    };
    if (i.role == static_cast<uint8_t>(IdRole::kIdri)) {
      v.sender_uri = IdText(i);
      signer_uid = uid_for(*v.sender_uri);
    } else {
      signer_uid = i.id;
      std::vector<std::string> candidates = options.candidate_senders;
      if (options.expected_sender_uri) candidates.insert(candidates.begin(), *options.expected_sender_uri);
      for (const auto& uri : candidates) {
        if (auto uid = uid_for(uri); uid && *uid == i.id) {
          v.sender_uri = uri;
          break;
        }
      }
    }
    bool uid_computable = sender_kms && sender_period;
    if (options.expected_sender_uri && !v.sender_uri && !uid_computable) {
      // A UID is only comparable with the sender's KMS and key period.
      c.Blocked(CheckId::kIdrSender,
                {!sender_kms ? signer_kms_blocker : !v.t_ntp_seconds ? CheckId::kTType : CheckId::kTWindow},
                "sender hidden behind UID " + ToHex(i.id) + "; its KMS or key period for T is unknown",
                *options.expected_sender_uri, IdText(i));
    } else if (options.expected_sender_uri) {
      bool ok = v.sender_uri && *v.sender_uri == *options.expected_sender_uri;
      c.Expect(ok, CheckId::kIdrSender,
               ok ? "signed by " + *v.sender_uri
                  : "IDRi does not name the expected sender " + *options.expected_sender_uri,
               *options.expected_sender_uri, v.sender_uri.value_or(IdText(i)));
    } else if (v.sender_uri) {
      c.Pass(CheckId::kIdrSender, "IDRi names " + *v.sender_uri + " (no expected sender given)");
    } else {
      c.NotApplicable(CheckId::kIdrSender, "sender hidden behind UID " + ToHex(i.id) + " and no expected sender given");
    }
  }

  // ---- SP
  if (const SpPayload* sp = m.Find<SpPayload>()) {
    std::string mismatch;
    bool ok = PolicyMatchesDefault(*sp, &mismatch);
    c.Expect(ok, CheckId::kSpProfile, ok ? "default group profile (Table E.2-1)" : mismatch, "Table E.2-1 profile", mismatch);
  } else {
    c.NotApplicable(CheckId::kSpProfile, "no SP payload: default policy applies");
  }

  // ---- SIGN
  const SignPayload* sign = m.payloads.empty() ? nullptr : m.payloads.back().As<SignPayload>();
  bool sign_shape_ok = sign && sign->s_type == kSignTypeEccsi && sign->signature.size() == kEccsiSignatureSize;
  if (!sign) {
    c.Fail(CheckId::kSignType, "no SIGN payload", "SIGN, S type 2, 129 octets", "absent");
  } else {
    c.Expect(sign_shape_ok, CheckId::kSignType,
             "S type " + Num(sign->s_type) + ", " + Num(sign->signature.size()) + " octets", "S type 2, 129 octets",
             "S type " + Num(sign->s_type) + ", " + Num(sign->signature.size()) + " octets");
  }
  if (!sign_shape_ok || !m.signed_length) {
    c.Blocked(CheckId::kSignValid, {CheckId::kSignType}, "no ECCSI signature to verify", "valid ECCSI signature",
              "absent or malformed");
  } else if (!sender_kms) {
    c.Blocked(CheckId::kSignValid, {signer_kms_blocker},
              "the signer's KMS (" + named_kmsi.value_or("unnamed") + ") is not in the key store", "a known KMS",
              named_kmsi.value_or("none"));
  } else if (!signer_uid) {
    // No single IDRi, or no key period of the signer's KMS for T.
    c.Blocked(CheckId::kSignValid,
              {idri.size() != 1 ? CheckId::kIdrPresent : !v.t_ntp_seconds ? CheckId::kTType : CheckId::kTWindow},
              "the signer's UID cannot be determined", "signer UID", "unknown");
  } else {
    auto cache = CacheFor(sender_kms->kms_uri);
    Status s = cache.ok() ? cache->eccsi->Verify(*signer_uid, wire.subspan(0, *m.signed_length), sign->signature)
                          : Status(cache.error());
    c.Expect(s.ok(), CheckId::kSignValid,
             s.ok() ? "ECCSI signature valid for UID " + ToHex(*signer_uid).substr(0, 16) + "... under " +
                          sender_kms->kms_uri
                    : "ECCSI verification failed: " + s.error().message(),
             "valid", s.ok() ? "valid" : "invalid");
  }
  if (!named_kmsi || !v.recipient_kms_uri) {
    c.Blocked(CheckId::kSignTrust, {signer_kms_blocker},
              "signer or receiver KMS unknown", "a trusted KMS", named_kmsi.value_or("none"));
  } else if (*named_kmsi == *v.recipient_kms_uri) {
    c.Pass(CheckId::kSignTrust, "signed under the receiver's own KMS");
  } else {
    bool trusted = false;
    if (auto certs = store_.TrustedExternalCertificates(*v.recipient_kms_uri); certs.ok()) {
      for (const auto& cert : *certs) trusted = trusted || cert.kms_uri == *named_kmsi;
    }
    c.Expect(trusted, CheckId::kSignTrust,
             trusted ? "signer's KMS " + *named_kmsi + " is a trusted external KMS"
                     : "signer's KMS " + *named_kmsi + " is not trusted by " + *v.recipient_kms_uri,
             "own or trusted external KMS", *named_kmsi);
  }

  // ---- SAKKE
  const SakkePayload* sakke = m.Find<SakkePayload>();
  if (!sakke) {
    c.Fail(CheckId::kSakkeParams, "no SAKKE payload", "SAKKE payload", "absent");
    c.Fail(CheckId::kSakkeDecap, "no SAKKE payload", "decapsulation", "absent");
  } else {
    bool ok = sakke->params == 1 && sakke->id_scheme == 2 && sakke->data.size() == sakke::kEncapsulatedSize;
    std::string actual = "set " + Num(sakke->params) + ", scheme " + Num(sakke->id_scheme) + ", " +
                         Num(sakke->data.size()) + " octets";
    c.Expect(ok, CheckId::kSakkeParams, actual, "set 1, scheme 2, 273 octets", actual);
    if (!recipient_keys || !recipient_uid) {
      c.Blocked(CheckId::kSakkeDecap, {recipient_keys_blocker}, "no RSK of the receiver for the key period of T",
                "receiver RSK", "none");
    } else {
      auto cache = CacheFor(recipient_kms->kms_uri);
      Result<SecretBytes> ssv =
          cache.ok() ? cache->sakke->Decapsulate(*recipient_uid, recipient_keys->user_decrypt_key.span(), sakke->data)
                     : Result<SecretBytes>(cache.error());
      if (ssv.ok() && ssv->size() == 16) {
        v.gmk = std::move(ssv).value();
        c.Pass(CheckId::kSakkeDecap, "a 16-octet GMK decapsulated with the receiver's RSK");
      } else {
        c.Fail(CheckId::kSakkeDecap, ssv.ok() ? "decapsulated key is not 16 octets" : ssv.error().message(), "the GMK",
               "decapsulation failed");
      }
    }
  }

  // ---- key identifiers
  if (v.gmk && !spi_key_id) {
    if (auto recovered = GmkIdFromGukId(v.gmk->span(), hdr.csb_id, options.recipient_uri); recovered.ok()) {
      v.gmk_id = *recovered;
    }
  } else {
    v.gmk_id = spi_key_id;
  }
  {
    std::string problem;
    if (PurposeTagOf(hdr.csb_id) != 0) problem = "CSB-ID purpose tag " + Num(PurposeTagOf(hdr.csb_id));
    if (v.gmk_id && PurposeTagOf(*v.gmk_id) != 0) {
      problem += (problem.empty() ? "" : "; ") + std::string("key ID purpose tag ") + Num(PurposeTagOf(*v.gmk_id)) +
                 " (" + KeyPurposeName(PurposeTagOf(*v.gmk_id)) + ")";
    }
    c.Expect(problem.empty(), CheckId::kKeyIdPurpose, problem.empty() ? "purpose tag 0 (GMK)" : problem, "0 (GMK)", problem);
  }
  if (!v.gmk) {
    c.Blocked(CheckId::kGukIdDerivation, {CheckId::kSakkeDecap}, "the GMK was not recovered", Hex32(hdr.csb_id),
              "unknown");
  } else if (spi_key_id) {
    auto expected = GukIdFromGmkId(v.gmk->span(), *spi_key_id, options.recipient_uri);
    bool ok = expected.ok() && *expected == hdr.csb_id;
    c.Expect(ok, CheckId::kGukIdDerivation,
             ok ? "GUK-ID " + Hex32(hdr.csb_id) + " derives from GMK-ID " + Hex32(*spi_key_id) + " and " +
                      options.recipient_uri
                : "CSB-ID is not the GUK-ID of GMK-ID " + Hex32(*spi_key_id) + " for " + options.recipient_uri,
             expected.ok() ? Hex32(*expected) : "?", Hex32(hdr.csb_id));
  } else {
    c.NotApplicable(CheckId::kGukIdDerivation, "no GMK-ID in the message; recovered GMK-ID " +
                                            (v.gmk_id ? Hex32(*v.gmk_id) : std::string("?")) +
                                            " (cross-checked by FLOW.SAME_GMK)");
  }

  // ---- key parameters (extension type 7)
  const GeneralExtPayload* ext7 = m.FindExtension(kExtTypeKeyParameters);
  if (!ext7) {
    for (CheckId id : {CheckId::kKeyParamsDecrypt, CheckId::kKeyParamsType, CheckId::kKeyParamsStatus, CheckId::kKeyParamsTimes,
                           CheckId::kKeyParamsGroups}) {
      c.NotApplicable(id, "no key-parameters extension");
    }
  } else {
    if (const auto* prot = std::get_if<ProtectedPayload>(&ext7->content)) {
      if (!v.gmk) {
        c.Blocked(CheckId::kKeyParamsDecrypt, {CheckId::kSakkeDecap}, "the GMK was not recovered", "decryptable",
                  "no key");
      } else if (prot->dppk_id != hdr.csb_id) {
        c.Fail(CheckId::kKeyParamsDecrypt, "DPPK-ID is not the CSB-ID", Hex32(hdr.csb_id), Hex32(prot->dppk_id));
      } else if (auto kp = DecryptKeyParameters(*prot, v.gmk->span()); kp.ok()) {
        v.key_params = *kp;
        c.Pass(CheckId::kKeyParamsDecrypt, "AES-128-GCM tag valid under the DPCK");
      } else {
        c.Fail(CheckId::kKeyParamsDecrypt, kp.error().message(), "valid GCM tag", "invalid");
      }
    } else if (const auto* clear = std::get_if<ClearKeyParameters>(&ext7->content)) {
      v.key_params = clear->params;
      c.NotApplicable(CheckId::kKeyParamsDecrypt, "Rel-13 key parameters in clear");
    } else {
      c.Fail(CheckId::kKeyParamsDecrypt, "extension type 7 content not understood", "key parameters", "opaque");
    }
    if (!v.key_params) {
      for (CheckId id : {CheckId::kKeyParamsType, CheckId::kKeyParamsStatus, CheckId::kKeyParamsTimes, CheckId::kKeyParamsGroups}) {
        c.Blocked(id, {CheckId::kKeyParamsDecrypt}, "key parameters could not be read", "readable key parameters",
                  "unreadable");
      }
    } else {
      const KeyParameters& kp = *v.key_params;
      c.Expect(kp.key_type == static_cast<uint8_t>(KeyPurpose::kGmk), CheckId::kKeyParamsType,
               std::string("key type ") + KeyPurposeName(kp.key_type), "GMK (0)", Num(kp.key_type));
      bool valid = (kp.status & kKeyStatusValid) != 0;
      c.Expect(valid, CheckId::kKeyParamsStatus, valid ? "status valid" : "status does not mark the key valid (revoked)",
               "valid bit set", Hex32(kp.status));
      std::optional<uint64_t> now = options.now_ntp_seconds ? options.now_ntp_seconds : v.t_ntp_seconds;
      if (!now) {
        c.NotApplicable(CheckId::kKeyParamsTimes, "no time to compare against");
      } else if (kp.activation_time != 0 && *now < kp.activation_time) {
        c.Fail(CheckId::kKeyParamsTimes, "key not yet active", ">= " + Num(kp.activation_time), Num(*now));
      } else if (kp.expiry_time != 0 && *now >= kp.expiry_time) {
        c.Fail(CheckId::kKeyParamsTimes, "key expired", "< " + Num(kp.expiry_time), Num(*now));
      } else {
        c.Pass(CheckId::kKeyParamsTimes, "activation " + Num(kp.activation_time) + ", expiry " + Num(kp.expiry_time) +
                                      " (0 = unset)");
      }
      if (!options.expected_group_id) {
        c.NotApplicable(CheckId::kKeyParamsGroups, "no expected group given");
      } else {
        bool found = false;
        std::string listed;
        for (const auto& g : kp.group_ids.value_or(std::vector<GroupIdTlv>{})) {
          std::string id(g.value.begin(), g.value.end());
          listed += (listed.empty() ? "" : ", ") + id;
          found = found || id == *options.expected_group_id;
        }
        c.Expect(found, CheckId::kKeyParamsGroups, found ? "names " + *options.expected_group_id : "group not named",
                 *options.expected_group_id, listed.empty() ? "none" : listed);
      }
    }
  }

  // ---- SAKKE-to-self (extension type 6)
  const GeneralExtPayload* ext6 = m.FindExtension(kExtTypeSakkeToSelf);
  if (!ext6) {
    c.NotApplicable(CheckId::kExt6Self, "no SAKKE-to-self extension");
  } else if (const auto* self = std::get_if<SakkePayload>(&ext6->content)) {
    bool shape = self->params == 1 && self->id_scheme == 2 && self->data.size() == sakke::kEncapsulatedSize;
    if (!shape) {
      c.Fail(CheckId::kExt6Self, "malformed SAKKE-to-self payload", "set 1, scheme 2, 273 octets",
             Num(self->data.size()) + " octets");
    } else if (v.sender_uri && sender_kms && sender_period && signer_uid && v.gmk) {
      auto keys = store_.KeySet(sender_kms->kms_uri, *v.sender_uri, *sender_period);
      auto cache = CacheFor(sender_kms->kms_uri);
      if (keys.ok() && cache.ok()) {
        auto ssv = cache->sakke->Decapsulate(*signer_uid, (*keys)->user_decrypt_key.span(), self->data);
        bool same = ssv.ok() && *ssv == *v.gmk;
        c.Expect(same, CheckId::kExt6Self, same ? "decapsulates to the same GMK for the sender" : "does not carry the GMK to the sender",
                 "the GMK", ssv.ok() ? "another key" : "decapsulation failed");
      } else {
        c.Pass(CheckId::kExt6Self, "well-formed (the sender's RSK is not available to check it)");
      }
    } else {
      c.Pass(CheckId::kExt6Self, "well-formed (sender or GMK unknown: not decapsulated)");
    }
  } else {
    c.Fail(CheckId::kExt6Self, "extension type 6 content is not a SAKKE payload", "SAKKE payload", "other");
  }
  return v;
}

}  // namespace mcx::mikey
