#include "crypto/fp1024.h"

#include <cstring>
#include <type_traits>
#include <vector>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#endif

namespace mcx::fp1024 {
namespace {

using u128 = unsigned __int128;

// p of RFC 6509 parameter set 1, little-endian 64-bit limbs.
constexpr Limbs kP = {
    0x666d807afea85feb, 0x80c5df10ac7ace87, 0xfce3e82389857db0, 0x9f94d6af56971f1f,
    0xa7cf3c521c3c09aa, 0xb6aff4a831852a82, 0x512ac5cd65681ce1, 0xe26c6487326b4cd4,
    0x356d27f4a666a6d0, 0xe791b39ff7c88a19, 0x228730d531a59cb0, 0xf40aab27e2fc0f1b,
    0xbe9ae358b3e01a2e, 0x416c0ce19cb48261, 0x65c61198dad0657a, 0x997abb1f0a563fda,
};

// -p^-1 mod 2^64 by Newton iteration (each step doubles the correct bits).
constexpr uint64_t ComputeN0() {
  uint64_t inv = 1;
  for (int i = 0; i < 7; ++i) inv *= 2 - kP[0] * inv;
  return ~inv + 1;
}
constexpr uint64_t kN0 = ComputeN0();
static_assert(kP[0] * (~kN0 + 1) == 1, "n0 must invert p mod 2^64");

// One limb of a carry chain. The intrinsics compile to ADC/SBB chains; the
// 128-bit fallback serves constant evaluation and other targets.
constexpr uint8_t AddCarry(uint8_t carry, uint64_t a, uint64_t b, uint64_t* out) {
#if defined(__x86_64__)
  if (!std::is_constant_evaluated()) {
    unsigned long long o;
    carry = _addcarry_u64(carry, a, b, &o);
    *out = o;
    return carry;
  }
#endif
  u128 s = static_cast<u128>(a) + b + carry;
  *out = static_cast<uint64_t>(s);
  return static_cast<uint8_t>(s >> 64);
}

constexpr uint8_t SubBorrow(uint8_t borrow, uint64_t a, uint64_t b, uint64_t* out) {
#if defined(__x86_64__)
  if (!std::is_constant_evaluated()) {
    unsigned long long o;
    borrow = _subborrow_u64(borrow, a, b, &o);
    *out = o;
    return borrow;
  }
#endif
  u128 d = static_cast<u128>(a) - b - borrow;
  *out = static_cast<uint64_t>(d);
  return static_cast<uint8_t>((d >> 64) & 1);
}

// r = a - b, returns the borrow.
constexpr uint64_t SubLimbs(Limbs& r, const Limbs& a, const Limbs& b) {
  uint8_t borrow = 0;
#pragma GCC unroll 16
  for (size_t i = 0; i < kLimbs; ++i) borrow = SubBorrow(borrow, a[i], b[i], &r[i]);
  return borrow;
}

// r = a + b, returns the carry.
constexpr uint64_t AddLimbs(Limbs& r, const Limbs& a, const Limbs& b) {
  uint8_t carry = 0;
#pragma GCC unroll 16
  for (size_t i = 0; i < kLimbs; ++i) carry = AddCarry(carry, a[i], b[i], &r[i]);
  return carry;
}

// Selects a (mask all ones) or b (mask zero) limb by limb, without a
// data-dependent branch.
inline void Select(Limbs& r, uint64_t mask, const Limbs& a, const Limbs& b) {
#pragma GCC unroll 16
  for (size_t i = 0; i < kLimbs; ++i) r[i] = (a[i] & mask) | (b[i] & ~mask);
}

constexpr bool LimbsLess(const Limbs& a, const Limbs& b) {
  for (size_t i = kLimbs; i-- > 0;) {
    if (a[i] != b[i]) return a[i] < b[i];
  }
  return false;
}

// (2 * a) mod p for a < p.
constexpr Limbs DoubleMod(const Limbs& a) {
  Limbs r{};
  uint64_t carry = AddLimbs(r, a, a);
  if (carry || !LimbsLess(r, kP)) SubLimbs(r, r, kP);
  return r;
}

// 2^(1024 * k) mod p, i.e. R^k, computed by repeated doubling at compile time.
constexpr Limbs PowerOfR(int k) {
  Limbs r{};
  r[0] = 1;
  for (int i = 0; i < 1024 * k; ++i) r = DoubleMod(r);
  return r;
}

constexpr Limbs kR1 = PowerOfR(1);  // Montgomery form of 1

// --- portable kernels (also the reference for the assembly) ---------------

void MulWideLimbsC(uint64_t t[2 * kLimbs], const uint64_t a[kLimbs], const uint64_t b[kLimbs]) {
  uint64_t carry = 0;
  for (size_t j = 0; j < kLimbs; ++j) {
    u128 x = static_cast<u128>(a[0]) * b[j] + carry;
    t[j] = static_cast<uint64_t>(x);
    carry = static_cast<uint64_t>(x >> 64);
  }
  t[kLimbs] = carry;
  for (size_t i = 1; i < kLimbs; ++i) {
    carry = 0;
    for (size_t j = 0; j < kLimbs; ++j) {
      u128 x = static_cast<u128>(a[i]) * b[j] + t[i + j] + carry;
      t[i + j] = static_cast<uint64_t>(x);
      carry = static_cast<uint64_t>(x >> 64);
    }
    t[i + kLimbs] = carry;
  }
}

void SqrWideLimbsC(uint64_t t[2 * kLimbs], const uint64_t a[kLimbs]) {
  // Cross products a[i]*a[j] (i < j) once, doubled, plus the squares.
  std::memset(t, 0, sizeof(uint64_t) * 2 * kLimbs);
  for (size_t i = 0; i + 1 < kLimbs; ++i) {
    uint64_t carry = 0;
    for (size_t j = i + 1; j < kLimbs; ++j) {
      u128 x = static_cast<u128>(a[i]) * a[j] + t[i + j] + carry;
      t[i + j] = static_cast<uint64_t>(x);
      carry = static_cast<uint64_t>(x >> 64);
    }
    t[i + kLimbs] = carry;
  }
  uint64_t top = 0;
  for (size_t k = 0; k < 2 * kLimbs; ++k) {
    uint64_t next = t[k] >> 63;
    t[k] = (t[k] << 1) | top;
    top = next;
  }
  uint64_t carry = 0;
  for (size_t i = 0; i < kLimbs; ++i) {
    u128 sq = static_cast<u128>(a[i]) * a[i];
    u128 lo = static_cast<u128>(t[2 * i]) + static_cast<uint64_t>(sq) + carry;
    t[2 * i] = static_cast<uint64_t>(lo);
    u128 hi = static_cast<u128>(t[2 * i + 1]) + static_cast<uint64_t>(sq >> 64) +
              static_cast<uint64_t>(lo >> 64);
    t[2 * i + 1] = static_cast<uint64_t>(hi);
    carry = static_cast<uint64_t>(hi >> 64);
  }
}

// Montgomery reduction rows: t[i..i+16] += m * p with m = t[i] * n0, so
// t[i] becomes zero; returns the carry out of t[31].
uint64_t RedcRowsC(uint64_t t[2 * kLimbs]) {
  uint64_t top_carry = 0;
  for (size_t i = 0; i < kLimbs; ++i) {
    uint64_t m = t[i] * kN0;
    uint64_t carry = 0;
    for (size_t j = 0; j < kLimbs; ++j) {
      u128 x = static_cast<u128>(m) * kP[j] + t[i + j] + carry;
      t[i + j] = static_cast<uint64_t>(x);
      carry = static_cast<uint64_t>(x >> 64);
    }
    u128 sum = static_cast<u128>(t[i + kLimbs]) + carry + top_carry;
    t[i + kLimbs] = static_cast<uint64_t>(sum);
    top_carry = static_cast<uint64_t>(sum >> 64);
  }
  return top_carry;
}

#if defined(__x86_64__) && defined(__GNUC__)
#define MCX_FP1024_HAVE_ADX_ASM 1

// The hot loops with MULX and the ADOX/ADCX dual carry chains: in a row of
// products the high halves are carried along the OF chain and the previous
// contents added along the CF chain, so a row runs at about one product
// per cycle instead of being serialised on a single carry flag. Chosen at
// run time (BMI2 + ADX); the portable loops above are the fallback.
void MulWideAdx(uint64_t t[2 * kLimbs], const uint64_t a[kLimbs], const uint64_t b[kLimbs]) {
  for (size_t i = 0; i < kLimbs; ++i) t[i] = 0;
  uint64_t* tp = t;
  const uint64_t* ap = a;
  asm volatile(R"(
    movl $16, %%eax
1:
    movq (%[ap]), %%rdx
    xorl %%r11d, %%r11d
    xorl %%r8d, %%r8d
    .irp j,0,2,4,6,8,10,12,14
      mulxq 8*\j(%[b]), %%r9, %%r10
      adoxq %%r8, %%r9
      adcxq 8*\j(%[tp]), %%r9
      movq %%r9, 8*\j(%[tp])
      mulxq 8*\j+8(%[b]), %%r9, %%r8
      adoxq %%r10, %%r9
      adcxq 8*\j+8(%[tp]), %%r9
      movq %%r9, 8*\j+8(%[tp])
    .endr
    adoxq %%r11, %%r8
    adcxq %%r11, %%r8
    movq %%r8, 128(%[tp])
    leaq 8(%[tp]), %[tp]
    leaq 8(%[ap]), %[ap]
    decl %%eax
    jnz 1b
  )"
               : [tp] "+r"(tp), [ap] "+r"(ap)
               : [b] "r"(b)
               : "rax", "rdx", "r8", "r9", "r10", "r11", "cc", "memory");
}

// RedcRowsC with the carry out of each row kept in `top` and added one
// word further up by the next row.
uint64_t RedcRowsAdx(uint64_t t[2 * kLimbs]) {
  uint64_t* tp = t;
  uint64_t top;
  uint64_t n0 = kN0;
  // The next row's multiplier m = t[i+1] * n0 comes from a register copy of
  // t[i+1] taken when it is final (step j = 1), not from memory. The IMUL
  // sits after the carry chains (it clobbers the flags), but its input is
  // ready early, so the core runs it ahead. t[i] ends as zero and is not
  // stored.
  asm volatile(R"(
    xorl %k[top], %k[top]
    movq (%[tp]), %%rdx
    imulq %[n0], %%rdx
    movl $16, %%eax
1:
    xorl %%r11d, %%r11d
    mulxq (%[p]), %%r9, %%r10
    adcxq (%[tp]), %%r9
    mulxq 8(%[p]), %%r9, %%r8
    adoxq %%r10, %%r9
    adcxq 8(%[tp]), %%r9
    movq %%r9, 8(%[tp])
    movq %%r9, %%rcx
    .irp j,2,4,6,8,10,12,14
      mulxq 8*\j(%[p]), %%r9, %%r10
      adoxq %%r8, %%r9
      adcxq 8*\j(%[tp]), %%r9
      movq %%r9, 8*\j(%[tp])
      mulxq 8*\j+8(%[p]), %%r9, %%r8
      adoxq %%r10, %%r9
      adcxq 8*\j+8(%[tp]), %%r9
      movq %%r9, 8*\j+8(%[tp])
    .endr
    adoxq %%r11, %%r8
    adcxq %%r11, %%r8
    movq 128(%[tp]), %%r9
    addq %[top], %%r9
    movl $0, %k[top]
    adcq $0, %[top]
    addq %%r8, %%r9
    adcq $0, %[top]
    movq %%r9, 128(%[tp])
    imulq %[n0], %%rcx
    movq %%rcx, %%rdx
    leaq 8(%[tp]), %[tp]
    decl %%eax
    jnz 1b
  )"
               : [tp] "+r"(tp), [top] "=&r"(top)
               : [p] "r"(kP.data()), [n0] "r"(n0)
               : "rax", "rcx", "rdx", "r8", "r9", "r10", "r11", "cc", "memory");
  return top;
}

