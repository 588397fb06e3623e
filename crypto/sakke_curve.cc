#include "crypto/sakke_curve.h"

#include <openssl/bn.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "crypto/openssl_ptr.h"
#include "crypto/secret.h"

namespace mcx::sakke_internal {
namespace {

using namespace fp1024;  // NOLINT: this file is field arithmetic throughout

// RFC 6509 Appendix A, parameter set 1, as little-endian 64-bit limbs.
constexpr Limbs kQ = {
    0xd99b601ebfaa17fb, 0x203177c42b1eb3a1, 0xff38fa08e2615f6c, 0xa7e535abd5a5c7c7,
    0xa9f3cf14870f026a, 0x6dabfd2a0c614aa0, 0x144ab173595a0738, 0x389b1921cc9ad335,
    0x4d5b49fd2999a9b4, 0x39e46ce7fdf22286, 0xc8a1cc354c69672c, 0xbd02aac9f8bf03c6,
    0x6fa6b8d62cf8068b, 0x905b0338672d2098, 0x9971846636b4195e, 0x265eaec7c2958ff6,
};
constexpr Limbs kPx = {
    0x880dc8abeae63895, 0x80ec46c4967e0979, 0xee9163a5b63f73ec, 0xd5cfb4cc80728d87,
    0xa7c1514dba66910d, 0xa702c3397a60de74, 0x337c86548b72f2e1, 0x9760af765dd5bccb,
    0x718bd9e7406ce890, 0x43d5f22cdb9dfa55, 0xab10db9030b09e10, 0xb5edb6c0f6ce2308,
    0x98b2f204b6ff7cbf, 0x2b1a2fd60aec69c6, 0x0a7990053ed9b52a, 0x53fc09ee332c29ad,
};
constexpr Limbs kPy = {
    0x75573fd71bef16d7, 0xadb9b5706a67dcde, 0x80bdad5ad5bb4636, 0x13515ad7e9cb99a9,
    0x492d979fc5a4d5f2, 0xac6f1e80164aa989, 0xcad696b5b7652fe0, 0x70dae117ad547c6c,
    0x416cff0ca9e032b9, 0x6b598ccf9a140b2e, 0xe7f7f5e5f0de55f6, 0xf5ea69f4654ec2b9,
    0x3d778d821e141178, 0xd3e8201602990696, 0xf9f1f0533634a135, 0x0a8249063f6009f1,
};

using ossl::BnCtxPtr;
using ossl::BnPtr;

// Bits [pos, pos + width) of k (width <= 32); bits past 1024 read as 0.
uint32_t ScalarBits(const Scalar& k, int pos, int width) {
  uint32_t out = 0;
  for (int b = 0; b < width; ++b) {
    int bit = pos + b;
    if (bit >= 1024) break;
    out |= static_cast<uint32_t>((k[bit / 64] >> (bit % 64)) & 1) << b;
  }
  return out;
}

}  // namespace

const Limbs& GroupOrder() { return kQ; }

std::vector<int8_t> WnafDigits(const Scalar& k, int w) {
  // Work on a 17-limb copy: subtracting a negative digit can carry past
  // bit 1023.
  std::array<uint64_t, kLimbs + 1> n{};
  for (size_t i = 0; i < kLimbs; ++i) n[i] = k[i];
  auto is_zero = [&n] {
    uint64_t acc = 0;
    for (uint64_t limb : n) acc |= limb;
    return acc == 0;
  };
  std::vector<int8_t> digits;
  digits.reserve(1026);
  const int modulus = 1 << w;
  while (!is_zero()) {
    int digit = 0;
    if (n[0] & 1) {
      digit = static_cast<int>(n[0] & (modulus - 1));
      if (digit >= modulus / 2) digit -= modulus;
      // n -= digit
      if (digit > 0) {
        uint64_t borrow = static_cast<uint64_t>(digit);
        for (size_t i = 0; i < n.size() && borrow; ++i) {
          uint64_t old = n[i];
          n[i] = old - borrow;
          borrow = old < borrow ? 1 : 0;
        }
      } else {
        uint64_t carry = static_cast<uint64_t>(-digit);
        for (size_t i = 0; i < n.size() && carry; ++i) {
          uint64_t old = n[i];
          n[i] = old + carry;
          carry = n[i] < old ? 1 : 0;
        }
      }
    }
    digits.push_back(static_cast<int8_t>(digit));
    for (size_t i = 0; i + 1 < n.size(); ++i) n[i] = (n[i] >> 1) | (n[i + 1] << 63);
    n.back() >>= 1;
  }
  return digits;
}


const AffinePoint& BasePoint() {
  static const AffinePoint p{FromLimbs(kPx), FromLimbs(kPy)};
  return p;
}

bool IsOnCurve(const AffinePoint& point) {
  // y^2 == x^3 - 3x
  Fp lhs, rhs, t;
  Sqr(lhs, point.y);
  Sqr(t, point.x);
  Sub(t, t, FromUint(3));
  Mul(rhs, t, point.x);
  return lhs == rhs;
}

bool IsInfinity(const JacobianPoint& point) { return IsZero(point.z); }

JacobianPoint Infinity() { return JacobianPoint{One(), One(), Zero()}; }

JacobianPoint ToJacobian(const AffinePoint& point) { return JacobianPoint{point.x, point.y, One()}; }

AffinePoint Negate(const AffinePoint& point) {
  AffinePoint r = point;
  Neg(r.y, point.y);
  return r;
}

void Double(JacobianPoint& r, const JacobianPoint& a) {
  if (IsZero(a.z) || IsZero(a.y)) {
    r = Infinity();
    return;
  }
  // dbl-2001-b (a = -3): 3M + 5S.
  Fp delta, gamma, beta, alpha, t1, t2;
  Sqr(delta, a.z);
  Sqr(gamma, a.y);
  Mul(beta, a.x, gamma);
  Sub(t1, a.x, delta);
  Add(t2, a.x, delta);
  Mul(alpha, t1, t2);
  Add(t1, alpha, alpha);
  Add(alpha, t1, alpha);  // 3 (X - delta)(X + delta)
  Fp z3;
  Add(z3, a.y, a.z);
  Sqr(z3, z3);
  Sub(z3, z3, gamma);
  Sub(z3, z3, delta);
  Fp beta4, x3;
  Dbl(beta4, beta);
  Dbl(beta4, beta4);
  Sqr(x3, alpha);
  Sub(x3, x3, beta4);
  Sub(x3, x3, beta4);
  Fp y3, gamma2;
  Sub(t1, beta4, x3);
  Dbl(gamma2, gamma);
  MulSubDoubleSqr(y3, alpha, t1, gamma2);  // alpha (4 beta - X3) - 8 gamma^2
  r.x = x3;
  r.y = y3;
  r.z = z3;
}

void AddMixed(JacobianPoint& r, const JacobianPoint& a, const AffinePoint& b) {
  if (IsZero(a.z)) {
    r = ToJacobian(b);
    return;
  }
  // madd-2007-bl: 7M + 4S.
  Fp z1z1, u2, s2, h, rr;
  Sqr(z1z1, a.z);
  Mul(u2, b.x, z1z1);
  Mul(s2, b.y, a.z);
  Mul(s2, s2, z1z1);
  Sub(h, u2, a.x);
  Sub(rr, s2, a.y);
  if (IsZero(h)) {
    if (IsZero(rr)) {
      Double(r, a);
    } else {
      r = Infinity();
    }
    return;
  }
  Dbl(rr, rr);
  Fp hh, i, j, v;
  Sqr(hh, h);
  Dbl(i, hh);
  Dbl(i, i);
  Mul(j, h, i);
  Mul(v, a.x, i);
  Fp x3, y3, z3, t;
  Sqr(x3, rr);
  Sub(x3, x3, j);
  Sub(x3, x3, v);
  Sub(x3, x3, v);
  Sub(t, v, x3);
  Fp y2;
  Dbl(y2, a.y);
  MulSubMul(y3, rr, t, y2, j);
  Add(z3, a.z, h);
  Sqr(z3, z3);
  Sub(z3, z3, z1z1);
  Sub(z3, z3, hh);
  r.x = x3;
  r.y = y3;
  r.z = z3;
}

void Add(JacobianPoint& r, const JacobianPoint& a, const JacobianPoint& b) {
  if (IsZero(a.z)) {
    r = b;
    return;
  }
  if (IsZero(b.z)) {
    r = a;
    return;
  }
  // add-2007-bl: 11M + 5S.
  Fp z1z1, z2z2, u1, u2, s1, s2, h, rr;
  Sqr(z1z1, a.z);
  Sqr(z2z2, b.z);
  Mul(u1, a.x, z2z2);
  Mul(u2, b.x, z1z1);
  Mul(s1, a.y, b.z);
  Mul(s1, s1, z2z2);
  Mul(s2, b.y, a.z);
  Mul(s2, s2, z1z1);
  Sub(h, u2, u1);
  Sub(rr, s2, s1);
  if (IsZero(h)) {
    if (IsZero(rr)) {
      Double(r, a);
    } else {
      r = Infinity();
    }
    return;
  }
  Dbl(rr, rr);
  Fp i, j, v;
  Dbl(i, h);
  Sqr(i, i);
  Mul(j, h, i);
  Mul(v, u1, i);
  Fp x3, y3, z3, t;
  Sqr(x3, rr);
  Sub(x3, x3, j);
  Sub(x3, x3, v);
  Sub(x3, x3, v);
  Sub(t, v, x3);
  Fp s1_2;
  Dbl(s1_2, s1);
  MulSubMul(y3, rr, t, s1_2, j);
  Add(z3, a.z, b.z);
  Sqr(z3, z3);
  Sub(z3, z3, z1z1);
  Sub(z3, z3, z2z2);
  Mul(z3, z3, h);
  r.x = x3;
  r.y = y3;
  r.z = z3;
}

bool ToAffine(const JacobianPoint& point, AffinePoint* out) {
  if (IsInfinity(point)) return false;
  Fp zi, zi2, zi3;
  Inv(zi, point.z);
  Sqr(zi2, zi);
  Mul(zi3, zi2, zi);
  Mul(out->x, point.x, zi2);
  Mul(out->y, point.y, zi3);
  return true;
}

void BatchToAffine(std::span<const JacobianPoint> points, std::span<AffinePoint> out,
                   std::vector<bool>* finite) {
  std::vector<Fp> zs(points.size());
  for (size_t i = 0; i < points.size(); ++i) zs[i] = points[i].z;
  BatchInv(zs);
  if (finite) finite->assign(points.size(), true);
  for (size_t i = 0; i < points.size(); ++i) {
    if (IsZero(zs[i])) {
      out[i] = AffinePoint{Zero(), Zero()};
      if (finite) (*finite)[i] = false;
      continue;
    }
    Fp zi2, zi3;
    Sqr(zi2, zs[i]);
    Mul(zi3, zi2, zs[i]);
    Mul(out[i].x, points[i].x, zi2);
    Mul(out[i].y, points[i].y, zi3);
  }
}

JacobianPoint SumAffine(std::vector<AffinePoint>& points) {
  // A level of n affine additions costs one inversion (about 21
  // multiplications) plus ~6 per addition, a mixed addition ~11: below
  // about 8 points the last ones are cheaper added in Jacobian form.
  constexpr size_t kAffineSumFinish = 8;
  size_t n = points.size();
  std::vector<Fp> den;
  den.reserve(n / 2);
  while (n > kAffineSumFinish) {
    const size_t pairs = n / 2;
    den.clear();
    bool degenerate = false;
    for (size_t k = 0; k < pairs; ++k) {
      den.emplace_back();
      Sub(den.back(), points[2 * k + 1].x, points[2 * k].x);
      degenerate = degenerate || IsZero(den.back());
    }
    if (degenerate) break;
    BatchInv(den);
    for (size_t k = 0; k < pairs; ++k) {
      const AffinePoint& a = points[2 * k];
      const AffinePoint& b = points[2 * k + 1];
      // lambda = (y_b - y_a) / (x_b - x_a), x3 = lambda^2 - x_a - x_b,
      // y3 = lambda (x_a - x3) - y_a
      Fp lambda, t, x3, y3;
      Sub(t, b.y, a.y);
      Mul(lambda, t, den[k]);
      Sqr(x3, lambda);
      Sub(x3, x3, a.x);
      Sub(x3, x3, b.x);
      Sub(t, a.x, x3);
      Mul(y3, lambda, t);
      Sub(y3, y3, a.y);
      points[k] = AffinePoint{x3, y3};
    }
    if (n % 2 == 1) points[pairs] = points[n - 1];
    n = pairs + n % 2;
  }
  SecureZero(den.data(), den.size() * sizeof(Fp));
  JacobianPoint acc = Infinity();
  for (size_t i = 0; i < n; ++i) AddMixed(acc, acc, points[i]);
  return acc;
}

bool Equals(const JacobianPoint& a, const AffinePoint& b) {
  if (IsInfinity(a)) return false;
  Fp z2, z3, t;
  Sqr(z2, a.z);
  Mul(z3, z2, a.z);
  Mul(t, b.x, z2);
  if (!(t == a.x)) return false;
  Mul(t, b.y, z3);
  return t == a.y;
}

JacobianPoint ScalarMul(const AffinePoint& base, const Scalar& k) {
  constexpr int kW = 5;
  constexpr int kOdd = 1 << (kW - 2);  // Q, 3Q, ..., 15Q
  JacobianPoint multiples[kOdd];
  multiples[0] = ToJacobian(base);
  JacobianPoint twice;
  Double(twice, multiples[0]);
  for (int i = 1; i < kOdd; ++i) Add(multiples[i], multiples[i - 1], twice);
  AffinePoint table[kOdd];
  std::vector<bool> finite;
  BatchToAffine(multiples, table, &finite);
  // Small-order bases can hit infinity among the multiples; such a base
  // is never valid input for SAKKE, but the result must still be right.
  bool all_finite = true;
  for (bool f : finite) all_finite = all_finite && f;

  std::vector<int8_t> digits = WnafDigits(k, kW);
  JacobianPoint acc = Infinity();
  for (size_t i = digits.size(); i-- > 0;) {
    Double(acc, acc);
    int d = digits[i];
    if (d == 0) continue;
    int idx = (d > 0 ? d : -d) / 2;
    if (all_finite) {
      AddMixed(acc, acc, d > 0 ? table[idx] : Negate(table[idx]));
    } else {
      JacobianPoint m = multiples[idx];
      if (d < 0) Neg(m.y, m.y);
      Add(acc, acc, m);
    }
  }
  return acc;
}

namespace {

int WindowCount(int window_bits) { return (1025 + window_bits - 1) / window_bits; }

// Signed fixed-window digits in [-2^(w-1), 2^(w-1)]; `digits` has room for
// WindowCount(w) entries.
void SignedWindows(const Scalar& k, int w, int16_t* digits) {
  const int half = 1 << (w - 1), windows = WindowCount(w);
  int carry = 0;
  for (int i = 0; i < windows; ++i) {
    int v = static_cast<int>(ScalarBits(k, i * w, w)) + carry;
    if (v > half) {
      digits[i] = static_cast<int16_t>(v - (1 << w));
      carry = 1;
    } else {
      digits[i] = static_cast<int16_t>(v);
      carry = 0;
    }
  }
}

}  // namespace

FixedBaseTable::FixedBaseTable(const AffinePoint& base, int window_bits)
    : base_(base), window_bits_(window_bits), windows_(WindowCount(window_bits)) {
  if (window_bits < kMinWindowBits || window_bits > kMaxWindowBits) std::abort();  // a programming error
  const int half = 1 << (window_bits - 1);
  entries_.resize(static_cast<size_t>(windows_) * half);
  AffinePoint window_base = base;
  std::vector<JacobianPoint> row(half + 1);
  std::vector<AffinePoint> row_affine(half + 1);
  for (int i = 0; i < windows_; ++i) {
    row[0] = ToJacobian(window_base);
    for (int j = 1; j < half; ++j) AddMixed(row[j], row[j - 1], window_base);
    // 2^w times this window's base starts the next window.
    Double(row[half], row[half - 1]);
    BatchToAffine(row, row_affine, nullptr);
    for (int j = 0; j < half; ++j) entries_[static_cast<size_t>(i) * half + j] = row_affine[j];
    window_base = row_affine[half];
  }
}

void FixedBaseTable::AppendTerms(const Scalar& k, std::vector<AffinePoint>& terms) const {
  int16_t digits[(1025 + kMinWindowBits - 1) / kMinWindowBits];
  SignedWindows(k, window_bits_, digits);
  const size_t half = size_t{1} << (window_bits_ - 1);
  for (int i = 0; i < windows_; ++i) {
    int d = digits[i];
    if (d == 0) continue;
    const AffinePoint& entry = entries_[static_cast<size_t>(i) * half + (d > 0 ? d : -d) - 1];
    terms.push_back(d > 0 ? entry : Negate(entry));
  }
  SecureZero(digits, sizeof(digits));
}

JacobianPoint FixedBaseTable::Mul(const Scalar& k) const {
  std::vector<AffinePoint> terms;
  terms.reserve(static_cast<size_t>(windows_));
  AppendTerms(k, terms);
  JacobianPoint sum = SumAffine(terms);
  // The terms and partial sums would give away k's digits.
  SecureZero(terms.data(), terms.size() * sizeof(AffinePoint));
  return sum;
}

Bytes EncodePoint(const AffinePoint& point) {
  Bytes out(kEncodedPointSize);
  out[0] = 0x04;
  ToBytes(point.x, std::span<uint8_t, kBytes>(out.data() + 1, kBytes));
  ToBytes(point.y, std::span<uint8_t, kBytes>(out.data() + 1 + kBytes, kBytes));
  return out;
}

Result<AffinePoint> DecodePoint(ByteSpan encoded, const char* what) {
  const std::string name(what);
  if (encoded.size() != kEncodedPointSize) {
    return InvalidArgument(name + ": expected " + std::to_string(kEncodedPointSize) +
                           " octets (04 || x || y), got " + std::to_string(encoded.size()));
  }
  if (encoded[0] != 0x04) {
    return Error(ErrorCode::kInvalidArgument,
                 name + ": point must be uncompressed (first octet 04), got " +
                     ToHex(encoded.subspan(0, 1)),
                 0);
  }
  AffinePoint point;
  if (!FromBytes(std::span<const uint8_t, kBytes>(encoded.data() + 1, kBytes), &point.x)) {
    return Error(ErrorCode::kInvalidArgument, name + ": x coordinate is not below p", 1);
  }
  if (!FromBytes(std::span<const uint8_t, kBytes>(encoded.data() + 1 + kBytes, kBytes), &point.y)) {
    return Error(ErrorCode::kInvalidArgument, name + ": y coordinate is not below p", 1 + kBytes);
  }
  if (!IsOnCurve(point)) return CryptoError(name + ": point is not on the curve y^2 = x^3 - 3x");
  return point;
}

Scalar ScalarFromBytesModQ(ByteSpan big_endian) {
  // Inputs here are public (identities, hashes); BN does the long division.
  BnCtxPtr ctx(BN_CTX_new());
  BnPtr n(BN_bin2bn(big_endian.data(), static_cast<int>(big_endian.size()), nullptr));
  uint8_t q_bytes[kBytes];
  LimbsToBytes(kQ, q_bytes);
  BnPtr q(BN_bin2bn(q_bytes, kBytes, nullptr));
  BnPtr rem(BN_new());
  Scalar out{};
  if (!ctx || !n || !q || !rem || !BN_nnmod(rem.get(), n.get(), q.get(), ctx.get())) return out;
  uint8_t buf[kBytes];
  if (BN_bn2binpad(rem.get(), buf, kBytes) != static_cast<int>(kBytes)) return out;
  out = LimbsFromBytes(buf);
  return out;
}

Bytes ScalarToBytes(const Scalar& k) {
  Bytes out(kBytes);
  LimbsToBytes(k, std::span<uint8_t, kBytes>(out.data(), kBytes));
  return out;
}

bool ScalarIsZero(const Scalar& k) {
  uint64_t acc = 0;
  for (uint64_t w : k) acc |= w;
  return acc == 0;
}

}  // namespace mcx::sakke_internal
