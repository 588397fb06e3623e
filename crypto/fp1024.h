// Arithmetic in F_p and F_p^2 for the 1024-bit prime of SAKKE parameter set 1
// (RFC 6509 Appendix A). SAKKE's cost is almost entirely multiplications in
// this field, so it has its own fixed-size Montgomery code instead of
// OpenSSL's generic BIGNUMs: 16 64-bit limbs, no allocation, no branches on
// limb values except the final conditional subtraction.
//
// Internal to the SAKKE implementation (crypto/sakke*.cc) and its tests.
#ifndef MCXTEST_CRYPTO_FP1024_H_
#define MCXTEST_CRYPTO_FP1024_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace mcx::fp1024 {

inline constexpr size_t kLimbs = 16;
inline constexpr size_t kBytes = 128;

// A 1024-bit unsigned integer, little-endian limbs.
using Limbs = std::array<uint64_t, kLimbs>;

// An element of F_p in Montgomery form (a * 2^1024 mod p), always fully
// reduced to [0, p) so that equality is limb equality.
struct Fp {
  Limbs v{};
  bool operator==(const Fp& other) const { return v == other.v; }
};

// The prime p of parameter set 1 (plain integer, not Montgomery form).
const Limbs& Modulus();

// Big-endian 128-octet integer <-> limbs.
Limbs LimbsFromBytes(std::span<const uint8_t, kBytes> bytes);
void LimbsToBytes(const Limbs& a, std::span<uint8_t, kBytes> out);
// a < b as integers.
bool LessThan(const Limbs& a, const Limbs& b);

// Field constants.
const Fp& Zero();
const Fp& One();

// Conversions. FromBytes fails (returns false) when the integer is >= p:
// callers use that to reject non-canonical coordinates from the wire.
bool FromBytes(std::span<const uint8_t, kBytes> bytes, Fp* out);
void ToBytes(const Fp& a, std::span<uint8_t, kBytes> out);
// Requires a < p.
Fp FromLimbs(const Limbs& a);
Limbs ToLimbs(const Fp& a);
Fp FromUint(uint64_t small);

bool IsZero(const Fp& a);

// r may alias a or b in every operation.
void Add(Fp& r, const Fp& a, const Fp& b);
void Sub(Fp& r, const Fp& a, const Fp& b);
void Neg(Fp& r, const Fp& a);
void Dbl(Fp& r, const Fp& a);
void Mul(Fp& r, const Fp& a, const Fp& b);
void Sqr(Fp& r, const Fp& a);
// a^-1; the inverse of 0 is 0 (callers check for zero where it matters).
void Inv(Fp& r, const Fp& a);
// Inverts every element of `a` in place with one field inversion
// (Montgomery's trick). Zero entries stay zero.
void BatchInv(std::span<Fp> a);
// Raises a to a big-endian exponent (used for tests and square roots, not
// in hot paths).
void Pow(Fp& r, const Fp& a, const Limbs& exponent);

// Double-width intermediates, for lazy reduction of sums of products in F_p^2
// (one Montgomery reduction per output coefficient instead of per product).
struct Wide {
  std::array<uint64_t, 2 * kLimbs> v{};
};
// r = a * b (no reduction; < p^2).
void MulWide(Wide& r, const Fp& a, const Fp& b);
// r = a - b + (b > a ? p * 2^1024 : 0), keeping r < p * 2^1024.
void SubWide(Wide& r, const Wide& a, const Wide& b);
// r = a + b; the caller guarantees a + b < p * 2^1024.
void AddWide(Wide& r, const Wide& a, const Wide& b);
// Montgomery reduction of any t < 2^2048.
void Redc(Fp& r, const Wide& t);
// r = a*b - c*d with a single reduction.
void MulSubMul(Fp& r, const Fp& a, const Fp& b, const Fp& c, const Fp& d);
// r = a*b - 2*c^2 with a single reduction (the Y3 of a doubling).
void MulSubDoubleSqr(Fp& r, const Fp& a, const Fp& b, const Fp& c);

// Test hook: with `force` the portable C multiplication is used even where
// the x86-64 MULX/ADX code would be, so tests check both on one machine.
// Not thread-safe; call only while no other thread does arithmetic.
void SetForcePortableForTesting(bool force);
// Whether the MULX/ADX code is in use.
bool UsingAdxAssembly();

// F_p^2 = F_p[i] / (i^2 + 1) (p = 3 mod 4, so -1 is a non-residue).
struct Fp2 {
  Fp a;  // real part
  Fp b;  // coefficient of i
  bool operator==(const Fp2& other) const { return a == other.a && b == other.b; }
};

void Fp2Mul(Fp2& r, const Fp2& x, const Fp2& y);
void Fp2Sqr(Fp2& r, const Fp2& x);
// r = x * (c + i*d), the shape of a Miller-loop line value.
void Fp2MulLine(Fp2& r, const Fp2& x, const Fp& c, const Fp& d);

}  // namespace mcx::fp1024

#endif  // MCXTEST_CRYPTO_FP1024_H_