// Squaring: the 120 cross products a[i]*a[j] (i < j) row by row as in
// MulWideAdx, then one pass that doubles them (CF chain) and adds the 16
// squares (OF chain). 136 multiplications instead of 256.
void SqrWideAdx(uint64_t t[2 * kLimbs], const uint64_t a[kLimbs]) {
  for (size_t i = 0; i < kLimbs + 1; ++i) t[i] = 0;
  t[2 * kLimbs - 1] = 0;
  asm volatile(R"(
    .irp i,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14
      movq 8*\i(%[a]), %%rdx
      xorl %%r11d, %%r11d
      xorl %%r8d, %%r8d
      .irp j,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
        .if \j > \i
          mulxq 8*\j(%[a]), %%r9, %%r10
          adoxq %%r8, %%r9
          adcxq 8*(\i+\j)(%[t]), %%r9
          movq %%r9, 8*(\i+\j)(%[t])
          movq %%r10, %%r8
        .endif
      .endr
      adoxq %%r11, %%r8
      adcxq %%r11, %%r8
      movq %%r8, 8*(\i+16)(%[t])
    .endr
    xorl %%r11d, %%r11d
    .irp i,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
      movq 8*\i(%[a]), %%rdx
      mulxq %%rdx, %%r9, %%r10
      movq 16*\i(%[t]), %%rax
      adcxq %%rax, %%rax
      adoxq %%r9, %%rax
      movq %%rax, 16*\i(%[t])
      movq 16*\i+8(%[t]), %%rax
      adcxq %%rax, %%rax
      adoxq %%r10, %%rax
      movq %%rax, 16*\i+8(%[t])
    .endr
  )"
               :
               : [t] "r"(t), [a] "r"(a)
               : "rax", "rdx", "r8", "r9", "r10", "r11", "cc", "memory");
}

