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

// One message's verification: what every check family reads, found once
// (each key-store lookup made once, key sets shared rather than copied),
// and where they report.
struct Context {
  const GktpVerifier& verifier;
  const kms::KeyStore& store;
  ByteSpan wire;
  const VerifyOptions& options;
  const Message& m;
  GktpVerification& v;
  CheckList& c;

  // IDR payloads by role.
  std::vector<const IdrPayload*> idri, idrr, kmsi, kmsr;
  // The KMS URIs IDRkmsi / IDRkmsr name, when there is exactly one of each.
  std::optional<std::string> named_kmsi, named_kmsr;
  // Each side's KMS, its key period for T and (the receiver's) key set.
  std::optional<kms::KmsPublicParams> recipient_kms, sender_kms;
  std::optional<uint64_t> recipient_period, sender_period;
  kms::SharedKeySet recipient_keys;
  std::optional<Bytes> recipient_uid;
  // The UID the signature is made for (IDRi's, or computed from its URI).
  std::optional<Bytes> signer_uid;
  // From the GENERIC-ID map's SPI (set by the header checks).
  std::optional<uint32_t> spi_key_id;

  // The check whose failure left a KMS unknown: IDRkmsi missing or repeated,
  // else naming a KMS the store does not hold (or the receiver's unknown).
  CheckId KmsBlocker() const { return !named_kmsi ? CheckId::kIdrPresent : CheckId::kIdrKms; }
  // The check whose failure explains a missing key period of T.
  CheckId PeriodBlocker() const { return !v.t_ntp_seconds ? CheckId::kTType : CheckId::kTWindow; }
  // The check whose failure explains missing receiver key material (its
  // KMS, the key period of T, its keys for that period).
  CheckId RecipientKeysBlocker() const { return !recipient_kms ? CheckId::kIdrKms : PeriodBlocker(); }
};

// ---- the context

// T and RAND as read, and which KMS each side belongs to.
void ReadPayloads(Context& x) {
  GktpVerification& v = x.v;
  v.csb_id = x.m.hdr.csb_id;
  if (const TimestampPayload* t = x.m.Find<TimestampPayload>(); t && t->ts_type != TsType::kCounter) {
    v.t_ntp_seconds = t->value >> 32;
  }
  if (const RandPayload* rand = x.m.Find<RandPayload>()) v.rand = rand->rand;
  x.idri = IdrsWithRoles(x.m, {IdRole::kIdri, IdRole::kIdruidi});
  x.idrr = IdrsWithRoles(x.m, {IdRole::kIdrr, IdRole::kIdruidr});
  x.kmsi = IdrsWithRoles(x.m, {IdRole::kIdrkmsi});
  x.kmsr = IdrsWithRoles(x.m, {IdRole::kIdrkmsr});
  if (x.kmsi.size() == 1) x.named_kmsi = std::string(x.kmsi[0]->id.begin(), x.kmsi[0]->id.end());
  if (x.kmsr.size() == 1) x.named_kmsr = std::string(x.kmsr[0]->id.begin(), x.kmsr[0]->id.end());
  if (x.options.recipient_kms_uri) {
    v.recipient_kms_uri = x.options.recipient_kms_uri;
  } else if (auto k = x.store.KmsForIdentity(x.options.recipient_uri); k.ok()) {
    v.recipient_kms_uri = *k;
  } else if (x.named_kmsr && x.store.HasDomain(*x.named_kmsr)) {
    v.recipient_kms_uri = x.named_kmsr;
  }
  if (x.named_kmsi && x.store.HasDomain(*x.named_kmsi)) v.sender_kms_uri = x.named_kmsi;
}

