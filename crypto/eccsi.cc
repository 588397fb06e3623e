// EC_POINTs_mul is deprecated in OpenSSL 3 but is the only public entry to its
// interleaved multi-point multiplication, which keeps a verify at one
// fixed-base plus about 1.25 variable-base multiplications.
#define OPENSSL_SUPPRESS_DEPRECATED

#include "crypto/eccsi.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "crypto/kdf.h"
#include "crypto/openssl_ptr.h"

namespace mcx::eccsi {

namespace {

using ossl::BnPtr;
using PointPtr = ossl::EcPointPtr;
using CtxPtr = ossl::BnCtxPtr;

// Failures that only allocation failure or a broken OpenSSL can cause.
Error OpenSslFailure(const char* what) {
  ERR_clear_error();
  return Error(ErrorCode::kInternal, std::string("ECCSI: OpenSSL ") + what + " failed");
}

// P-256 with the values every operation needs. Built once and afterwards only
// read, which OpenSSL allows from any number of threads.
struct Curve {
  EC_GROUP* group = nullptr;
  const BIGNUM* q = nullptr;  // group order
  BIGNUM* q_minus_1 = nullptr;
  Bytes g;  // encoded generator, the first input of HS
};

const Curve& P256() {
  static const Curve curve = [] {
    Curve c;
    c.group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
    c.q_minus_1 = BN_new();
    uint8_t g[kPointSize];
    if (c.group == nullptr || c.q_minus_1 == nullptr ||
        EC_POINT_point2oct(c.group, EC_GROUP_get0_generator(c.group), POINT_CONVERSION_UNCOMPRESSED, g,
                           sizeof(g), nullptr) != kPointSize) {
      std::fprintf(stderr, "mcxtest: fatal: OpenSSL has no usable P-256\n");
      std::abort();
    }
    c.q = EC_GROUP_get0_order(c.group);
    if (BN_copy(c.q_minus_1, c.q) == nullptr || BN_sub_word(c.q_minus_1, 1) != 1) std::abort();
    c.g.assign(g, g + kPointSize);
    return c;
  }();
  return curve;
}

Result<CtxPtr> NewCtx() {
  CtxPtr ctx(BN_CTX_new());
  if (!ctx) return OpenSslFailure("BN_CTX_new");
  return ctx;
}

Result<BnPtr> NewBn() {
  BnPtr bn(BN_new());
  if (!bn) return OpenSslFailure("BN_new");
  return bn;
}

Result<PointPtr> NewPoint() {
  PointPtr point(EC_POINT_new(P256().group));
  if (!point) return OpenSslFailure("EC_POINT_new");
  return point;
}

// A 65-octet uncompressed encoding of a point on P-256 other than infinity.
// OpenSSL's decoder also rejects coordinates >= p and points off the curve;
// P-256 has cofactor 1, so every such point is in the group of order q.
Result<PointPtr> DecodePoint(ByteSpan encoded, std::string_view name, BN_CTX* ctx) {
  if (encoded.size() != kPointSize) {
    return InvalidArgument(std::string(name) + " has " + std::to_string(encoded.size()) +
                           " octets, expected 65 (04 || x || y)");
  }
  if (encoded[0] != 0x04) {
    return InvalidArgument(std::string(name) + " does not start with 04 (uncompressed point)");
  }
  MCX_ASSIGN_OR_RETURN(PointPtr point, NewPoint());
  if (EC_POINT_oct2point(P256().group, point.get(), encoded.data(), encoded.size(), ctx) != 1) {
    ERR_clear_error();
    return CryptoError(std::string(name) + " is not a point on P-256");
  }
  if (EC_POINT_is_at_infinity(P256().group, point.get())) {
    return CryptoError(std::string(name) + " is the point at infinity");
  }
  return point;
}

Result<Bytes> EncodePoint(const EC_POINT* point, BN_CTX* ctx) {
  Bytes out(kPointSize);
  if (EC_POINT_point2oct(P256().group, point, POINT_CONVERSION_UNCOMPRESSED, out.data(), out.size(), ctx) !=
      kPointSize) {
    return OpenSslFailure("EC_POINT_point2oct");
  }
  return out;
}

// A big-endian scalar of 1 to 32 octets in [1, q-1].
Result<BnPtr> DecodeScalar(ByteSpan encoded, std::string_view name) {
  if (encoded.empty()) return InvalidArgument(std::string(name) + " is empty");
  if (encoded.size() > kScalarSize) {
    return InvalidArgument(std::string(name) + " has " + std::to_string(encoded.size()) +
                           " octets, at most 32");
  }
  BnPtr bn(BN_bin2bn(encoded.data(), static_cast<int>(encoded.size()), nullptr));
  if (!bn) return OpenSslFailure("BN_bin2bn");
  if (BN_is_zero(bn.get())) return CryptoError(std::string(name) + " is zero");
  if (BN_cmp(bn.get(), P256().q) >= 0) {
    return CryptoError(std::string(name) + " is not below the group order q");
  }
  return bn;
}

// A secret scalar: also marked for OpenSSL's constant-time code paths.
Result<BnPtr> DecodeSecretScalar(ByteSpan encoded, std::string_view name) {
  MCX_ASSIGN_OR_RETURN(BnPtr bn, DecodeScalar(encoded, name));
  BN_set_flags(bn.get(), BN_FLG_CONSTTIME);
  return bn;
}

Result<BnPtr> RandomScalar(BN_CTX* ctx) {
  MCX_ASSIGN_OR_RETURN(BnPtr bn, NewBn());
  BN_set_flags(bn.get(), BN_FLG_CONSTTIME);
  // Uniform in [0, q-2], shifted to [1, q-1].
  if (BN_priv_rand_range_ex(bn.get(), P256().q_minus_1, 0, ctx) != 1 || BN_add_word(bn.get(), 1) != 1) {
    return OpenSslFailure("BN_priv_rand_range_ex");
  }
  return bn;
}

Bytes ScalarBytes(const BIGNUM* bn) {
  Bytes out(kScalarSize);
  BN_bn2binpad(bn, out.data(), static_cast<int>(out.size()));
  return out;
}

Result<BnPtr> HashToBn(const Sha256Digest& digest) {
  BnPtr bn(BN_bin2bn(digest.data(), static_cast<int>(digest.size()), nullptr));
  if (!bn) return OpenSslFailure("BN_bin2bn");
  return bn;
}

// out = [g_scalar]G + [s1]p1 (+ [s2]p2 if p2 is given), in one interleaved
// multiplication.
Status MultiMul(EC_POINT* out, const BIGNUM* g_scalar, const EC_POINT* p1, const BIGNUM* s1,
                const EC_POINT* p2, const BIGNUM* s2, BN_CTX* ctx) {
  const EC_POINT* points[] = {p1, p2};
  const BIGNUM* scalars[] = {s1, s2};
  size_t count = p2 == nullptr ? 1 : 2;
  if (EC_POINTs_mul(P256().group, out, g_scalar, count, points, scalars, ctx) != 1) {
    return OpenSslFailure("EC_POINTs_mul");
  }
  return Status::Ok();
}

Result<PointPtr> MulGenerator(const BIGNUM* scalar, BN_CTX* ctx) {
  MCX_ASSIGN_OR_RETURN(PointPtr point, NewPoint());
  if (EC_POINT_mul(P256().group, point.get(), scalar, nullptr, nullptr, ctx) != 1) {
    return OpenSslFailure("EC_POINT_mul");
  }
  return point;
}

// The affine x-coordinate of a point that is not at infinity.
Result<BnPtr> AffineX(const EC_POINT* point, BN_CTX* ctx) {
  MCX_ASSIGN_OR_RETURN(BnPtr x, NewBn());
  if (EC_POINT_get_affine_coordinates(P256().group, point, x.get(), nullptr, ctx) != 1) {
    return OpenSslFailure("EC_POINT_get_affine_coordinates");
  }
  return x;
}

// (a * b) mod q; the modular arithmetic in this file is mod q throughout.
Status ModMul(BIGNUM* out, const BIGNUM* a, const BIGNUM* b, BN_CTX* ctx) {
  if (BN_mod_mul(out, a, b, P256().q, ctx) != 1) return OpenSslFailure("BN_mod_mul");
  return Status::Ok();
}

Sha256Digest HsDigest(ByteSpan kpak, ByteSpan id, ByteSpan pvt) {
  return Sha256({P256().g, kpak, id, pvt});
}

Sha256Digest HeDigest(ByteSpan hs, ByteSpan r, ByteSpan msg) { return Sha256({hs, r, msg}); }

Status CheckUserKeys(const EC_POINT* kpak_point, ByteSpan kpak, ByteSpan id, const BIGNUM* ssk,
                     const EC_POINT* pvt_point, ByteSpan pvt, BN_CTX* ctx) {
  // KPAK == [SSK]G - [HS]PVT, computed as [SSK]G + [(q - HS) mod q]PVT.
  MCX_ASSIGN_OR_RETURN(BnPtr neg_hs, HashToBn(HsDigest(kpak, id, pvt)));
  if (BN_mod_sub(neg_hs.get(), P256().q, neg_hs.get(), P256().q, ctx) != 1) {
    return OpenSslFailure("BN_mod_sub");
  }
  MCX_ASSIGN_OR_RETURN(PointPtr expected_kpak, NewPoint());
  MCX_RETURN_IF_ERROR(MultiMul(expected_kpak.get(), ssk, pvt_point, neg_hs.get(), nullptr, nullptr, ctx));
  int cmp = EC_POINT_cmp(P256().group, expected_kpak.get(), kpak_point, ctx);
  if (cmp < 0) return OpenSslFailure("EC_POINT_cmp");
  if (cmp != 0) {
    return CryptoError("SSK and PVT do not match the KPAK for this identity ([SSK]G - [HS]PVT != KPAK)");
  }
  return Status::Ok();
}

}  // namespace

struct PreparedVerifier::State {
  Bytes kpak;
  PointPtr kpak_point;
};

Result<Bytes> KpakFromKsak(ByteSpan ksak) {
  MCX_ASSIGN_OR_RETURN(BnPtr ksak_bn, DecodeSecretScalar(ksak, "KSAK"));
  MCX_ASSIGN_OR_RETURN(CtxPtr ctx, NewCtx());
  MCX_ASSIGN_OR_RETURN(PointPtr kpak, MulGenerator(ksak_bn.get(), ctx.get()));
  return EncodePoint(kpak.get(), ctx.get());
}

Result<KmsKeyPair> GenerateKmsKeyPair() {
  MCX_ASSIGN_OR_RETURN(CtxPtr ctx, NewCtx());
  MCX_ASSIGN_OR_RETURN(BnPtr ksak, RandomScalar(ctx.get()));
  KmsKeyPair pair;
  pair.ksak = SecretBytes(ScalarBytes(ksak.get()));
  MCX_ASSIGN_OR_RETURN(pair.kpak, KpakFromKsak(pair.ksak.span()));
  return pair;
}

Bytes ComputeHs(ByteSpan kpak, ByteSpan id, ByteSpan pvt) {
  Sha256Digest hs = HsDigest(kpak, id, pvt);
  return Bytes(hs.begin(), hs.end());
}

Bytes ComputeHe(ByteSpan hs, ByteSpan r, ByteSpan msg) {
  Sha256Digest he = HeDigest(hs, r, msg);
  return Bytes(he.begin(), he.end());
}

Result<UserKeys> IssueUserKeys(ByteSpan ksak, ByteSpan id, std::optional<ByteSpan> v) {
  MCX_ASSIGN_OR_RETURN(BnPtr ksak_bn, DecodeSecretScalar(ksak, "KSAK"));
  MCX_ASSIGN_OR_RETURN(CtxPtr ctx, NewCtx());
  MCX_ASSIGN_OR_RETURN(PointPtr kpak_point, MulGenerator(ksak_bn.get(), ctx.get()));
  MCX_ASSIGN_OR_RETURN(Bytes kpak, EncodePoint(kpak_point.get(), ctx.get()));

  // With a random v a zero SSK (probability ~2^-256) just means another try.
  constexpr int kMaxAttempts = 8;
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    BnPtr v_bn;
    if (v.has_value()) {
      MCX_ASSIGN_OR_RETURN(v_bn, DecodeSecretScalar(*v, "v"));
    } else {
      MCX_ASSIGN_OR_RETURN(v_bn, RandomScalar(ctx.get()));
    }
    MCX_ASSIGN_OR_RETURN(PointPtr pvt_point, MulGenerator(v_bn.get(), ctx.get()));
    MCX_ASSIGN_OR_RETURN(Bytes pvt, EncodePoint(pvt_point.get(), ctx.get()));
    Sha256Digest hs = HsDigest(kpak, id, pvt);
    MCX_ASSIGN_OR_RETURN(BnPtr ssk, HashToBn(hs));
    BN_set_flags(ssk.get(), BN_FLG_CONSTTIME);
    // SSK = (KSAK + HS * v) mod q.
    MCX_RETURN_IF_ERROR(ModMul(ssk.get(), ssk.get(), v_bn.get(), ctx.get()));
    if (BN_mod_add(ssk.get(), ssk.get(), ksak_bn.get(), P256().q, ctx.get()) != 1) {
      return OpenSslFailure("BN_mod_add");
    }
    if (BN_is_zero(ssk.get())) {
      if (v.has_value()) return CryptoError("v gives SSK = 0; choose another v");
      continue;
    }
    UserKeys keys{SecretBytes(ScalarBytes(ssk.get())), std::move(pvt), Bytes(hs.begin(), hs.end())};
    Status valid =
        CheckUserKeys(kpak_point.get(), kpak, id, ssk.get(), pvt_point.get(), keys.pvt, ctx.get());
    if (!valid.ok()) {
      return Error(ErrorCode::kInternal, "issued SSK/PVT fail validation: " + valid.error().message());
    }
    return keys;
  }
  return Error(ErrorCode::kInternal, "no usable v found in " + std::to_string(kMaxAttempts) + " attempts");
}