bool g_force_portable = false;  // SetForcePortableForTesting

// CPUID leaf 7 directly: clang-14's __builtin_cpu_supports does not know
// "adx", and the fuzz build (--config=fuzz) compiles this file with clang.
bool CpuidHasBmi2Adx() {
  unsigned int eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return false;
  return (ebx & (1u << 8)) != 0 && (ebx & (1u << 19)) != 0;  // BMI2, ADX
}

bool CpuHasAdx() {
  static const bool has = CpuidHasBmi2Adx();
  return has && !g_force_portable;
}
#endif

void MulWideLimbs(uint64_t t[2 * kLimbs], const uint64_t a[kLimbs], const uint64_t b[kLimbs]) {
#ifdef MCX_FP1024_HAVE_ADX_ASM
  if (CpuHasAdx()) return MulWideAdx(t, a, b);
#endif
  MulWideLimbsC(t, a, b);
}

void SqrWideLimbs(uint64_t t[2 * kLimbs], const uint64_t a[kLimbs]) {
#ifdef MCX_FP1024_HAVE_ADX_ASM
  if (CpuHasAdx()) return SqrWideAdx(t, a);
#endif
  SqrWideLimbsC(t, a);
}

// Montgomery reduction of any t < 2^2048: (t + m p) / 2^1024 for the m
// that clears the low half is below 2^1024 + p, so at most two
// subtractions of p bring it into [0, p).
void RedcLimbs(Limbs& r, uint64_t t[2 * kLimbs]) {
#ifdef MCX_FP1024_HAVE_ADX_ASM
  uint64_t top_carry = CpuHasAdx() ? RedcRowsAdx(t) : RedcRowsC(t);
#else
  uint64_t top_carry = RedcRowsC(t);
#endif
  std::memcpy(r.data(), t + kLimbs, sizeof(Limbs));
  Limbs d;
  uint64_t borrow = SubLimbs(d, r, kP);
  // Subtract when the 1025-bit value (top_carry:r) is >= p. Only inputs
  // above p * 2^1024 (lazy sums) can need a second subtraction.
  uint64_t use_d = 0 - (top_carry | (borrow ^ 1));
  Select(r, use_d, d, r);
  if (__builtin_expect(use_d != 0, 0)) {
    borrow = SubLimbs(d, r, kP);
    Select(r, 0 - (borrow ^ 1), d, r);
  }
}

