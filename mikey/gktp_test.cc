// The GKTP builder and verifier against the published Streamwide messages, in
// round trips, and with one message per check that fails exactly that check.
#include <functional>
#include <set>

#include <gtest/gtest.h>

#include "crypto/guk_id.h"
#include "kms/key_store.h"
#include "mikey/codec.h"
#include "mikey/gktp_builder.h"
#include "mikey/gktp_verifier.h"
#include "testdata/testdata.h"

namespace mcx::mikey {
namespace {

using mcx::testing::HexField;
using mcx::testing::LoadVector;

uint32_t U32Of(const Bytes& b) { return static_cast<uint32_t>(b[0]) << 24 | b[1] << 16 | b[2] << 8 | b[3]; }

std::set<std::string> FailedIds(const GktpVerification& v) {
  auto ids = v.checks.FailedIds();
  return {ids.begin(), ids.end()};
}

std::string Describe(const GktpVerification& v) {
  std::string out;
  for (const auto& r : v.checks.results()) {
    if (r.failed()) out += r.id + ": " + r.detail + "\n";
  }
  return out;
}

// ---------------------------------------------------------------- Streamwide

class StreamwideTest : public ::testing::Test {
 protected:
  void SetUp() override {
    vectors_ = LoadVector("interop_streamwide_v5.json");
    const auto& k = vectors_["kms"];
    kms::KmsCertificate cert;
    cert.kms_uri = k["kms_uri"].get<std::string>();
    cert.user_key_period = k["user_key_period"].get<uint64_t>();
    cert.user_key_offset = k["user_key_offset"].get<uint64_t>();
    cert.pub_enc_key = HexField(k, "Z");
    cert.pub_auth_key = HexField(k, "KPAK");
    ASSERT_TRUE(store_.ImportCertificate(cert).ok());
    for (const auto& u : vectors_["users"]) {
      kms::KmsKeySet ks;
      ks.kms_uri = cert.kms_uri;
      ks.user_uri = u["uri"].get<std::string>();
      ks.user_id = HexField(u, "uid");
      ks.key_period_no = u["key_period_no"].get<uint64_t>();
      ks.user_decrypt_key = SecretBytes(HexField(u, "rsk"));
      ks.user_signing_key = SecretBytes(HexField(u, "ssk"));
      ks.user_pub_token = HexField(u, "pvt");
      Status s = store_.ImportKeySet(ks);
      ASSERT_TRUE(s.ok()) << s.error().ToString();
    }
  }
  nlohmann::json vectors_;
  kms::KeyStore store_ = kms::KeyStore::InMemory();
};

TEST_F(StreamwideTest, GmkMessagesVerifyAndYieldThePublishedKey) {
  GktpVerifier verifier(store_);
  int gmk_messages = 0;
  for (const auto& msg : vectors_["messages"]) {
    std::string kind = msg["kind"].get<std::string>();
    if (kind.rfind("GMK", 0) != 0) continue;
    ++gmk_messages;
    auto wire = FromBase64(msg["i_message_b64"].get<std::string>());
    ASSERT_TRUE(wire.ok());
    VerifyOptions options;
    options.recipient_uri = msg["responder"].get<std::string>();
    options.expected_sender_uri = msg["initiator"].get<std::string>();
    GktpVerification v = verifier.Verify(*wire, options);
    SCOPED_TRACE(msg["name"].get<std::string>());
    EXPECT_TRUE(v.accepted()) << Describe(v);
    ASSERT_TRUE(v.gmk.has_value());
    EXPECT_EQ(ToHex(v.gmk->span()), msg["key"].get<std::string>());
    ASSERT_TRUE(v.gmk_id.has_value());
    EXPECT_EQ(*v.gmk_id, U32Of(HexField(msg, "key_id")));
    EXPECT_EQ(*v.csb_id, U32Of(HexField(msg, "guk_id")));
    EXPECT_EQ(v.sender_uri, options.expected_sender_uri);
    EXPECT_EQ(v.checks.Find("SIGN.VALID")->status, checks::CheckStatus::kPass);
    EXPECT_EQ(v.checks.Find("SAKKE.DECAP")->status, checks::CheckStatus::kPass);
    ASSERT_TRUE(v.key_params.has_value());
    EXPECT_EQ(v.key_params->key_type, 0);
  }
  EXPECT_EQ(gmk_messages, 2);
}

TEST_F(StreamwideTest, WrongRecipientFailsRecipientChecks) {
  const auto& msg = vectors_["messages"][0];
  auto wire = FromBase64(msg["i_message_b64"].get<std::string>());
  GktpVerifier verifier(store_);
  VerifyOptions options;
  options.recipient_uri = "sip:bob@streamwide.com";  // a user of the same KMS, not the responder
  options.expected_sender_uri = msg["initiator"].get<std::string>();
  GktpVerification v = verifier.Verify(*wire, options);
  EXPECT_FALSE(v.accepted());
  EXPECT_TRUE(FailedIds(v).count("IDR.RECIPIENT")) << Describe(v);
  EXPECT_TRUE(FailedIds(v).count("SAKKE.DECAP")) << Describe(v);
}

TEST_F(StreamwideTest, NonGmkMessagesFailThePurposeCheck) {
  GktpVerifier verifier(store_);
  for (const auto& msg : vectors_["messages"]) {
    std::string kind = msg["kind"].get<std::string>();
    if (kind != "CSK" && kind != "PCK") continue;
    auto wire = FromBase64(msg["i_message_b64"].get<std::string>());
    VerifyOptions options;
    options.recipient_uri = msg["responder"].get<std::string>();
    options.expected_sender_uri = msg["initiator"].get<std::string>();
    GktpVerification v = verifier.Verify(*wire, options);
    EXPECT_TRUE(FailedIds(v).count("KEYID.PURPOSE")) << kind << "\n" << Describe(v);
    EXPECT_EQ(v.checks.Find("SIGN.VALID")->status, checks::CheckStatus::kPass) << kind;
    ASSERT_TRUE(v.gmk.has_value()) << kind;
    EXPECT_EQ(ToHex(v.gmk->span()), msg["key"].get<std::string>());
  }
}

TEST_F(StreamwideTest, TruncatedMessageFailsParseOnly) {
  auto wire = FromBase64(vectors_["messages"][0]["i_message_b64"].get<std::string>());
  wire->pop_back();
  GktpVerifier verifier(store_);
  VerifyOptions options;
  options.recipient_uri = "sip:alice@streamwide.com";
  GktpVerification v = verifier.Verify(*wire, options);
  EXPECT_EQ(FailedIds(v), std::set<std::string>{"MIKEY.PARSE"});
  for (const auto& r : v.checks.results()) {
    if (r.id != "MIKEY.PARSE") {
      EXPECT_EQ(r.status, checks::CheckStatus::kNotApplicable) << r.id;
    }
  }
}

// ---------------------------------------------------------------- built messages

constexpr char kPrimaryKms[] = "kms.police.example";
constexpr char kPartnerKms[] = "kms.fire.example";
constexpr char kRogueKms[] = "kms.rogue.example";
constexpr uint64_t kNow = 3913056000;  // NTP seconds
constexpr uint64_t kPeriod = 86400;

class BuiltGktpTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    store_ = new kms::KeyStore(kms::KeyStore::InMemory());
    ASSERT_TRUE(store_->CreateDomain({kPrimaryKms, kPeriod, 0, 1}).ok());
    ASSERT_TRUE(store_->CreateDomain({kPartnerKms, kPeriod, 0, 2}).ok());
    ASSERT_TRUE(store_->CreateDomain({kRogueKms, kPeriod, 0, 3}).ok());
    // The two MC domains trust each other, and nobody trusts the rogue KMS.
    ASSERT_TRUE(store_->SetTrustedKms(kPrimaryKms, {kPartnerKms}).ok());
    ASSERT_TRUE(store_->SetTrustedKms(kPartnerKms, {kPrimaryKms}).ok());
  }
  static void TearDownTestSuite() {
    delete store_;
    store_ = nullptr;
  }

