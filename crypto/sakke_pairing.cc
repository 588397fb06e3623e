#include "crypto/sakke_pairing.h"

#include <array>
#include <cstdlib>

#include "crypto/secret.h"

namespace mcx::sakke_internal {
namespace {

using namespace fp1024;  // NOLINT: this file is field arithmetic throughout

// g = <P, P> of RFC 6509 Appendix A (its F_p representative), little-endian
// 64-bit limbs.
constexpr Limbs kG = {
    0xcde0fab36461ea46, 0x3c8cae87b7a0042a, 0xe3720f20b9b7b040, 0xd682c033a7942bcc,
    0xb4f1a32bcafa1ffa, 0x55df0460b4a9fd74, 0xb99dfb0138c78433, 0xee0faed1828eab90,
    0x7072da8f541721be, 0xcbfda85d5d00ef57, 0x449ae9563f8bc446, 0x371e94744c96feda,
    0x27fabe658e015a87, 0xc6a87bd1fb94c41e, 0x148f15867d623068, 0x66fc2a432b6ea392,
};

// Width of the signed window of the one-shot Miller loop: additions drop
// from ~1/3 of the steps (NAF) to ~1/6, for 14 extra steps up front.
constexpr int kMillerWindow = 5;
constexpr int kMillerOddMultiples = 1 << (kMillerWindow - 2);  // A, 3A, ..., 15A

// The loop runs over a signed expansion of q - 1 from the digit below the
// leading one: the NAF for precomputed lines (each addition is one line),
// width-5 wNAF for the one-shot loop.
const std::vector<int8_t>& LoopDigits(int width) {
  auto make = [](int w) {
    Scalar q_minus_1 = GroupOrder();
    q_minus_1[0] -= 1;  // q is odd: no borrow
    return new std::vector<int8_t>(WnafDigits(q_minus_1, w));
  };
  static const std::vector<int8_t>* naf = make(2);
  static const std::vector<int8_t>* windowed = make(kMillerWindow);
  return width == 2 ? *naf : *windowed;
}

// A line value at psi(B) is c_x * x_B + c_0 + i * c_y * y_B; these are the
// coefficients that do not depend on B.
struct LineParts {
  Fp c_x;
  Fp c_0;
  Fp c_y;
};

// One tangent step: T <- 2T (Jacobian, a = -3) and the tangent line at T,
// evaluated at psi(B) = (-x_B, i*y_B) and scaled by the F_p factor 2*Y*Z^3:
//   alpha * (Z^2 * x_B + X) - 2 * Y^2  +  i * (2 * Y * Z) * Z^2 * y_B
// with alpha = 3 * (X - Z^2)(X + Z^2). With `b` the line is evaluated into
// `value` (4 multiplications); without, its coefficients go to `parts`.
void DoubleStep(JacobianPoint& t, const AffinePoint* b, Fp2* value, LineParts* parts) {
  Fp delta, gamma, beta, alpha, t1, t2;
  Sqr(delta, t.z);
  Sqr(gamma, t.y);
  Mul(beta, t.x, gamma);
  Sub(t1, t.x, delta);
  Add(t2, t.x, delta);
  Mul(alpha, t1, t2);
  Add(t1, alpha, alpha);
  Add(alpha, t1, alpha);
  Fp z3;
  Add(z3, t.y, t.z);
  Sqr(z3, z3);
  Sub(z3, z3, gamma);
  Sub(z3, z3, delta);

  Dbl(t1, gamma);
  if (b != nullptr) {
    // alpha * (Z^2 x_B + X) - 2 Y^2  +  i * (Z3 Z^2) y_B
    Mul(t2, delta, b->x);
    Add(t2, t2, t.x);
    Mul(value->a, alpha, t2);
    Sub(value->a, value->a, t1);
    Mul(t2, z3, delta);
    Mul(value->b, t2, b->y);
  } else {
    Mul(parts->c_x, alpha, delta);
    Mul(parts->c_0, alpha, t.x);
    Sub(parts->c_0, parts->c_0, t1);
    Mul(parts->c_y, z3, delta);
  }

  Fp beta4, x3, y3;
  Dbl(beta4, beta);
  Dbl(beta4, beta4);
  Sqr(x3, alpha);
  Sub(x3, x3, beta4);
  Sub(x3, x3, beta4);
  // Y3 = alpha (4 beta - X3) - 2 (2 gamma)^2; t1 still holds 2 gamma.
  Sub(t2, beta4, x3);
  MulSubDoubleSqr(y3, alpha, t2, t1);
  t.x = x3;
  t.y = y3;
  t.z = z3;
}

// One chord step: T <- T + S (S affine) and the line through T and S at
// psi(B), scaled by 2*H*Z = Z3:  rr * (x_B + x_S) - Z3 * y_S + i * Z3 * y_B
// with rr = 2 * (y_S * Z^3 - Y). Degenerate inputs (T = +-S, which valid
// order-q points never reach) give zero lines rather than faults.
void AddStep(JacobianPoint& t, const AffinePoint& s, const AffinePoint* b, Fp2* value, LineParts* parts) {
  Fp z1z1, u2, s2, h, rr;
  Sqr(z1z1, t.z);
  Mul(u2, s.x, z1z1);
  Mul(s2, s.y, t.z);
  Mul(s2, s2, z1z1);
  Sub(h, u2, t.x);
  Sub(rr, s2, t.y);
  Dbl(rr, rr);
  Fp hh, i4, j, v;
  Sqr(hh, h);
  Dbl(i4, hh);
  Dbl(i4, i4);
  Mul(j, h, i4);
  Mul(v, t.x, i4);
  Fp x3, y3, z3, tmp;
  Sqr(x3, rr);
  Sub(x3, x3, j);
  Sub(x3, x3, v);
  Sub(x3, x3, v);
  Sub(tmp, v, x3);
  Fp y2;
  Dbl(y2, t.y);
  MulSubMul(y3, rr, tmp, y2, j);
  Add(z3, t.z, h);
  Sqr(z3, z3);
  Sub(z3, z3, z1z1);
  Sub(z3, z3, hh);

  if (b != nullptr) {
    // rr * (x_B + x_S) - Z3 y_S  +  i * Z3 y_B
    Add(tmp, b->x, s.x);
    Mul(value->a, rr, tmp);
    Mul(tmp, z3, s.y);
    Sub(value->a, value->a, tmp);
    Mul(value->b, z3, b->y);
  } else {
    parts->c_x = rr;
    Mul(parts->c_0, rr, s.x);
    Mul(tmp, z3, s.y);
    Sub(parts->c_0, parts->c_0, tmp);
    parts->c_y = z3;
  }

  t.x = x3;
  t.y = y3;
  t.z = z3;
}

// Plain NAF loop; used where the windowed loop's small multiples of A
// degenerate (A of tiny order, never a valid SAKKE point).
Fp2 MillerLoopNaf(const AffinePoint& a, const AffinePoint& b) {
  const std::vector<int8_t>& digits = LoopDigits(2);
  const AffinePoint minus_a = Negate(a);
  JacobianPoint t = ToJacobian(a);
  Fp2 f{One(), Zero()};
  bool first = true;
  Fp2 line;
  for (size_t i = digits.size() - 1; i-- > 0;) {
    DoubleStep(t, &b, &line, nullptr);
    if (first) {
      f = line;
      first = false;
    } else {
      Fp2Sqr(f, f);
      Fp2Mul(f, f, line);
    }
    if (digits[i] != 0) {
      AddStep(t, digits[i] > 0 ? a : minus_a, &b, &line, nullptr);
      Fp2Mul(f, f, line);
    }
  }
  return f;
}

}  // namespace

// Windowed Miller loop: f_{T + dA} = f_T * f_d * l_{T, dA} (vertical lines
// dropped), with f_d(psi(B)) and dA for odd d < 16 computed first by the
// chain A, 2A, 3A, ..., 15A; f_{-d} is the conjugate of f_d in PF_p.
Fp2 MillerLoop(const AffinePoint& a, const AffinePoint& b) {
  constexpr int kMax = 2 * kMillerOddMultiples;  // multiples 1..15
  JacobianPoint chain[kMax];
  Fp2 f_small[kMax];
  chain[1] = ToJacobian(a);
  f_small[1] = Fp2{One(), Zero()};
  JacobianPoint t = chain[1];
  DoubleStep(t, &b, &f_small[2], nullptr);
  chain[2] = t;
  Fp2 line;
  for (int k = 2; k + 1 < kMax; ++k) {
    AddStep(t, a, &b, &line, nullptr);
    chain[k + 1] = t;
    Fp2Mul(f_small[k + 1], f_small[k], line);
  }
  JacobianPoint odd_jacobian[kMillerOddMultiples];
  for (int j = 0; j < kMillerOddMultiples; ++j) odd_jacobian[j] = chain[2 * j + 1];
  AffinePoint odd[kMillerOddMultiples];
  std::vector<bool> finite;
  BatchToAffine(odd_jacobian, odd, &finite);
  for (bool ok : finite) {
    if (!ok) return MillerLoopNaf(a, b);
  }

  const std::vector<int8_t>& digits = LoopDigits(kMillerWindow);
  int top = digits.back();
  t = chain[top];
  Fp2 f = f_small[top];
  for (size_t i = digits.size() - 1; i-- > 0;) {
    DoubleStep(t, &b, &line, nullptr);
    Fp2Sqr(f, f);
    Fp2Mul(f, f, line);
    int d = digits[i];
    if (d == 0) continue;
    int m = d > 0 ? d : -d;
    Fp2 g = f_small[m];
    if (d > 0) {
      AddStep(t, odd[m / 2], &b, &line, nullptr);
    } else {
      AddStep(t, Negate(odd[m / 2]), &b, &line, nullptr);
      Neg(g.b, g.b);
    }
    Fp2Mul(g, g, line);
    Fp2Mul(f, f, g);
  }
  return f;
}

Fp2 FinalExponentiation(const Fp2& f) {
  // (p + 1)/q = 4 for parameter set 1.
  Fp2 r;
  Fp2Sqr(r, f);
  Fp2Sqr(r, r);
  return r;
}

bool Represent(const Fp2& x, Fp* out) {
  if (IsZero(x.a)) {
    *out = Zero();
    return false;
  }
  Fp inv;
  Inv(inv, x.a);
  Mul(*out, x.b, inv);
  return true;
}

bool ClassEquals(const Fp2& x, const Fp& rep) {
  if (IsZero(x.a)) return false;
  Fp t;
  Mul(t, x.a, rep);
  return t == x.b;
}

bool Pairing(const AffinePoint& a, const AffinePoint& b, Fp* out) {
  return Represent(FinalExponentiation(MillerLoop(a, b)), out);
}

const Fp& PairingGenerator() {
  static const Fp g = FromLimbs(kG);
  return g;
}

PreparedLines::PreparedLines(const AffinePoint& a) {
  const std::vector<int8_t>& digits = LoopDigits(2);
  const AffinePoint minus_a = Negate(a);
  JacobianPoint t = ToJacobian(a);
  std::vector<LineParts> parts;
  parts.reserve(2 * digits.size());
  for (size_t i = digits.size() - 1; i-- > 0;) {
    parts.emplace_back();
    DoubleStep(t, nullptr, nullptr, &parts.back());
    doubling_.push_back(true);
    if (digits[i] != 0) {
      parts.emplace_back();
      AddStep(t, digits[i] > 0 ? a : minus_a, nullptr, nullptr, &parts.back());
      doubling_.push_back(false);
    }
  }
  // Divide every line by its i*y_B coefficient: one batched inversion.
  std::vector<Fp> inv(parts.size());
  for (size_t k = 0; k < parts.size(); ++k) inv[k] = parts[k].c_y;
  BatchInv(inv);
  lines_.resize(parts.size());
  for (size_t k = 0; k < parts.size(); ++k) {
    Mul(lines_[k].c_x, parts[k].c_x, inv[k]);
    Mul(lines_[k].c_0, parts[k].c_0, inv[k]);
  }
  SecureZero(parts.data(), parts.size() * sizeof(LineParts));
  SecureZero(inv.data(), inv.size() * sizeof(Fp));
  SecureZero(&t, sizeof(t));
}

PreparedLines::~PreparedLines() { SecureZero(lines_.data(), lines_.size() * sizeof(Line)); }

Fp2 PreparedLines::MillerLoop(const AffinePoint& b) const {
  Fp2 f{One(), Zero()};
  for (size_t k = 0; k < lines_.size(); ++k) {
    if (doubling_[k] && k != 0) Fp2Sqr(f, f);
    Fp re;
    Mul(re, lines_[k].c_x, b.x);
    Add(re, re, lines_[k].c_0);
    Fp2MulLine(f, f, re, b.y);
  }
  return f;
}

namespace {

int PowWindowCount(int window_bits) { return (1025 + window_bits - 1) / window_bits; }

// (a + ib)(1 +- it) = (a -+ bt) + i(b +- at): two multiplications.
void MulByNormalised(Fp2& acc, const Fp& t, bool conjugate) {
  Fp at, bt;
  Mul(at, acc.a, t);
  Mul(bt, acc.b, t);
  if (!conjugate) {
    Sub(acc.a, acc.a, bt);
    Add(acc.b, acc.b, at);
  } else {
    Add(acc.a, acc.a, bt);
    Sub(acc.b, acc.b, at);
  }
}

}  // namespace

GeneratorTable::GeneratorTable(int window_bits)
    : window_bits_(window_bits), windows_(PowWindowCount(window_bits)) {
  if (window_bits < kMinWindowBits || window_bits > kMaxWindowBits) std::abort();  // a programming error
  const int half = 1 << (window_bits - 1);
  t_.resize(static_cast<size_t>(windows_) * half);
  Fp base = PairingGenerator();
  std::vector<Fp2> row(half + 1);
  std::vector<Fp> real(half + 1);
  for (int w = 0; w < windows_; ++w) {
    row[0] = Fp2{One(), base};
    for (int j = 1; j < half; ++j) {
      Fp2& r = row[j];
      const Fp2& prev = row[j - 1];
      Fp at, bt;
      Mul(bt, prev.b, base);
      Mul(at, prev.a, base);
      Sub(r.a, prev.a, bt);
      Add(r.b, prev.b, at);
    }
    Fp2Sqr(row[half], row[half - 1]);  // g^(2^w * 2^(w * window))
    for (int j = 0; j <= half; ++j) real[j] = row[j].a;
    BatchInv(real);
    for (int j = 0; j < half; ++j) Mul(t_[static_cast<size_t>(w) * half + j], row[j].b, real[j]);
    Mul(base, row[half].b, real[half]);
  }
}

Fp2 GeneratorTable::Power(const Scalar& r) const {
  const int w_bits = window_bits_, half = 1 << (w_bits - 1);
  Fp2 acc{One(), Zero()};
  int carry = 0;
  for (int w = 0; w < windows_; ++w) {
    int v = carry;
    for (int bit = 0; bit < w_bits; ++bit) {
      int pos = w * w_bits + bit;
      if (pos < 1024) v += static_cast<int>((r[pos / 64] >> (pos % 64)) & 1) << bit;
    }
    int d = v;
    carry = 0;
    if (v > half) {
      d = v - (1 << w_bits);
      carry = 1;
    }
    if (d == 0) continue;
    MulByNormalised(acc, t_[static_cast<size_t>(w) * half + (d > 0 ? d : -d) - 1], d < 0);
  }
  return acc;
}

Fp2 GeneratorPowerUntabled(const Scalar& r) {
  // g, g^3, ..., g^15 normalised to 1 + i*t: a constant of the parameter
  // set, cheap enough to compute once per process.
  constexpr int kWidth = 5, kOdd = 1 << (kWidth - 2);
  static const std::array<Fp, kOdd>* odd = [] {
    std::array<Fp2, kOdd> powers;
    const Fp2 g{One(), PairingGenerator()};
    Fp2 g2;
    Fp2Sqr(g2, g);
    powers[0] = g;
    for (int j = 1; j < kOdd; ++j) Fp2Mul(powers[j], powers[j - 1], g2);
    std::array<Fp, kOdd> real;
    for (int j = 0; j < kOdd; ++j) real[j] = powers[j].a;
    BatchInv(real);
    auto* out = new std::array<Fp, kOdd>;
    for (int j = 0; j < kOdd; ++j) Mul((*out)[j], powers[j].b, real[j]);
    return out;
  }();
  std::vector<int8_t> digits = WnafDigits(r, kWidth);
  Fp2 acc{One(), Zero()};
  for (size_t i = digits.size(); i-- > 0;) {
    Fp2Sqr(acc, acc);
    int d = digits[i];
    if (d != 0) MulByNormalised(acc, (*odd)[(d > 0 ? d : -d) / 2], d < 0);
  }
  SecureZero(digits.data(), digits.size());
  return acc;
}

}  // namespace mcx::sakke_internal