// R^2 and R^3 mod p would exceed the constexpr evaluation limits, so they
// are derived from R on first use.
struct Constants {
  Fp one;
  Limbs r2;  // R^2 mod p: converts integers into Montgomery form
  Limbs r3;  // R^3 mod p: fixes up the plain-integer inverse
};

void MontMul(Limbs& r, const Limbs& a, const Limbs& b) {
  uint64_t t[2 * kLimbs];
  MulWideLimbs(t, a.data(), b.data());
  RedcLimbs(r, t);
}

const Constants& GetConstants() {
  static const Constants* constants = [] {
    auto* c = new Constants;
    c->one.v = kR1;
    // R^2 = R * 2^1024 mod p by 1024 modular doublings of R.
    Limbs r2 = kR1;
    for (int i = 0; i < 1024; ++i) r2 = DoubleMod(r2);
    c->r2 = r2;
    MontMul(c->r3, r2, r2);  // R^2 * R^2 / R = R^3
    return c;
  }();
  return *constants;
}

}  // namespace

const Limbs& Modulus() { return kP; }

void SetForcePortableForTesting(bool force) {
#ifdef MCX_FP1024_HAVE_ADX_ASM
  g_force_portable = force;
#endif
}

bool UsingAdxAssembly() {
#ifdef MCX_FP1024_HAVE_ADX_ASM
  return CpuHasAdx();
#else
  return false;
#endif
}