// Key periods follow T, in each side's own KMS; then the receiver's keys
// and UID for its period.
void ResolveKeys(Context& x) {
  const GktpVerification& v = x.v;
  if (v.recipient_kms_uri) {
    if (auto k = x.store.Kms(*v.recipient_kms_uri); k.ok()) x.recipient_kms = *k;
  }
  if (v.sender_kms_uri) {
    if (auto k = x.store.Kms(*v.sender_kms_uri); k.ok()) x.sender_kms = *k;
  }
  if (v.t_ntp_seconds && x.recipient_kms) {
    if (auto p = x.store.KeyPeriodNo(x.recipient_kms->kms_uri, *v.t_ntp_seconds); p.ok()) x.recipient_period = *p;
  }
  if (v.t_ntp_seconds && x.sender_kms) {
    if (auto p = x.store.KeyPeriodNo(x.sender_kms->kms_uri, *v.t_ntp_seconds); p.ok()) x.sender_period = *p;
  }
  if (x.recipient_period) {
    auto k = x.store.KeySet(x.recipient_kms->kms_uri, x.options.recipient_uri, *x.recipient_period);
    if (k.ok()) x.recipient_keys = *k;
    const kms::KmsPublicParams& r = *x.recipient_kms;
    x.recipient_uid =
        MikeySakkeUid({x.options.recipient_uri, r.kms_uri, r.user_key_period, r.user_key_offset, *x.recipient_period});
  }
}

// IDRi: the signer, named by URI or hidden behind its UID (then matched
// against the expected and candidate senders).
void IdentifySender(Context& x) {
  if (x.idri.size() != 1) return;
  const IdrPayload& i = *x.idri[0];
  auto uid_for = [&](const std::string& uri) -> std::optional<Bytes> {
    if (!x.sender_kms || !x.sender_period) return std::nullopt;
    const kms::KmsPublicParams& s = *x.sender_kms;
    return MikeySakkeUid({uri, s.kms_uri, s.user_key_period, s.user_key_offset, *x.sender_period});
  };
  if (i.role == static_cast<uint8_t>(IdRole::kIdri)) {
    x.v.sender_uri = IdText(i);
    x.signer_uid = uid_for(*x.v.sender_uri);
    return;
  }
  x.signer_uid = i.id;
  std::vector<std::string> candidates = x.options.candidate_senders;
  if (x.options.expected_sender_uri) candidates.insert(candidates.begin(), *x.options.expected_sender_uri);
  for (const auto& uri : candidates) {
    if (auto uid = uid_for(uri); uid && *uid == i.id) {
      x.v.sender_uri = uri;
      return;
    }
  }
}

// ---- check families, in report order

