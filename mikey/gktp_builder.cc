#include "mikey/gktp_builder.h"

#include "crypto/eccsi.h"
#include "crypto/guk_id.h"
#include "crypto/random.h"
#include "crypto/uid.h"
#include "mikey/codec.h"
#include "mikey/key_params_crypto.h"

namespace mcx::mikey {
namespace {

Bytes U32(uint32_t v) { return FixedBigEndian(v, 4); }

Result<Bytes> UidOf(const kms::KeyLookup& store, const std::string& uri, const std::string& kms_uri,
                    uint64_t key_period_no) {
  MCX_ASSIGN_OR_RETURN(kms::KmsPublicParams kms, store.Kms(kms_uri));
  return MikeySakkeUid({uri, kms_uri, kms.user_key_period, kms.user_key_offset, key_period_no});
}

Result<uint64_t> PeriodOf(const kms::KeyLookup& store, const std::string& kms_uri, uint64_t ntp_seconds) {
  auto period = store.KeyPeriodNo(kms_uri, ntp_seconds);
  if (!period.ok()) return period.error().WithContext("KMS " + kms_uri);
  return period;
}

Payload Idr(uint8_t role, uint8_t id_type, Bytes id) {
  IdrPayload p;
  p.role = role;
  p.id_type = id_type;
  p.id = std::move(id);
  return Payload{p};
}

}  // namespace

std::vector<PolicyParam> DefaultGroupPolicy() {
  // Type/value pairs of Table E.2-1: AES-GCM, 16-octet keys, RCCm3, 12-octet
  // salts, default PRF and KDR, SRTP/SRTCP/AEAD tag lengths.
  return {{0, {6}}, {1, {16}}, {2, {4}}, {4, {12}}, {5, {0}}, {6, {0}}, {18, {4}}, {19, {0}}, {20, {16}}};
}

Result<Bytes> SerializeAndSign(Message message, const GktpParty& signer, uint64_t ntp_seconds,
                               const kms::KeyLookup& store, std::optional<ByteSpan> eccsi_j) {
  if (message.payloads.empty() || message.payloads.back().type() != PayloadType::kSign) {
    return InvalidArgument("message has no SIGN payload to fill in");
  }
  SignPayload* sign = std::get_if<SignPayload>(&message.payloads.back().body);
  size_t signature_size = sign->signature.size();
  MCX_ASSIGN_OR_RETURN(uint64_t period, PeriodOf(store, signer.kms_uri, ntp_seconds));
  MCX_ASSIGN_OR_RETURN(kms::SharedKeySet keys, store.KeySet(signer.kms_uri, signer.uri, period));
  MCX_ASSIGN_OR_RETURN(kms::KmsPublicParams kms, store.Kms(signer.kms_uri));
  MCX_ASSIGN_OR_RETURN(Bytes wire, Serialize(message));
  ByteSpan signed_span(wire.data(), wire.size() - signature_size);
  MCX_ASSIGN_OR_RETURN(Bytes signature, eccsi::Sign(kms.kpak, keys->user_id, keys->user_signing_key.span(),
                                                    keys->user_pub_token, signed_span, eccsi_j));
  if (signature.size() != signature_size) return InvalidArgument("SIGN placeholder has the wrong size");
  std::copy(signature.begin(), signature.end(), wire.end() - static_cast<ptrdiff_t>(signature_size));
  return wire;
}

Result<std::shared_ptr<const sakke::PreparedPublicKey>> GktpBuilder::PublicKeyFor(const std::string& kms_uri) const {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = prepared_.find(kms_uri);
    if (it != prepared_.end()) return it->second;
  }
  MCX_ASSIGN_OR_RETURN(kms::KmsPublicParams kms, store_.Kms(kms_uri));
  MCX_ASSIGN_OR_RETURN(std::shared_ptr<const sakke::PreparedPublicKey> prepared,
                       sakke::PreparedPublicKey::Create(kms.z_t));
  std::lock_guard<std::mutex> lock(mu_);
  prepared_.emplace(kms_uri, prepared);
  return prepared;
}