Limbs LimbsFromBytes(std::span<const uint8_t, kBytes> bytes) {
  Limbs r{};
  for (size_t i = 0; i < kLimbs; ++i) {
    uint64_t w = 0;
    for (size_t k = 0; k < 8; ++k) w = (w << 8) | bytes[kBytes - 8 * (i + 1) + k];
    r[i] = w;
  }
  return r;
}

void LimbsToBytes(const Limbs& a, std::span<uint8_t, kBytes> out) {
  for (size_t i = 0; i < kLimbs; ++i) {
    uint64_t w = a[i];
    for (size_t k = 0; k < 8; ++k) {
      out[kBytes - 1 - 8 * i - k] = static_cast<uint8_t>(w);
      w >>= 8;
    }
  }
}

bool LessThan(const Limbs& a, const Limbs& b) { return LimbsLess(a, b); }

const Fp& Zero() {
  static const Fp zero{};
  return zero;
}

const Fp& One() { return GetConstants().one; }

Fp FromLimbs(const Limbs& a) {
  Fp r;
  MontMul(r.v, a, GetConstants().r2);
  return r;
}

Limbs ToLimbs(const Fp& a) {
  uint64_t t[2 * kLimbs] = {};
  std::memcpy(t, a.v.data(), sizeof(Limbs));
  Limbs r;
  RedcLimbs(r, t);
  return r;
}

Fp FromUint(uint64_t small) {
  Limbs l{};
  l[0] = small;
  if (!LimbsLess(l, kP)) SubLimbs(l, l, kP);
  return FromLimbs(l);
}

bool FromBytes(std::span<const uint8_t, kBytes> bytes, Fp* out) {
  Limbs l = LimbsFromBytes(bytes);
  if (!LimbsLess(l, kP)) return false;
  *out = FromLimbs(l);
  return true;
}

void ToBytes(const Fp& a, std::span<uint8_t, kBytes> out) { LimbsToBytes(ToLimbs(a), out); }

bool IsZero(const Fp& a) {
  uint64_t acc = 0;
  for (uint64_t w : a.v) acc |= w;
  return acc == 0;
}

void Add(Fp& r, const Fp& a, const Fp& b) {
  Limbs s, d;
  uint64_t carry = AddLimbs(s, a.v, b.v);
  uint64_t borrow = SubLimbs(d, s, kP);
  // a + b >= p exactly when the sum carried out or p fitted under it.
  uint64_t use_d = 0 - (carry | (borrow ^ 1));
  Select(r.v, use_d, d, s);
}

void Sub(Fp& r, const Fp& a, const Fp& b) {
  Limbs d, p_or_zero;
  uint64_t borrow = SubLimbs(d, a.v, b.v);
  uint64_t mask = 0 - borrow;
#pragma GCC unroll 16
  for (size_t i = 0; i < kLimbs; ++i) p_or_zero[i] = kP[i] & mask;
  AddLimbs(r.v, d, p_or_zero);
}

void Neg(Fp& r, const Fp& a) {
  if (IsZero(a)) {
    r = a;
    return;
  }
  SubLimbs(r.v, kP, a.v);
}

void Dbl(Fp& r, const Fp& a) { Add(r, a, a); }

void Mul(Fp& r, const Fp& a, const Fp& b) { MontMul(r.v, a.v, b.v); }

void Sqr(Fp& r, const Fp& a) {
  uint64_t t[2 * kLimbs];
  SqrWideLimbs(t, a.v.data());
  RedcLimbs(r.v, t);
}

// Double-width arithmetic on raw limb arrays: the F_p^2 and point formulas
// below keep their scratch products in uninitialised stack arrays and reduce
// them in place (zeroing and copying 256-octet Wide values cost several
// per cent of a Miller loop).
namespace {

using WideLimbs = uint64_t[2 * kLimbs];

void SubWideLimbs(uint64_t r[2 * kLimbs], const uint64_t a[2 * kLimbs], const uint64_t b[2 * kLimbs]) {
  uint8_t borrow = 0;
#pragma GCC unroll 32
  for (size_t i = 0; i < 2 * kLimbs; ++i) borrow = SubBorrow(borrow, a[i], b[i], &r[i]);
  uint64_t mask = 0 - static_cast<uint64_t>(borrow);
  uint8_t carry = 0;
#pragma GCC unroll 16
  for (size_t i = 0; i < kLimbs; ++i) carry = AddCarry(carry, r[kLimbs + i], kP[i] & mask, &r[kLimbs + i]);
}

}  // namespace

