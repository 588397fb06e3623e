#include "crypto/sakke.h"

#include <openssl/bn.h>
#include <openssl/sha.h>

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "crypto/bounded_cache.h"
#include "crypto/fp1024.h"
#include "crypto/openssl_ptr.h"
#include "crypto/sakke_curve.h"
#include "crypto/sakke_pairing.h"
#include "crypto/sakke_precompute.h"
#include "crypto/tiered_table.h"

namespace mcx::sakke {
namespace {

using namespace sakke_internal;  // NOLINT: the implementation's vocabulary
using fp1024::Fp;
using fp1024::Fp2;
using fp1024::kBytes;

constexpr size_t kSha256Size = SHA256_DIGEST_LENGTH;

using ossl::BnCtxPtr;
using ossl::BnPtr;

BnPtr BnFromScalar(const Scalar& k) {
  uint8_t buf[kBytes];
  fp1024::LimbsToBytes(k, buf);
  BnPtr bn(BN_bin2bn(buf, kBytes, nullptr));
  SecureZero(buf, sizeof(buf));
  return bn;
}

bool ScalarFromBn(const BIGNUM* bn, Scalar* out) {
  uint8_t buf[kBytes];
  if (BN_bn2binpad(bn, buf, kBytes) != static_cast<int>(kBytes)) return false;
  *out = fp1024::LimbsFromBytes(buf);
  SecureZero(buf, sizeof(buf));
  return true;
}

const BIGNUM* OrderBn() {
  static const BIGNUM* q = BnFromScalar(GroupOrder()).release();
  return q;
}

Error Internal(const std::string& what) { return Error(ErrorCode::kInternal, what); }

// a * b mod q.
Result<Scalar> ScalarProductModQ(const Scalar& a, const Scalar& b) {
  BnCtxPtr ctx(BN_CTX_new());
  BnPtr x = BnFromScalar(a), y = BnFromScalar(b), r(BN_new());
  if (!ctx || !x || !y || !r) return Internal("SAKKE: out of memory");
  if (!BN_mod_mul(r.get(), x.get(), y.get(), OrderBn(), ctx.get())) return Internal("SAKKE: BN_mod_mul failed");
  Scalar out;
  if (!ScalarFromBn(r.get(), &out)) return Internal("SAKKE: scalar encoding failed");
  return out;
}

// (a + b)^-1 mod q.
Result<Scalar> InverseOfSumModQ(const Scalar& a, const Scalar& b) {
  BnCtxPtr ctx(BN_CTX_new());
  BnPtr x = BnFromScalar(a), y = BnFromScalar(b), sum(BN_new()), inv(BN_new());
  if (!ctx || !x || !y || !sum || !inv) return Internal("SAKKE: out of memory");
  if (!BN_mod_add(sum.get(), x.get(), y.get(), OrderBn(), ctx.get())) return Internal("SAKKE: BN_mod_add failed");
  if (BN_is_zero(sum.get())) {
    return CryptoError("SAKKE: z + ID is 0 mod q, so this identity has no RSK under this z");
  }
  BN_set_flags(sum.get(), BN_FLG_CONSTTIME);
  if (!BN_mod_inverse(inv.get(), sum.get(), OrderBn(), ctx.get())) return Internal("SAKKE: BN_mod_inverse failed");
  Scalar out;
  if (!ScalarFromBn(inv.get(), &out)) return Internal("SAKKE: scalar encoding failed");
  return out;
}

// z as an integer in [2, q-1] (RFC 6508 §2.2).
Result<Scalar> ParseMasterSecret(ByteSpan z) {
  if (z.empty() || z.size() > kBytes) {
    return InvalidArgument("z: expected 1 to 128 octets, got " + std::to_string(z.size()));
  }
  std::array<uint8_t, kBytes> padded{};
  std::copy(z.begin(), z.end(), padded.end() - static_cast<std::ptrdiff_t>(z.size()));
  Scalar k = fp1024::LimbsFromBytes(padded);
  SecureZero(padded.data(), padded.size());
  Scalar two{};
  two[0] = 2;
  if (fp1024::LessThan(k, two) || !fp1024::LessThan(k, GroupOrder())) {
    SecureZero(k.data(), sizeof(k));
    return InvalidArgument("z: master secret must be in [2, q-1]");
  }
  return k;
}

Status CheckId(ByteSpan id) {
  if (id.empty()) return InvalidArgument("id: identifier must not be empty");
  return Status::Ok();
}

// The all-zero coordinates some encoders use for the point at infinity
// satisfy the curve equation ((0,0) has order 2); no SAKKE point may be it.
bool IsZeroPoint(const AffinePoint& point) { return fp1024::IsZero(point.x) && fp1024::IsZero(point.y); }

Result<AffinePoint> DecodeSakkePoint(ByteSpan encoded, const char* what) {
  MCX_ASSIGN_OR_RETURN(AffinePoint point, DecodePoint(encoded, what));
  if (IsZeroPoint(point)) {
    return CryptoError(std::string(what) + ": point (0,0) (infinity encoding or 2-torsion) is not of order q");
  }
  return point;
}

// HashToIntegerRange (RFC 6508 §5.1) up to the final reduction: returns
// v' = v_1 || ... || v_l for l = `blocks`.
Bytes HashBlocks(ByteSpan s, size_t blocks) {
  uint8_t a[kSha256Size];
  SHA256(s.data(), s.size(), a);
  uint8_t h[kSha256Size] = {};
  Bytes out;
  out.reserve(blocks * kSha256Size);
  for (size_t i = 0; i < blocks; ++i) {
    SHA256(h, sizeof(h), h);
    uint8_t hv[2 * kSha256Size];
    std::copy(h, h + kSha256Size, hv);
    std::copy(a, a + kSha256Size, hv + kSha256Size);
    uint8_t v[kSha256Size];
    SHA256(hv, sizeof(hv), v);
    out.insert(out.end(), v, v + kSha256Size);
  }
  SecureZero(a, sizeof(a));
  SecureZero(h, sizeof(h));
  return out;
}

// HashToIntegerRange(s, q) as a scalar.
Scalar HashToScalar(ByteSpan s) {
  // lg(q) is just below 1022, so l = 4 blocks (1024 bits) before mod q.
  Bytes v = HashBlocks(s, 4);
  Scalar r = ScalarFromBytesModQ(v);
  SecureZero(v.data(), v.size());
  return r;
}

// H = SSV XOR HashToIntegerRange(w, 2^n) for the representative w.
SecretBytes MaskSsv(const Fp& w, ByteSpan ssv_or_h) {
  uint8_t w_bytes[kBytes];
  fp1024::ToBytes(w, w_bytes);
  Bytes mask = HashToMask(ByteSpan(w_bytes, kBytes), ssv_or_h.size()).value();
  SecureZero(w_bytes, sizeof(w_bytes));
  Bytes out(ssv_or_h.size());
  for (size_t i = 0; i < out.size(); ++i) out[i] = ssv_or_h[i] ^ mask[i];
  SecureZero(mask.data(), mask.size());
  return SecretBytes(std::move(out));
}

Bytes Concat(ByteSpan a, ByteSpan b) {
  Bytes out(a.begin(), a.end());
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

// [b]P + Z as an affine point (the receiver's public point Q_b).
Result<AffinePoint> ReceiverPoint(const AffinePoint& z_point, const Scalar& b) {
  JacobianPoint q = BasePointMul(b);
  AddMixed(q, q, z_point);
  AffinePoint out;
  if (!ToAffine(q, &out)) {
    return CryptoError("SAKKE: [ID]P + Z is the point at infinity for this identity and Z");
  }
  return out;
}

// What [r]([b]P + Z) can be computed from, cheapest first: a table for
// Q_b = [b]P + Z, a table for Z (as [rb]P + [r]Z), else a variable-base
// multiplication of Q_b. Each lazy table counts the uses that would have
// wanted it.
struct EncapsulationBases {
  const AffinePoint& z;
  const LazyPointTable* z_table = nullptr;    // optional
  const LazyPointTable* q_b_table = nullptr;  // optional; base() is Q_b
};

Result<JacobianPoint> EncapsulationPoint(const EncapsulationBases& bases, const Scalar& b, const Scalar& r) {
  if (bases.q_b_table != nullptr) {
    if (std::shared_ptr<const FixedBaseTable> table = bases.q_b_table->Use()) return table->Mul(r);
  }
  if (bases.z_table != nullptr) {
    if (std::shared_ptr<const FixedBaseTable> table = bases.z_table->Use()) {
      MCX_ASSIGN_OR_RETURN(Scalar rb, ScalarProductModQ(r, b));
      // [rb]P + [r]Z: both tables' terms in one affine sum.
      std::vector<AffinePoint> terms;
      terms.reserve(260);
      JacobianPoint p_part = Infinity();
      if (std::shared_ptr<const FixedBaseTable> p_table = UseBasePointTable()) {
        p_table->AppendTerms(rb, terms);
      } else {
        p_part = ScalarMul(BasePoint(), rb);
      }
      SecureZero(rb.data(), sizeof(rb));
      table->AppendTerms(r, terms);
      JacobianPoint sum = SumAffine(terms);
      SecureZero(terms.data(), terms.size() * sizeof(AffinePoint));
      Add(sum, sum, p_part);
      return sum;
    }
  }
  if (bases.q_b_table != nullptr) return ScalarMul(bases.q_b_table->base(), r);
  MCX_ASSIGN_OR_RETURN(AffinePoint q_b, ReceiverPoint(bases.z, b));
  return ScalarMul(q_b, r);
}

Result<Bytes> EncapsulateImpl(const EncapsulationBases& bases, ByteSpan id, ByteSpan ssv) {
  MCX_RETURN_IF_ERROR(CheckId(id));
  if (ssv.size() != kSsvSize) {
    return InvalidArgument("ssv: expected " + std::to_string(kSsvSize) +
                           " octets (n = 128 bits for parameter set 1), got " + std::to_string(ssv.size()));
  }
  const Scalar b = ScalarFromBytesModQ(id);
  Bytes ssv_id = Concat(ssv, id);
  Scalar r = HashToScalar(ssv_id);
  SecureZero(ssv_id.data(), ssv_id.size());
  if (ScalarIsZero(r)) return CryptoError("SAKKE: r = 0 for this SSV and identity (R would be infinity)");

  auto r_point = EncapsulationPoint(bases, b, r);
  if (!r_point.ok()) {
    SecureZero(r.data(), sizeof(r));
    return r_point.error();
  }
  if (IsInfinity(*r_point)) {
    SecureZero(r.data(), sizeof(r));
    return CryptoError("SAKKE: R is the point at infinity (Z is not of order q)");
  }
  Fp2 g_r = sakke_internal::GeneratorPower(r);
  SecureZero(r.data(), sizeof(r));

  // One inversion serves both R's Z coordinate and g^r's real part.
  std::array<Fp, 2> inv = {r_point->z, g_r.a};
  fp1024::BatchInv(inv);
  if (fp1024::IsZero(inv[1])) return Internal("SAKKE: g^r has no representative");
  Fp zi2, zi3;
  fp1024::Sqr(zi2, inv[0]);
  fp1024::Mul(zi3, zi2, inv[0]);
  AffinePoint r_affine;
  fp1024::Mul(r_affine.x, r_point->x, zi2);
  fp1024::Mul(r_affine.y, r_point->y, zi3);
  Fp w;
  fp1024::Mul(w, g_r.b, inv[1]);

  SecretBytes h = MaskSsv(w, ssv);
  Bytes out = EncodePoint(r_affine);
  out.insert(out.end(), h.span().begin(), h.span().end());
  return out;
}

// Steps 1-6 of RFC 6508 §6.2.2. `lines` (if set) are the RSK's
// precomputed lines; otherwise the Miller loop runs on `rsk`. `bases` serve
// the step-5 re-check.
Result<SecretBytes> DecapsulateImpl(const EncapsulationBases& bases, ByteSpan id, const AffinePoint* rsk,
                                    const PreparedLines* lines, ByteSpan encapsulated) {
  MCX_RETURN_IF_ERROR(CheckId(id));
  if (encapsulated.size() != kEncapsulatedSize) {
    return InvalidArgument("encapsulated data: expected " + std::to_string(kEncapsulatedSize) +
                           " octets (R || H), got " + std::to_string(encapsulated.size()));
  }
  MCX_ASSIGN_OR_RETURN(AffinePoint r_point,
                       DecodeSakkePoint(encapsulated.subspan(0, kPointSize), "encapsulated data R"));
  ByteSpan h = encapsulated.subspan(kPointSize);

  // The pairing is symmetric on the order-q subgroup, so <R, K> is computed
  // as <K, R> (Miller loop on the RSK). An R outside the subgroup gives a
  // different value, but then step 5 rejects it anyway.
  Fp2 f = lines != nullptr ? lines->MillerLoop(r_point) : MillerLoop(*rsk, r_point);
  Fp w;
  if (!Represent(FinalExponentiation(f), &w)) {
    return CryptoError("SAKKE decapsulation: pairing value is degenerate (R or RSK not of order q)");
  }
  SecretBytes ssv = MaskSsv(w, h);
  SecureZero(&w, sizeof(w));

  Bytes ssv_id = Concat(ssv.span(), id);
  Scalar r = HashToScalar(ssv_id);
  SecureZero(ssv_id.data(), ssv_id.size());
  const Scalar b = ScalarFromBytesModQ(id);
  auto test = EncapsulationPoint(bases, b, r);
  SecureZero(r.data(), sizeof(r));
  if (!test.ok()) return test.error();
  if (!Equals(*test, r_point)) {
    return CryptoError(
        "SAKKE decapsulation: R != [r]([ID]P + Z) (wrong RSK, identity or Z, or tampered R or H)");
  }
  return ssv;
}

// <Q_b, RSK> == g, with the Miller loop on the RSK (or its lines): for an
// RSK outside the order-q subgroup the value differs from g, so such keys
// are rejected here too.
Status CheckRskPairing(const AffinePoint& q_b, const AffinePoint& rsk, const PreparedLines* lines) {
  Fp2 f = lines != nullptr ? lines->MillerLoop(q_b) : MillerLoop(rsk, q_b);
  if (!ClassEquals(FinalExponentiation(f), PairingGenerator())) {
    return CryptoError("RSK: <[ID]P + Z, RSK> != g (RSK not issued for this identity under this Z)");
  }
  return Status::Ok();
}

Status ValidateRskImpl(const AffinePoint& z_point, ByteSpan id, const AffinePoint& rsk) {
  MCX_RETURN_IF_ERROR(CheckId(id));
  MCX_ASSIGN_OR_RETURN(AffinePoint q_b, ReceiverPoint(z_point, ScalarFromBytesModQ(id)));
  return CheckRskPairing(q_b, rsk, nullptr);
}

// Keys kept by PreparedPublicKey::Create, and (ID, RSK) pairs followed per
// key by PreparedPublicKey::Decapsulate. Worst case, every key with its
// biggest table and every pair with lines and its biggest re-check table:
// 16 x (4.2 MB + 4 x 4.6 MB), about 360 MB; in practice only keys and
// receivers used hundreds of times get big tables.
constexpr size_t kCachedPublicKeys = 16;
constexpr size_t kReceiversPerKey = 4;

}  // namespace
}  // namespace mcx::sakke

namespace mcx::sakke_internal {

// A validated RSK's lines and its lazily tabled Q_b = [ID]P + Z.
struct ReceiverCore {
  ReceiverCore(const AffinePoint& rsk, const AffinePoint& q_b) : lines(rsk), q_b_table(q_b, TableKind::kReceiverPoint) {}
  PreparedLines lines;
  LazyPointTable q_b_table;
};

// An (ID, RSK) pair passed to PreparedPublicKey::Decapsulate: its uses, and
// its core once they have paid for it (nullptr for an RSK that did not
// validate).
struct ReceiverSlot {
  ReceiverSlot() : core(TiersFor(TableKind::kRskLines)) {}
  TieredTable<ReceiverCore> core;
};

struct PublicKeyState {
  explicit PublicKeyState(const AffinePoint& z) : z_table(z, TableKind::kPublicKey) {}
  LazyPointTable z_table;  // base() is Z
  BoundedCache<ReceiverSlot> receivers{sakke::kReceiversPerKey};
};

}  // namespace mcx::sakke_internal

namespace mcx::sakke {
namespace {

// The core for (ID, RSK): lines, then the RSK checked with them (one cheap
// Miller evaluation).
Result<std::unique_ptr<ReceiverCore>> MakeReceiverCore(const AffinePoint& z_point, ByteSpan id,
                                                       const AffinePoint& rsk) {
  MCX_RETURN_IF_ERROR(CheckId(id));
  MCX_ASSIGN_OR_RETURN(AffinePoint q_b, ReceiverPoint(z_point, ScalarFromBytesModQ(id)));
  auto core = std::make_unique<ReceiverCore>(rsk, q_b);
  MCX_RETURN_IF_ERROR(CheckRskPairing(q_b, rsk, &core->lines));
  return core;
}

// Names an (ID, RSK) pair without keeping the RSK: SHA-256 of
// len(ID) || ID || RSK.
Bytes ReceiverKey(ByteSpan id, ByteSpan rsk) {
  Bytes input = FixedBigEndian(id.size(), 8);
  input.insert(input.end(), id.begin(), id.end());
  input.insert(input.end(), rsk.begin(), rsk.end());
  Bytes out(kSha256Size);
  SHA256(input.data(), input.size(), out.data());
  SecureZero(input.data(), input.size());
  return out;
}

BoundedCache<const PreparedPublicKey>& PublicKeyCache() {
  static auto* cache = new BoundedCache<const PreparedPublicKey>(kCachedPublicKeys);
  return *cache;
}

}  // namespace

Result<SecretBytes> GenerateMasterSecret() {
  BnPtr range(BN_new()), z(BN_new());
  if (!range || !z) return Internal("SAKKE: out of memory");
  // z = 2 + uniform[0, q - 2)
  if (!BN_copy(range.get(), OrderBn()) || !BN_sub_word(range.get(), 2) ||
      !BN_priv_rand_range(z.get(), range.get()) || !BN_add_word(z.get(), 2)) {
    return Internal("SAKKE: random master secret generation failed");
  }
  Bytes out(kBytes);
  if (BN_bn2binpad(z.get(), out.data(), kBytes) != static_cast<int>(kBytes)) {
    return Internal("SAKKE: master secret encoding failed");
  }
  return SecretBytes(std::move(out));
}

Result<Bytes> PublicKeyFromMaster(ByteSpan z) {
  MCX_ASSIGN_OR_RETURN(Scalar k, ParseMasterSecret(z));
  JacobianPoint point = BasePointMul(k);
  SecureZero(k.data(), sizeof(k));
  AffinePoint affine;
  if (!ToAffine(point, &affine)) return Internal("SAKKE: [z]P is infinity");
  return EncodePoint(affine);
}

Result<SecretBytes> IssueRsk(ByteSpan z, ByteSpan id) {
  MCX_RETURN_IF_ERROR(CheckId(id));
  MCX_ASSIGN_OR_RETURN(Scalar k, ParseMasterSecret(z));
  auto inv = InverseOfSumModQ(k, ScalarFromBytesModQ(id));
  SecureZero(k.data(), sizeof(k));
  if (!inv.ok()) return inv.error();
  JacobianPoint point = BasePointMul(*inv);
  SecureZero(inv->data(), sizeof(Scalar));
  AffinePoint affine;
  if (!ToAffine(point, &affine)) return Internal("SAKKE: RSK is infinity");
  SecretBytes out(EncodePoint(affine));
  SecureZero(&affine, sizeof(affine));
  SecureZero(&point, sizeof(point));
  return out;
}

Status ValidateRsk(ByteSpan z_pub, ByteSpan id, ByteSpan rsk) {
  MCX_ASSIGN_OR_RETURN(AffinePoint z_point, DecodeSakkePoint(z_pub, "Z"));
  MCX_ASSIGN_OR_RETURN(AffinePoint k, DecodeSakkePoint(rsk, "RSK"));
  Status status = ValidateRskImpl(z_point, id, k);
  SecureZero(&k, sizeof(k));
  return status;
}

Result<Bytes> Encapsulate(ByteSpan z_pub, ByteSpan id, ByteSpan ssv) {
  MCX_ASSIGN_OR_RETURN(AffinePoint z_point, DecodeSakkePoint(z_pub, "Z"));
  return EncapsulateImpl(EncapsulationBases{z_point}, id, ssv);
}

Result<SecretBytes> Decapsulate(ByteSpan z_pub, ByteSpan id, ByteSpan rsk, ByteSpan encapsulated) {
  MCX_ASSIGN_OR_RETURN(AffinePoint z_point, DecodeSakkePoint(z_pub, "Z"));
  MCX_ASSIGN_OR_RETURN(AffinePoint k, DecodeSakkePoint(rsk, "RSK"));
  auto result = DecapsulateImpl(EncapsulationBases{z_point}, id, &k, nullptr, encapsulated);
  SecureZero(&k, sizeof(k));
  return result;
}

PreparedPublicKey::PreparedPublicKey() = default;
PreparedPublicKey::~PreparedPublicKey() = default;

Result<std::shared_ptr<const PreparedPublicKey>> PreparedPublicKey::Create(ByteSpan z_pub) {
  return PublicKeyCache().GetOrCreate(z_pub, [z_pub]() -> Result<std::shared_ptr<const PreparedPublicKey>> {
    MCX_ASSIGN_OR_RETURN(AffinePoint z_point, DecodeSakkePoint(z_pub, "Z"));
    // Z's tables assume a point of order q (a multiple of Z never hits
    // infinity); checked once per process and key, as the cache keeps it.
    if (!IsInfinity(ScalarMul(z_point, GroupOrder()))) return CryptoError("Z: point is not of order q");
    std::shared_ptr<PreparedPublicKey> key(new PreparedPublicKey);
    key->z_pub_.assign(z_pub.begin(), z_pub.end());
    key->state_ = std::make_unique<PublicKeyState>(z_point);
    return std::shared_ptr<const PreparedPublicKey>(std::move(key));
  });
}

void PreparedPublicKey::Precompute() const { state_->z_table.BuildBiggest(); }

Result<Bytes> PreparedPublicKey::Encapsulate(ByteSpan id, ByteSpan ssv) const {
  return EncapsulateImpl(EncapsulationBases{state_->z_table.base(), &state_->z_table}, id, ssv);
}

Status PreparedPublicKey::ValidateRsk(ByteSpan id, ByteSpan rsk) const {
  MCX_ASSIGN_OR_RETURN(AffinePoint k, DecodeSakkePoint(rsk, "RSK"));
  Status status = ValidateRskImpl(state_->z_table.base(), id, k);
  SecureZero(&k, sizeof(k));
  return status;
}

Result<SecretBytes> PreparedPublicKey::Decapsulate(ByteSpan id, ByteSpan rsk, ByteSpan encapsulated) const {
  MCX_ASSIGN_OR_RETURN(AffinePoint k, DecodeSakkePoint(rsk, "RSK"));
  const AffinePoint& z = state_->z_table.base();
  std::shared_ptr<const ReceiverCore> core;
  if (!id.empty()) {
    auto slot = state_->receivers.GetOrCreate(ReceiverKey(id, rsk), [] {
      return Result<std::shared_ptr<ReceiverSlot>>(std::make_shared<ReceiverSlot>());
    });
    if (slot.ok()) {
      core = (*slot)->core.Use([&](int) -> std::unique_ptr<const ReceiverCore> {
        auto made = MakeReceiverCore(z, id, k);
        if (!made.ok()) return nullptr;  // an RSK that does not validate keeps the one-shot route
        CountTableBuilt(TableKind::kRskLines);
        return std::move(made).value();
      });
    }
  }
  auto result = core ? DecapsulateImpl(EncapsulationBases{z, &state_->z_table, &core->q_b_table}, id, nullptr,
                                       &core->lines, encapsulated)
                     : DecapsulateImpl(EncapsulationBases{z, &state_->z_table}, id, &k, nullptr, encapsulated);
  SecureZero(&k, sizeof(k));
  return result;
}

Result<std::unique_ptr<PreparedReceiver>> PreparedReceiver::Create(
    std::shared_ptr<const PreparedPublicKey> kms, ByteSpan id, ByteSpan rsk, bool recheck_table) {
  if (!kms) return InvalidArgument("PreparedReceiver: no KMS public key");
  MCX_RETURN_IF_ERROR(CheckId(id));
  MCX_ASSIGN_OR_RETURN(AffinePoint k, DecodeSakkePoint(rsk, "RSK"));
  auto core = MakeReceiverCore(kms->state_->z_table.base(), id, k);
  SecureZero(&k, sizeof(k));
  if (!core.ok()) return core.error();
  std::unique_ptr<PreparedReceiver> receiver(new PreparedReceiver);
  receiver->core_ = std::move(core).value();
  receiver->kms_ = std::move(kms);
  receiver->id_.assign(id.begin(), id.end());
  receiver->recheck_table_ = recheck_table;
  return receiver;
}

PreparedReceiver::~PreparedReceiver() = default;

void PreparedReceiver::Precompute() const {
  if (recheck_table_) core_->q_b_table.BuildBiggest();
}

Result<SecretBytes> PreparedReceiver::Decapsulate(ByteSpan encapsulated) const {
  const sakke_internal::PublicKeyState& kms = *kms_->state_;
  EncapsulationBases bases{kms.z_table.base(), &kms.z_table, recheck_table_ ? &core_->q_b_table : nullptr};
  return DecapsulateImpl(bases, id_, nullptr, &core_->lines, encapsulated);
}

Bytes HashToIntegerRangeQ(ByteSpan s) { return ScalarToBytes(HashToScalar(s)); }

Result<Bytes> HashToMask(ByteSpan s, size_t octets) {
  if (octets == 0 || octets > 1024) {
    return InvalidArgument("mask length: expected 1 to 1024 octets, got " + std::to_string(octets));
  }
  // n = 2^(8 * octets): lg(n) is exact, l = ceil(8 * octets / 256), and
  // "mod 2^(8 * octets)" keeps the last `octets` octets of v'.
  size_t blocks = (octets + kSha256Size - 1) / kSha256Size;
  Bytes v = HashBlocks(s, blocks);
  Bytes out(v.end() - static_cast<std::ptrdiff_t>(octets), v.end());
  SecureZero(v.data(), v.size());
  return out;
}

Result<Bytes> Pairing(ByteSpan a, ByteSpan b) {
  MCX_ASSIGN_OR_RETURN(AffinePoint pa, DecodePoint(a, "first pairing argument"));
  MCX_ASSIGN_OR_RETURN(AffinePoint pb, DecodePoint(b, "second pairing argument"));
  Fp w;
  if (!sakke_internal::Pairing(pa, pb, &w)) return CryptoError("pairing value is degenerate");
  Bytes out(kBytes);
  fp1024::ToBytes(w, std::span<uint8_t, kBytes>(out.data(), kBytes));
  return out;
}

Bytes GeneratorPower(ByteSpan r) {
  Scalar k = ScalarFromBytesModQ(r);
  Fp2 x = sakke_internal::GeneratorPower(k);
  SecureZero(k.data(), sizeof(k));
  Fp w;
  Represent(x, &w);
  Bytes out(kBytes);
  fp1024::ToBytes(w, std::span<uint8_t, kBytes>(out.data(), kBytes));
  return out;
}

Bytes ParamP() {
  Bytes out(kBytes);
  fp1024::LimbsToBytes(fp1024::Modulus(), std::span<uint8_t, kBytes>(out.data(), kBytes));
  return out;
}

Bytes ParamQ() { return ScalarToBytes(GroupOrder()); }

Bytes ParamBasePoint() { return EncodePoint(BasePoint()); }

Bytes ParamG() {
  Bytes out(kBytes);
  fp1024::ToBytes(PairingGenerator(), std::span<uint8_t, kBytes>(out.data(), kBytes));
  return out;
}

}  // namespace mcx::sakke