namespace {

CommonHeader HeaderOf(const GktpSpec& spec, uint32_t csb_id) {
  const Deviations& dev = spec.deviations;
  CommonHeader hdr;
  hdr.version = dev.version.value_or(kMikeyVersion);
  hdr.data_type = dev.data_type.value_or(kDataTypeSakkeMessage);
  hdr.v_flag = dev.v_flag;
  hdr.prf_func = dev.prf_func.value_or(kPrfHmacSha256);
  hdr.csb_id = csb_id;
  if (spec.cs_map == CsMapMode::kGenericId) {
    GenericIdEntry entry;
    entry.cs_id = spec.cs_id;
    entry.prot_type = 0;
    entry.policy_numbers = {0};
    entry.spi = U32(spec.gmk_id);
    if (!dev.spi_without_guk_id) {
      Bytes guk = U32(csb_id);
      entry.spi.insert(entry.spi.end(), guk.begin(), guk.end());
    }
    hdr.cs_id_map = GenericIdMap{{entry}};
  } else {
    hdr.cs_id_map = EmptyMap{};
  }
  return hdr;
}

Payload TimestampOf(const GktpSpec& spec) {
  TimestampPayload t;
  t.ts_type = spec.deviations.ts_type.value_or(TsType::kNtpUtc);
  t.value = t.ts_type == TsType::kCounter ? (spec.ntp_seconds & 0xffffffffu) : spec.ntp_seconds << 32;
  return Payload{t};
}

Result<RandPayload> RandOf(const GktpSpec& spec) {
  RandPayload rand;
  if (spec.rand) {
    rand.rand = *spec.rand;
  } else {
    MCX_ASSIGN_OR_RETURN(rand.rand, RandomBytes(16));
  }
  if (spec.deviations.rand_length) rand.rand.resize(*spec.deviations.rand_length, 0x5a);
  return rand;
}

// IDRi and IDRr (URIs, or UIDs under identity hiding), then IDRkmsi and
// IDRkmsr, each unless a deviation omits or replaces it.
Status AppendIdentities(const kms::KeyLookup& store, const GktpSpec& spec, uint64_t sender_period,
                        uint64_t recipient_period, Message& m) {
  const Deviations& dev = spec.deviations;
  std::string claimed_recipient = dev.idrr_uri.value_or(spec.recipient.uri);
  if (spec.identity_hiding) {
    MCX_ASSIGN_OR_RETURN(Bytes sender_uid, UidOf(store, spec.sender.uri, spec.sender.kms_uri, sender_period));
    MCX_ASSIGN_OR_RETURN(Bytes recipient_uid,
                         UidOf(store, claimed_recipient, spec.recipient.kms_uri, recipient_period));
    if (!dev.omit_idri) m.payloads.push_back(Idr(static_cast<uint8_t>(IdRole::kIdruidi), spec.uid_id_type, sender_uid));
    if (!dev.omit_idrr) {
      m.payloads.push_back(Idr(static_cast<uint8_t>(IdRole::kIdruidr), spec.uid_id_type, recipient_uid));
    }
  } else {
    if (!dev.omit_idri) m.payloads.push_back(Idr(static_cast<uint8_t>(IdRole::kIdri), kIdTypeUri, ToBytes(spec.sender.uri)));
    if (!dev.omit_idrr) {
      m.payloads.push_back(Idr(static_cast<uint8_t>(IdRole::kIdrr), kIdTypeUri, ToBytes(claimed_recipient)));
    }
  }
  if (!dev.omit_idr_kmsi) {
    m.payloads.push_back(Idr(static_cast<uint8_t>(IdRole::kIdrkmsi), kIdTypeUri,
                             ToBytes(dev.idr_kmsi.value_or(spec.sender.kms_uri))));
  }
  if (!dev.omit_idr_kmsr) {
    m.payloads.push_back(Idr(static_cast<uint8_t>(IdRole::kIdrkmsr), kIdTypeUri,
                             ToBytes(dev.idr_kmsr.value_or(spec.recipient.kms_uri))));
  }
  return Status::Ok();
}

Payload SecurityPolicyOf(const GktpSpec& spec) {
  SpPayload sp;
  sp.policy_no = 0;
  sp.prot_type = 0;
  sp.params = spec.deviations.sp_params.value_or(DefaultGroupPolicy());
  return Payload{sp};
}

// The key-parameters general extension, in clear or AES-128-GCM protected
// under the GMK (or a deviation's key), its DPPK-ID the message's CSB-ID.
Result<Payload> KeyParametersOf(const GktpSpec& spec, uint32_t csb_id) {
  GeneralExtPayload ext;
  ext.type = kExtTypeKeyParameters;
  if (spec.key_params.form == KeyParamsForm::kClear) {
    ext.content = ClearKeyParameters{spec.key_params.params};
    return Payload{ext};
  }
  ProtectedPayload header;
  header.date_time = spec.key_params.date_time;
  header.payload_id = spec.key_params.payload_id;
  header.sequence_number = spec.key_params.sequence_number;
  header.algorithm = kAlgorithmAes128Gcm;
  header.dppk_id = csb_id;
  if (spec.key_params.iv) {
    header.iv = *spec.key_params.iv;
  } else {
    MCX_ASSIGN_OR_RETURN(Bytes iv, RandomBytes(kProtectedPayloadIvSize));
    std::copy(iv.begin(), iv.end(), header.iv.begin());
  }
  const auto& key_deviation = spec.deviations.key_params_key;
  ByteSpan key = key_deviation ? ByteSpan(*key_deviation) : spec.gmk.span();
  MCX_ASSIGN_OR_RETURN(ProtectedPayload protected_payload, EncryptKeyParameters(spec.key_params.params, key, header));
  ext.content = protected_payload;
  return Payload{ext};
}

// A classic bug as a deviation: signing the message with a zeroed signature
// field instead of the span up to the signature value.
Result<Bytes> SignWholeMessage(const kms::KeyLookup& store, const Message& m, const GktpParty& signer,
                               uint64_t ntp_seconds, std::optional<ByteSpan> j) {
  MCX_ASSIGN_OR_RETURN(Bytes wire, Serialize(m));
  MCX_ASSIGN_OR_RETURN(uint64_t period, PeriodOf(store, signer.kms_uri, ntp_seconds));
  MCX_ASSIGN_OR_RETURN(kms::SharedKeySet keys, store.KeySet(signer.kms_uri, signer.uri, period));
  MCX_ASSIGN_OR_RETURN(kms::KmsPublicParams kms, store.Kms(signer.kms_uri));
  MCX_ASSIGN_OR_RETURN(Bytes signature, eccsi::Sign(kms.kpak, keys->user_id, keys->user_signing_key.span(),
                                                    keys->user_pub_token, wire, j));
  std::copy(signature.begin(), signature.end(), wire.end() - static_cast<ptrdiff_t>(kEccsiSignatureSize));
  return wire;
}

}  // namespace