void CheckHeader(Context& x) {
  CheckList& c = x.c;
  const CommonHeader& hdr = x.m.hdr;
  c.Expect(hdr.version == kMikeyVersion, CheckId::kHdrVersion, "version " + Num(hdr.version), "1", Num(hdr.version));
  c.Expect(hdr.data_type == kDataTypeSakkeMessage, CheckId::kHdrDataType, "data type " + Num(hdr.data_type), "26",
           Num(hdr.data_type));
  c.Expect(!hdr.v_flag, CheckId::kHdrVBit, hdr.v_flag ? "V bit set: asks one-to-many receivers for a verification message"
                                              : "V bit clear",
           "0", hdr.v_flag ? "1" : "0");
  c.Expect(hdr.prf_func == kPrfHmacSha256, CheckId::kHdrPrf, "PRF function " + Num(hdr.prf_func), "1", Num(hdr.prf_func));

  if (const auto* generic = std::get_if<GenericIdMap>(&hdr.cs_id_map)) {
    if (generic->entries.size() != 1) {
      c.Fail(CheckId::kHdrCsMap, "GENERIC-ID map with " + Num(generic->entries.size()) + " crypto sessions", "1",
             Num(generic->entries.size()));
      c.NotApplicable(CheckId::kHdrSpi, "no single crypto session");
      return;
    }
    const GenericIdEntry& e = generic->entries[0];
    x.v.cs_id = e.cs_id;
    bool cs_ok = (e.cs_id == 4 || e.cs_id == 5) && e.prot_type == 0;
    c.Expect(cs_ok, CheckId::kHdrCsMap, "GENERIC-ID, CS-ID " + Num(e.cs_id) + ", protocol " + Num(e.prot_type),
             "CS-ID 4 or 5, protocol 0 (SRTP)", "CS-ID " + Num(e.cs_id) + ", protocol " + Num(e.prot_type));
    x.spi_key_id = e.SpiKeyId();
    std::optional<uint32_t> spi_guk_id = e.SpiGukId();
    if (e.spi.size() != 8) {
      c.Fail(CheckId::kHdrSpi, "SPI has " + Num(e.spi.size()) + " octets", "8 octets GMK-ID || GUK-ID", ToHex(e.spi));
    } else {
      c.Expect(*spi_guk_id == hdr.csb_id, CheckId::kHdrSpi,
               "SPI GMK-ID " + HexU32(*x.spi_key_id) + ", GUK-ID " + HexU32(*spi_guk_id), HexU32(hdr.csb_id),
               HexU32(*spi_guk_id));
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
}

void CheckTimestampAndRand(Context& x) {
  CheckList& c = x.c;
  const TimestampPayload* t = x.m.Find<TimestampPayload>();
  if (t == nullptr) {
    c.Fail(CheckId::kTType, "no T payload", "T payload, NTP-UTC", "absent");
  } else {
    c.Expect(t->ts_type == TsType::kNtpUtc, CheckId::kTType, "TS type " + Num(static_cast<uint8_t>(t->ts_type)),
             "0 (NTP-UTC)", Num(static_cast<uint8_t>(t->ts_type)));
  }
  const RandPayload* rand = x.m.Find<RandPayload>();
  if (rand == nullptr) {
    c.Fail(CheckId::kRandLength, "no RAND payload", ">= 16 octets", "absent");
  } else {
    c.Expect(rand->rand.size() >= 16, CheckId::kRandLength, Num(rand->rand.size()) + " octets", ">= 16",
             Num(rand->rand.size()));
  }
}

// IDR.PRESENT and IDR.KMS.
void CheckIdrPresenceAndKms(Context& x) {
  CheckList& c = x.c;
  const VerifyOptions& options = x.options;
  const GktpVerification& v = x.v;
  std::string missing;
  auto note = [&](const char* name, size_t n) {
    if (n != 1) missing += std::string(missing.empty() ? "" : ", ") + name + " x" + Num(n);
  };
  note("IDRi", x.idri.size());
  note("IDRr", x.idrr.size());
  note("IDRkmsi", x.kmsi.size());
  note("IDRkmsr", x.kmsr.size());
  c.Expect(missing.empty(), CheckId::kIdrPresent, missing.empty() ? "IDRi, IDRr, IDRkmsi, IDRkmsr present" : missing,
           "one each of IDRi, IDRr, IDRkmsi, IDRkmsr", missing);

  const std::optional<std::string>& named_kmsi = x.named_kmsi;
  const std::optional<std::string>& named_kmsr = x.named_kmsr;
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
           "IDRkmsi names " + *named_kmsi + ", but the sender " + options.expected_sender_uri.value_or("expected") +
               " belongs to " + *options.expected_sender_kms_uri,
           *options.expected_sender_kms_uri, *named_kmsi);
  } else {
    c.Expect(problem.empty(), CheckId::kIdrKms,
             problem.empty() ? "sender KMS " + *named_kmsi + ", receiver KMS " + *named_kmsr : problem,
             v.recipient_kms_uri.value_or("?"), *named_kmsr);
  }
}

