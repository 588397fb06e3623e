// The fast 1024-bit field against OpenSSL's BIGNUM on random and edge-case
// inputs, through both the MULX/ADX assembly and the portable C code.
#include "crypto/fp1024.h"

#include <openssl/bn.h>

#include <memory>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "crypto/openssl_ptr.h"

namespace mcx::fp1024 {
namespace {

using ossl::BnPtr;

BnPtr ToBn(const Limbs& l) {
  uint8_t buf[kBytes];
  LimbsToBytes(l, buf);
  return BnPtr(BN_bin2bn(buf, kBytes, nullptr));
}

Limbs FromBn(const BIGNUM* bn) {
  uint8_t buf[kBytes];
  EXPECT_EQ(BN_bn2binpad(bn, buf, kBytes), static_cast<int>(kBytes));
  return LimbsFromBytes(buf);
}

class Fp1024Test : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    SetForcePortableForTesting(GetParam());
    ctx_ = BN_CTX_new();
    p_ = ToBn(Modulus());
  }
  void TearDown() override {
    SetForcePortableForTesting(false);
    BN_CTX_free(ctx_);
  }

  // Uniform below p, with a bias towards the values that stress carries
  // and the final subtractions: 0, 1, p - 1, p - small, and all-ones limbs.
  Limbs RandomBelowP() {
    switch (rng_() % 8) {
      case 0: {
        Limbs l{};
        l[0] = rng_() % 3;
        return l;
      }
      case 1: {
        Limbs l = Modulus();
        uint64_t k = 1 + rng_() % 4;
        l[0] -= k;  // p's low limb is large: no borrow
        return l;
      }
      case 2: {
        // Many all-ones limbs, top limb below p's.
        Limbs l;
        for (auto& w : l) w = ~uint64_t{0};
        l[kLimbs - 1] = Modulus()[kLimbs - 1] - 1;
        l[rng_() % (kLimbs - 1)] = rng_();
        return l;
      }
      default: {
        BnPtr r(BN_new());
        BN_rand_range(r.get(), p_.get());
        return FromBn(r.get());
      }
    }
  }

  Limbs BnMulMod(const Limbs& a, const Limbs& b) {
    BnPtr x = ToBn(a), y = ToBn(b), r(BN_new());
    BN_mod_mul(r.get(), x.get(), y.get(), p_.get(), ctx_);
    return FromBn(r.get());
  }

  std::mt19937_64 rng_{20240601};
  BN_CTX* ctx_ = nullptr;
  BnPtr p_;
};

TEST_P(Fp1024Test, ModePreconditionHolds) {
  if (GetParam()) {
    EXPECT_FALSE(UsingAdxAssembly());
  }
}

TEST_P(Fp1024Test, MontgomeryRoundTripIsIdentity) {
  for (int i = 0; i < 200; ++i) {
    Limbs a = RandomBelowP();
    EXPECT_EQ(ToLimbs(FromLimbs(a)), a);
  }
}

TEST_P(Fp1024Test, MulAndSqrMatchBn) {
  for (int i = 0; i < 2000; ++i) {
    Limbs a = RandomBelowP(), b = RandomBelowP();
    Fp x = FromLimbs(a), y = FromLimbs(b), r, s;
    Mul(r, x, y);
    ASSERT_EQ(ToLimbs(r), BnMulMod(a, b)) << "iteration " << i;
    Sqr(s, x);
    ASSERT_EQ(ToLimbs(s), BnMulMod(a, a)) << "iteration " << i;
    // Aliasing the output with an input.
    Mul(x, x, y);
    ASSERT_EQ(x, r);
  }
}