  GktpSpec BaseSpec() const {
    GktpSpec spec;
    spec.sender = {"sip:gms@police.example", kPrimaryKms};
    spec.recipient = {"sip:alice@police.example", kPrimaryKms};
    spec.gmk = SecretBytes(Bytes(16, 0x42));
    spec.gmk_id = 0x0abcdef1;
    spec.ntp_seconds = kNow;
    spec.rand = Bytes(16, 0x11);
    spec.key_params.form = KeyParamsForm::kProtected;
    spec.key_params.params.key_type = 0;
    spec.key_params.params.status = kKeyStatusValid;
    spec.key_params.params.group_ids = std::vector<GroupIdTlv>{{0x78, ToBytes("sip:temp-1@police.example")}};
    spec.sakke_to_self = true;
    return spec;
  }

  VerifyOptions Options(const GktpSpec& spec) const {
    VerifyOptions o;
    o.recipient_uri = spec.recipient.uri;
    o.recipient_kms_uri = spec.recipient.kms_uri;
    o.expected_sender_uri = spec.sender.uri;
    o.now_ntp_seconds = kNow;
    o.expected_group_id = "sip:temp-1@police.example";
    return o;
  }

  GktpVerification BuildAndVerify(const GktpSpec& spec, const VerifyOptions& options) {
    GktpBuilder builder(*store_);
    auto built = builder.Build(spec);
    EXPECT_TRUE(built.ok()) << built.error().ToString();
    if (!built.ok()) return {};
    GktpVerifier verifier(*store_);
    return verifier.Verify(built->wire, options);
  }