// T.WINDOW: the clock, then the key period.
void CheckTimeWindow(Context& x) {
  CheckList& c = x.c;
  const VerifyOptions& options = x.options;
  const std::optional<uint64_t>& t = x.v.t_ntp_seconds;
  if (!t) {
    c.Blocked(CheckId::kTWindow, {CheckId::kTType}, "no NTP time to check", "an NTP-UTC T", "none");
  } else if (options.now_ntp_seconds && (*t + options.max_clock_skew_seconds < *options.now_ntp_seconds ||
                                         *t > *options.now_ntp_seconds + options.max_clock_skew_seconds)) {
    c.Fail(CheckId::kTWindow, "T is more than " + Num(options.max_clock_skew_seconds) + " s from the receiver's clock",
           Num(*options.now_ntp_seconds) + " +/- " + Num(options.max_clock_skew_seconds), Num(*t));
  } else if (!x.recipient_period) {
    c.Fail(CheckId::kTWindow, "T lies in no key period of the receiver's KMS", "a key period", Num(*t));
  } else if (!x.recipient_keys) {
    c.Fail(CheckId::kTWindow, "the receiver holds no keys for key period " + Num(*x.recipient_period),
           "a provisioned key period", Num(*x.recipient_period));
  } else {
    c.Pass(CheckId::kTWindow, "T " + Num(*t) + " in key period " + Num(*x.recipient_period) +
                                  (options.now_ntp_seconds ? "" : " (no receiver clock given)"));
  }
}

// IDR.RECIPIENT (the receiver, by URI or by UID) and IDR.SENDER.
void CheckIdentities(Context& x) {
  CheckList& c = x.c;
  const VerifyOptions& options = x.options;
  const GktpVerification& v = x.v;
  if (x.idrr.size() != 1) {
    c.Blocked(CheckId::kIdrRecipient, {CheckId::kIdrPresent}, "no single IDRr", options.recipient_uri,
              Num(x.idrr.size()) + " IDRr payloads");
  } else if (x.idrr[0]->role == static_cast<uint8_t>(IdRole::kIdrr)) {
    std::string named = IdText(*x.idrr[0]);
    c.Expect(named == options.recipient_uri, CheckId::kIdrRecipient, "IDRr " + named, options.recipient_uri, named);
  } else if (!x.recipient_uid) {
    c.Blocked(CheckId::kIdrRecipient, {x.RecipientKeysBlocker()},
              "cannot compute the receiver's UID (KMS or key period unknown)", "UID", ToHex(x.idrr[0]->id));
  } else {
    c.Expect(x.idrr[0]->id == *x.recipient_uid, CheckId::kIdrRecipient,
             "IDRr carries the receiver's UID for key period " + Num(*x.recipient_period), ToHex(*x.recipient_uid),
             ToHex(x.idrr[0]->id));
  }

  if (x.idri.size() != 1) {
    c.Blocked(CheckId::kIdrSender, {CheckId::kIdrPresent}, "no single IDRi",
              options.expected_sender_uri.value_or("one IDRi"), Num(x.idri.size()) + " IDRi payloads");
    return;
  }
  const IdrPayload& i = *x.idri[0];
  bool uid_computable = x.sender_kms && x.sender_period;
  if (options.expected_sender_uri && !v.sender_uri && !uid_computable) {
    // A UID is only comparable with the sender's KMS and key period.
    c.Blocked(CheckId::kIdrSender, {!x.sender_kms ? x.KmsBlocker() : x.PeriodBlocker()},
              "sender hidden behind UID " + ToHex(i.id) + "; its KMS or key period for T is unknown",
              *options.expected_sender_uri, IdText(i));
  } else if (options.expected_sender_uri) {
    bool ok = v.sender_uri && *v.sender_uri == *options.expected_sender_uri;
    c.Expect(ok, CheckId::kIdrSender,
             ok ? "signed by " + *v.sender_uri : "IDRi does not name the expected sender " + *options.expected_sender_uri,
             *options.expected_sender_uri, v.sender_uri.value_or(IdText(i)));
  } else if (v.sender_uri) {
    c.Pass(CheckId::kIdrSender, "IDRi names " + *v.sender_uri + " (no expected sender given)");
  } else {
    c.NotApplicable(CheckId::kIdrSender, "sender hidden behind UID " + ToHex(i.id) + " and no expected sender given");
  }
}

