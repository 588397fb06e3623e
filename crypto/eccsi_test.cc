#include "crypto/eccsi.h"

#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>

#include <atomic>
#include <thread>
#include <vector>

#include "crypto/random.h"
#include "crypto/uid.h"
#include "testdata/testdata.h"

namespace mcx::eccsi {
namespace {

using ::mcx::testing::HexField;
using ::mcx::testing::LoadVector;

// RFC 6507's KSAK, v and j are JSON integers in the vector file.
Bytes IntField(const nlohmann::json& obj, const std::string& key) {
  return MinimalBigEndian(obj.at(key).get<uint64_t>());
}

Bytes Plain(const SecretBytes& s) { return Bytes(s.span().begin(), s.span().end()); }

// The P-256 group order q, taken from OpenSSL (a curve constant, not a vector).
Bytes GroupOrder() {
  EC_GROUP* group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
  Bytes q(kScalarSize);
  BN_bn2binpad(EC_GROUP_get0_order(group), q.data(), static_cast<int>(q.size()));
  EC_GROUP_free(group);
  return q;
}

bool Contains(const Error& e, const std::string& text) {
  return e.message().find(text) != std::string::npos;
}

class Rfc6507Test : public ::testing::Test {
 protected:
  void SetUp() override { v_ = LoadVector("rfc6507_eccsi.json"); }
  nlohmann::json v_;
};

TEST_F(Rfc6507Test, KpakFromKsak) {
  Result<Bytes> kpak = KpakFromKsak(IntField(v_, "KSAK"));
  ASSERT_TRUE(kpak.ok()) << kpak.error().ToString();
  EXPECT_EQ(ToHex(*kpak), ToHex(HexField(v_, "KPAK")));
  // A zero-padded 32-octet KSAK is the same integer.
  Bytes padded = FixedBigEndian(v_.at("KSAK").get<uint64_t>(), kScalarSize);
  EXPECT_EQ(KpakFromKsak(padded).value(), *kpak);
}

TEST_F(Rfc6507Test, IssueWithGivenVGivesPvtHsAndSsk) {
  Result<UserKeys> keys = IssueUserKeys(IntField(v_, "KSAK"), HexField(v_, "ID"), IntField(v_, "v"));
  ASSERT_TRUE(keys.ok()) << keys.error().ToString();
  EXPECT_EQ(ToHex(keys->pvt), ToHex(HexField(v_, "PVT")));
  EXPECT_EQ(ToHex(keys->hs), ToHex(HexField(v_, "HS")));
  EXPECT_EQ(ToHex(keys->ssk.span()), ToHex(HexField(v_, "SSK")));
  EXPECT_EQ(ComputeHs(HexField(v_, "KPAK"), HexField(v_, "ID"), HexField(v_, "PVT")), HexField(v_, "HS"));
}

TEST_F(Rfc6507Test, PublishedKeysValidate) {
  Status s =
      ValidateUserKeys(HexField(v_, "KPAK"), HexField(v_, "ID"), HexField(v_, "SSK"), HexField(v_, "PVT"));
  EXPECT_TRUE(s.ok()) << s.error().ToString();
}

TEST_F(Rfc6507Test, SignWithGivenJGivesRHeSAndSignature) {
  Bytes sig_expected = HexField(v_, "signature");
  Result<Bytes> sig = Sign(HexField(v_, "KPAK"), HexField(v_, "ID"), HexField(v_, "SSK"),
                           HexField(v_, "PVT"), HexField(v_, "M"), IntField(v_, "j"));
  ASSERT_TRUE(sig.ok()) << sig.error().ToString();
  ASSERT_EQ(sig->size(), kSignatureSize);
  Bytes r(sig->begin(), sig->begin() + 32);
  Bytes s(sig->begin() + 32, sig->begin() + 64);
  EXPECT_EQ(ToHex(r), ToHex(HexField(v_, "r")));
  EXPECT_EQ(ToHex(s), ToHex(HexField(v_, "s")));
  EXPECT_EQ(ToHex(*sig), ToHex(sig_expected));
  EXPECT_EQ(ToHex(ComputeHe(HexField(v_, "HS"), r, HexField(v_, "M"))), ToHex(HexField(v_, "HE")));
}

TEST_F(Rfc6507Test, PublishedSignatureVerifies) {
  Status s = Verify(HexField(v_, "KPAK"), HexField(v_, "ID"), HexField(v_, "M"), HexField(v_, "signature"));
  EXPECT_TRUE(s.ok()) << s.error().ToString();
  Result<PreparedVerifier> prepared = PreparedVerifier::Create(HexField(v_, "KPAK"));
  ASSERT_TRUE(prepared.ok());
  EXPECT_EQ(prepared->kpak(), HexField(v_, "KPAK"));
  EXPECT_TRUE(prepared->Verify(HexField(v_, "ID"), HexField(v_, "M"), HexField(v_, "signature")).ok());
}

TEST_F(Rfc6507Test, PublishedSignatureFailsForAnotherMessageOrIdentity) {
  Bytes m = HexField(v_, "M");
  m.back() ^= 1;
  Status s = Verify(HexField(v_, "KPAK"), HexField(v_, "ID"), m, HexField(v_, "signature"));
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.error(), "does not verify")) << s.error().message();
  Bytes id = HexField(v_, "ID");
  id[0] ^= 0x80;
  EXPECT_FALSE(Verify(HexField(v_, "KPAK"), id, HexField(v_, "M"), HexField(v_, "signature")).ok());
}

