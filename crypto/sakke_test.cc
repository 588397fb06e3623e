// SAKKE against the published vectors (RFC 6509 parameters, RFC 6508
// Appendix A, Streamwide interop data) and its properties: round trips,
// tampering, wrong keys and malformed input.
#include "crypto/sakke.h"

#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "crypto/fp1024.h"
#include "crypto/sakke_curve.h"
#include "crypto/sakke_precompute.h"
#include "testdata/testdata.h"

namespace mcx::sakke {
namespace {

using testing::HexField;
using testing::LoadVector;

// RFC 6509 vectors print 128-octet integers; some inputs (z) are shorter.
Bytes LeftPad(const Bytes& b, size_t width) {
  Bytes out(width > b.size() ? width - b.size() : 0, 0);
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

Bytes Xor(ByteSpan a, ByteSpan b) {
  Bytes out(a.size());
  for (size_t i = 0; i < a.size(); ++i) out[i] = a[i] ^ b[i];
  return out;
}

Bytes Cat(ByteSpan a, ByteSpan b) {
  Bytes out(a.begin(), a.end());
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

Bytes RandomBytes(std::mt19937_64& rng, size_t n) {
  Bytes out(n);
  for (auto& b : out) b = static_cast<uint8_t>(rng());
  return out;
}

Bytes SecretToBytes(const SecretBytes& s) { return Bytes(s.span().begin(), s.span().end()); }

// --- RFC 6509 parameter set 1 ---------------------------------------------

TEST(SakkeParamsTest, ConstantsMatchRfc6509) {
  nlohmann::json v = LoadVector("rfc6509_params.json");
  EXPECT_EQ(v.at("parameter_set").get<int>(), 1);
  EXPECT_EQ(v.at("n").get<int>() / 8, static_cast<int>(kSsvSize));
  EXPECT_EQ(ToHex(ParamP()), ToHex(HexField(v, "p")));
  EXPECT_EQ(ToHex(ParamQ()), ToHex(HexField(v, "q")));
  EXPECT_EQ(ToHex(ParamBasePoint()), ToHex(Cat(Cat(Bytes{0x04}, HexField(v, "Px")), HexField(v, "Py"))));
  EXPECT_EQ(ToHex(ParamG()), ToHex(HexField(v, "g")));
}

TEST(SakkeParamsTest, PairingOfPWithItselfIsG) {
  nlohmann::json v = LoadVector("rfc6509_params.json");
  Bytes p_point = Cat(Cat(Bytes{0x04}, HexField(v, "Px")), HexField(v, "Py"));
  auto g = Pairing(p_point, p_point);
  ASSERT_TRUE(g.ok()) << g.error().ToString();
  EXPECT_EQ(ToHex(*g), ToHex(HexField(v, "g")));
}

// --- RFC 6508 Appendix A --------------------------------------------------

class Rfc6508Test : public ::testing::Test {
 protected:
  void SetUp() override {
    v_ = LoadVector("rfc6508_sakke.json");
    z_ = HexField(v_, "z");
    z_pub_ = HexField(v_, "Z");
    b_ = HexField(v_, "b");
    rsk_ = HexField(v_, "RSK");
    ssv_ = HexField(v_, "SSV");
  }
  nlohmann::json v_;
  Bytes z_, z_pub_, b_, rsk_, ssv_;
};

TEST_F(Rfc6508Test, PublicKeyFromMasterSecret) {
  auto z_pub = PublicKeyFromMaster(z_);
  ASSERT_TRUE(z_pub.ok()) << z_pub.error().ToString();
  EXPECT_EQ(ToHex(*z_pub), ToHex(z_pub_));
  // The same z written as 128 octets.
  z_pub = PublicKeyFromMaster(LeftPad(z_, kFieldSize));
  ASSERT_TRUE(z_pub.ok());
  EXPECT_EQ(ToHex(*z_pub), ToHex(z_pub_));
}

TEST_F(Rfc6508Test, IssueAndValidateRsk) {
  auto rsk = IssueRsk(z_, b_);
  ASSERT_TRUE(rsk.ok()) << rsk.error().ToString();
  EXPECT_EQ(ToHex(rsk->span()), ToHex(rsk_));
  Status valid = ValidateRsk(z_pub_, b_, rsk_);
  EXPECT_TRUE(valid.ok()) << valid.error().ToString();
}

TEST_F(Rfc6508Test, EveryIntermediateValueOfEncapsulation) {
  Bytes r = HashToIntegerRangeQ(Cat(ssv_, b_));
  EXPECT_EQ(ToHex(r), ToHex(LeftPad(HexField(v_, "r"), kFieldSize)));
  Bytes g_r = GeneratorPower(r);
  EXPECT_EQ(ToHex(g_r), ToHex(HexField(v_, "g_r")));
  auto mask = HashToMask(g_r, kSsvSize);
  ASSERT_TRUE(mask.ok());
  EXPECT_EQ(ToHex(*mask), ToHex(HexField(v_, "mask")));
  EXPECT_EQ(ToHex(Xor(ssv_, *mask)), ToHex(HexField(v_, "H")));

  auto ed = Encapsulate(z_pub_, b_, ssv_);
  ASSERT_TRUE(ed.ok()) << ed.error().ToString();
  ASSERT_EQ(ed->size(), kEncapsulatedSize);
  EXPECT_EQ(ToHex(ByteSpan(*ed).first(kPointSize)), ToHex(HexField(v_, "R")));
  EXPECT_EQ(ToHex(ByteSpan(*ed).subspan(kPointSize)), ToHex(HexField(v_, "H")));
  EXPECT_EQ(ToHex(*ed), ToHex(HexField(v_, "encapsulated_data")));

  // By bilinearity <R, RSK> = g^r: the value the receiver hashes.
  auto w = Pairing(HexField(v_, "R"), rsk_);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(ToHex(*w), ToHex(HexField(v_, "g_r")));
}

TEST_F(Rfc6508Test, DecapsulationRecoversTheSsv) {
  auto ssv = Decapsulate(z_pub_, b_, rsk_, HexField(v_, "encapsulated_data"));
  ASSERT_TRUE(ssv.ok()) << ssv.error().ToString();
  EXPECT_EQ(ToHex(ssv->span()), ToHex(ssv_));
}

TEST_F(Rfc6508Test, PreparedKeysGiveTheSameResults) {
  auto kms = PreparedPublicKey::Create(z_pub_);
  ASSERT_TRUE(kms.ok()) << kms.error().ToString();
  auto ed = (*kms)->Encapsulate(b_, ssv_);
  ASSERT_TRUE(ed.ok()) << ed.error().ToString();
  EXPECT_EQ(ToHex(*ed), ToHex(HexField(v_, "encapsulated_data")));
  EXPECT_TRUE((*kms)->ValidateRsk(b_, rsk_).ok());
  auto cold = (*kms)->Decapsulate(b_, rsk_, *ed);
  ASSERT_TRUE(cold.ok()) << cold.error().ToString();
  EXPECT_EQ(ToHex(cold->span()), ToHex(ssv_));

  auto receiver = PreparedReceiver::Create(*kms, b_, rsk_);
  ASSERT_TRUE(receiver.ok()) << receiver.error().ToString();
  auto warm = (*receiver)->Decapsulate(*ed);
  ASSERT_TRUE(warm.ok()) << warm.error().ToString();
  EXPECT_EQ(ToHex(warm->span()), ToHex(ssv_));
}

// --- Streamwide interop (v5) -----------------------------------------------

TEST(SakkeStreamwideTest, EveryUsersRskValidatesAgainstTheKmsZ) {
  nlohmann::json v = LoadVector("interop_streamwide_v5.json");
  Bytes z_pub = HexField(v.at("kms"), "Z");
  auto kms = PreparedPublicKey::Create(z_pub);
  ASSERT_TRUE(kms.ok()) << kms.error().ToString();
  ASSERT_EQ(v.at("users").size(), 4u);
  for (const auto& user : v.at("users")) {
    SCOPED_TRACE(user.at("uri").get<std::string>());
    Bytes uid = HexField(user, "uid");
    Bytes rsk = HexField(user, "rsk");
    Status s = ValidateRsk(z_pub, uid, rsk);
    EXPECT_TRUE(s.ok()) << s.error().ToString();
    EXPECT_TRUE((*kms)->ValidateRsk(uid, rsk).ok());
    EXPECT_TRUE(PreparedReceiver::Create(*kms, uid, rsk).ok());
    // The same key under a neighbouring identity must fail.
    Bytes other = uid;
    other.back() ^= 1;
    EXPECT_FALSE(ValidateRsk(z_pub, other, rsk).ok());
  }
}

// Each I_MESSAGE carries one SAKKE payload (params 1, ID scheme 2, length
// 273) encapsulated to the responder's UID: decapsulating it with the
// responder's RSK must give the key the vector lists.
TEST(SakkeStreamwideTest, SakkePayloadOfEveryMessageDecapsulatesToItsKey) {
  nlohmann::json v = LoadVector("interop_streamwide_v5.json");
  Bytes z_pub = HexField(v.at("kms"), "Z");
  ASSERT_FALSE(v.at("messages").empty());
  for (const auto& m : v.at("messages")) {
    SCOPED_TRACE(m.at("name").get<std::string>());
    Bytes message = FromBase64(m.at("i_message_b64").get<std::string>()).value();
    const Bytes header = {0x01, 0x02, 0x01, 0x11, 0x04};  // params, scheme, length, point prefix
    std::vector<size_t> hits;
    for (size_t i = 1; i + header.size() <= message.size(); ++i) {
      if (std::equal(header.begin(), header.end(), message.begin() + static_cast<std::ptrdiff_t>(i))) {
        hits.push_back(i + 4);
      }
    }
    ASSERT_EQ(hits.size(), 1u);
    ASSERT_LE(hits[0] + kEncapsulatedSize, message.size());
    ByteSpan ed(message.data() + hits[0], kEncapsulatedSize);
    const nlohmann::json* responder = nullptr;
    for (const auto& user : v.at("users")) {
      if (user.at("uri") == m.at("responder")) responder = &user;
    }
    ASSERT_NE(responder, nullptr);
    auto ssv = Decapsulate(z_pub, HexField(*responder, "uid"), HexField(*responder, "rsk"), ed);
    ASSERT_TRUE(ssv.ok()) << ssv.error().ToString();
    EXPECT_EQ(ToHex(ssv->span()), ToHex(HexField(m, "key")));
  }
}

// --- properties --------------------------------------------------------------

class SakkePropertyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    z_ = new SecretBytes(GenerateMasterSecret().value());
    z_pub_ = new Bytes(PublicKeyFromMaster(z_->span()).value());
    kms_ = new std::shared_ptr<const PreparedPublicKey>(PreparedPublicKey::Create(*z_pub_).value());
  }
  static void TearDownTestSuite() {
    delete kms_;
    delete z_pub_;
    delete z_;
  }
  static SecretBytes* z_;
  static Bytes* z_pub_;
  static std::shared_ptr<const PreparedPublicKey>* kms_;
  std::mt19937_64 rng_{7};
};
SecretBytes* SakkePropertyTest::z_ = nullptr;
Bytes* SakkePropertyTest::z_pub_ = nullptr;
std::shared_ptr<const PreparedPublicKey>* SakkePropertyTest::kms_ = nullptr;

TEST_F(SakkePropertyTest, GeneratedMasterSecretsAreInRangeAndDistinct) {
  auto a = GenerateMasterSecret(), b = GenerateMasterSecret();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->size(), kFieldSize);
  EXPECT_NE(ToHex(a->span()), ToHex(b->span()));
  EXPECT_LT(ToHex(a->span()), ToHex(ParamQ()));  // fixed-width hex compares as integers
}

TEST_F(SakkePropertyTest, RoundTripsOnRandomIdentitiesAndSsvs) {
  for (int i = 0; i < 4; ++i) {
    Bytes id = RandomBytes(rng_, 1 + rng_() % 40);
    Bytes ssv = RandomBytes(rng_, kSsvSize);
    auto rsk = IssueRsk(z_->span(), id);
    ASSERT_TRUE(rsk.ok()) << rsk.error().ToString();
    ASSERT_TRUE(ValidateRsk(*z_pub_, id, rsk->span()).ok());

    auto ed = Encapsulate(*z_pub_, id, ssv);
    ASSERT_TRUE(ed.ok()) << ed.error().ToString();
    auto ed_prepared = (*kms_)->Encapsulate(id, ssv);
    ASSERT_TRUE(ed_prepared.ok());
    EXPECT_EQ(*ed, *ed_prepared) << "encapsulation is deterministic in the SSV";

    auto out = Decapsulate(*z_pub_, id, rsk->span(), *ed);
    ASSERT_TRUE(out.ok()) << out.error().ToString();
    EXPECT_EQ(SecretToBytes(*out), ssv);
    auto receiver = PreparedReceiver::Create(*kms_, id, rsk->span());
    ASSERT_TRUE(receiver.ok()) << receiver.error().ToString();
    auto warm = (*receiver)->Decapsulate(*ed);
    ASSERT_TRUE(warm.ok()) << warm.error().ToString();
    EXPECT_EQ(SecretToBytes(*warm), ssv);
  }
}

TEST_F(SakkePropertyTest, TamperedEncapsulatedDataIsRejected) {
  Bytes id = RandomBytes(rng_, 32);
  Bytes ssv = RandomBytes(rng_, kSsvSize);
  SecretBytes rsk = IssueRsk(z_->span(), id).value();
  Bytes ed = Encapsulate(*z_pub_, id, ssv).value();
  auto receiver = PreparedReceiver::Create(*kms_, id, rsk.span()).value();

  // Every single-bit flip of H changes the SSV and fails the R re-check.
  for (size_t bit = 0; bit < 8 * kSsvSize; bit += 13) {
    Bytes bad = ed;
    bad[kPointSize + bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    auto out = receiver->Decapsulate(bad);
    ASSERT_FALSE(out.ok());
    EXPECT_NE(out.error().message().find("R != [r]"), std::string::npos) << out.error().message();
  }
  // A bit flip in R's coordinates leaves the curve.
  for (size_t offset : {size_t{1}, size_t{64}, size_t{200}, kPointSize - 1}) {
    Bytes bad = ed;
    bad[offset] ^= 0x01;
    auto out = Decapsulate(*z_pub_, id, rsk.span(), bad);
    ASSERT_FALSE(out.ok());
    EXPECT_NE(out.error().message().find("not on the curve"), std::string::npos) << out.error().message();
    EXPECT_FALSE(receiver->Decapsulate(bad).ok());
  }
  // A valid point for another SSV, spliced in with this H.
  Bytes other = Encapsulate(*z_pub_, id, RandomBytes(rng_, kSsvSize)).value();
  Bytes spliced = Cat(ByteSpan(other).first(kPointSize), ByteSpan(ed).subspan(kPointSize));
  EXPECT_FALSE(receiver->Decapsulate(spliced).ok());
  EXPECT_FALSE(Decapsulate(*z_pub_, id, rsk.span(), spliced).ok());
  // R replaced by -R (also on the curve).
  Bytes negated = ed;
  Bytes p_bytes = ParamP();
  // y -> p - y, big-endian subtraction
  int borrow = 0;
  for (size_t i = kFieldSize; i-- > 0;) {
    int d = p_bytes[i] - ed[1 + kFieldSize + i] - borrow;
    borrow = d < 0;
    negated[1 + kFieldSize + i] = static_cast<uint8_t>(d + (borrow ? 256 : 0));
  }
  EXPECT_FALSE(receiver->Decapsulate(negated).ok());
}

TEST_F(SakkePropertyTest, RskOfOneIdentityFailsForAnother) {
  Bytes alice = RandomBytes(rng_, 32), bob = RandomBytes(rng_, 32);
  SecretBytes alice_rsk = IssueRsk(z_->span(), alice).value();
  Status s = ValidateRsk(*z_pub_, bob, alice_rsk.span());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message().find("RSK"), std::string::npos);
  EXPECT_FALSE(PreparedReceiver::Create(*kms_, bob, alice_rsk.span()).ok());

  Bytes ed = Encapsulate(*z_pub_, bob, RandomBytes(rng_, kSsvSize)).value();
  EXPECT_FALSE(Decapsulate(*z_pub_, bob, alice_rsk.span(), ed).ok());
  EXPECT_FALSE(Decapsulate(*z_pub_, alice, alice_rsk.span(), ed).ok());
  EXPECT_FALSE((*kms_)->Decapsulate(bob, alice_rsk.span(), ed).ok());

  // An RSK from another KMS.
  SecretBytes other_z = GenerateMasterSecret().value();
  SecretBytes foreign = IssueRsk(other_z.span(), bob).value();
  EXPECT_FALSE(ValidateRsk(*z_pub_, bob, foreign.span()).ok());
  EXPECT_FALSE(Decapsulate(*z_pub_, bob, foreign.span(), ed).ok());
}

TEST_F(SakkePropertyTest, MalformedInputsAreRejectedWithTheInputNamed) {
  Bytes id = RandomBytes(rng_, 32);
  Bytes ssv = RandomBytes(rng_, kSsvSize);
  SecretBytes rsk = IssueRsk(z_->span(), id).value();
  Bytes ed = Encapsulate(*z_pub_, id, ssv).value();

  auto expect_error = [](const auto& result, const std::string& mention) {
    ASSERT_FALSE(result.ok()) << "expected an error mentioning " << mention;
    EXPECT_NE(result.error().message().find(mention), std::string::npos) << result.error().message();
  };
  // SSV length: n = 128 bits.
  expect_error(Encapsulate(*z_pub_, id, RandomBytes(rng_, 15)), "ssv");
  expect_error(Encapsulate(*z_pub_, id, RandomBytes(rng_, 17)), "ssv");
  expect_error(Encapsulate(*z_pub_, id, RandomBytes(rng_, 32)), "ssv");
  expect_error(Encapsulate(*z_pub_, Bytes{}, ssv), "id");
  // Z: length, prefix, off-curve, all-zero.
  expect_error(Encapsulate(ByteSpan(*z_pub_).first(256), id, ssv), "Z");
  Bytes z_bad = *z_pub_;
  z_bad[0] = 0x03;
  expect_error(Encapsulate(z_bad, id, ssv), "Z");
  z_bad = *z_pub_;
  z_bad[100] ^= 0x80;
  expect_error(Encapsulate(z_bad, id, ssv), "not on the curve");
  Bytes zero_point(kPointSize, 0);
  zero_point[0] = 0x04;
  expect_error(Encapsulate(zero_point, id, ssv), "(0,0)");
  expect_error(PreparedPublicKey::Create(zero_point), "(0,0)");
  // Encapsulated data: length and R at "infinity".
  expect_error(Decapsulate(*z_pub_, id, rsk.span(), ByteSpan(ed).first(kEncapsulatedSize - 1)),
               "encapsulated data");
  expect_error(Decapsulate(*z_pub_, id, rsk.span(), Cat(ed, Bytes{0})), "encapsulated data");
  Bytes r_inf = Cat(zero_point, ByteSpan(ed).subspan(kPointSize));
  expect_error(Decapsulate(*z_pub_, id, rsk.span(), r_inf), "encapsulated data R");
  // RSK.
  expect_error(Decapsulate(*z_pub_, id, ByteSpan(rsk.span()).first(100), ed), "RSK");
  expect_error(ValidateRsk(*z_pub_, id, zero_point), "RSK");
  // z out of range: 0, 1, q, 2^1024 - 1, too long, empty.
  expect_error(PublicKeyFromMaster(Bytes{0x00}), "z");
  expect_error(PublicKeyFromMaster(Bytes{0x01}), "[2, q-1]");
  expect_error(PublicKeyFromMaster(ParamQ()), "[2, q-1]");
  expect_error(PublicKeyFromMaster(Bytes(kFieldSize, 0xff)), "[2, q-1]");
  expect_error(PublicKeyFromMaster(Bytes(kFieldSize + 1, 0x01)), "z");
  expect_error(PublicKeyFromMaster(Bytes{}), "z");
  expect_error(IssueRsk(ParamQ(), id), "[2, q-1]");
  EXPECT_TRUE(PublicKeyFromMaster(Bytes{0x02}).ok());
}

// P + (0,0) and RSK + (0,0) are on the curve but have order 2q.
Bytes AddTwoTorsion(ByteSpan point) {
  using namespace sakke_internal;  // NOLINT
  AffinePoint a = DecodePoint(point, "point").value();
  JacobianPoint sum;
  AddMixed(sum, ToJacobian(a), AffinePoint{fp1024::Zero(), fp1024::Zero()});
  AffinePoint out;
  EXPECT_TRUE(ToAffine(sum, &out));
  return EncodePoint(out);
}

TEST_F(SakkePropertyTest, PointsOutsideTheOrderQSubgroupAreRefused) {
  Bytes z_twisted = AddTwoTorsion(*z_pub_);
  auto kms = PreparedPublicKey::Create(z_twisted);
  ASSERT_FALSE(kms.ok());
  EXPECT_NE(kms.error().message().find("not of order q"), std::string::npos);

  Bytes id = RandomBytes(rng_, 32);
  SecretBytes rsk = IssueRsk(z_->span(), id).value();
  Bytes rsk_twisted = AddTwoTorsion(rsk.span());
  EXPECT_FALSE(ValidateRsk(*z_pub_, id, rsk_twisted).ok());
  EXPECT_FALSE(PreparedReceiver::Create(*kms_, id, rsk_twisted).ok());
  Bytes ed = Encapsulate(*z_pub_, id, RandomBytes(rng_, kSsvSize)).value();
  EXPECT_FALSE(Decapsulate(*z_pub_, id, rsk_twisted, ed).ok());
  // R + (0,0): the pairing no longer gives g^r and the re-check refuses it.
  Bytes r_twisted = Cat(AddTwoTorsion(ByteSpan(ed).first(kPointSize)), ByteSpan(ed).subspan(kPointSize));
  EXPECT_FALSE(Decapsulate(*z_pub_, id, rsk.span(), r_twisted).ok());
}

// --- lazy precomputation ----------------------------------------------------

using sakke_internal::TableKind;
using sakke_internal::TablesBuilt;
using sakke_internal::TiersFor;

// Issue 18: preparing (and so validating) a KMS key must not build its
// table, and the same Z must give the one shared object.
TEST_F(SakkePropertyTest, CreatingAPublicKeyBuildsNoTableAndSharesTheKey) {
  SecretBytes z = GenerateMasterSecret().value();
  Bytes z_pub = PublicKeyFromMaster(z.span()).value();
  const uint64_t before = TablesBuilt(TableKind::kPublicKey);
  auto first = PreparedPublicKey::Create(z_pub);
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  auto second = PreparedPublicKey::Create(z_pub);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(first->get(), second->get());
  EXPECT_EQ(TablesBuilt(TableKind::kPublicKey), before);

  // Z's first table comes exactly at the first tier's threshold, and the
  // ciphertexts do not depend on it.
  Bytes id = RandomBytes(rng_, 32);
  Bytes ssv = RandomBytes(rng_, kSsvSize);
  const Bytes expected = Encapsulate(z_pub, id, ssv).value();
  const uint64_t first_tier = TiersFor(TableKind::kPublicKey).front().after_uses;
  for (uint64_t use = 1; use <= first_tier; ++use) {
    EXPECT_EQ(TablesBuilt(TableKind::kPublicKey), before) << "use " << use;
    auto ed = (*first)->Encapsulate(id, ssv);
    ASSERT_TRUE(ed.ok());
    EXPECT_EQ(*ed, expected) << "use " << use;
  }
  EXPECT_EQ(TablesBuilt(TableKind::kPublicKey), before + 1);
}

TEST_F(SakkePropertyTest, AnRskUsedOftenGetsItsLinesAndTheSameResults) {
  Bytes id = RandomBytes(rng_, 32);
  SecretBytes rsk = IssueRsk(z_->span(), id).value();
  const uint64_t before = TablesBuilt(TableKind::kRskLines);
  const uint64_t threshold = TiersFor(TableKind::kRskLines).front().after_uses;
  for (uint64_t use = 1; use <= threshold + 2; ++use) {
    Bytes ssv = RandomBytes(rng_, kSsvSize);
    Bytes ed = (*kms_)->Encapsulate(id, ssv).value();
    auto out = (*kms_)->Decapsulate(id, rsk.span(), ed);
    ASSERT_TRUE(out.ok()) << "use " << use << ": " << out.error().ToString();
    EXPECT_EQ(SecretToBytes(*out), ssv);
    EXPECT_EQ(TablesBuilt(TableKind::kRskLines), before + (use >= threshold ? 1 : 0)) << "use " << use;
  }
  // Tampered data is refused on the lines' route as on the one-shot one.
  Bytes ed = (*kms_)->Encapsulate(id, RandomBytes(rng_, kSsvSize)).value();
  ed[kPointSize + 3] ^= 0x40;
  auto with_lines = (*kms_)->Decapsulate(id, rsk.span(), ed);
  auto one_shot = Decapsulate(*z_pub_, id, rsk.span(), ed);
  ASSERT_FALSE(with_lines.ok());
  ASSERT_FALSE(one_shot.ok());
  EXPECT_EQ(with_lines.error().message(), one_shot.error().message());
}

TEST_F(SakkePropertyTest, AnRskThatDoesNotValidateNeverGetsLines) {
  Bytes id = RandomBytes(rng_, 32);
  Bytes other_id = RandomBytes(rng_, 32);
  SecretBytes wrong_rsk = IssueRsk(z_->span(), other_id).value();
  Bytes ed = (*kms_)->Encapsulate(id, RandomBytes(rng_, kSsvSize)).value();
  const uint64_t before = TablesBuilt(TableKind::kRskLines);
  const uint64_t threshold = TiersFor(TableKind::kRskLines).front().after_uses;
  for (uint64_t use = 1; use <= threshold + 1; ++use) {
    auto out = (*kms_)->Decapsulate(id, wrong_rsk.span(), ed);
    ASSERT_FALSE(out.ok()) << "use " << use;
    EXPECT_NE(out.error().message().find("R != [r]([ID]P + Z)"), std::string::npos) << out.error().message();
  }
  EXPECT_EQ(TablesBuilt(TableKind::kRskLines), before);
}

TEST_F(SakkePropertyTest, ManyKeysAndReceiversStayCorrectPastTheCacheBounds) {
  // More keys than the process cache keeps and more receivers per key than
  // it follows: evicted entries are rebuilt, never mixed up.
  std::vector<SecretBytes> zs;
  std::vector<Bytes> z_pubs;
  for (int i = 0; i < 18; ++i) {
    zs.push_back(GenerateMasterSecret().value());
    z_pubs.push_back(PublicKeyFromMaster(zs.back().span()).value());
  }
  for (int round = 0; round < 2; ++round) {
    for (size_t i = 0; i < zs.size(); ++i) {
      auto kms = PreparedPublicKey::Create(z_pubs[i]);
      ASSERT_TRUE(kms.ok());
      EXPECT_EQ((*kms)->z_pub(), z_pubs[i]);
    }
  }
  for (int i = 0; i < 6; ++i) {
    Bytes id = RandomBytes(rng_, 32);
    SecretBytes rsk = IssueRsk(z_->span(), id).value();
    Bytes ssv = RandomBytes(rng_, kSsvSize);
    Bytes ed = (*kms_)->Encapsulate(id, ssv).value();
    auto out = (*kms_)->Decapsulate(id, rsk.span(), ed);
    ASSERT_TRUE(out.ok());
    EXPECT_EQ(SecretToBytes(*out), ssv);
  }
}

TEST_F(SakkePropertyTest, PrecomputedReceiverGivesTheSameResults) {
  Bytes id = RandomBytes(rng_, 32);
  SecretBytes rsk = IssueRsk(z_->span(), id).value();
  auto receiver = PreparedReceiver::Create(*kms_, id, rsk.span()).value();
  const uint64_t before = TablesBuilt(TableKind::kReceiverPoint);
  receiver->Precompute();
  EXPECT_EQ(TablesBuilt(TableKind::kReceiverPoint), before + 1);
  (*kms_)->Precompute();
  for (int i = 0; i < 3; ++i) {
    Bytes ssv = RandomBytes(rng_, kSsvSize);
    Bytes ed = (*kms_)->Encapsulate(id, ssv).value();
    EXPECT_EQ(ed, Encapsulate(*z_pub_, id, ssv).value());
    auto out = receiver->Decapsulate(ed);
    ASSERT_TRUE(out.ok());
    EXPECT_EQ(SecretToBytes(*out), ssv);
  }
}

TEST(SakkeMaskTest, MaskLengthFollowsTheSsvLength) {
  Bytes s = ToBytes("any octets");
  auto m16 = HashToMask(s, 16), m32 = HashToMask(s, 32), m48 = HashToMask(s, 48);
  ASSERT_TRUE(m16.ok() && m32.ok() && m48.ok());
  EXPECT_EQ(m16->size(), 16u);
  EXPECT_EQ(m32->size(), 32u);
  EXPECT_EQ(m48->size(), 48u);
  // mod 2^128 keeps the low 128 bits of the single 256-bit block.
  EXPECT_EQ(ToHex(*m16), ToHex(ByteSpan(*m32).subspan(16)));
  // 384 bits need two blocks: the second block is not the first one.
  EXPECT_NE(ToHex(ByteSpan(*m48).subspan(16)), ToHex(*m32));
  EXPECT_FALSE(HashToMask(s, 0).ok());
}

}  // namespace
}  // namespace mcx::sakke