void MulWide(Wide& r, const Fp& a, const Fp& b) { MulWideLimbs(r.v.data(), a.v.data(), b.v.data()); }

void SubWide(Wide& r, const Wide& a, const Wide& b) { SubWideLimbs(r.v.data(), a.v.data(), b.v.data()); }

void AddWide(Wide& r, const Wide& a, const Wide& b) {
  uint8_t carry = 0;
#pragma GCC unroll 32
  for (size_t i = 0; i < 2 * kLimbs; ++i) carry = AddCarry(carry, a.v[i], b.v[i], &r.v[i]);
}

void MulSubMul(Fp& r, const Fp& a, const Fp& b, const Fp& c, const Fp& d) {
  WideLimbs ab, cd;
  MulWideLimbs(ab, a.v.data(), b.v.data());
  MulWideLimbs(cd, c.v.data(), d.v.data());
  SubWideLimbs(ab, ab, cd);
  RedcLimbs(r.v, ab);
}

void MulSubDoubleSqr(Fp& r, const Fp& a, const Fp& b, const Fp& c) {
  // c^2 < p^2 < p * 2^1024, so each SubWide keeps the invariant.
  WideLimbs ab, cc;
  MulWideLimbs(ab, a.v.data(), b.v.data());
  SqrWideLimbs(cc, c.v.data());
  SubWideLimbs(ab, ab, cc);
  SubWideLimbs(ab, ab, cc);
  RedcLimbs(r.v, ab);
}

void Redc(Fp& r, const Wide& t) {
  WideLimbs copy;
  std::memcpy(copy, t.v.data(), sizeof(copy));
  RedcLimbs(r.v, copy);
}