void CheckSecurityPolicy(Context& x) {
  if (const SpPayload* sp = x.m.Find<SpPayload>()) {
    std::string mismatch;
    bool ok = PolicyMatchesDefault(*sp, &mismatch);
    x.c.Expect(ok, CheckId::kSpProfile, ok ? "default group profile (Table E.2-1)" : mismatch, "Table E.2-1 profile",
               mismatch);
  } else {
    x.c.NotApplicable(CheckId::kSpProfile, "no SP payload: default policy applies");
  }
}

// SIGN.TYPE, SIGN.VALID and SIGN.TRUST.
void CheckSignature(Context& x) {
  CheckList& c = x.c;
  const Message& m = x.m;
  const std::optional<std::string>& named_kmsi = x.named_kmsi;
  const SignPayload* sign = m.payloads.empty() ? nullptr : m.payloads.back().As<SignPayload>();
  bool sign_shape_ok = sign && sign->s_type == kSignTypeEccsi && sign->signature.size() == kEccsiSignatureSize;
  if (!sign) {
    c.Fail(CheckId::kSignType, "no SIGN payload", "SIGN, S type 2, 129 octets", "absent");
  } else {
    std::string shape = "S type " + Num(sign->s_type) + ", " + Num(sign->signature.size()) + " octets";
    c.Expect(sign_shape_ok, CheckId::kSignType, shape, "S type 2, 129 octets", shape);
  }
  if (!sign_shape_ok || !m.signed_length) {
    c.Blocked(CheckId::kSignValid, {CheckId::kSignType}, "no ECCSI signature to verify", "valid ECCSI signature",
              "absent or malformed");
  } else if (!x.sender_kms) {
    c.Blocked(CheckId::kSignValid, {x.KmsBlocker()},
              "the signer's KMS (" + named_kmsi.value_or("unnamed") + ") is not in the key store", "a known KMS",
              named_kmsi.value_or("none"));
  } else if (!x.signer_uid) {
    // No single IDRi, or no key period of the signer's KMS for T.
    c.Blocked(CheckId::kSignValid, {x.idri.size() != 1 ? CheckId::kIdrPresent : x.PeriodBlocker()},
              "the signer's UID cannot be determined", "signer UID", "unknown");
  } else {
    auto prepared = x.verifier.Prepared(x.sender_kms->kms_uri);
    Status s = prepared.ok()
                   ? prepared->eccsi->Verify(*x.signer_uid, x.wire.subspan(0, *m.signed_length), sign->signature)
                   : Status(prepared.error());
    c.Expect(s.ok(), CheckId::kSignValid,
             s.ok() ? "ECCSI signature valid for UID " + ToHex(*x.signer_uid).substr(0, 16) + "... under " +
                          x.sender_kms->kms_uri
                    : "ECCSI verification failed: " + s.error().message(),
             "valid", s.ok() ? "valid" : "invalid");
  }
  const std::optional<std::string>& recipient_kms_uri = x.v.recipient_kms_uri;
  if (!named_kmsi || !recipient_kms_uri) {
    c.Blocked(CheckId::kSignTrust, {x.KmsBlocker()}, "signer or receiver KMS unknown", "a trusted KMS",
              named_kmsi.value_or("none"));
  } else if (*named_kmsi == *recipient_kms_uri) {
    c.Pass(CheckId::kSignTrust, "signed under the receiver's own KMS");
  } else {
    bool trusted = false;
    if (auto certs = x.store.TrustedExternalCertificates(*recipient_kms_uri); certs.ok()) {
      for (const auto& cert : *certs) trusted = trusted || cert.kms_uri == *named_kmsi;
    }
    c.Expect(trusted, CheckId::kSignTrust,
             trusted ? "signer's KMS " + *named_kmsi + " is a trusted external KMS"
                     : "signer's KMS " + *named_kmsi + " is not trusted by " + *recipient_kms_uri,
             "own or trusted external KMS", *named_kmsi);
  }
}