Status ValidateUserKeys(ByteSpan kpak, ByteSpan id, ByteSpan ssk, ByteSpan pvt) {
  MCX_ASSIGN_OR_RETURN(CtxPtr ctx, NewCtx());
  MCX_ASSIGN_OR_RETURN(PointPtr kpak_point, DecodePoint(kpak, "KPAK", ctx.get()));
  MCX_ASSIGN_OR_RETURN(PointPtr pvt_point, DecodePoint(pvt, "PVT", ctx.get()));
  MCX_ASSIGN_OR_RETURN(BnPtr ssk_bn, DecodeSecretScalar(ssk, "SSK"));
  return CheckUserKeys(kpak_point.get(), kpak, id, ssk_bn.get(), pvt_point.get(), pvt, ctx.get());
}

Result<Bytes> Sign(ByteSpan kpak, ByteSpan id, ByteSpan ssk, ByteSpan pvt, ByteSpan msg,
                   std::optional<ByteSpan> j) {
  MCX_ASSIGN_OR_RETURN(CtxPtr ctx, NewCtx());
  MCX_RETURN_IF_ERROR(DecodePoint(kpak, "KPAK", ctx.get()));
  MCX_RETURN_IF_ERROR(DecodePoint(pvt, "PVT", ctx.get()));
  MCX_ASSIGN_OR_RETURN(BnPtr ssk_bn, DecodeSecretScalar(ssk, "SSK"));
  Sha256Digest hs = HsDigest(kpak, id, pvt);

  // A random j that gives r >= q or HE + r*SSK = 0 (negligibly rare) is redrawn.
  constexpr int kMaxAttempts = 8;
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    BnPtr j_bn;
    if (j.has_value()) {
      MCX_ASSIGN_OR_RETURN(j_bn, DecodeSecretScalar(*j, "j"));
    } else {
      MCX_ASSIGN_OR_RETURN(j_bn, RandomScalar(ctx.get()));
    }
    MCX_ASSIGN_OR_RETURN(PointPtr j_point, MulGenerator(j_bn.get(), ctx.get()));
    MCX_ASSIGN_OR_RETURN(BnPtr r, AffineX(j_point.get(), ctx.get()));
    // Verify insists on r in [1, q-1] (see eccsi.h), so never produce another.
    if (BN_is_zero(r.get()) || BN_cmp(r.get(), P256().q) >= 0) {
      if (j.has_value()) return CryptoError("j gives r outside [1, q-1]; choose another j");
      continue;
    }
    Bytes r_bytes = ScalarBytes(r.get());
    MCX_ASSIGN_OR_RETURN(BnPtr he, HashToBn(HeDigest(hs, r_bytes, msg)));

    // s = ((HE + r * SSK)^-1 * j) mod q. For P-256 q < 2^256, so s always
    // fits 32 octets and RFC 6507's "q - s'" substitution never applies.
    MCX_ASSIGN_OR_RETURN(BnPtr s, NewBn());
    BN_set_flags(s.get(), BN_FLG_CONSTTIME);
    MCX_RETURN_IF_ERROR(ModMul(s.get(), r.get(), ssk_bn.get(), ctx.get()));
    if (BN_mod_add(s.get(), s.get(), he.get(), P256().q, ctx.get()) != 1) {
      return OpenSslFailure("BN_mod_add");
    }
    if (BN_is_zero(s.get())) {
      if (j.has_value()) return CryptoError("j gives HE + r * SSK = 0 mod q; choose another j");
      continue;
    }
    if (BN_mod_inverse(s.get(), s.get(), P256().q, ctx.get()) == nullptr) {
      return OpenSslFailure("BN_mod_inverse");
    }
    MCX_RETURN_IF_ERROR(ModMul(s.get(), s.get(), j_bn.get(), ctx.get()));

    Bytes signature = std::move(r_bytes);
    signature.reserve(kSignatureSize);
    Bytes s_bytes = ScalarBytes(s.get());
    signature.insert(signature.end(), s_bytes.begin(), s_bytes.end());
    signature.insert(signature.end(), pvt.begin(), pvt.end());
    return signature;
  }
  return Error(ErrorCode::kInternal, "no usable j found in " + std::to_string(kMaxAttempts) + " attempts");
}