  static kms::KeyStore* store_;
};
kms::KeyStore* BuiltGktpTest::store_ = nullptr;

TEST_F(BuiltGktpTest, BuiltMessageVerifiesWithEveryCheckApplied) {
  GktpSpec spec = BaseSpec();
  GktpVerification v = BuildAndVerify(spec, Options(spec));
  EXPECT_TRUE(v.accepted()) << Describe(v);
  EXPECT_TRUE(v.checks.FailedIds().empty()) << Describe(v);
  for (const auto& r : v.checks.results()) {
    EXPECT_EQ(r.status, checks::CheckStatus::kPass) << r.id << ": " << r.detail;
  }
  ASSERT_TRUE(v.gmk.has_value());
  EXPECT_EQ(*v.gmk, spec.gmk);
  EXPECT_EQ(v.gmk_id, spec.gmk_id);
  auto guk = GukIdFromGmkId(spec.gmk.span(), spec.gmk_id, spec.recipient.uri);
  EXPECT_EQ(v.csb_id, *guk);
}

TEST_F(BuiltGktpTest, PlainUrisEmptyMapAndClearKeyParamsAlsoVerify) {
  GktpSpec spec = BaseSpec();
  spec.identity_hiding = false;
  spec.cs_map = CsMapMode::kEmpty;
  spec.include_sp = false;
  spec.key_params.form = KeyParamsForm::kClear;
  GktpVerification v = BuildAndVerify(spec, Options(spec));
  EXPECT_TRUE(v.accepted()) << Describe(v);
  EXPECT_EQ(v.gmk_id, spec.gmk_id);  // recovered from the GUK-ID
  EXPECT_EQ(v.checks.Find("GUKID.DERIVATION")->status, checks::CheckStatus::kNotApplicable);
  EXPECT_EQ(v.checks.Find("SP.PROFILE")->status, checks::CheckStatus::kNotApplicable);
}

TEST_F(BuiltGktpTest, CrossDomainMessageVerifiesThroughTheExternalCertificate) {
  GktpSpec spec = BaseSpec();
  spec.recipient = {"sip:gms@fire.example", kPartnerKms};  // step 7: to the partner GMS
  GktpVerification v = BuildAndVerify(spec, Options(spec));
  EXPECT_TRUE(v.accepted()) << Describe(v);
  EXPECT_EQ(v.checks.Find("SIGN.TRUST")->status, checks::CheckStatus::kPass);
}

