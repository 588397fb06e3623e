// The SAKKE curve E: y^2 = x^3 - 3x over the 1024-bit field of RFC 6509
// parameter set 1: points, scalar multiplication and fixed-base tables.
//
// Internal to the SAKKE implementation (crypto/sakke*.cc) and its tests.
#ifndef MCXTEST_CRYPTO_SAKKE_CURVE_H_
#define MCXTEST_CRYPTO_SAKKE_CURVE_H_

#include <cstdint>
#include <span>
#include <vector>

#include "crypto/bytes.h"
#include "crypto/fp1024.h"
#include "crypto/result.h"

namespace mcx::sakke_internal {

using fp1024::Fp;
using fp1024::Limbs;

// Scalars are plain 1024-bit integers; every caller reduces them mod q first.
using Scalar = Limbs;

struct AffinePoint {
  Fp x;
  Fp y;
};

// Jacobian coordinates: (X, Y, Z) is (X / Z^2, Y / Z^3); Z = 0 is infinity.
struct JacobianPoint {
  Fp x;
  Fp y;
  Fp z;
};

// The order q of P (plain integer).
const Limbs& GroupOrder();
// The base point P of parameter set 1.
const AffinePoint& BasePoint();

bool IsOnCurve(const AffinePoint& point);
bool IsInfinity(const JacobianPoint& point);
JacobianPoint Infinity();
JacobianPoint ToJacobian(const AffinePoint& point);
AffinePoint Negate(const AffinePoint& point);

// Group law. Every special case (infinity, doubling through addition,
// opposite points) is handled, so hostile inputs cannot derail it.
void Double(JacobianPoint& r, const JacobianPoint& a);
void AddMixed(JacobianPoint& r, const JacobianPoint& a, const AffinePoint& b);
void Add(JacobianPoint& r, const JacobianPoint& a, const JacobianPoint& b);

// Fails (returns false) for the point at infinity.
bool ToAffine(const JacobianPoint& point, AffinePoint* out);
// Normalises many points with a single field inversion; infinity entries
// yield false in `finite`.
void BatchToAffine(std::span<const JacobianPoint> points, std::span<AffinePoint> out,
                   std::vector<bool>* finite);
// The sum of affine points (none at infinity) by a binary tree of affine
// additions that share one field inversion per level (Montgomery's trick):
// about 6 multiplications per point against 11 for mixed additions; the
// last few points, and a level with equal x-coordinates (a doubling or
// opposite points, which valid SAKKE inputs meet with negligible
// probability), are added in Jacobian form instead. `points` is scratch.
JacobianPoint SumAffine(std::vector<AffinePoint>& points);
// Projective comparison, no inversion.
bool Equals(const JacobianPoint& a, const AffinePoint& b);

// Width-w non-adjacent form of k, least significant digit first: odd
// digits in (-2^(w-1), 2^(w-1)), each followed by at least w-1 zeros.
std::vector<int8_t> WnafDigits(const Scalar& k, int w);

// [k]Q for a variable base (width-5 wNAF over affine odd multiples).
JacobianPoint ScalarMul(const AffinePoint& base, const Scalar& k);

// [k]B for a base known in advance: one affine point per signed window
// digit and window position, so a multiplication is ~1025/w mixed additions
// and no doublings. With w-bit windows a table holds ceil(1025/w) x 2^(w-1)
// affine points (w = 8: 129 x 128 points, 4.2 MB; w = 5: 205 x 16, 0.8 MB)
// and costs about that many mixed additions to build. Immutable after
// construction and safe to share between threads.
class FixedBaseTable {
 public:
  static constexpr int kMinWindowBits = 2, kMaxWindowBits = 10;
  // window_bits in [kMinWindowBits, kMaxWindowBits].
  FixedBaseTable(const AffinePoint& base, int window_bits);
  JacobianPoint Mul(const Scalar& k) const;
  // Appends the table entries (negated where the digit is) whose sum is
  // [k]B, so that several tables' terms can be summed in one SumAffine.
  void AppendTerms(const Scalar& k, std::vector<AffinePoint>& terms) const;
  const AffinePoint& base() const { return base_; }
  int window_bits() const { return window_bits_; }
  size_t bytes() const { return entries_.size() * sizeof(AffinePoint); }

 private:
  AffinePoint base_;
  int window_bits_;
  int windows_;
  std::vector<AffinePoint> entries_;  // window-major, (digit - 1) minor
};

// 04 || x || y, 257 octets.
inline constexpr size_t kEncodedPointSize = 1 + 2 * fp1024::kBytes;
Bytes EncodePoint(const AffinePoint& point);
// Checks length, prefix, coordinate range (< p) and the curve equation.
// `what` names the input in error messages.
Result<AffinePoint> DecodePoint(ByteSpan encoded, const char* what);

// Scalar helpers: big-endian octets (any length) reduced mod q.
Scalar ScalarFromBytesModQ(ByteSpan big_endian);
Bytes ScalarToBytes(const Scalar& k);  // 128 octets
bool ScalarIsZero(const Scalar& k);

}  // namespace mcx::sakke_internal

#endif  // MCXTEST_CRYPTO_SAKKE_CURVE_H_