namespace {

// Inversion by Bernstein-Yang divsteps ("Fast constant-time gcd
// computation and modular inversion", 2019), in the variable-time form:
// batches of 62 divsteps run on the low 64 bits of (f, g) only, giving a
// 2x2 transition matrix that is then applied to the full-size values
// (f, g) and to their cofactors (d, e) mod p. About 40 batches instead of
// ~2000 full-width binary-GCD steps. Inputs are public or single-use, so
// variable time is acceptable here.
//
// Signed integers use 17 limbs of 62 bits (value = sum l[i] 2^(62 i)); the
// low 16 limbs are in [0, 2^62), the top one carries the sign.
constexpr int kS62Limbs = 17;
constexpr uint64_t kMask62 = (uint64_t{1} << 62) - 1;
using S62 = std::array<int64_t, kS62Limbs>;
using i128 = __int128;

constexpr S62 ToS62(const Limbs& a) {
  S62 out{};
  for (int i = 0; i < kS62Limbs; ++i) {
    int bit = 62 * i;
    uint64_t w = a[bit / 64] >> (bit % 64);
    if (bit % 64 > 2 && bit / 64 + 1 < static_cast<int>(kLimbs)) w |= a[bit / 64 + 1] << (64 - bit % 64);
    out[i] = static_cast<int64_t>(w & kMask62);
  }
  return out;
}

constexpr S62 kP62 = ToS62(kP);

// p^-1 mod 2^62 (Newton iteration; p is odd).
constexpr uint64_t ComputePInv62() {
  uint64_t inv = 1;
  for (int i = 0; i < 7; ++i) inv *= 2 - kP[0] * inv;
  return inv & kMask62;
}
constexpr uint64_t kPInv62 = ComputePInv62();

struct Transition {
  int64_t u, v, q, r;  // (f', g') = [[u, v], [q, r]] (f, g) / 2^62
};

// 62 divsteps on the low bits of f (odd) and g; updates delta.
Transition Divsteps62(int64_t& delta, uint64_t f, uint64_t g) {
  int64_t u = 1, v = 0, q = 0, r = 1;
  for (int i = 0; i < 62; ++i) {
    if (g & 1) {
      if (delta > 0) {
        // (f, g) <- (g, (g - f) / 2)
        int64_t nu = 2 * q, nv = 2 * r, nq = q - u, nr = r - v;
        u = nu, v = nv, q = nq, r = nr;
        uint64_t nf = g;
        g = (g - f) >> 1;
        f = nf;
        delta = 1 - delta;
        continue;
      }
      // (f, g) <- (f, (g + f) / 2)
      q += u;
      r += v;
      g = (g + f) >> 1;
    } else {
      g >>= 1;
    }
    u *= 2;
    v *= 2;
    delta = 1 + delta;
  }
  return Transition{u, v, q, r};
}

// (f, g) <- T (f, g) / 2^62, exact.
void ApplyToFg(S62& f, S62& g, const Transition& t) {
  i128 cf = static_cast<i128>(t.u) * f[0] + static_cast<i128>(t.v) * g[0];
  i128 cg = static_cast<i128>(t.q) * f[0] + static_cast<i128>(t.r) * g[0];
  cf >>= 62;
  cg >>= 62;
  for (int i = 1; i < kS62Limbs; ++i) {
    cf += static_cast<i128>(t.u) * f[i] + static_cast<i128>(t.v) * g[i];
    cg += static_cast<i128>(t.q) * f[i] + static_cast<i128>(t.r) * g[i];
    f[i - 1] = static_cast<int64_t>(static_cast<uint64_t>(cf) & kMask62);
    g[i - 1] = static_cast<int64_t>(static_cast<uint64_t>(cg) & kMask62);
    cf >>= 62;
    cg >>= 62;
  }
  f[kS62Limbs - 1] = static_cast<int64_t>(cf);
  g[kS62Limbs - 1] = static_cast<int64_t>(cg);
}

// (d, e) <- T (d, e) / 2^62 mod p: a multiple k p (0 <= k < 2^62) is added
// to make each combination divisible. |d|, |e| grow by at most p per batch.
void ApplyToDe(S62& d, S62& e, const Transition& t) {
  i128 cd = static_cast<i128>(t.u) * d[0] + static_cast<i128>(t.v) * e[0];
  i128 ce = static_cast<i128>(t.q) * d[0] + static_cast<i128>(t.r) * e[0];
  uint64_t kd = ((0 - static_cast<uint64_t>(cd)) * kPInv62) & kMask62;
  uint64_t ke = ((0 - static_cast<uint64_t>(ce)) * kPInv62) & kMask62;
  cd += static_cast<i128>(kd) * kP62[0];
  ce += static_cast<i128>(ke) * kP62[0];
  cd >>= 62;
  ce >>= 62;
  for (int i = 1; i < kS62Limbs; ++i) {
    cd += static_cast<i128>(t.u) * d[i] + static_cast<i128>(t.v) * e[i] + static_cast<i128>(kd) * kP62[i];
    ce += static_cast<i128>(t.q) * d[i] + static_cast<i128>(t.r) * e[i] + static_cast<i128>(ke) * kP62[i];
    d[i - 1] = static_cast<int64_t>(static_cast<uint64_t>(cd) & kMask62);
    e[i - 1] = static_cast<int64_t>(static_cast<uint64_t>(ce) & kMask62);
    cd >>= 62;
    ce >>= 62;
  }
  d[kS62Limbs - 1] = static_cast<int64_t>(cd);
  e[kS62Limbs - 1] = static_cast<int64_t>(ce);
}

bool IsZeroS62(const S62& a) {
  int64_t acc = 0;
  for (int64_t w : a) acc |= w;
  return acc == 0;
}

uint64_t Low64(const S62& a) { return static_cast<uint64_t>(a[0]) | (static_cast<uint64_t>(a[1]) << 62); }

// a + sign * p, carries normalised.
void AddSignedP(S62& a, int sign) {
  i128 c = 0;
  for (int i = 0; i < kS62Limbs; ++i) {
    c += static_cast<i128>(a[i]) + sign * static_cast<i128>(kP62[i]);
    if (i + 1 < kS62Limbs) {
      a[i] = static_cast<int64_t>(static_cast<uint64_t>(c) & kMask62);
      c >>= 62;
    } else {
      a[i] = static_cast<int64_t>(c);
    }
  }
}

void NegateS62(S62& a) {
  i128 c = 0;
  for (int i = 0; i < kS62Limbs; ++i) {
    c -= a[i];
    if (i + 1 < kS62Limbs) {
      a[i] = static_cast<int64_t>(static_cast<uint64_t>(c) & kMask62);
      c >>= 62;
    } else {
      a[i] = static_cast<int64_t>(c);
    }
  }
}

// Compares a (normalised, top limb signed) with p.
bool LessThanP(const S62& a) {
  for (int i = kS62Limbs; i-- > 0;) {
    if (a[i] != kP62[i]) return a[i] < kP62[i];
  }
  return false;
}

Limbs FromS62(const S62& a) {
  Limbs out{};
  for (int i = 0; i < kS62Limbs; ++i) {
    int bit = 62 * i;
    auto w = static_cast<uint64_t>(a[i]);
    out[bit / 64] |= w << (bit % 64);
    if (bit % 64 > 2 && bit / 64 + 1 < static_cast<int>(kLimbs)) out[bit / 64 + 1] |= w >> (64 - bit % 64);
  }
  return out;
}

// Plain-integer inverse of a (0 < a < p) mod p.
Limbs InvertLimbs(const Limbs& a) {
  S62 f = kP62, g = ToS62(a), d{}, e{};
  e[0] = 1;
  int64_t delta = 1;
  // The divstep bound for 1024-bit inputs is under 3000 steps (49 batches).
  for (int batch = 0; batch < 64 && !IsZeroS62(g); ++batch) {
    Transition t = Divsteps62(delta, Low64(f), Low64(g));
    ApplyToFg(f, g, t);
    ApplyToDe(d, e, t);
  }
  // Now f = +-1 and d a = f (mod p).
  if (f[kS62Limbs - 1] < 0) NegateS62(d);
  while (d[kS62Limbs - 1] < 0) AddSignedP(d, 1);
  while (!LessThanP(d)) AddSignedP(d, -1);
  return FromS62(d);
}

}  // namespace

