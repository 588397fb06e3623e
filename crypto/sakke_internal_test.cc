// The fast SAKKE curve, fixed-base tables, Miller loop and PF_p
// exponentiation against a slow but literal BIGNUM reference: affine
// coordinates with an inversion per step, plain double-and-add, and the
// pairing of RFC 6508 §3.2 over the binary digits of q - 1.
#include <openssl/bn.h>
#include <openssl/crypto.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "crypto/fp1024.h"
#include "crypto/openssl_ptr.h"
#include "crypto/sakke_curve.h"
#include "crypto/sakke_pairing.h"
#include "crypto/sakke_precompute.h"

namespace mcx::sakke_internal {
namespace {

using fp1024::Fp;
using fp1024::Fp2;
using fp1024::kBytes;

using ossl::BnPtr;

BnPtr NewBn() { return BnPtr(BN_new()); }

BnPtr LimbsToBn(const Limbs& l) {
  uint8_t buf[kBytes];
  fp1024::LimbsToBytes(l, buf);
  return BnPtr(BN_bin2bn(buf, kBytes, nullptr));
}

Limbs BnToLimbs(const BIGNUM* bn) {
  uint8_t buf[kBytes];
  EXPECT_EQ(BN_bn2binpad(bn, buf, kBytes), static_cast<int>(kBytes));
  return fp1024::LimbsFromBytes(buf);
}

// --- the reference ---------------------------------------------------------

struct RefPoint {
  BnPtr x, y;
  bool infinity = false;
};

class Reference {
 public:
  Reference() : ctx_(BN_CTX_new()), p_(LimbsToBn(fp1024::Modulus())), q_(LimbsToBn(GroupOrder())) {}
  ~Reference() { BN_CTX_free(ctx_); }

  const BIGNUM* q() const { return q_.get(); }

  RefPoint FromAffine(const AffinePoint& a) {
    return RefPoint{LimbsToBn(fp1024::ToLimbs(a.x)), LimbsToBn(fp1024::ToLimbs(a.y)), false};
  }
  RefPoint Copy(const RefPoint& a) {
    return RefPoint{BnPtr(BN_dup(a.x.get())), BnPtr(BN_dup(a.y.get())), a.infinity};
  }

  bool Matches(const JacobianPoint& fast, const RefPoint& ref) {
    if (ref.infinity) return IsInfinity(fast);
    AffinePoint a;
    if (!ToAffine(fast, &a)) return false;
    return fp1024::ToLimbs(a.x) == BnToLimbs(ref.x.get()) && fp1024::ToLimbs(a.y) == BnToLimbs(ref.y.get());
  }

  // Affine chord-and-tangent addition.
  RefPoint Add(const RefPoint& a, const RefPoint& b) {
    if (a.infinity) return Copy(b);
    if (b.infinity) return Copy(a);
    BnPtr lambda = NewBn(), num = NewBn(), den = NewBn();
    if (BN_cmp(a.x.get(), b.x.get()) == 0) {
      BnPtr sum = NewBn();
      BN_mod_add(sum.get(), a.y.get(), b.y.get(), p_.get(), ctx_);
      if (BN_is_zero(sum.get())) return RefPoint{NewBn(), NewBn(), true};
      // tangent: (3x^2 - 3) / 2y
      BN_mod_sqr(num.get(), a.x.get(), p_.get(), ctx_);
      BN_mod_sub(num.get(), num.get(), BN_value_one(), p_.get(), ctx_);
      BN_mod_mul(num.get(), num.get(), Word(3).get(), p_.get(), ctx_);
      BN_mod_add(den.get(), a.y.get(), a.y.get(), p_.get(), ctx_);
    } else {
      BN_mod_sub(num.get(), b.y.get(), a.y.get(), p_.get(), ctx_);
      BN_mod_sub(den.get(), b.x.get(), a.x.get(), p_.get(), ctx_);
    }
    BN_mod_inverse(den.get(), den.get(), p_.get(), ctx_);
    BN_mod_mul(lambda.get(), num.get(), den.get(), p_.get(), ctx_);
    RefPoint r{NewBn(), NewBn(), false};
    BN_mod_sqr(r.x.get(), lambda.get(), p_.get(), ctx_);
    BN_mod_sub(r.x.get(), r.x.get(), a.x.get(), p_.get(), ctx_);
    BN_mod_sub(r.x.get(), r.x.get(), b.x.get(), p_.get(), ctx_);
    BN_mod_sub(r.y.get(), a.x.get(), r.x.get(), p_.get(), ctx_);
    BN_mod_mul(r.y.get(), r.y.get(), lambda.get(), p_.get(), ctx_);
    BN_mod_sub(r.y.get(), r.y.get(), a.y.get(), p_.get(), ctx_);
    return r;
  }