TEST_F(BuiltGktpTest, ExpectedSenderKmsCatchesKeysFromAnotherTrustedDomain) {
  // The primary GMS's URI, signed with keys the partner KMS issued for it:
  // valid and trusted, so only the caller's knowledge of the sender's home
  // KMS can tell.
  GktpSpec spec = BaseSpec();
  spec.sender.kms_uri = kPartnerKms;
  VerifyOptions options = Options(spec);
  GktpVerification unaware = BuildAndVerify(spec, options);
  EXPECT_TRUE(unaware.accepted()) << Describe(unaware);
  options.expected_sender_kms_uri = kPrimaryKms;
  GktpVerification v = BuildAndVerify(spec, options);
  EXPECT_EQ(FailedIds(v), std::set<std::string>{"IDR.KMS"}) << Describe(v);
  const auto* c = v.checks.Find("IDR.KMS");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->expected, kPrimaryKms);
  EXPECT_EQ(c->actual, kPartnerKms);
  options.expected_sender_kms_uri = kPartnerKms;
  EXPECT_TRUE(BuildAndVerify(spec, options).accepted());
}

TEST_F(BuiltGktpTest, BuildIsDeterministicGivenRandAndEphemerals) {
  GktpSpec spec = BaseSpec();
  spec.eccsi_j = Bytes(32, 0x07);
  spec.key_params.iv = std::array<uint8_t, 16>{};
  GktpBuilder builder(*store_);
  auto a = builder.Build(spec);
  auto b = builder.Build(spec);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->wire, b->wire);
  auto reparsed = Parse(a->wire);
  ASSERT_TRUE(reparsed.ok());
  EXPECT_EQ(*Serialize(*reparsed), a->wire);
}

// Issue 17 item 13: T holds 32-bit NTP seconds; 2^32 wrapped to 0 silently.
TEST_F(BuiltGktpTest, ClockPast32BitsIsRefusedNotWrapped) {
  GktpSpec spec = BaseSpec();
  spec.ntp_seconds = uint64_t{1} << 32;
  auto built = GktpBuilder(*store_).Build(spec);
  ASSERT_FALSE(built.ok());
  EXPECT_EQ(built.error().message(), "T: 4294967296 NTP seconds do not fit in 32 bits");
}

// One deviation per check: the message must fail that check.
struct DeviationCase {
  const char* check;
  std::function<void(GktpSpec&, VerifyOptions&)> apply;
};

class DeviationTest : public BuiltGktpTest, public ::testing::WithParamInterface<DeviationCase> {};

TEST_P(DeviationTest, FailsTheNamedCheck) {
  GktpSpec spec = BaseSpec();
  VerifyOptions options = Options(spec);
  GetParam().apply(spec, options);
  GktpVerification v = BuildAndVerify(spec, options);
  EXPECT_TRUE(FailedIds(v).count(GetParam().check)) << GetParam().check << " did not fail:\n" << Describe(v);
  const auto* r = v.checks.Find(GetParam().check);
  ASSERT_NE(r, nullptr);
  EXPECT_FALSE(r->detail.empty());
}