void Inv(Fp& r, const Fp& a) {
  if (IsZero(a)) {
    r = a;
    return;
  }
  // a holds aR; its plain inverse is a^-1 R^-1, and one Montgomery
  // multiplication by R^3 gives a^-1 R.
  Limbs inv = InvertLimbs(a.v);
  MontMul(r.v, inv, GetConstants().r3);
}

void BatchInv(std::span<Fp> a) {
  if (a.empty()) return;
  std::vector<Fp> prefix(a.size());
  Fp acc = One();
  for (size_t i = 0; i < a.size(); ++i) {
    prefix[i] = acc;
    if (!IsZero(a[i])) Mul(acc, acc, a[i]);
  }
  Fp inv;
  Inv(inv, acc);
  for (size_t i = a.size(); i-- > 0;) {
    if (IsZero(a[i])) continue;
    Fp ai_inv;
    Mul(ai_inv, inv, prefix[i]);
    Mul(inv, inv, a[i]);
    a[i] = ai_inv;
  }
}

void Pow(Fp& r, const Fp& a, const Limbs& exponent) {
  Fp acc = One();
  for (size_t i = kLimbs; i-- > 0;) {
    for (int bit = 63; bit >= 0; --bit) {
      Sqr(acc, acc);
      if ((exponent[i] >> bit) & 1) Mul(acc, acc, a);
    }
  }
  r = acc;
}

void Fp2Mul(Fp2& r, const Fp2& x, const Fp2& y) { Fp2MulLine(r, x, y.a, y.b); }

void Fp2Sqr(Fp2& r, const Fp2& x) {
  // (a + ib)^2 = (a + b)(a - b) + i 2ab: two multiplications.
  Fp s, d, ab;
  Add(s, x.a, x.b);
  Sub(d, x.a, x.b);
  Mul(ab, x.a, x.b);
  Mul(r.a, s, d);
  Dbl(r.b, ab);
}

void Fp2MulLine(Fp2& r, const Fp2& x, const Fp& c, const Fp& d) {
  // Karatsuba with one reduction per coefficient:
  // real = ac - bd, imag = (a + b)(c + d) - ac - bd.
  WideLimbs ac, bd, cross;
  MulWideLimbs(ac, x.a.v.data(), c.v.data());
  MulWideLimbs(bd, x.b.v.data(), d.v.data());
  Fp s1, s2;
  Add(s1, x.a, x.b);
  Add(s2, c, d);
  MulWideLimbs(cross, s1.v.data(), s2.v.data());
  SubWideLimbs(cross, cross, ac);
  SubWideLimbs(cross, cross, bd);
  SubWideLimbs(ac, ac, bd);  // the real part
  RedcLimbs(r.a.v, ac);
  RedcLimbs(r.b.v, cross);
}

}  // namespace mcx::fp1024