TEST_P(Fp1024Test, AddSubNegDblMatchBn) {
  for (int i = 0; i < 2000; ++i) {
    Limbs a = RandomBelowP(), b = RandomBelowP();
    BnPtr x = ToBn(a), y = ToBn(b), r(BN_new());
    Fp fa = FromLimbs(a), fb = FromLimbs(b), out;
    Add(out, fa, fb);
    BN_mod_add(r.get(), x.get(), y.get(), p_.get(), ctx_);
    ASSERT_EQ(ToLimbs(out), FromBn(r.get()));
    Sub(out, fa, fb);
    BN_mod_sub(r.get(), x.get(), y.get(), p_.get(), ctx_);
    ASSERT_EQ(ToLimbs(out), FromBn(r.get()));
    Neg(out, fa);
    BN_mod_sub(r.get(), BN_value_one(), BN_value_one(), p_.get(), ctx_);  // r = 0
    BN_mod_sub(r.get(), r.get(), x.get(), p_.get(), ctx_);
    ASSERT_EQ(ToLimbs(out), FromBn(r.get()));
    Dbl(out, fa);
    BN_mod_add(r.get(), x.get(), x.get(), p_.get(), ctx_);
    ASSERT_EQ(ToLimbs(out), FromBn(r.get()));
  }
}

TEST_P(Fp1024Test, InverseMatchesBnAndZeroMapsToZero) {
  for (int i = 0; i < 50; ++i) {
    Limbs a = RandomBelowP();
    Fp x = FromLimbs(a), inv;
    Inv(inv, x);
    if (IsZero(x)) {
      EXPECT_TRUE(IsZero(inv));
      continue;
    }
    BnPtr bx = ToBn(a), r(BN_new());
    ASSERT_NE(BN_mod_inverse(r.get(), bx.get(), p_.get(), ctx_), nullptr);
    ASSERT_EQ(ToLimbs(inv), FromBn(r.get()));
  }
}

TEST_P(Fp1024Test, BatchInverseMatchesSingleInversesAndSkipsZeros) {
  std::vector<Fp> values;
  for (int i = 0; i < 20; ++i) values.push_back(FromLimbs(RandomBelowP()));
  values[3] = Zero();
  values[11] = Zero();
  std::vector<Fp> batch = values;
  BatchInv(batch);
  for (size_t i = 0; i < values.size(); ++i) {
    Fp single;
    Inv(single, values[i]);
    EXPECT_EQ(batch[i], single) << i;
  }
}

TEST_P(Fp1024Test, PowMatchesBn) {
  for (int i = 0; i < 3; ++i) {
    Limbs a = RandomBelowP(), e = RandomBelowP();
    Fp r;
    Pow(r, FromLimbs(a), e);
    BnPtr ba = ToBn(a), be = ToBn(e), out(BN_new());
    BN_mod_exp(out.get(), ba.get(), be.get(), p_.get(), ctx_);
    EXPECT_EQ(ToLimbs(r), FromBn(out.get()));
  }
}

TEST_P(Fp1024Test, LazyReductionOfWideSumsMatchesBn) {
  for (int i = 0; i < 500; ++i) {
    Limbs a = RandomBelowP(), b = RandomBelowP(), c = RandomBelowP(), d = RandomBelowP();
    Wide ab, cd, sum, diff;
    MulWide(ab, FromLimbs(a), FromLimbs(b));
    MulWide(cd, FromLimbs(c), FromLimbs(d));
    AddWide(sum, ab, cd);  // < 2p^2 < 2^2048
    SubWide(diff, ab, cd);
    Fp rs, rd;
    Redc(rs, sum);
    Redc(rd, diff);
    // Both products carry R^2, so one reduction leaves Montgomery form.
    BnPtr expect_sum(BN_new()), expect_diff(BN_new());
    BnPtr bab = ToBn(BnMulMod(a, b)), bcd = ToBn(BnMulMod(c, d));
    BN_mod_add(expect_sum.get(), bab.get(), bcd.get(), p_.get(), ctx_);
    BN_mod_sub(expect_diff.get(), bab.get(), bcd.get(), p_.get(), ctx_);
    ASSERT_EQ(ToLimbs(rs), FromBn(expect_sum.get()));
    ASSERT_EQ(ToLimbs(rd), FromBn(expect_diff.get()));
  }
}