const DeviationCase kDeviationCases[] = {
    {"MIKEY.PARSE", [](GktpSpec& s, VerifyOptions&) { s.deviations.trailing_octet = true; }},
    {"HDR.VERSION", [](GktpSpec& s, VerifyOptions&) { s.deviations.version = 2; }},
    {"HDR.DATATYPE", [](GktpSpec& s, VerifyOptions&) { s.deviations.data_type = 0; }},
    {"HDR.VBIT", [](GktpSpec& s, VerifyOptions&) { s.deviations.v_flag = true; }},
    {"HDR.PRF", [](GktpSpec& s, VerifyOptions&) { s.deviations.prf_func = 0; }},
    {"HDR.CSMAP", [](GktpSpec& s, VerifyOptions&) { s.cs_id = 6; }},
    {"HDR.SPI", [](GktpSpec& s, VerifyOptions&) { s.deviations.spi_without_guk_id = true; }},
    {"T.TYPE", [](GktpSpec& s, VerifyOptions&) { s.deviations.ts_type = TsType::kNtp; }},
    {"T.WINDOW", [](GktpSpec& s, VerifyOptions&) { s.ntp_seconds = kNow - 3600; }},
    {"RAND.LENGTH", [](GktpSpec& s, VerifyOptions&) { s.deviations.rand_length = 8; }},
    {"IDR.PRESENT", [](GktpSpec& s, VerifyOptions&) { s.deviations.omit_idr_kmsr = true; }},
    {"IDR.SENDER", [](GktpSpec& s, VerifyOptions& o) { o.expected_sender_uri = "sip:gms2@police.example"; }},
    {"IDR.RECIPIENT", [](GktpSpec& s, VerifyOptions&) { s.deviations.idrr_uri = "sip:bob@police.example"; }},
    {"IDR.KMS", [](GktpSpec& s, VerifyOptions&) { s.deviations.idr_kmsr = kPartnerKms; }},
    {"SP.PROFILE", [](GktpSpec& s, VerifyOptions&) { s.deviations.sp_params = std::vector<PolicyParam>{{0, {1}}}; }},
    {"SAKKE.PARAMS", [](GktpSpec& s, VerifyOptions&) { s.deviations.sakke_id_scheme = 1; }},
    {"SAKKE.DECAP", [](GktpSpec& s, VerifyOptions&) {
       s.deviations.encrypt_to = GktpParty{"sip:bob@police.example", kPrimaryKms};
     }},
    {"SIGN.TYPE", [](GktpSpec& s, VerifyOptions&) { s.deviations.sign_type = 1; }},
    {"SIGN.VALID", [](GktpSpec& s, VerifyOptions&) { s.deviations.corrupt_signature = true; }},
    {"SIGN.VALID", [](GktpSpec& s, VerifyOptions&) { s.deviations.sign_whole_message = true; }},
    {"SIGN.VALID", [](GktpSpec& s, VerifyOptions&) {
       s.deviations.sign_as = GktpParty{"sip:mallory@police.example", kPrimaryKms};
     }},
    {"SIGN.TRUST", [](GktpSpec& s, VerifyOptions& o) {
       s.sender = {"sip:gms@rogue.example", kRogueKms};
       o.expected_sender_uri = s.sender.uri;
     }},
    {"KEYID.PURPOSE", [](GktpSpec& s, VerifyOptions&) { s.gmk_id = 0x2abcdef1; }},
    {"GUKID.DERIVATION", [](GktpSpec& s, VerifyOptions&) { s.deviations.guk_salt_uri = s.sender.uri; }},
    {"KEYPARAMS.DECRYPT", [](GktpSpec& s, VerifyOptions&) { s.deviations.key_params_key = Bytes(16, 0x99); }},
    {"KEYPARAMS.TYPE", [](GktpSpec& s, VerifyOptions&) { s.key_params.params.key_type = 2; }},
    {"KEYPARAMS.STATUS", [](GktpSpec& s, VerifyOptions&) { s.key_params.params.status = 0; }},
    {"KEYPARAMS.TIMES", [](GktpSpec& s, VerifyOptions&) { s.key_params.params.expiry_time = kNow - 10; }},
    {"KEYPARAMS.TIMES", [](GktpSpec& s, VerifyOptions&) { s.key_params.params.activation_time = kNow + 3600; }},
    {"EXT6.SELF", [](GktpSpec& s, VerifyOptions&) {
       s.deviations.self_encrypt_to = GktpParty{"sip:alice@police.example", kPrimaryKms};
     }},
    {"KEYPARAMS.GROUPS", [](GktpSpec& s, VerifyOptions& o) { o.expected_group_id = "sip:other@police.example"; }},
};

INSTANTIATE_TEST_SUITE_P(EveryCheck, DeviationTest, ::testing::ValuesIn(kDeviationCases),
                         [](const ::testing::TestParamInfo<DeviationCase>& info) {
                           std::string name = std::string(info.param.check) + "_" + std::to_string(info.index);
                           for (char& ch : name) {
                             if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace mcx::mikey