// SAKKE to the recipient (or, as a deviation, to someone else), then
// SAKKE-to-self in a general extension when asked for.
Status GktpBuilder::AppendSakke(const GktpSpec& spec, uint64_t sender_period, Message& m) const {
  const Deviations& dev = spec.deviations;
  const GktpParty& sakke_target = dev.encrypt_to ? *dev.encrypt_to : spec.recipient;
  MCX_ASSIGN_OR_RETURN(uint64_t target_period, PeriodOf(store_, sakke_target.kms_uri, spec.ntp_seconds));
  if (dev.uid_key_period_no) target_period = *dev.uid_key_period_no;
  MCX_ASSIGN_OR_RETURN(Bytes target_uid, UidOf(store_, sakke_target.uri, sakke_target.kms_uri, target_period));
  MCX_ASSIGN_OR_RETURN(auto target_key, PublicKeyFor(sakke_target.kms_uri));
  SakkePayload sakke;
  sakke.params = dev.sakke_params.value_or(1);
  sakke.id_scheme = dev.sakke_id_scheme.value_or(2);
  MCX_ASSIGN_OR_RETURN(sakke.data, target_key->Encapsulate(target_uid, spec.gmk.span()));
  m.payloads.push_back(Payload{sakke});
  if (!spec.sakke_to_self) return Status::Ok();
  const GktpParty& self_target = dev.self_encrypt_to ? *dev.self_encrypt_to : spec.sender;
  MCX_ASSIGN_OR_RETURN(Bytes self_uid, UidOf(store_, self_target.uri, self_target.kms_uri, sender_period));
  MCX_ASSIGN_OR_RETURN(auto self_key, PublicKeyFor(self_target.kms_uri));
  SakkePayload self;
  MCX_ASSIGN_OR_RETURN(self.data, self_key->Encapsulate(self_uid, spec.gmk.span()));
  GeneralExtPayload ext;
  ext.type = kExtTypeSakkeToSelf;
  ext.content = self;
  m.payloads.push_back(Payload{ext});
  return Status::Ok();
}