// SAKKE.PARAMS and SAKKE.DECAP, which recovers the GMK.
void CheckSakke(Context& x) {
  CheckList& c = x.c;
  const SakkePayload* sakke = x.m.Find<SakkePayload>();
  if (!sakke) {
    c.Fail(CheckId::kSakkeParams, "no SAKKE payload", "SAKKE payload", "absent");
    c.Fail(CheckId::kSakkeDecap, "no SAKKE payload", "decapsulation", "absent");
    return;
  }
  bool ok = sakke->params == 1 && sakke->id_scheme == 2 && sakke->data.size() == sakke::kEncapsulatedSize;
  std::string actual =
      "set " + Num(sakke->params) + ", scheme " + Num(sakke->id_scheme) + ", " + Num(sakke->data.size()) + " octets";
  c.Expect(ok, CheckId::kSakkeParams, actual, "set 1, scheme 2, 273 octets", actual);
  if (!x.recipient_keys || !x.recipient_uid) {
    c.Blocked(CheckId::kSakkeDecap, {x.RecipientKeysBlocker()}, "no RSK of the receiver for the key period of T",
              "receiver RSK", "none");
    return;
  }
  auto prepared = x.verifier.Prepared(x.recipient_kms->kms_uri);
  Result<SecretBytes> ssv =
      prepared.ok()
          ? prepared->sakke->Decapsulate(*x.recipient_uid, x.recipient_keys->user_decrypt_key.span(), sakke->data)
          : Result<SecretBytes>(prepared.error());
  if (ssv.ok() && ssv->size() == 16) {
    x.v.gmk = std::move(ssv).value();
    c.Pass(CheckId::kSakkeDecap, "a 16-octet GMK decapsulated with the receiver's RSK");
  } else {
    c.Fail(CheckId::kSakkeDecap, ssv.ok() ? "decapsulated key is not 16 octets" : ssv.error().message(), "the GMK",
           "decapsulation failed");
  }
}

// KEYID.PURPOSE and GUKID.DERIVATION; recovers the GMK-ID when the SPI
// does not carry it.
void CheckKeyIds(Context& x) {
  CheckList& c = x.c;
  GktpVerification& v = x.v;
  const uint32_t csb_id = x.m.hdr.csb_id;
  const std::string& recipient = x.options.recipient_uri;
  if (v.gmk && !x.spi_key_id) {
    if (auto recovered = GmkIdFromGukId(v.gmk->span(), csb_id, recipient); recovered.ok()) v.gmk_id = *recovered;
  } else {
    v.gmk_id = x.spi_key_id;
  }
  std::string problem;
  if (PurposeTagOf(csb_id) != 0) problem = "CSB-ID purpose tag " + Num(PurposeTagOf(csb_id));
  if (v.gmk_id && PurposeTagOf(*v.gmk_id) != 0) {
    problem += (problem.empty() ? "" : "; ") + std::string("key ID purpose tag ") + Num(PurposeTagOf(*v.gmk_id)) +
               " (" + KeyPurposeName(PurposeTagOf(*v.gmk_id)) + ")";
  }
  c.Expect(problem.empty(), CheckId::kKeyIdPurpose, problem.empty() ? "purpose tag 0 (GMK)" : problem, "0 (GMK)",
           problem);

  if (!v.gmk) {
    c.Blocked(CheckId::kGukIdDerivation, {CheckId::kSakkeDecap}, "the GMK was not recovered", HexU32(csb_id),
              "unknown");
  } else if (x.spi_key_id) {
    const uint32_t key_id = *x.spi_key_id;
    auto expected = GukIdFromGmkId(v.gmk->span(), key_id, recipient);
    bool ok = expected.ok() && *expected == csb_id;
    c.Expect(ok, CheckId::kGukIdDerivation,
             ok ? "GUK-ID " + HexU32(csb_id) + " derives from GMK-ID " + HexU32(key_id) + " and " + recipient
                : "CSB-ID is not the GUK-ID of GMK-ID " + HexU32(key_id) + " for " + recipient,
             expected.ok() ? HexU32(*expected) : "?", HexU32(csb_id));
  } else {
    c.NotApplicable(CheckId::kGukIdDerivation, "no GMK-ID in the message; recovered GMK-ID " +
                                                   (v.gmk_id ? HexU32(*v.gmk_id) : std::string("?")) +
                                                   " (cross-checked by FLOW.SAME_GMK)");
  }
}