TEST(StreamwideEccsiTest, KmsIssuedKeysValidateForTheirUid) {
  nlohmann::json v = LoadVector("interop_streamwide_v5.json");
  const nlohmann::json& kms = v.at("kms");
  Bytes kpak = HexField(kms, "KPAK");
  ASSERT_EQ(v.at("users").size(), 4u);
  for (const auto& user : v.at("users")) {
    SCOPED_TRACE(user.at("uri").get<std::string>());
    Bytes uid =
        MikeySakkeUid({user.at("uri").get<std::string>(), kms.at("kms_uri").get<std::string>(),
                       kms.at("user_key_period").get<uint64_t>(), kms.at("user_key_offset").get<uint64_t>(),
                       user.at("key_period_no").get<uint64_t>()});
    EXPECT_EQ(uid, HexField(user, "uid"));
    Status s = ValidateUserKeys(kpak, uid, HexField(user, "ssk"), HexField(user, "pvt"));
    EXPECT_TRUE(s.ok()) << s.error().ToString();
  }
}

TEST(StreamwideEccsiTest, KeysOfOneUserFailForAnothersUid) {
  nlohmann::json v = LoadVector("interop_streamwide_v5.json");
  Bytes kpak = HexField(v.at("kms"), "KPAK");
  const auto& users = v.at("users");
  for (size_t i = 0; i < users.size(); ++i) {
    const auto& owner = users[i];
    const auto& other = users[(i + 1) % users.size()];
    Status s =
        ValidateUserKeys(kpak, HexField(other, "uid"), HexField(owner, "ssk"), HexField(owner, "pvt"));
    ASSERT_FALSE(s.ok()) << i;
    EXPECT_TRUE(Contains(s.error(), "do not match")) << s.error().message();
  }
}

// --- Property tests on random keys -------------------------------------------

struct Signer {
  KmsKeyPair kms;
  Bytes id;
  UserKeys keys;
};

Signer RandomSigner() {
  Signer s{GenerateKmsKeyPair().value(), RandomBytes(32).value(), {}};
  s.keys = IssueUserKeys(s.kms.ksak.span(), s.id).value();
  return s;
}