Result<BuiltGktp> GktpBuilder::Build(const GktpSpec& spec) const {
  const Deviations& dev = spec.deviations;
  if (spec.gmk.size() != 16) return InvalidArgument("GMK must be 16 octets, got " + std::to_string(spec.gmk.size()));
  // T holds 32-bit NTP seconds: a larger clock would wrap to another time.
  if (spec.ntp_seconds > 0xffffffffu) {
    return InvalidArgument("T: " + std::to_string(spec.ntp_seconds) + " NTP seconds do not fit in 32 bits");
  }
  // Key periods follow each party's own KMS; a deviation can freeze them.
  MCX_ASSIGN_OR_RETURN(uint64_t sender_period, PeriodOf(store_, spec.sender.kms_uri, spec.ntp_seconds));
  MCX_ASSIGN_OR_RETURN(uint64_t recipient_period, PeriodOf(store_, spec.recipient.kms_uri, spec.ntp_seconds));
  if (dev.uid_key_period_no) sender_period = recipient_period = *dev.uid_key_period_no;

  BuiltGktp built;
  std::string salt_uri = dev.guk_salt_uri.value_or(spec.recipient.uri);
  MCX_ASSIGN_OR_RETURN(uint32_t guk_id, GukIdFromGmkId(spec.gmk.span(), spec.gmk_id, salt_uri));
  built.csb_id = dev.csb_id.value_or(guk_id);

  Message m;
  m.hdr = HeaderOf(spec, built.csb_id);
  if (!dev.omit_t) m.payloads.push_back(TimestampOf(spec));
  MCX_ASSIGN_OR_RETURN(RandPayload rand, RandOf(spec));
  built.rand = rand.rand;
  m.payloads.push_back(Payload{rand});
  MCX_RETURN_IF_ERROR(AppendIdentities(store_, spec, sender_period, recipient_period, m));
  if (spec.include_sp) m.payloads.push_back(SecurityPolicyOf(spec));
  MCX_RETURN_IF_ERROR(AppendSakke(spec, sender_period, m));
  if (spec.key_params.form != KeyParamsForm::kNone) {
    MCX_ASSIGN_OR_RETURN(Payload ext, KeyParametersOf(spec, built.csb_id));
    m.payloads.push_back(std::move(ext));
  }
  SignPayload sign;
  sign.s_type = dev.sign_type.value_or(kSignTypeEccsi);
  sign.signature.assign(kEccsiSignatureSize, 0);
  m.payloads.push_back(Payload{sign});

  const GktpParty& signer = dev.sign_as ? *dev.sign_as : spec.sender;
  std::optional<ByteSpan> j;
  if (spec.eccsi_j) j = ByteSpan(*spec.eccsi_j);
  if (dev.sign_whole_message) {
    MCX_ASSIGN_OR_RETURN(built.wire, SignWholeMessage(store_, m, signer, spec.ntp_seconds, j));
  } else {
    MCX_ASSIGN_OR_RETURN(built.wire, SerializeAndSign(std::move(m), signer, spec.ntp_seconds, store_, j));
  }
  if (dev.corrupt_signature) built.wire[built.wire.size() - kEccsiPvtSize - 1] ^= 0x01;
  if (dev.trailing_octet) built.wire.push_back(0x00);
  return built;
}

}  // namespace mcx::mikey
