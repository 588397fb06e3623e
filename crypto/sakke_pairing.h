// The pairing of RFC 6508 §3.2 and exponentiation in PF_p for SAKKE
// parameter set 1.
//
// <A, B> is the reduced Tate pairing e(A, psi(B)) with the distortion map
// psi(x, y) = (-x, i*y). Its value lives in PF_p = F_p^2* / F_p*, so any
// F_p* factor of the Miller value is irrelevant: vertical lines are dropped
// and line values are scaled freely to avoid inversions. The final
// exponent (p^2 - 1)/q = (p - 1)(p + 1)/q needs only the (p + 1)/q = 4 part
// in PF_p (the p - 1 part is the projection itself). An element x1 + i*x2
// of PF_p is represented by x2 / x1 in F_p (RFC 6508 §2.2).
//
// Internal to the SAKKE implementation (crypto/sakke*.cc) and its tests.
#ifndef MCXTEST_CRYPTO_SAKKE_PAIRING_H_
#define MCXTEST_CRYPTO_SAKKE_PAIRING_H_

#include <vector>

#include "crypto/fp1024.h"
#include "crypto/sakke_curve.h"

namespace mcx::sakke_internal {

using fp1024::Fp2;

// f_{q-1,A}(psi(B)) up to an F_p* factor: the Miller loop on A evaluated at
// psi(B), over the signed binary (NAF) expansion of q - 1.
Fp2 MillerLoop(const AffinePoint& a, const AffinePoint& b);

// [f]^((p+1)/q) as an element of F_p^2 (a representative of the class).
Fp2 FinalExponentiation(const Fp2& f);

// x2 / x1 for the class of x1 + i*x2; false when x1 = 0 (the class of i,
// which has order 2 and so is never a pairing value of order-q points).
bool Represent(const Fp2& x, Fp* out);

// True if the class of x is the one represented by `rep` (no inversion).
bool ClassEquals(const Fp2& x, const Fp& rep);

// <A, B> as its F_p representative.
bool Pairing(const AffinePoint& a, const AffinePoint& b, Fp* out);

// g = <P, P> of parameter set 1.
const Fp& PairingGenerator();

// The Miller loop of a fixed first argument with every line's
// coefficients precomputed and normalised, so evaluating at a new second
// argument B costs one multiplication per line plus the F_p^2 updates.
// Each line is c_x * x_B + c_0 + i * y_B (up to an F_p* factor).
class PreparedLines {
 public:
  explicit PreparedLines(const AffinePoint& a);
  ~PreparedLines();
  PreparedLines(const PreparedLines&) = delete;
  PreparedLines& operator=(const PreparedLines&) = delete;

  // Same value as MillerLoop(a, b).
  Fp2 MillerLoop(const AffinePoint& b) const;

 private:
  struct Line {
    Fp c_x;
    Fp c_0;
  };
  // Bit i of `doubling_` says whether step i squares the accumulator.
  std::vector<Line> lines_;
  std::vector<bool> doubling_;
};

// g^r in PF_p from a fixed-base table over g: w-bit signed windows, each
// entry normalised to 1 + i*t so a step costs two F_p multiplications.
// ceil(1025/w) x 2^(w-1) elements (w = 8: 2.1 MB). Power returns a
// representative of the class of g^r. Immutable, safe to share.
class GeneratorTable {
 public:
  static constexpr int kMinWindowBits = 2, kMaxWindowBits = 10;
  explicit GeneratorTable(int window_bits);
  Fp2 Power(const Scalar& r) const;
  int window_bits() const { return window_bits_; }
  size_t bytes() const { return t_.size() * sizeof(Fp); }

 private:
  int window_bits_;
  int windows_;
  // Entry (i, j) is t with [1 + i*t] = [g]^((j + 1) * 2^(w*i)).
  std::vector<Fp> t_;
};

// g^r without a table: square-and-multiply over the width-5 NAF of r.
Fp2 GeneratorPowerUntabled(const Scalar& r);

}  // namespace mcx::sakke_internal

#endif  // MCXTEST_CRYPTO_SAKKE_PAIRING_H_