TEST(EccsiPropertyTest, SignVerifyRoundTripsOnRandomKeys) {
  for (int i = 0; i < 10; ++i) {
    Signer s = RandomSigner();
    EXPECT_EQ(s.kms.ksak.size(), kScalarSize);
    EXPECT_EQ(s.kms.kpak.size(), kPointSize);
    EXPECT_EQ(s.keys.ssk.size(), kScalarSize);
    EXPECT_TRUE(ValidateUserKeys(s.kms.kpak, s.id, s.keys.ssk.span(), s.keys.pvt).ok());
    EXPECT_EQ(s.keys.hs, ComputeHs(s.kms.kpak, s.id, s.keys.pvt));
    Bytes msg = RandomBytes(static_cast<size_t>(i) * 37).value();  // includes the empty message
    Result<Bytes> sig = Sign(s.kms.kpak, s.id, s.keys.ssk.span(), s.keys.pvt, msg);
    ASSERT_TRUE(sig.ok()) << sig.error().ToString();
    Status ok = Verify(s.kms.kpak, s.id, msg, *sig);
    EXPECT_TRUE(ok.ok()) << ok.error().ToString();
  }
}

TEST(EccsiPropertyTest, RandomEphemeralsGiveDifferentSignaturesThatAllVerify) {
  Signer s = RandomSigner();
  Bytes msg = ToBytes("same message");
  Bytes a = Sign(s.kms.kpak, s.id, s.keys.ssk.span(), s.keys.pvt, msg).value();
  Bytes b = Sign(s.kms.kpak, s.id, s.keys.ssk.span(), s.keys.pvt, msg).value();
  EXPECT_NE(a, b);
  EXPECT_TRUE(Verify(s.kms.kpak, s.id, msg, a).ok());
  EXPECT_TRUE(Verify(s.kms.kpak, s.id, msg, b).ok());
}

