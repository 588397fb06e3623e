#include "mikey/gktp_faults.h"

#include <algorithm>
#include <functional>

#include "crypto/eccsi.h"
#include "crypto/guk_id.h"
#include "crypto/sakke.h"
#include "crypto/uid.h"
#include "mikey/codec.h"

namespace mcx::mikey {
namespace {

using Spec = GktpSpec;
using Context = FaultContext;

// ---------------------------------------------------------------- common header

void SetVersion2(Spec& s, const Context&) { s.deviations.version = 2; }
void SetDataType0(Spec& s, const Context&) { s.deviations.data_type = 0; }
void SetVFlag(Spec& s, const Context&) { s.deviations.v_flag = true; }
void SetPrf0(Spec& s, const Context&) { s.deviations.prf_func = 0; }
void SetCsId6(Spec& s, const Context&) { s.cs_id = 6; }
void ShortenSpi(Spec& s, const Context&) { s.deviations.spi_without_guk_id = true; }

// ---------------------------------------------------------------- T and RAND

void SetTsTypeNtp(Spec& s, const Context&) { s.deviations.ts_type = TsType::kNtp; }
void MoveTAnHourBack(Spec& s, const Context&) { s.ntp_seconds -= 3600; }

// A day beyond the window, in the recipient's current key period: only the
// clock comparison can reject it (UIDs, signature and SAKKE are those of the
// right period).
void MoveTBeyondWindow(Spec& s, const Context& c) {
  const uint64_t shift = c.t_window_seconds + 86400;
  auto now = c.keys.KeyPeriodNo(s.recipient.kms_uri, s.ntp_seconds);
  if (s.ntp_seconds > shift) {
    auto before = c.keys.KeyPeriodNo(s.recipient.kms_uri, s.ntp_seconds - shift);
    if (now.ok() && before.ok() && *now == *before) {
      s.ntp_seconds -= shift;
      return;
    }
  }
  s.ntp_seconds += shift;
}

void MoveTThreeKeyPeriods(Spec& s, const Context& c) {
  auto kms = c.keys.Kms(s.recipient.kms_uri);
  s.ntp_seconds += 3 * (kms.ok() ? kms->user_key_period : 2592000);
}

void ShortenRand(Spec& s, const Context&) { s.deviations.rand_length = 8; }

// ---------------------------------------------------------------- identities

void OmitIdrKms(Spec& s, const Context&) {
  s.deviations.omit_idr_kmsi = true;
  s.deviations.omit_idr_kmsr = true;
}

void OmitIdrKmsr(Spec& s, const Context&) { s.deviations.omit_idr_kmsr = true; }
void NameSenderAsRecipient(Spec& s, const Context&) { s.deviations.idrr_uri = s.sender.uri; }

void UsePreviousKeyPeriod(Spec& s, const Context& c) {
  auto period = c.keys.KeyPeriodNo(s.recipient.kms_uri, s.ntp_seconds);
  if (period.ok() && *period > 0) s.deviations.uid_key_period_no = *period - 1;
}

void NameOtherKmsInKmsi(Spec& s, const Context& c) {
  if (!c.other_kms_uri.empty()) s.deviations.idr_kmsi = c.other_kms_uri;
}

void NameOtherKmsInKmsr(Spec& s, const Context& c) {
  if (!c.other_kms_uri.empty()) s.deviations.idr_kmsr = c.other_kms_uri;
}

// ---------------------------------------------------------------- security policy

void AnnounceAesCm(Spec& s, const Context&) {
  auto policy = DefaultGroupPolicy();
  for (auto& p : policy) {
    if (p.type == 0) p.value = {1};  // encryption algorithm: AES-CM
  }
  s.deviations.sp_params = policy;
  s.include_sp = true;
}

// ---------------------------------------------------------------- SAKKE

void SetSakkeParams2(Spec& s, const Context&) { s.deviations.sakke_params = 2; }
void SetSakkeIdScheme1(Spec& s, const Context&) { s.deviations.sakke_id_scheme = 1; }

void EncryptToEve(Spec& s, const Context&) {
  s.deviations.encrypt_to = GktpParty{"sip:eve@" + s.recipient.kms_uri, s.recipient.kms_uri};
}

void SelfEncryptToRecipient(Spec& s, const Context&) {
  s.sakke_to_self = true;
  s.deviations.self_encrypt_to = s.recipient;
}

// Parses the built message, changes it and signs it again as the sender, so
// that only the changed field is wrong.
Result<Bytes> ResignAfter(const Bytes& wire, const Spec& s, const Context& c,
                          const std::function<void(Message&)>& change) {
  MCX_ASSIGN_OR_RETURN(Message m, Parse(wire));
  change(m);
  return SerializeAndSign(std::move(m), s.sender, s.ntp_seconds, c.keys);
}

void ChangeSakkeData(Message& m, const std::function<void(Bytes&)>& change) {
  for (auto& p : m.payloads) {
    if (auto* sakke = std::get_if<SakkePayload>(&p.body)) change(sakke->data);
  }
}

// R of another SSV's encapsulation to the same receiver: a valid point
// (unlike r-not-on-curve), so only the RFC 6508 step-5 re-check
// R == [r]([ID]P + Z) rejects it.
Result<Bytes> ReplaceR(Bytes wire, const Spec& s, const Context& c) {
  MCX_ASSIGN_OR_RETURN(kms::KmsPublicParams kms, c.keys.Kms(s.recipient.kms_uri));
  MCX_ASSIGN_OR_RETURN(uint64_t period, c.keys.KeyPeriodNo(s.recipient.kms_uri, s.ntp_seconds));
  Bytes uid = MikeySakkeUid({s.recipient.uri, kms.kms_uri, kms.user_key_period, kms.user_key_offset, period});
  MCX_ASSIGN_OR_RETURN(Bytes other, sakke::Encapsulate(kms.z_t, uid, Bytes(sakke::kSsvSize, 0x5a)));
  return ResignAfter(wire, s, c, [&other](Message& m) {
    ChangeSakkeData(m, [&other](Bytes& d) { std::copy(other.begin(), other.begin() + sakke::kPointSize, d.begin()); });
  });
}

Result<Bytes> FlipHBit(Bytes wire, const Spec& s, const Context& c) {
  return ResignAfter(wire, s, c,
                     [](Message& m) { ChangeSakkeData(m, [](Bytes& d) { d[d.size() - 1] ^= 0x80; }); });
}

// y := x: (x, x) is not on y^2 = x^3 - 3x for any x of this message.
Result<Bytes> MoveROffCurve(Bytes wire, const Spec& s, const Context& c) {
  return ResignAfter(wire, s, c, [](Message& m) {
    ChangeSakkeData(m, [](Bytes& d) { std::copy(d.begin() + 1, d.begin() + 129, d.begin() + 129); });
  });
}

// ---------------------------------------------------------------- signature

void SetSignType1(Spec& s, const Context&) { s.deviations.sign_type = 1; }
void CorruptSignature(Spec& s, const Context&) { s.deviations.corrupt_signature = true; }
void SignWholeMessage(Spec& s, const Context&) { s.deviations.sign_whole_message = true; }

// The SIGN payload's header (S type and signature length) precedes the
// signature value; RFC 6509 signs it with the rest of the message.
constexpr size_t kSignHeaderSize = 2;

// Signed by the real sender, over the message minus the whole SIGN payload:
// a receiver that tries other spans when the prescribed one fails accepts it.
Result<Bytes> SignWithoutSignHeader(Bytes wire, const Spec& s, const Context& c) {
  if (wire.size() < kEccsiSignatureSize + kSignHeaderSize) return InvalidArgument("message shorter than a SIGN payload");
  const size_t span = wire.size() - kEccsiSignatureSize - kSignHeaderSize;
  MCX_ASSIGN_OR_RETURN(uint64_t period, c.keys.KeyPeriodNo(s.sender.kms_uri, s.ntp_seconds));
  MCX_ASSIGN_OR_RETURN(kms::SharedKeySet keys, c.keys.KeySet(s.sender.kms_uri, s.sender.uri, period));
  MCX_ASSIGN_OR_RETURN(kms::KmsPublicParams kms, c.keys.Kms(s.sender.kms_uri));
  MCX_ASSIGN_OR_RETURN(Bytes signature, eccsi::Sign(kms.kpak, keys->user_id, keys->user_signing_key.span(),
                                                    keys->user_pub_token, ByteSpan(wire.data(), span)));
  if (signature.size() != kEccsiSignatureSize) return InvalidArgument("ECCSI signature of unexpected size");
  std::copy(signature.begin(), signature.end(), wire.end() - static_cast<ptrdiff_t>(kEccsiSignatureSize));
  return wire;
}

void SignAsMallory(Spec& s, const Context&) {
  s.deviations.sign_as = GktpParty{"sip:mallory@" + s.sender.kms_uri, s.sender.kms_uri};
}

// A KMS the receiver's domain does not trust issued keys for the real
// sender's URI: the signature verifies under that KMS and IDRi names the
// expected sender, so only SIGN.TRUST (and the sender's known home KMS,
// IDR.KMS) can tell.
void SignUnderRogueKms(Spec& s, const Context& c) { s.sender.kms_uri = c.rogue_kms_uri; }

// ---------------------------------------------------------------- key IDs

void TagKeyIdPck(Spec& s, const Context&) {
  s.gmk_id = (s.gmk_id & 0x0fffffffu) | static_cast<uint32_t>(KeyPurpose::kPck) << 28;
}

void SaltAllOfGukId(Spec& s, const Context&) {
  auto guk = GukIdFromGmkId(s.gmk.span(), s.gmk_id, s.recipient.uri);
  if (guk.ok()) s.deviations.csb_id = *guk ^ 0x50000000u;
}

void SaltGukIdWithSenderUri(Spec& s, const Context&) { s.deviations.guk_salt_uri = s.sender.uri; }

// ---------------------------------------------------------------- key parameters

void EncryptKeyParamsUnderWrongKey(Spec& s, const Context&) { s.deviations.key_params_key = Bytes(16, 0x5c); }
void LabelKeyCsk(Spec& s, const Context&) { s.key_params.params.key_type = static_cast<uint8_t>(KeyPurpose::kCsk); }
void RevokeKey(Spec& s, const Context&) { s.key_params.params.status = kKeyStatusShared; }
void ExpireKey(Spec& s, const Context&) { s.key_params.params.expiry_time = s.ntp_seconds - 60; }
void ActivateKeyLater(Spec& s, const Context&) { s.key_params.params.activation_time = s.ntp_seconds + 3600; }

// ---------------------------------------------------------------- framing

constexpr size_t kCutFromSignature = 20;

Result<Bytes> CutSignature(Bytes wire, const Spec&, const Context&) {
  if (wire.size() < kCutFromSignature) return InvalidArgument("message shorter than the cut");
  wire.resize(wire.size() - kCutFromSignature);
  return wire;
}

void AppendOctet(Spec& s, const Context&) { s.deviations.trailing_octet = true; }

Result<Bytes> AppendRandPayload(Bytes wire, const Spec&, const Context&) {
  // A complete RAND payload (next 0, length 16) after the signature.
  Bytes rand = {0x00, 0x10};
  rand.resize(18, 0x33);
  wire.insert(wire.end(), rand.begin(), rand.end());
  return wire;
}

// ---------------------------------------------------------------- the table

// An apply function is either kind; the table keeps both slots.
struct Apply {
  SpecFault spec = nullptr;
  WireFault wire = nullptr;
};
constexpr Apply ApplyOf(SpecFault f) { return {f, nullptr}; }
constexpr Apply ApplyOf(WireFault f) { return {nullptr, f}; }

using enum checks::CheckId;
using enum FaultNeeds;

#define MCX_GKTP_FAULT(e, name, uses, needs, apply, description, ...) \
  constexpr checks::CheckId e##Ids[] = {__VA_ARGS__};                   \
  constexpr auto e##Checks = checks::CheckIdNames(e##Ids);
#include "mikey/gktp_faults.def"

const GktpFault kFaults[] = {
#define MCX_GKTP_FAULT(e, name, uses, needs, apply, description, ...) \
  {GktpFaultId::e, name, description, uses, needs, e##Checks, ApplyOf(apply).spec, ApplyOf(apply).wire},
#include "mikey/gktp_faults.def"
};

}  // namespace

std::span<const GktpFault> GktpFaults() { return kFaults; }

const GktpFault& Fault(GktpFaultId id) { return kFaults[static_cast<size_t>(id)]; }

const GktpFault* FindGktpFault(std::string_view name) {
  for (const GktpFault& f : kFaults) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

Result<Bytes> BuildWithFaults(const GktpBuilder& builder, GktpSpec spec, std::span<const GktpFault* const> faults,
                              const FaultContext& context) {
  for (const GktpFault* fault : faults) {
    if (fault->spec) fault->spec(spec, context);
  }
  MCX_ASSIGN_OR_RETURN(BuiltGktp built, builder.Build(spec));
  Bytes wire = std::move(built.wire);
  for (const GktpFault* fault : faults) {
    if (fault->wire) {
      MCX_ASSIGN_OR_RETURN(wire, fault->wire(std::move(wire), spec, context));
    }
  }
  return wire;
}

}  // namespace mcx::mikey