Result<PreparedVerifier> PreparedVerifier::Create(ByteSpan kpak) {
  MCX_ASSIGN_OR_RETURN(CtxPtr ctx, NewCtx());
  MCX_ASSIGN_OR_RETURN(PointPtr point, DecodePoint(kpak, "KPAK", ctx.get()));
  auto state = std::make_shared<State>();
  state->kpak.assign(kpak.begin(), kpak.end());
  state->kpak_point = std::move(point);
  return PreparedVerifier(std::move(state));
}

const Bytes& PreparedVerifier::kpak() const { return state_->kpak; }

Status PreparedVerifier::Verify(ByteSpan id, ByteSpan msg, ByteSpan signature) const {
  if (signature.size() != kSignatureSize) {
    return InvalidArgument("signature has " + std::to_string(signature.size()) +
                           " octets, expected 129 (r || s || PVT)");
  }
  ByteSpan r_bytes = signature.subspan(0, kScalarSize);
  ByteSpan s_bytes = signature.subspan(kScalarSize, kScalarSize);
  ByteSpan pvt = signature.subspan(2 * kScalarSize);
  MCX_ASSIGN_OR_RETURN(BnPtr r, DecodeScalar(r_bytes, "signature r"));
  MCX_ASSIGN_OR_RETURN(BnPtr s, DecodeScalar(s_bytes, "signature s"));
  MCX_ASSIGN_OR_RETURN(CtxPtr ctx, NewCtx());
  MCX_ASSIGN_OR_RETURN(PointPtr pvt_point, DecodePoint(pvt, "signature PVT", ctx.get()));

  Sha256Digest hs = HsDigest(state_->kpak, id, pvt);
  MCX_ASSIGN_OR_RETURN(BnPtr he, HashToBn(HeDigest(hs, r_bytes, msg)));
  MCX_ASSIGN_OR_RETURN(BnPtr pvt_scalar, HashToBn(hs));

  // J = [s]([HE]G + [r]([HS]PVT + KPAK)) = [s*HE]G + [s*r*HS]PVT + [s*r]KPAK.
  MCX_ASSIGN_OR_RETURN(BnPtr g_scalar, NewBn());
  MCX_ASSIGN_OR_RETURN(BnPtr kpak_scalar, NewBn());
  MCX_RETURN_IF_ERROR(ModMul(g_scalar.get(), s.get(), he.get(), ctx.get()));
  MCX_RETURN_IF_ERROR(ModMul(kpak_scalar.get(), s.get(), r.get(), ctx.get()));
  MCX_RETURN_IF_ERROR(ModMul(pvt_scalar.get(), pvt_scalar.get(), kpak_scalar.get(), ctx.get()));
  MCX_ASSIGN_OR_RETURN(PointPtr j_point, NewPoint());
  MCX_RETURN_IF_ERROR(MultiMul(j_point.get(), g_scalar.get(), pvt_point.get(), pvt_scalar.get(),
                               state_->kpak_point.get(), kpak_scalar.get(), ctx.get()));
  if (EC_POINT_is_at_infinity(P256().group, j_point.get())) {
    return CryptoError("signature does not verify: J is the point at infinity");
  }
  MCX_ASSIGN_OR_RETURN(BnPtr jx, AffineX(j_point.get(), ctx.get()));
  if (BN_cmp(jx.get(), r.get()) != 0) {
    return CryptoError("signature does not verify: Jx != r (wrong message, identity, KPAK or key)");
  }
  return Status::Ok();
}

Status Verify(ByteSpan kpak, ByteSpan id, ByteSpan msg, ByteSpan signature) {
  MCX_ASSIGN_OR_RETURN(PreparedVerifier verifier, PreparedVerifier::Create(kpak));
  return verifier.Verify(id, msg, signature);
}

}  // namespace mcx::eccsi
