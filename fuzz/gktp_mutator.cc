#include "fuzz/gktp_mutator.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <utility>
#include <vector>

#include "crypto/guk_id.h"
#include "crypto/uid.h"
#include "mikey/codec.h"
#include "mikey/gktp_builder.h"
#include "mikey/key_params_crypto.h"

namespace mcx::fuzz {
namespace {

using mikey::GeneralExtPayload;
using mikey::IdRole;
using mikey::IdrPayload;
using mikey::Message;
using mikey::Payload;

// std::uniform_int_distribution differs between standard libraries; the
// corpus a seed produces must not.
class Rng {
 public:
  explicit Rng(uint64_t seed) : gen_(seed) {}
  uint64_t Next() { return gen_(); }
  size_t Below(size_t n) { return n == 0 ? 0 : static_cast<size_t>(gen_() % n); }
  bool OneIn(size_t n) { return Below(n) == 0; }
  uint8_t Byte() { return static_cast<uint8_t>(gen_()); }
  Bytes Fill(size_t n) {
    Bytes b(n);
    for (auto& x : b) x = Byte();
    return b;
  }
  template <typename T>
  const T& Pick(const std::vector<T>& v) { return v[Below(v.size())]; }

 private:
  std::mt19937_64 gen_;
};

// What the mutation needs to know about the message it started from.
struct Context {
  const FuzzWorld& world;
  const std::map<std::string, std::shared_ptr<const sakke::PreparedPublicKey>>& kms_keys;
  Rng& rng;
  Message& m;
  std::mutex& mu;
  std::map<Bytes, SecretBytes>& gmk_cache;
  std::optional<SecretBytes> gmk;  // recovered on demand
  bool gmk_tried = false;
};

std::optional<uint64_t> NtpSecondsOf(const Message& m) {
  const auto* t = m.Find<mikey::TimestampPayload>();
  if (!t || t->ts_type == mikey::TsType::kCounter) return std::nullopt;
  return t->value >> 32;
}

uint64_t SigningTime(const FuzzWorld& w, const Message& m) {
  auto t = NtpSecondsOf(m);
  return t && w.HasKeysFor(*t) ? *t : kNow;
}

uint64_t PeriodOf(uint64_t ntp_seconds) {
  auto period = KeyPeriodNumber(ntp_seconds, kPeriod, 0);
  return period.ok() ? *period : 0;
}

Bytes UidOf(const mikey::GktpParty& party, uint64_t ntp_seconds) {
  uint64_t period = PeriodOf(ntp_seconds);
  return MikeySakkeUid({party.uri, party.kms_uri, kPeriod, 0, period});
}

IdrPayload* IdrWithRole(Message& m, uint8_t a, uint8_t b) {
  for (Payload& p : m.payloads) {
    if (auto* idr = std::get_if<IdrPayload>(&p.body); idr && (idr->role == a || idr->role == b)) return idr;
  }
  return nullptr;
}

// The signer IDRi names (by URI or by UID), else the police GMS.
mikey::GktpParty SignerOf(const FuzzWorld& w, Message& m) {
  uint64_t t = SigningTime(w, m);
  if (IdrPayload* idri = IdrWithRole(m, 1, 8)) {
    for (const auto& party : w.Parties()) {
      if (idri->id == ToBytes(party.uri) || idri->id == UidOf(party, t)) return party;
    }
  }
  return w.gms;
}

template <typename T>
T* FindMutable(Message& m) {
  for (Payload& p : m.payloads) {
    if (T* body = std::get_if<T>(&p.body)) return body;
  }
  return nullptr;
}

GeneralExtPayload* FindExt(Message& m, uint8_t type) {
  for (Payload& p : m.payloads) {
    if (auto* ext = std::get_if<GeneralExtPayload>(&p.body); ext && ext->type == type) return ext;
  }
  return nullptr;
}

// The GMK the message carries to alice, by decapsulating its SAKKE payload.
const std::optional<SecretBytes>& Gmk(Context& c) {
  if (c.gmk_tried) return c.gmk;
  c.gmk_tried = true;
  const auto* sakke = c.m.Find<mikey::SakkePayload>();
  auto t = NtpSecondsOf(c.m);
  if (!sakke || !t || !c.world.HasKeysFor(*t)) return c.gmk;
  uint64_t period = PeriodOf(*t);
  Bytes cache_key = FixedBigEndian(period, 8);
  cache_key.insert(cache_key.end(), sakke->data.begin(), sakke->data.end());
  {
    std::lock_guard<std::mutex> lock(c.mu);
    if (auto it = c.gmk_cache.find(cache_key); it != c.gmk_cache.end()) {
      c.gmk = it->second;
      return c.gmk;
    }
  }
  auto keys = c.world.verifying.KeySet(c.world.alice.kms_uri, c.world.alice.uri, period);
  if (!keys.ok()) return c.gmk;
  auto ssv = c.kms_keys.at(c.world.alice.kms_uri)->Decapsulate((*keys)->user_id, (*keys)->user_decrypt_key.span(), sakke->data);
  if (!ssv.ok()) return c.gmk;
  c.gmk = std::move(ssv).value();
  std::lock_guard<std::mutex> lock(c.mu);
  if (c.gmk_cache.size() >= 4096) c.gmk_cache.clear();
  c.gmk_cache.emplace(std::move(cache_key), *c.gmk);
  return c.gmk;
}

uint32_t RandomKeyId(Rng& rng) {
  uint32_t id = static_cast<uint32_t>(rng.Next());
  // Mostly a GMK purpose tag (0): the interesting checks come after it.
  return rng.OneIn(4) ? id : (id & kKeyIdValueMask);
}

void MutateHdr(Context& c) {
  auto& h = c.m.hdr;
  switch (c.rng.Below(6)) {
    case 0: h.csb_id = static_cast<uint32_t>(c.rng.Next()); break;
    case 1: h.csb_id ^= 1u << c.rng.Below(32); break;
    case 2: h.prf_func = c.rng.Byte() & 0x7f; break;
    case 3: h.v_flag = !h.v_flag; break;
    case 4: h.data_type = c.rng.OneIn(2) ? c.rng.Byte() : static_cast<uint8_t>(c.rng.Below(32)); break;
    default: h.csb_id = (h.csb_id & kKeyIdValueMask) | (static_cast<uint32_t>(c.rng.Below(16)) << 28); break;
  }
}

void MutateCsMap(Context& c) {
  auto& map = c.m.hdr.cs_id_map;
  auto* generic = std::get_if<mikey::GenericIdMap>(&map);
  if (!generic || generic->entries.empty() || c.rng.OneIn(4)) {
    switch (c.rng.Below(3)) {
      case 0: map = mikey::EmptyMap{}; break;
      case 1: {
        mikey::SrtpIdMap srtp;
        for (size_t i = 0, n = 1 + c.rng.Below(3); i < n; ++i) {
          srtp.entries.push_back({c.rng.Byte(), static_cast<uint32_t>(c.rng.Next()), static_cast<uint32_t>(c.rng.Next())});
        }
        map = srtp;
        break;
      }
      default: {
        mikey::GenericIdEntry e;
        e.cs_id = static_cast<uint8_t>(4 + c.rng.Below(3));
        e.policy_numbers = {0};
        e.spi = FixedBigEndian(RandomKeyId(c.rng), 4);
        if (c.rng.OneIn(2)) {
          Bytes guk = FixedBigEndian(c.m.hdr.csb_id, 4);
          e.spi.insert(e.spi.end(), guk.begin(), guk.end());
        }
        mikey::GenericIdMap g;
        g.entries.push_back(e);
        if (c.rng.OneIn(4)) g.entries.push_back(e);
        map = g;
      }
    }
    return;
  }
  auto& e = generic->entries[c.rng.Below(generic->entries.size())];
  switch (c.rng.Below(7)) {
    case 0: e.cs_id = c.rng.OneIn(2) ? c.rng.Byte() : static_cast<uint8_t>(c.rng.Below(8)); break;
    case 1: e.prot_type = c.rng.Byte(); break;
    case 2: e.s_flag = !e.s_flag; e.session_data = e.s_flag ? c.rng.Fill(6) : Bytes{}; break;
    case 3: e.policy_numbers.resize(c.rng.Below(4), static_cast<uint8_t>(c.rng.Below(3))); break;
    case 4: e.spi = c.rng.Fill(c.rng.Pick(std::vector<size_t>{0, 1, 4, 8, 12})); break;
    case 5:  // another key ID, GUK-ID kept
      if (e.spi.size() >= 4) {
        Bytes id = FixedBigEndian(RandomKeyId(c.rng), 4);
        std::copy(id.begin(), id.end(), e.spi.begin());
      }
      break;
    default: generic->entries.push_back(e); break;
  }
}

void MutateT(Context& c) {
  auto* t = FindMutable<mikey::TimestampPayload>(c.m);
  if (!t) {
    mikey::TimestampPayload fresh;
    fresh.value = kNow << 32;
    c.m.payloads.insert(c.m.payloads.begin(), Payload{fresh});
    return;
  }
  const int64_t deltas[] = {-static_cast<int64_t>(kPeriod), static_cast<int64_t>(kPeriod), -299, 299, -301, 301, -1, 1};
  switch (c.rng.Below(5)) {
    case 0: t->ts_type = static_cast<mikey::TsType>(c.rng.Below(4)); break;
    case 1: t->value = c.rng.Next(); break;
    case 2: t->value ^= 1ull << c.rng.Below(64); break;
    case 3: t->ts_type = mikey::TsType::kCounter; t->value &= 0xffffffffu; break;
    default: {
      uint64_t seconds = (t->value >> 32) + static_cast<uint64_t>(deltas[c.rng.Below(8)]);
      t->value = (seconds << 32) | (t->value & 0xffffffffu);
    }
  }
}

void MutateRand(Context& c) {
  auto* r = FindMutable<mikey::RandPayload>(c.m);
  if (!r) return;
  if (c.rng.OneIn(2)) {
    r->rand.resize(c.rng.Below(40), c.rng.Byte());
  } else if (!r->rand.empty()) {
    r->rand[c.rng.Below(r->rand.size())] ^= static_cast<uint8_t>(1 + c.rng.Below(255));
  }
}

void MutateIdr(Context& c) {
  std::vector<IdrPayload*> idrs;
  for (Payload& p : c.m.payloads) {
    if (auto* idr = std::get_if<IdrPayload>(&p.body)) idrs.push_back(idr);
  }
  if (idrs.empty()) return;
  IdrPayload& idr = *idrs[c.rng.Below(idrs.size())];
  const auto parties = c.world.Parties();
  uint64_t t = SigningTime(c.world, c.m);
  switch (c.rng.Below(7)) {
    case 0: idr.role = static_cast<uint8_t>(c.rng.Below(11)); break;
    case 1: idr.id_type = static_cast<uint8_t>(c.rng.Below(4)); break;
    case 2:  // hidden <-> clear, consistently
      if (idr.role == 8 || idr.role == 9) {
        idr.role = idr.role == 8 ? 1 : 2;
        idr.id = ToBytes(c.rng.Pick(parties).uri);
      } else if (idr.role == 1 || idr.role == 2) {
        idr.role = idr.role == 1 ? 8 : 9;
        idr.id = UidOf(c.rng.Pick(parties), t);
      }
      break;
    case 3: idr.id = ToBytes(c.rng.Pick(parties).uri); break;
    case 4: idr.id = ToBytes(c.rng.OneIn(2) ? kPrimaryKms : kPartnerKms); break;
    case 5: idr.id = UidOf(c.rng.Pick(parties), t + (c.rng.OneIn(2) ? kPeriod : 0)); break;
    default: idr.id = c.rng.Fill(c.rng.Below(40)); break;
  }
}

void MutateOrder(Context& c) {
  auto& p = c.m.payloads;
  size_t movable = p.size() - (p.empty() || p.back().type() != mikey::PayloadType::kSign ? 0 : 1);
  if (movable == 0) return;
  size_t i = c.rng.Below(movable);
  switch (c.rng.Below(3)) {
    case 0: std::swap(p[i], p[c.rng.Below(movable)]); break;
    case 1: p.erase(p.begin() + static_cast<ptrdiff_t>(i)); break;
    default: p.insert(p.begin() + static_cast<ptrdiff_t>(c.rng.Below(movable + 1)), p[i]); break;
  }
}

void MutateSp(Context& c) {
  auto* sp = FindMutable<mikey::SpPayload>(c.m);
  if (!sp) {
    mikey::SpPayload fresh;
    fresh.params = mikey::DefaultGroupPolicy();
    auto& p = c.m.payloads;
    p.insert(p.begin() + static_cast<ptrdiff_t>(c.rng.Below(p.size())), Payload{fresh});
    return;
  }
  switch (c.rng.Below(6)) {
    case 0: sp->policy_no = c.rng.Byte(); break;
    case 1: sp->prot_type = static_cast<uint8_t>(c.rng.Below(3)); break;
    case 2:
      if (!sp->params.empty()) sp->params.erase(sp->params.begin() + static_cast<ptrdiff_t>(c.rng.Below(sp->params.size())));
      break;
    case 3: {
      mikey::PolicyParam param;
      param.type = static_cast<uint8_t>(c.rng.Below(24));
      Bytes value = c.rng.Fill(c.rng.Below(3));
      param.value.assign(value);
      sp->params.push_back(param);
      break;
    }
    case 4:
      if (!sp->params.empty()) {
        auto& param = sp->params[c.rng.Below(sp->params.size())];
        Bytes value(param.value.begin(), param.value.end());
        if (value.empty() || c.rng.OneIn(3)) {
          value = c.rng.Fill(c.rng.Below(3));
        } else {
          value[0] = c.rng.OneIn(2) ? c.rng.Byte() : static_cast<uint8_t>(value[0] + 1);
        }
        param.value.assign(value);
      }
      break;
    default:
      if (!sp->params.empty()) sp->params[c.rng.Below(sp->params.size())].type = static_cast<uint8_t>(c.rng.Below(24));
  }
}

// Re-keys the whole message for a new GMK: SAKKE data to alice, GUK-ID,
// SPI, SAKKE-to-self to the signer and the key-parameters encryption, so
// everything but the deliberately changed key ID stays consistent.
void NewGmk(Context& c) {
  Rng& rng = c.rng;
  Bytes gmk = rng.Fill(16);
  uint32_t gmk_id = RandomKeyId(rng);
  auto guk = GukIdFromGmkId(gmk, gmk_id, c.world.alice.uri);
  if (!guk.ok()) return;
  uint64_t t = SigningTime(c.world, c.m);
  std::optional<SecretBytes> old_gmk = Gmk(c);
  c.m.hdr.csb_id = *guk;
  if (auto* generic = std::get_if<mikey::GenericIdMap>(&c.m.hdr.cs_id_map); generic && !generic->entries.empty()) {
    Bytes spi = FixedBigEndian(gmk_id, 4);
    Bytes guk_bytes = FixedBigEndian(*guk, 4);
    if (generic->entries[0].spi.size() != 4) spi.insert(spi.end(), guk_bytes.begin(), guk_bytes.end());
    generic->entries[0].spi = spi;
  }
  if (auto* sakke = FindMutable<mikey::SakkePayload>(c.m)) {
    auto data = c.kms_keys.at(c.world.alice.kms_uri)->Encapsulate(UidOf(c.world.alice, t), gmk);
    if (data.ok()) sakke->data = *data;
  }
  if (auto* ext6 = FindExt(c.m, mikey::kExtTypeSakkeToSelf)) {
    if (auto* self = std::get_if<mikey::SakkePayload>(&ext6->content)) {
      mikey::GktpParty signer = SignerOf(c.world, c.m);
      auto data = c.kms_keys.at(signer.kms_uri)->Encapsulate(UidOf(signer, t), gmk);
      if (data.ok()) self->data = *data;
    }
  }
  if (auto* ext7 = FindExt(c.m, mikey::kExtTypeKeyParameters)) {
    if (auto* prot = std::get_if<mikey::ProtectedPayload>(&ext7->content); prot && old_gmk) {
      auto params = mikey::DecryptKeyParameters(*prot, old_gmk->span());
      mikey::ProtectedPayload header = *prot;
      header.dppk_id = *guk;
      if (params.ok()) {
        if (auto enc = mikey::EncryptKeyParameters(*params, gmk, header); enc.ok()) *prot = *enc;
      }
    }
  }
  c.gmk = SecretBytes(gmk);
}

void MutateSakke(Context& c) {
  auto* sakke = FindMutable<mikey::SakkePayload>(c.m);
  if (!sakke) return;
  switch (c.rng.Below(6)) {
    case 0: sakke->params = static_cast<uint8_t>(c.rng.Below(4)); break;
    case 1: sakke->id_scheme = static_cast<uint8_t>(c.rng.Below(4)); break;
    case 2:
      if (!sakke->data.empty()) sakke->data[c.rng.Below(sakke->data.size())] ^= static_cast<uint8_t>(1 + c.rng.Below(255));
      break;
    case 3: sakke->data.resize(c.rng.OneIn(2) ? c.rng.Below(sakke->data.size() + 1) : sakke->data.size() + 1 + c.rng.Below(8)); break;
    default: NewGmk(c); break;
  }
}

mikey::KeyParameters MutateParams(mikey::KeyParameters kp, Rng& rng) {
  switch (rng.Below(7)) {
    case 0: kp.key_type = static_cast<uint8_t>(rng.Below(8)); break;
    case 1: kp.status = static_cast<uint32_t>(rng.Below(4)) | (rng.OneIn(4) ? static_cast<uint32_t>(rng.Next()) : 0); break;
    case 2: kp.activation_time = rng.OneIn(2) ? kNow + 1 + rng.Below(1000) : rng.Next() & 0xffffffffffull; break;
    case 3: kp.expiry_time = rng.OneIn(2) ? kNow - rng.Below(1000) : rng.Next() & 0xffffffffffull; break;
    case 4: kp.text = rng.OneIn(2) ? std::string() : std::string(rng.Below(300), 'x'); break;
    case 5: kp.group_ids.reset(); break;
    default: {
      std::vector<mikey::GroupIdTlv> groups = kp.group_ids.value_or(std::vector<mikey::GroupIdTlv>{});
      if (!groups.empty() && rng.OneIn(2)) {
        groups.erase(groups.begin() + static_cast<ptrdiff_t>(rng.Below(groups.size())));
      } else {
        groups.push_back({static_cast<uint8_t>(rng.OneIn(2) ? 0x78 : rng.Byte()),
                          ToBytes(rng.OneIn(2) ? kGroupId : "sip:x@police.example")});
      }
      kp.group_ids = groups;
    }
  }
  return kp;
}

void MutateKeyParams(Context& c) {
  GeneralExtPayload* ext7 = FindExt(c.m, mikey::kExtTypeKeyParameters);
  if (!ext7) return;
  Rng& rng = c.rng;
  if (auto* clear = std::get_if<mikey::ClearKeyParameters>(&ext7->content)) {
    if (rng.OneIn(4) && Gmk(c)) {  // to the protected form
      mikey::ProtectedPayload header;
      header.dppk_id = c.m.hdr.csb_id;
      Bytes iv = rng.Fill(mikey::kProtectedPayloadIvSize);
      std::copy(iv.begin(), iv.end(), header.iv.begin());
      if (auto enc = mikey::EncryptKeyParameters(clear->params, c.gmk->span(), header); enc.ok()) ext7->content = *enc;
    } else {
      clear->params = MutateParams(clear->params, rng);
    }
    return;
  }
  auto* prot = std::get_if<mikey::ProtectedPayload>(&ext7->content);
  if (!prot) return;
  const std::optional<SecretBytes>& gmk = Gmk(c);
  std::optional<mikey::KeyParameters> params;
  if (gmk) {
    if (auto p = mikey::DecryptKeyParameters(*prot, gmk->span()); p.ok()) params = *p;
  }
  mikey::ProtectedPayload header = *prot;
  switch (rng.Below(6)) {
    case 0: header.date_time = rng.Next() & 0xffffffffffull; break;
    case 1: header.payload_id = static_cast<uint32_t>(rng.Next()); break;
    case 2: header.sequence_number = rng.Byte(); header.message_type = rng.OneIn(4) ? rng.Byte() | 0x40 : header.message_type; break;
    case 3: header.algorithm = static_cast<uint8_t>(rng.Below(4)); break;
    case 4: header.dppk_id = rng.OneIn(2) ? static_cast<uint32_t>(rng.Next()) : c.m.hdr.csb_id; break;
    default: header.payload_iei = rng.Byte(); break;
  }
  if (params && rng.OneIn(2)) {
    ext7->content = mikey::ClearKeyParameters{MutateParams(*params, rng)};  // to the Rel-13 form
    return;
  }
  if (params && !rng.OneIn(4)) {
    // Re-encrypted: the header change (or new content) keeps a valid tag.
    mikey::KeyParameters next = rng.OneIn(2) ? MutateParams(*params, rng) : *params;
    uint8_t algorithm = header.algorithm;
    header.algorithm = mikey::kAlgorithmAes128Gcm;
    if (auto enc = mikey::EncryptKeyParameters(next, gmk->span(), header); enc.ok()) {
      *prot = *enc;
      prot->algorithm = algorithm;
    }
    return;
  }
  *prot = header;  // the tag no longer matches
  if (!prot->ciphertext.empty() && rng.OneIn(2)) prot->ciphertext[rng.Below(prot->ciphertext.size())] ^= 0x01;
}

void MutateSelf(Context& c) {
  GeneralExtPayload* ext6 = FindExt(c.m, mikey::kExtTypeSakkeToSelf);
  auto& p = c.m.payloads;
  if (!ext6) {
    if (const auto* sakke = c.m.Find<mikey::SakkePayload>()) {
      GeneralExtPayload ext;
      ext.type = mikey::kExtTypeSakkeToSelf;
      ext.content = *sakke;  // the recipient's SAKKE data: decapsulates to another value for the sender
      p.insert(p.end() - (p.empty() ? 0 : 1), Payload{ext});
    }
    return;
  }
  auto* self = std::get_if<mikey::SakkePayload>(&ext6->content);
  if (!self) return;
  switch (c.rng.Below(4)) {
    case 0: self->params = static_cast<uint8_t>(c.rng.Below(3)); break;
    case 1: self->data.resize(c.rng.Below(self->data.size() + 2)); break;
    case 2:
      if (!self->data.empty()) self->data[c.rng.Below(self->data.size())] ^= 0x80;
      break;
    default: ext6->type = c.rng.Byte(); ext6->content = c.rng.Fill(c.rng.Below(20)); break;
  }
}

void AddOpaqueExtension(Context& c) {
  GeneralExtPayload ext;
  ext.type = c.rng.OneIn(2) ? static_cast<uint8_t>(c.rng.Below(10)) : c.rng.Byte();
  if (ext.type == mikey::kExtTypeSakkeToSelf || ext.type == mikey::kExtTypeKeyParameters) ext.type = 8;
  ext.content = c.rng.Fill(c.rng.Below(32));
  auto& p = c.m.payloads;
  p.insert(p.begin() + static_cast<ptrdiff_t>(c.rng.Below(p.size() + 1)), Payload{ext});
}

}  // namespace

GktpMutator::GktpMutator(const FuzzWorld& world) : world_(world) {
  for (const char* kms : {kPrimaryKms, kPartnerKms}) {
    auto params = world.signing.Kms(kms);
    auto key = params.ok() ? sakke::PreparedPublicKey::Create(params->z_t)
                           : Result<std::shared_ptr<const sakke::PreparedPublicKey>>(params.error());
    if (!key.ok()) {
      std::fprintf(stderr, "GktpMutator: %s\n", key.error().ToString().c_str());
      std::abort();
    }
    kms_keys_[kms] = *key;
  }
}

std::optional<Bytes> GktpMutator::Mutate(ByteSpan input, uint64_t seed) const {
  auto parsed = mikey::Parse(input);
  if (!parsed.ok()) return std::nullopt;
  Message m = std::move(parsed).value();
  Rng rng(seed);
  Context c{world_, kms_keys_, rng, m, mu_, gmk_cache_, std::nullopt, false};
  bool sign_damaged = false;
  for (size_t i = 0, n = 1 + rng.Below(3); i < n; ++i) {
    switch (rng.Below(13)) {
      case 0: MutateHdr(c); break;
      case 1: MutateCsMap(c); break;
      case 2: MutateT(c); break;
      case 3: MutateRand(c); break;
      case 4: case 5: MutateIdr(c); break;
      case 6: MutateOrder(c); break;
      case 7: MutateSp(c); break;
      case 8: MutateSakke(c); break;
      case 9: case 10: MutateKeyParams(c); break;
      case 11: MutateSelf(c); break;
      default:
        if (rng.OneIn(3)) {
          AddOpaqueExtension(c);
        } else if (auto* sign = m.payloads.empty() ? nullptr : std::get_if<mikey::SignPayload>(&m.payloads.back().body)) {
          // The SIGN payload itself: left unsigned on purpose.
          sign_damaged = true;
          if (rng.OneIn(2)) {
            sign->s_type = static_cast<uint8_t>(rng.Below(16));
          } else {
            sign->signature.resize(rng.Below(200));
          }
        }
    }
  }
  // SIGN must stay last; an order mutation may have dropped or moved it.
  if (m.payloads.empty() || m.payloads.back().type() != mikey::PayloadType::kSign) {
    if (!rng.OneIn(8)) {
      mikey::SignPayload sign;
      sign.signature.assign(mikey::kEccsiSignatureSize, 0);
      m.payloads.push_back(Payload{sign});
    }
  }
  if (!sign_damaged && !rng.OneIn(16)) {
    Bytes j = DeterministicJ(seed);
    auto signed_wire = mikey::SerializeAndSign(m, SignerOf(world_, m), SigningTime(world_, m), world_.signing, ByteSpan(j));
    if (signed_wire.ok()) return std::move(signed_wire).value();
  }
  auto wire = mikey::Serialize(m);
  if (!wire.ok()) return std::nullopt;
  return std::move(wire).value();
}

}  // namespace mcx::fuzz