TEST_P(Fp1024Test, SingleReductionPointFormulasMatchBn) {
  for (int i = 0; i < 500; ++i) {
    Limbs a = RandomBelowP(), b = RandomBelowP(), c = RandomBelowP(), d = RandomBelowP();
    Fp r;
    BnPtr ab = ToBn(BnMulMod(a, b));
    // a*b - c*d
    MulSubMul(r, FromLimbs(a), FromLimbs(b), FromLimbs(c), FromLimbs(d));
    BnPtr expect(BN_new()), cd = ToBn(BnMulMod(c, d));
    BN_mod_sub(expect.get(), ab.get(), cd.get(), p_.get(), ctx_);
    ASSERT_EQ(ToLimbs(r), FromBn(expect.get()));
    // a*b - 2*c^2
    MulSubDoubleSqr(r, FromLimbs(a), FromLimbs(b), FromLimbs(c));
    BnPtr cc = ToBn(BnMulMod(c, c));
    BN_mod_sub(expect.get(), ab.get(), cc.get(), p_.get(), ctx_);
    BN_mod_sub(expect.get(), expect.get(), cc.get(), p_.get(), ctx_);
    ASSERT_EQ(ToLimbs(r), FromBn(expect.get()));
  }
}

TEST_P(Fp1024Test, Fp2ProductsMatchSchoolbookOverBn) {
  for (int i = 0; i < 300; ++i) {
    Limbs a = RandomBelowP(), b = RandomBelowP(), c = RandomBelowP(), d = RandomBelowP();
    Fp2 x{FromLimbs(a), FromLimbs(b)}, y{FromLimbs(c), FromLimbs(d)}, r, s;
    Fp2Mul(r, x, y);
    // (a + ib)(c + id) = (ac - bd) + i(ad + bc)
    BnPtr ac = ToBn(BnMulMod(a, c)), bd = ToBn(BnMulMod(b, d)), ad = ToBn(BnMulMod(a, d)),
          bc = ToBn(BnMulMod(b, c)), re(BN_new()), im(BN_new());
    BN_mod_sub(re.get(), ac.get(), bd.get(), p_.get(), ctx_);
    BN_mod_add(im.get(), ad.get(), bc.get(), p_.get(), ctx_);
    ASSERT_EQ(ToLimbs(r.a), FromBn(re.get()));
    ASSERT_EQ(ToLimbs(r.b), FromBn(im.get()));
    Fp2Sqr(s, x);
    Fp2 t;
    Fp2Mul(t, x, x);
    ASSERT_EQ(s, t);
  }
}

INSTANTIATE_TEST_SUITE_P(BothArithmeticPaths, Fp1024Test, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? std::string("Portable") : std::string("Native");
                         });

TEST(Fp1024BytesTest, FromBytesRejectsValuesAtOrAboveP) {
  uint8_t buf[kBytes];
  LimbsToBytes(Modulus(), buf);
  Fp out;
  EXPECT_FALSE(FromBytes(buf, &out)) << "p itself";
  for (auto& b : buf) b = 0xff;
  EXPECT_FALSE(FromBytes(buf, &out)) << "2^1024 - 1";
  LimbsToBytes(Modulus(), buf);
  buf[kBytes - 1] -= 1;
  ASSERT_TRUE(FromBytes(buf, &out)) << "p - 1";
  uint8_t back[kBytes];
  ToBytes(out, back);
  EXPECT_EQ(std::vector<uint8_t>(buf, buf + kBytes), std::vector<uint8_t>(back, back + kBytes));
}

TEST(Fp1024BytesTest, LimbsAreBigEndianOctets) {
  uint8_t buf[kBytes] = {};
  buf[kBytes - 1] = 0x01;
  buf[kBytes - 9] = 0x02;
  buf[0] = 0x80;
  Limbs l = LimbsFromBytes(buf);
  EXPECT_EQ(l[0], 1u);
  EXPECT_EQ(l[1], 2u);
  EXPECT_EQ(l[kLimbs - 1], uint64_t{0x80} << 56);
  EXPECT_TRUE(LessThan(l, Modulus()));
}

}  // namespace
}  // namespace mcx::fp1024