// KEYPARAMS.TYPE, .STATUS, .TIMES and .GROUPS on readable parameters.
void CheckKeyParamsContent(Context& x, const KeyParameters& kp) {
  CheckList& c = x.c;
  const VerifyOptions& options = x.options;
  c.Expect(kp.key_type == static_cast<uint8_t>(KeyPurpose::kGmk), CheckId::kKeyParamsType,
           std::string("key type ") + KeyPurposeName(kp.key_type), "GMK (0)", Num(kp.key_type));
  bool valid = (kp.status & kKeyStatusValid) != 0;
  c.Expect(valid, CheckId::kKeyParamsStatus, valid ? "status valid" : "status does not mark the key valid (revoked)",
           "valid bit set", HexU32(kp.status));
  std::optional<uint64_t> now = options.now_ntp_seconds ? options.now_ntp_seconds : x.v.t_ntp_seconds;
  if (!now) {
    c.NotApplicable(CheckId::kKeyParamsTimes, "no time to compare against");
  } else if (kp.activation_time != 0 && *now < kp.activation_time) {
    c.Fail(CheckId::kKeyParamsTimes, "key not yet active", ">= " + Num(kp.activation_time), Num(*now));
  } else if (kp.expiry_time != 0 && *now >= kp.expiry_time) {
    c.Fail(CheckId::kKeyParamsTimes, "key expired", "< " + Num(kp.expiry_time), Num(*now));
  } else {
    c.Pass(CheckId::kKeyParamsTimes,
           "activation " + Num(kp.activation_time) + ", expiry " + Num(kp.expiry_time) + " (0 = unset)");
  }
  if (!options.expected_group_id) {
    c.NotApplicable(CheckId::kKeyParamsGroups, "no expected group given");
    return;
  }
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

// The key-parameters extension (type 7): KEYPARAMS.DECRYPT, then its content.
void CheckKeyParams(Context& x) {
  CheckList& c = x.c;
  GktpVerification& v = x.v;
  const GeneralExtPayload* ext7 = x.m.FindExtension(kExtTypeKeyParameters);
  if (!ext7) {
    for (CheckId id : {CheckId::kKeyParamsDecrypt, CheckId::kKeyParamsType, CheckId::kKeyParamsStatus,
                       CheckId::kKeyParamsTimes, CheckId::kKeyParamsGroups}) {
      c.NotApplicable(id, "no key-parameters extension");
    }
    return;
  }
  if (const auto* prot = std::get_if<ProtectedPayload>(&ext7->content)) {
    if (!v.gmk) {
      c.Blocked(CheckId::kKeyParamsDecrypt, {CheckId::kSakkeDecap}, "the GMK was not recovered", "decryptable",
                "no key");
    } else if (prot->dppk_id != x.m.hdr.csb_id) {
      c.Fail(CheckId::kKeyParamsDecrypt, "DPPK-ID is not the CSB-ID", HexU32(x.m.hdr.csb_id), HexU32(prot->dppk_id));
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
  if (v.key_params) {
    CheckKeyParamsContent(x, *v.key_params);
    return;
  }
  for (CheckId id :
       {CheckId::kKeyParamsType, CheckId::kKeyParamsStatus, CheckId::kKeyParamsTimes, CheckId::kKeyParamsGroups}) {
    c.Blocked(id, {CheckId::kKeyParamsDecrypt}, "key parameters could not be read", "readable key parameters",
              "unreadable");
  }
}

// SAKKE-to-self (extension type 6): decapsulated with the sender's RSK when
// the store holds it.
void CheckSakkeToSelf(Context& x) {
  CheckList& c = x.c;
  const GktpVerification& v = x.v;
  const GeneralExtPayload* ext6 = x.m.FindExtension(kExtTypeSakkeToSelf);
  if (!ext6) {
    c.NotApplicable(CheckId::kExt6Self, "no SAKKE-to-self extension");
    return;
  }
  const auto* self = std::get_if<SakkePayload>(&ext6->content);
  if (!self) {
    c.Fail(CheckId::kExt6Self, "extension type 6 content is not a SAKKE payload", "SAKKE payload", "other");
    return;
  }
  bool shape = self->params == 1 && self->id_scheme == 2 && self->data.size() == sakke::kEncapsulatedSize;
  if (!shape) {
    c.Fail(CheckId::kExt6Self, "malformed SAKKE-to-self payload", "set 1, scheme 2, 273 octets",
           Num(self->data.size()) + " octets");
    return;
  }
  if (!(v.sender_uri && x.sender_kms && x.sender_period && x.signer_uid && v.gmk)) {
    c.Pass(CheckId::kExt6Self, "well-formed (sender or GMK unknown: not decapsulated)");
    return;
  }
  auto keys = x.store.KeySet(x.sender_kms->kms_uri, *v.sender_uri, *x.sender_period);
  auto prepared = x.verifier.Prepared(x.sender_kms->kms_uri);
  if (!keys.ok() || !prepared.ok()) {
    c.Pass(CheckId::kExt6Self, "well-formed (the sender's RSK is not available to check it)");
    return;
  }
  auto ssv = prepared->sakke->Decapsulate(*x.signer_uid, (*keys)->user_decrypt_key.span(), self->data);
  bool same = ssv.ok() && *ssv == *v.gmk;
  c.Expect(same, CheckId::kExt6Self,
           same ? "decapsulates to the same GMK for the sender" : "does not carry the GMK to the sender", "the GMK",
           ssv.ok() ? "another key" : "decapsulation failed");
}

// A message that does not parse: MIKEY.PARSE fails and nothing else can be
// evaluated.
void ReportUnparsed(ByteSpan wire, const Error& error, CheckList& c) {
  c.Fail(CheckId::kMikeyParse, error.ToString());
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
}

}  // namespace

Result<GktpVerifier::PreparedKms> GktpVerifier::Prepared(const std::string& kms_uri) const {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(kms_uri);
    if (it != cache_.end()) return it->second;
  }
  MCX_ASSIGN_OR_RETURN(kms::KmsPublicParams kms, store_.Kms(kms_uri));
  PreparedKms entry;
  MCX_ASSIGN_OR_RETURN(entry.sakke, sakke::PreparedPublicKey::Create(kms.z_t));
  MCX_ASSIGN_OR_RETURN(eccsi::PreparedVerifier verifier, eccsi::PreparedVerifier::Create(kms.kpak));
  entry.eccsi = std::make_shared<const eccsi::PreparedVerifier>(std::move(verifier));
  std::lock_guard<std::mutex> lock(mu_);
  cache_.emplace(kms_uri, entry);
  return entry;
}

GktpVerification GktpVerifier::Verify(ByteSpan wire, const VerifyOptions& options) const {
  GktpVerification v;
  auto parsed = Parse(wire);
  if (!parsed.ok()) {
    ReportUnparsed(wire, parsed.error(), v.checks);
    return v;
  }
  v.checks.Pass(CheckId::kMikeyParse,
                Num(wire.size()) + " octets, " + Num(parsed->payloads.size()) + " payloads");
  v.message = std::move(parsed).value();

  Context x{*this, store_, wire, options, *v.message, v, v.checks};
  ReadPayloads(x);
  ResolveKeys(x);
  IdentifySender(x);

  CheckHeader(x);
  CheckTimestampAndRand(x);
  CheckIdrPresenceAndKms(x);
  CheckTimeWindow(x);
  CheckIdentities(x);
  CheckSecurityPolicy(x);
  CheckSignature(x);
  CheckSakke(x);
  CheckKeyIds(x);
  CheckKeyParams(x);
  CheckSakkeToSelf(x);
  return v;
}

}  // namespace mcx::mikey