  RefPoint Mul(const RefPoint& base, const BIGNUM* k) {
    RefPoint acc{NewBn(), NewBn(), true};
    for (int i = BN_num_bits(k) - 1; i >= 0; --i) {
      acc = Add(acc, acc);
      if (BN_is_bit_set(k, i)) acc = Add(acc, base);
    }
    return acc;
  }

  // F_p^2 values as (re, im).
  struct Ext {
    BnPtr re, im;
  };
  Ext ExtMul(const Ext& x, const Ext& y) {
    BnPtr ac = NewBn(), bd = NewBn(), ad = NewBn(), bc = NewBn();
    BN_mod_mul(ac.get(), x.re.get(), y.re.get(), p_.get(), ctx_);
    BN_mod_mul(bd.get(), x.im.get(), y.im.get(), p_.get(), ctx_);
    BN_mod_mul(ad.get(), x.re.get(), y.im.get(), p_.get(), ctx_);
    BN_mod_mul(bc.get(), x.im.get(), y.re.get(), p_.get(), ctx_);
    Ext r{NewBn(), NewBn()};
    BN_mod_sub(r.re.get(), ac.get(), bd.get(), p_.get(), ctx_);
    BN_mod_add(r.im.get(), ad.get(), bc.get(), p_.get(), ctx_);
    return r;
  }
  Ext ExtPow(const Ext& x, const BIGNUM* e) {
    Ext acc{Word(1), NewBn()};
    for (int i = BN_num_bits(e) - 1; i >= 0; --i) {
      acc = ExtMul(acc, acc);
      if (BN_is_bit_set(e, i)) acc = ExtMul(acc, x);
    }
    return acc;
  }
  Limbs Represent(const Ext& x) {
    BnPtr inv = NewBn(), r = NewBn();
    BN_mod_inverse(inv.get(), x.re.get(), p_.get(), ctx_);
    BN_mod_mul(r.get(), x.im.get(), inv.get(), p_.get(), ctx_);
    return BnToLimbs(r.get());
  }

  // l_{C,D}(psi(Q)) for the line through C and D (tangent if equal):
  // (y' - y_C) - lambda (x' - x_C) at x' = -x_Q, y' = i y_Q.
  Ext Line(const RefPoint& c, const RefPoint& d, const RefPoint& q) {
    BnPtr lambda = NewBn(), num = NewBn(), den = NewBn();
    if (BN_cmp(c.x.get(), d.x.get()) == 0) {
      BN_mod_sqr(num.get(), c.x.get(), p_.get(), ctx_);
      BN_mod_sub(num.get(), num.get(), BN_value_one(), p_.get(), ctx_);
      BN_mod_mul(num.get(), num.get(), Word(3).get(), p_.get(), ctx_);
      BN_mod_add(den.get(), c.y.get(), c.y.get(), p_.get(), ctx_);
    } else {
      BN_mod_sub(num.get(), d.y.get(), c.y.get(), p_.get(), ctx_);
      BN_mod_sub(den.get(), d.x.get(), c.x.get(), p_.get(), ctx_);
    }
    BN_mod_inverse(den.get(), den.get(), p_.get(), ctx_);
    BN_mod_mul(lambda.get(), num.get(), den.get(), p_.get(), ctx_);
    Ext l{NewBn(), BnPtr(BN_dup(q.y.get()))};
    BN_mod_add(l.re.get(), q.x.get(), c.x.get(), p_.get(), ctx_);
    BN_mod_mul(l.re.get(), l.re.get(), lambda.get(), p_.get(), ctx_);
    BN_mod_sub(l.re.get(), l.re.get(), c.y.get(), p_.get(), ctx_);
    return l;
  }