TEST(EccsiPropertyTest, EverySingleBitFlipIsRejected) {
  Signer s = RandomSigner();
  Bytes msg = RandomBytes(40).value();
  Bytes sig = Sign(s.kms.kpak, s.id, s.keys.ssk.span(), s.keys.pvt, msg).value();
  PreparedVerifier verifier = PreparedVerifier::Create(s.kms.kpak).value();
  ASSERT_TRUE(verifier.Verify(s.id, msg, sig).ok());

  for (size_t bit = 0; bit < sig.size() * 8; ++bit) {
    Bytes bad = sig;
    bad[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    ASSERT_FALSE(verifier.Verify(s.id, msg, bad).ok()) << "signature bit " << bit;
  }
  for (size_t bit = 0; bit < msg.size() * 8; ++bit) {
    Bytes bad = msg;
    bad[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    ASSERT_FALSE(verifier.Verify(s.id, bad, sig).ok()) << "message bit " << bit;
  }
  for (size_t bit = 0; bit < s.id.size() * 8; ++bit) {
    Bytes bad = s.id;
    bad[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    ASSERT_FALSE(verifier.Verify(bad, msg, sig).ok()) << "identity bit " << bit;
  }
}

TEST(EccsiPropertyTest, SignatureUnderAnotherKmsIsRejected) {
  Signer s = RandomSigner();
  Bytes msg = ToBytes("m");
  Bytes sig = Sign(s.kms.kpak, s.id, s.keys.ssk.span(), s.keys.pvt, msg).value();
  Bytes other_kpak = GenerateKmsKeyPair().value().kpak;
  EXPECT_FALSE(Verify(other_kpak, s.id, msg, sig).ok());
}

TEST(EccsiPropertyTest, KeysIssuedForOneIdentityFailForAnother) {
  for (int i = 0; i < 5; ++i) {
    Signer s = RandomSigner();
    Bytes other_id = RandomBytes(32).value();
    Status st = ValidateUserKeys(s.kms.kpak, other_id, s.keys.ssk.span(), s.keys.pvt);
    ASSERT_FALSE(st.ok());
    EXPECT_TRUE(Contains(st.error(), "do not match")) << st.error().message();
    // And a signature made with them does not verify as the other identity.
    Bytes sig = Sign(s.kms.kpak, s.id, s.keys.ssk.span(), s.keys.pvt, ToBytes("m")).value();
    EXPECT_FALSE(Verify(s.kms.kpak, other_id, ToBytes("m"), sig).ok());
  }
}

TEST(EccsiPropertyTest, MismatchedSskSignsButDoesNotVerify) {
  Signer a = RandomSigner();
  Signer b = RandomSigner();
  Bytes sig = Sign(a.kms.kpak, a.id, b.keys.ssk.span(), a.keys.pvt, ToBytes("m")).value();
  EXPECT_FALSE(Verify(a.kms.kpak, a.id, ToBytes("m"), sig).ok());
}

TEST(EccsiPropertyTest, ConcurrentVerifiesAgree) {
  Signer s = RandomSigner();
  Bytes msg = ToBytes("threaded");
  Bytes sig = Sign(s.kms.kpak, s.id, s.keys.ssk.span(), s.keys.pvt, msg).value();
  Bytes bad = sig;
  bad[5] ^= 1;
  PreparedVerifier verifier = PreparedVerifier::Create(s.kms.kpak).value();
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        if (!verifier.Verify(s.id, msg, sig).ok()) ++wrong;
        if (Verify(s.kms.kpak, s.id, msg, bad).ok()) ++wrong;
        if (!Sign(s.kms.kpak, s.id, s.keys.ssk.span(), s.keys.pvt, msg).ok()) ++wrong;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
}

// --- Rejection of malformed input, with the reason named ---------------------

class EccsiRejectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    s_ = RandomSigner();
    msg_ = ToBytes("message");
    sig_ = Sign(s_.kms.kpak, s_.id, s_.keys.ssk.span(), s_.keys.pvt, msg_).value();
    q_ = GroupOrder();
  }
  Error VerifyError(const Bytes& kpak, const Bytes& sig) {
    Status st = Verify(kpak, s_.id, msg_, sig);
    EXPECT_FALSE(st.ok());
    return st.ok() ? Error(ErrorCode::kInternal, "accepted") : st.error();
  }
  Bytes WithPart(size_t offset, const Bytes& part) {
    Bytes out = sig_;
    std::copy(part.begin(), part.end(), out.begin() + static_cast<std::ptrdiff_t>(offset));
    return out;
  }
  Signer s_;
  Bytes msg_, sig_, q_;
};

TEST_F(EccsiRejectTest, SignatureOfWrongLength) {
  for (size_t size : {0, 128, 130}) {
    Bytes sig = sig_;
    sig.resize(size);
    EXPECT_TRUE(Contains(VerifyError(s_.kms.kpak, sig), "129")) << size;
  }
}

TEST_F(EccsiRejectTest, ROrSZeroOrNotBelowQ) {
  Bytes zero(kScalarSize, 0), ones(kScalarSize, 0xff);
  Error e = VerifyError(s_.kms.kpak, WithPart(0, zero));
  EXPECT_TRUE(Contains(e, "signature r is zero")) << e.message();
  e = VerifyError(s_.kms.kpak, WithPart(0, q_));
  EXPECT_TRUE(Contains(e, "signature r is not below the group order")) << e.message();
  e = VerifyError(s_.kms.kpak, WithPart(32, zero));
  EXPECT_TRUE(Contains(e, "signature s is zero")) << e.message();
  e = VerifyError(s_.kms.kpak, WithPart(32, q_));
  EXPECT_TRUE(Contains(e, "signature s is not below")) << e.message();
  e = VerifyError(s_.kms.kpak, WithPart(32, ones));
  EXPECT_TRUE(Contains(e, "signature s is not below")) << e.message();
}

TEST_F(EccsiRejectTest, PvtNotOnCurveOrBadlyEncoded) {
  Bytes pvt = s_.keys.pvt;
  pvt[64] ^= 1;  // y changed: off the curve
  Error e = VerifyError(s_.kms.kpak, WithPart(64, pvt));
  EXPECT_TRUE(Contains(e, "PVT is not a point on P-256")) << e.message();
  pvt = s_.keys.pvt;
  pvt[0] = 0x02;
  e = VerifyError(s_.kms.kpak, WithPart(64, pvt));
  EXPECT_TRUE(Contains(e, "PVT does not start with 04")) << e.message();
  Bytes all_zero(kPointSize, 0);
  all_zero[0] = 0x04;
  e = VerifyError(s_.kms.kpak, WithPart(64, all_zero));
  EXPECT_TRUE(Contains(e, "PVT")) << e.message();
}

TEST_F(EccsiRejectTest, KpakMalformed) {
  Bytes kpak = s_.kms.kpak;
  kpak[10] ^= 1;
  EXPECT_TRUE(Contains(VerifyError(kpak, sig_), "KPAK is not a point"));
  kpak = s_.kms.kpak;
  kpak.pop_back();
  EXPECT_TRUE(Contains(VerifyError(kpak, sig_), "KPAK has 64 octets"));
  EXPECT_FALSE(PreparedVerifier::Create(kpak).ok());
  EXPECT_FALSE(ValidateUserKeys(kpak, s_.id, s_.keys.ssk.span(), s_.keys.pvt).ok());
  EXPECT_FALSE(Sign(kpak, s_.id, s_.keys.ssk.span(), s_.keys.pvt, msg_).ok());
}

TEST_F(EccsiRejectTest, ScalarsOutOfRange) {
  Bytes zero(kScalarSize, 0);
  Bytes too_long(kScalarSize + 1, 1);
  for (const Bytes& bad : {zero, q_, too_long, Bytes{}}) {
    EXPECT_FALSE(KpakFromKsak(bad).ok()) << ToHex(bad);
    EXPECT_FALSE(IssueUserKeys(bad, s_.id).ok()) << ToHex(bad);
    EXPECT_FALSE(IssueUserKeys(s_.kms.ksak.span(), s_.id, ByteSpan(bad)).ok()) << ToHex(bad);
    EXPECT_FALSE(Sign(s_.kms.kpak, s_.id, bad, s_.keys.pvt, msg_).ok()) << ToHex(bad);
    EXPECT_FALSE(Sign(s_.kms.kpak, s_.id, s_.keys.ssk.span(), s_.keys.pvt, msg_, ByteSpan(bad)).ok());
    EXPECT_FALSE(ValidateUserKeys(s_.kms.kpak, s_.id, bad, s_.keys.pvt).ok()) << ToHex(bad);
  }
  Result<Bytes> e = KpakFromKsak(q_);
  EXPECT_TRUE(Contains(e.error(), "KSAK is not below the group order")) << e.error().message();
  // q - 1 is the largest valid scalar.
  Bytes q_minus_1 = q_;
  q_minus_1.back() -= 1;
  EXPECT_TRUE(KpakFromKsak(q_minus_1).ok());
}

TEST_F(EccsiRejectTest, SskForAnotherPvtFailsValidation) {
  Signer other = RandomSigner();
  EXPECT_FALSE(ValidateUserKeys(s_.kms.kpak, s_.id, s_.keys.ssk.span(), other.keys.pvt).ok());
  EXPECT_FALSE(ValidateUserKeys(s_.kms.kpak, s_.id, other.keys.ssk.span(), s_.keys.pvt).ok());
  EXPECT_FALSE(ValidateUserKeys(other.kms.kpak, s_.id, s_.keys.ssk.span(), s_.keys.pvt).ok());
}

TEST(EccsiIssueTest, GivenVIsDeterministicRandomVIsNot) {
  KmsKeyPair kms = GenerateKmsKeyPair().value();
  Bytes id = ToBytes("id");
  Bytes v = RandomBytes(32).value();
  v[0] &= 0x7f;  // below q
  UserKeys a = IssueUserKeys(kms.ksak.span(), id, ByteSpan(v)).value();
  UserKeys b = IssueUserKeys(kms.ksak.span(), id, ByteSpan(v)).value();
  EXPECT_EQ(a.pvt, b.pvt);
  EXPECT_TRUE(a.ssk == b.ssk);
  UserKeys c = IssueUserKeys(kms.ksak.span(), id).value();
  EXPECT_NE(a.pvt, c.pvt);
  EXPECT_EQ(Plain(kms.ksak).size(), kScalarSize);
}

}  // namespace
}  // namespace mcx::eccsi