  // RFC 6508 §3.2, literally: binary digits of q - 1, affine points,
  // then v^((p+1)/q) and the representative.
  Limbs Pairing(const RefPoint& r, const RefPoint& q) {
    BnPtr q_minus_1(BN_dup(q_.get()));
    BN_sub_word(q_minus_1.get(), 1);
    Ext v{Word(1), NewBn()};
    RefPoint c = Copy(r);
    for (int i = BN_num_bits(q_minus_1.get()) - 2; i >= 0; --i) {
      v = ExtMul(ExtMul(v, v), Line(c, c, q));
      c = Add(c, c);
      if (BN_is_bit_set(q_minus_1.get(), i)) {
        v = ExtMul(v, Line(c, r, q));
        c = Add(c, r);
      }
    }
    BnPtr cofactor = NewBn(), rem = NewBn();
    BN_copy(cofactor.get(), p_.get());
    BN_add_word(cofactor.get(), 1);
    BN_div(cofactor.get(), rem.get(), cofactor.get(), q_.get(), ctx_);
    EXPECT_TRUE(BN_is_zero(rem.get()));
    return Represent(ExtPow(v, cofactor.get()));
  }

  Limbs GeneratorPower(const BIGNUM* r) {
    Ext g{Word(1), LimbsToBn(fp1024::ToLimbs(PairingGenerator()))};
    return Represent(ExtPow(g, r));
  }

  BnPtr RandomScalar() {
    BnPtr k = NewBn();
    BN_rand_range(k.get(), q_.get());
    return k;
  }

  BnPtr Word(unsigned long w) {
    BnPtr b = NewBn();
    BN_set_word(b.get(), w);
    return b;
  }

  BnPtr MulModQ(const BIGNUM* a, const BIGNUM* b) {
    BnPtr r = NewBn();
    BN_mod_mul(r.get(), a, b, q_.get(), ctx_);
    return r;
  }

 private:
  BN_CTX* ctx_;
  BnPtr p_, q_;
};

Scalar ToScalar(const BIGNUM* bn) { return BnToLimbs(bn); }

std::string Hex(const BIGNUM* bn) {
  char* hex = BN_bn2hex(bn);
  std::string out(hex);
  OPENSSL_free(hex);
  return out;
}

AffinePoint Affine(const JacobianPoint& j) {
  AffinePoint a;
  EXPECT_TRUE(ToAffine(j, &a));
  return a;
}

bool SamePoint(const JacobianPoint& a, const JacobianPoint& b) {
  if (IsInfinity(a) || IsInfinity(b)) return IsInfinity(a) && IsInfinity(b);
  return Equals(a, Affine(b));
}

// --- tests -------------------------------------------------------------------

TEST(SakkeCurveTest, BasePointIsOnTheCurveWithOrderQ) {
  EXPECT_TRUE(IsOnCurve(BasePoint()));
  EXPECT_TRUE(IsInfinity(ScalarMul(BasePoint(), GroupOrder())));
  Scalar q_minus_1 = GroupOrder();
  q_minus_1[0] -= 1;
  EXPECT_TRUE(Equals(ScalarMul(BasePoint(), q_minus_1), Negate(BasePoint())));
  EXPECT_TRUE(Equals(FixedBaseTable(BasePoint(), 8).Mul(q_minus_1), Negate(BasePoint())));
  EXPECT_TRUE(Equals(BasePointMul(q_minus_1), Negate(BasePoint())));
}

TEST(SakkeCurveTest, GroupLawSpecialCases) {
  const AffinePoint& p = BasePoint();
  JacobianPoint r;
  AddMixed(r, ToJacobian(p), Negate(p));
  EXPECT_TRUE(IsInfinity(r));
  AddMixed(r, Infinity(), p);
  EXPECT_TRUE(Equals(r, p));
  JacobianPoint twice;
  Double(twice, ToJacobian(p));
  AddMixed(r, ToJacobian(p), p);
  EXPECT_TRUE(SamePoint(r, twice));
  Add(r, ToJacobian(p), ToJacobian(p));
  EXPECT_TRUE(SamePoint(r, twice));
  Add(r, twice, Infinity());
  EXPECT_TRUE(SamePoint(r, twice));
  Double(r, Infinity());
  EXPECT_TRUE(IsInfinity(r));
  // (0, 0) has order 2.
  AffinePoint two_torsion{fp1024::Zero(), fp1024::Zero()};
  ASSERT_TRUE(IsOnCurve(two_torsion));
  Double(r, ToJacobian(two_torsion));
  EXPECT_TRUE(IsInfinity(r));
  EXPECT_TRUE(IsInfinity(ScalarMul(two_torsion, Scalar{2})));
}

TEST(SakkeCurveTest, ScalarMultiplicationMatchesReference) {
  Reference ref;
  RefPoint p = ref.FromAffine(BasePoint());
  std::vector<BnPtr> scalars;
  for (unsigned long w : {1ul, 2ul, 3ul, 0xfffffffful}) scalars.push_back(ref.Word(w));
  scalars.push_back(ref.RandomScalar());
  scalars.push_back(ref.RandomScalar());
  for (const BnPtr& k : scalars) {
    SCOPED_TRACE(Hex(k.get()));
    RefPoint expected = ref.Mul(p, k.get());
    EXPECT_TRUE(ref.Matches(ScalarMul(BasePoint(), ToScalar(k.get())), expected));
    EXPECT_TRUE(ref.Matches(BasePointMul(ToScalar(k.get())), expected));
  }
}

TEST(SakkeCurveTest, FixedBaseTablesOfEveryWidthMatchVariableBaseOnWindowEdges) {
  Reference ref;
  std::vector<Scalar> scalars = {Scalar{}, Scalar{1}};
  // Digit patterns around the signed-window boundary 2^(w-1) of several
  // widths: they force carries between windows.
  for (uint64_t fill : {0x8080808080808080ull, 0x8181818181818181ull, 0x7f7f7f7f7f7f7f7full,
                        0x4040404040404040ull, 0x4141414141414141ull, 0x8102040810204081ull,
                        0x1111111111111111ull, 0x1818181818181818ull, 0xffffffffffffffffull}) {
    Scalar k;
    for (auto& w : k) w = fill;
    k[fp1024::kLimbs - 1] = fill >> 4;  // keep below q
    scalars.push_back(k);
  }
  for (int i = 0; i < 4; ++i) scalars.push_back(ToScalar(ref.RandomScalar().get()));
  // A base other than P, so nothing depends on P's process-wide table.
  AffinePoint other = Affine(ScalarMul(BasePoint(), ToScalar(ref.RandomScalar().get())));
  for (int w = FixedBaseTable::kMinWindowBits; w <= 8; ++w) {
    SCOPED_TRACE("window bits " + std::to_string(w));
    FixedBaseTable table(other, w);
    EXPECT_EQ(table.window_bits(), w);
    EXPECT_EQ(table.bytes(), static_cast<size_t>((1025 + w - 1) / w) * (size_t{1} << (w - 1)) * sizeof(AffinePoint));
    for (const Scalar& k : scalars) EXPECT_TRUE(SamePoint(table.Mul(k), ScalarMul(other, k)));
  }
}

TEST(SakkeCurveTest, SumAffineMatchesJacobianAdditionIncludingDegenerateLevels) {
  Reference ref;
  auto random_point = [&ref] { return Affine(ScalarMul(BasePoint(), ToScalar(ref.RandomScalar().get()))); };
  auto jacobian_sum = [](const std::vector<AffinePoint>& points) {
    JacobianPoint acc = Infinity();
    for (const AffinePoint& p : points) AddMixed(acc, acc, p);
    return acc;
  };
  std::vector<std::vector<AffinePoint>> cases;
  cases.push_back({});
  cases.push_back({random_point()});
  for (size_t n : {2, 3, 7, 8, 9, 129, 258}) {
    std::vector<AffinePoint> points;
    for (size_t i = 0; i < n; ++i) points.push_back(random_point());
    cases.push_back(points);
  }
  // Degenerate pairs, first in the first level, then one level up (the
  // affine levels run while more than a few points are left).
  AffinePoint p = random_point(), q = random_point();
  const std::vector<std::vector<AffinePoint>> prefixes = {
      {p, p},                          // a doubling
      {p, Negate(p)},                  // opposite points
      {p, q, p, q},                    // p + q twice: a doubling one level up
      {p, q, Negate(p), Negate(q)},    // opposite sums one level up
  };
  for (const auto& prefix : prefixes) {
    std::vector<AffinePoint> points = prefix;
    while (points.size() < 24) points.push_back(random_point());
    cases.push_back(points);
    cases.push_back(prefix);
  }
  for (const auto& points : cases) {
    SCOPED_TRACE("points " + std::to_string(points.size()));
    std::vector<AffinePoint> scratch = points;
    EXPECT_TRUE(SamePoint(SumAffine(scratch), jacobian_sum(points)));
  }
}

TEST(SakkePrecomputeTest, LazyTableIsBuiltAtItsThresholdsAndGivesTheSameResults) {
  Reference ref;
  AffinePoint base = Affine(ScalarMul(BasePoint(), ToScalar(ref.RandomScalar().get())));
  const auto tiers = TiersFor(TableKind::kPublicKey);
  ASSERT_FALSE(tiers.empty());
  LazyPointTable lazy(base, TableKind::kPublicKey);
  const uint64_t built_before = TablesBuilt(TableKind::kPublicKey);
  EXPECT_EQ(lazy.Current(), nullptr);
  size_t tier = 0;
  for (uint64_t use = 1; use <= tiers.back().after_uses; ++use) {
    std::shared_ptr<const FixedBaseTable> table = lazy.Use();
    while (tier < tiers.size() && use >= tiers[tier].after_uses) ++tier;
    if (tier == 0) {
      ASSERT_EQ(table, nullptr) << "use " << use;
    } else {
      ASSERT_NE(table, nullptr) << "use " << use;
      ASSERT_EQ(table->window_bits(), tiers[tier - 1].window_bits) << "use " << use;
    }
  }
  EXPECT_EQ(TablesBuilt(TableKind::kPublicKey) - built_before, tiers.size());
  Scalar k = ToScalar(ref.RandomScalar().get());
  EXPECT_TRUE(SamePoint(lazy.Current()->Mul(k), ScalarMul(base, k)));
}

TEST(SakkePrecomputeTest, BuildBiggestSkipsTheSmallerTiers) {
  AffinePoint base = Affine(ScalarMul(BasePoint(), Scalar{12345}));
  LazyPointTable lazy(base, TableKind::kReceiverPoint);
  const uint64_t built_before = TablesBuilt(TableKind::kReceiverPoint);
  lazy.BuildBiggest();
  lazy.BuildBiggest();
  ASSERT_NE(lazy.Current(), nullptr);
  EXPECT_EQ(lazy.Current()->window_bits(), TiersFor(TableKind::kReceiverPoint).back().window_bits);
  EXPECT_EQ(TablesBuilt(TableKind::kReceiverPoint) - built_before, 1u);
  EXPECT_EQ(lazy.Use(), lazy.Current());
}

TEST(SakkeCurveTest, WnafDigitsReconstructTheScalar) {
  Reference ref;
  for (int w : {2, 5}) {
    for (int i = 0; i < 5; ++i) {
      BnPtr k = ref.RandomScalar();
      std::vector<int8_t> digits = WnafDigits(ToScalar(k.get()), w);
      BnPtr acc = ref.Word(0);
      for (size_t j = digits.size(); j-- > 0;) {
        BN_lshift1(acc.get(), acc.get());
        BnPtr d = ref.Word(static_cast<unsigned long>(digits[j] < 0 ? -digits[j] : digits[j]));
        if (digits[j] < 0) {
          BN_sub(acc.get(), acc.get(), d.get());
        } else {
          BN_add(acc.get(), acc.get(), d.get());
        }
        if (digits[j] != 0) {
          EXPECT_EQ(digits[j] % 2 != 0, true);
          EXPECT_LT(digits[j] < 0 ? -digits[j] : digits[j], 1 << (w - 1));
        }
      }
      EXPECT_EQ(BN_cmp(acc.get(), k.get()), 0);
    }
  }
}

TEST(SakkePairingTest, PairingOfPWithItselfIsGOnBothArithmeticPaths) {
  for (bool portable : {false, true}) {
    SCOPED_TRACE(portable ? "portable" : "native");
    fp1024::SetForcePortableForTesting(portable);
    Fp w;
    ASSERT_TRUE(Pairing(BasePoint(), BasePoint(), &w));
    EXPECT_EQ(w, PairingGenerator());
    fp1024::SetForcePortableForTesting(false);
  }
}

TEST(SakkePairingTest, PairingMatchesLiteralReference) {
  Reference ref;
  EXPECT_EQ(ref.Pairing(ref.FromAffine(BasePoint()), ref.FromAffine(BasePoint())),
            fp1024::ToLimbs(PairingGenerator()));
  AffinePoint a = Affine(ScalarMul(BasePoint(), ToScalar(ref.RandomScalar().get())));
  AffinePoint b = Affine(ScalarMul(BasePoint(), ToScalar(ref.RandomScalar().get())));
  Fp w;
  ASSERT_TRUE(Pairing(a, b, &w));
  EXPECT_EQ(fp1024::ToLimbs(w), ref.Pairing(ref.FromAffine(a), ref.FromAffine(b)));
}

TEST(SakkePairingTest, PairingIsBilinearAndSymmetric) {
  Reference ref;
  for (int i = 0; i < 3; ++i) {
    BnPtr x = ref.RandomScalar(), y = ref.RandomScalar();
    AffinePoint a = Affine(BasePointMul(ToScalar(x.get())));
    AffinePoint b = Affine(BasePointMul(ToScalar(y.get())));
    Fp ab, ba, expected;
    ASSERT_TRUE(Pairing(a, b, &ab));
    ASSERT_TRUE(Pairing(b, a, &ba));
    ASSERT_TRUE(Represent(GeneratorPower(ToScalar(ref.MulModQ(x.get(), y.get()).get())), &expected));
    EXPECT_EQ(ab, expected);
    EXPECT_EQ(ba, expected);
  }
}

TEST(SakkePairingTest, PreparedLinesGiveTheSameMillerValueClass) {
  Reference ref;
  AffinePoint a = Affine(BasePointMul(ToScalar(ref.RandomScalar().get())));
  PreparedLines lines(a);
  for (int i = 0; i < 3; ++i) {
    AffinePoint b = Affine(BasePointMul(ToScalar(ref.RandomScalar().get())));
    Fp fast, slow;
    ASSERT_TRUE(Represent(FinalExponentiation(lines.MillerLoop(b)), &fast));
    ASSERT_TRUE(Represent(FinalExponentiation(MillerLoop(a, b)), &slow));
    EXPECT_EQ(fast, slow);
    EXPECT_TRUE(ClassEquals(FinalExponentiation(lines.MillerLoop(b)), slow));
  }
}

TEST(SakkePairingTest, GeneratorPowerMatchesReferenceWithAndWithoutTables) {
  Reference ref;
  std::vector<BnPtr> exponents;
  exponents.push_back(ref.Word(1));
  exponents.push_back(ref.Word(2));
  exponents.push_back(ref.Word(0x80));  // window digits at the boundary
  exponents.push_back(ref.Word(0x81));
  exponents.push_back(ref.Word(0x10));
  exponents.push_back(ref.Word(0x11));
  BnPtr q_minus_1(BN_dup(ref.q()));
  BN_sub_word(q_minus_1.get(), 1);
  exponents.push_back(std::move(q_minus_1));
  for (int i = 0; i < 3; ++i) exponents.push_back(ref.RandomScalar());
  std::vector<std::unique_ptr<GeneratorTable>> tables;
  for (int w : {3, 5, 8}) tables.push_back(std::make_unique<GeneratorTable>(w));
  for (const BnPtr& r : exponents) {
    SCOPED_TRACE(Hex(r.get()));
    const Limbs expected = ref.GeneratorPower(r.get());
    Fp w;
    ASSERT_TRUE(Represent(GeneratorPower(ToScalar(r.get())), &w));
    EXPECT_EQ(fp1024::ToLimbs(w), expected);
    ASSERT_TRUE(Represent(GeneratorPowerUntabled(ToScalar(r.get())), &w));
    EXPECT_EQ(fp1024::ToLimbs(w), expected);
    for (const auto& table : tables) {
      SCOPED_TRACE("window bits " + std::to_string(table->window_bits()));
      ASSERT_TRUE(Represent(table->Power(ToScalar(r.get())), &w));
      EXPECT_EQ(fp1024::ToLimbs(w), expected);
    }
  }
  // g^0 = 1, represented by 0.
  Fp w;
  ASSERT_TRUE(Represent(GeneratorPower(Scalar{}), &w));
  EXPECT_TRUE(fp1024::IsZero(w));
  ASSERT_TRUE(Represent(GeneratorPowerUntabled(Scalar{}), &w));
  EXPECT_TRUE(fp1024::IsZero(w));
  ASSERT_TRUE(Represent(tables[0]->Power(Scalar{}), &w));
  EXPECT_TRUE(fp1024::IsZero(w));
}

TEST(SakkeCurveTest, DecodePointRejectsMalformedInput) {
  Bytes good = EncodePoint(BasePoint());
  ASSERT_TRUE(DecodePoint(good, "P").ok());
  EXPECT_FALSE(DecodePoint(ByteSpan(good).first(256), "P").ok());
  Bytes longer = good;
  longer.push_back(0);
  EXPECT_FALSE(DecodePoint(longer, "P").ok());
  Bytes prefix = good;
  prefix[0] = 0x02;
  auto r = DecodePoint(prefix, "P");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("uncompressed"), std::string::npos);
  Bytes big_x = good;
  for (size_t i = 1; i <= kBytes; ++i) big_x[i] = 0xff;
  r = DecodePoint(big_x, "P");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("x coordinate"), std::string::npos);
  Bytes off_curve = good;
  off_curve[kEncodedPointSize - 1] ^= 1;
  r = DecodePoint(off_curve, "P");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("not on the curve"), std::string::npos);
}

}  // namespace
}  // namespace mcx::sakke_internal
