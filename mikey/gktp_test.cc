// The GKTP builder and verifier against the published Streamwide messages, in
// round trips, and with every message fault of gktp_faults.def.
#include <functional>
#include <set>

#include <gtest/gtest.h>

#include "crypto/guk_id.h"
#include "kms/key_store.h"
#include "mikey/codec.h"
#include "mikey/gktp_builder.h"
#include "mikey/gktp_faults.h"
#include "mikey/gktp_verifier.h"
#include "testdata/testdata.h"

namespace mcx::mikey {
namespace {

using mcx::testing::HexField;
using mcx::testing::LoadVector;
using mcx::testing::U32Field;


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
    EXPECT_EQ(*v.gmk_id, U32Field(msg, "key_id"));
    EXPECT_EQ(*v.csb_id, U32Field(msg, "guk_id"));
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
      EXPECT_EQ(r.status, checks::CheckStatus::kNotEvaluated) << r.id;
      EXPECT_EQ(r.blocked_by, "MIKEY.PARSE") << r.id;
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

// Every message fault of gktp_faults.def, built into a valid message: the
// recipient's verification must fail each check the fault's row names.
class FaultTest : public BuiltGktpTest, public ::testing::WithParamInterface<const GktpFault*> {};

TEST_P(FaultTest, FailsTheChecksOfItsRow) {
  const GktpFault& fault = *GetParam();
  GktpSpec spec = BaseSpec();  // protected key parameters: every fault's needs are met
  VerifyOptions options = Options(spec);
  options.expected_sender_kms_uri = spec.sender.kms_uri;
  FaultContext context{*store_, kRogueKms, kPartnerKms};
  GktpBuilder builder(*store_);
  auto wire = BuildWithFault(builder, spec, fault, context);
  ASSERT_TRUE(wire.ok()) << fault.name << ": " << wire.error().ToString();
  GktpVerification v = GktpVerifier(*store_).Verify(*wire, options);
  ASSERT_FALSE(fault.expected_checks.empty()) << fault.name;
  for (std::string_view id : fault.expected_checks) {
    const auto* r = v.checks.Find(id);
    ASSERT_NE(r, nullptr) << fault.name << ": " << id << " not evaluated\n" << Describe(v);
    EXPECT_TRUE(r->failed()) << fault.name << ": " << id << " did not fail\n" << Describe(v);
    EXPECT_FALSE(r->detail.empty()) << fault.name << ": " << id;
  }
  EXPECT_FALSE(v.accepted()) << fault.name;
}

std::vector<const GktpFault*> AllFaults() {
  std::vector<const GktpFault*> out;
  for (const GktpFault& f : GktpFaults()) out.push_back(&f);
  return out;
}

INSTANTIATE_TEST_SUITE_P(EveryFault, FaultTest, ::testing::ValuesIn(AllFaults()),
                         [](const ::testing::TestParamInfo<const GktpFault*>& info) {
                           std::string name(info.param->name);
                           for (char& ch : name) {
                             if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });

TEST(FaultTableTest, NamesAreUniqueAndLookUpTheirRow) {
  std::set<std::string_view> names;
  for (const GktpFault& f : GktpFaults()) {
    EXPECT_TRUE(names.insert(f.name).second) << "duplicate fault name " << f.name;
    EXPECT_EQ(FindGktpFault(f.name), &f);
    EXPECT_EQ(&Fault(f.id), &f);
    EXPECT_FALSE(f.description.empty()) << f.name;
    EXPECT_TRUE((f.spec != nullptr) != (f.wire != nullptr)) << f.name << ": one apply function";
  }
  EXPECT_EQ(FindGktpFault("no-such-fault"), nullptr);
}

// What the receiver expects rather than what the message carries: no fault
// of the sender, but the checks must still fire.
TEST_F(BuiltGktpTest, UnexpectedSenderFailsIdrSender) {
  GktpSpec spec = BaseSpec();
  VerifyOptions options = Options(spec);
  options.expected_sender_uri = "sip:gms2@police.example";
  GktpVerification v = BuildAndVerify(spec, options);
  EXPECT_TRUE(FailedIds(v).count("IDR.SENDER")) << Describe(v);
}

TEST_F(BuiltGktpTest, UnexpectedGroupFailsKeyParamsGroups) {
  GktpSpec spec = BaseSpec();
  VerifyOptions options = Options(spec);
  options.expected_group_id = "sip:other@police.example";
  GktpVerification v = BuildAndVerify(spec, options);
  EXPECT_TRUE(FailedIds(v).count("KEYPARAMS.GROUPS")) << Describe(v);
}

// ---------------------------------------------------------------- not evaluated

// A check an earlier failure left nothing to evaluate is reported as not
// evaluated with its blocker, never as a failure of its own (issue 16.4).
void ExpectNotEvaluated(const GktpVerification& v, std::string_view id, std::string_view blocker) {
  const checks::CheckResult* r = v.checks.Find(id);
  ASSERT_NE(r, nullptr) << id;
  EXPECT_EQ(r->status, checks::CheckStatus::kNotEvaluated) << id << " is " << checks::CheckStatusName(r->status)
                                                           << ": " << r->detail << "\n" << Describe(v);
  EXPECT_EQ(r->blocked_by, blocker) << id;
  EXPECT_FALSE(r->failed()) << id;
}

class NotEvaluatedTest : public BuiltGktpTest {
 protected:
  GktpVerification WithFaults(std::initializer_list<std::string_view> names, GktpSpec spec) {
    std::vector<const GktpFault*> faults;
    for (std::string_view name : names) {
      const GktpFault* f = FindGktpFault(name);
      EXPECT_NE(f, nullptr) << name;
      if (f != nullptr) faults.push_back(f);
    }
    VerifyOptions options = Options(spec);
    options.expected_sender_kms_uri = spec.sender.kms_uri;
    FaultContext context{*store_, kRogueKms, kPartnerKms};
    auto wire = BuildWithFaults(GktpBuilder(*store_), spec, faults, context);
    EXPECT_TRUE(wire.ok()) << wire.error().ToString();
    if (!wire.ok()) return {};
    return GktpVerifier(*store_).Verify(*wire, options);
  }
  GktpVerification WithFaults(std::initializer_list<std::string_view> names) {
    return WithFaults(names, BaseSpec());
  }
};

constexpr std::string_view kKeyParamsContent[] = {"KEYPARAMS.TYPE", "KEYPARAMS.STATUS", "KEYPARAMS.TIMES",
                                                   "KEYPARAMS.GROUPS"};

TEST_F(NotEvaluatedTest, NoGmkLeavesWhatNeedsItNotEvaluated) {
  GktpVerification v = WithFaults({"sakke-to-other"});
  EXPECT_EQ(FailedIds(v), std::set<std::string>{"SAKKE.DECAP"}) << Describe(v);
  EXPECT_FALSE(v.accepted());
  ExpectNotEvaluated(v, "GUKID.DERIVATION", "SAKKE.DECAP");
  ExpectNotEvaluated(v, "KEYPARAMS.DECRYPT", "SAKKE.DECAP");
  // Blocked through KEYPARAMS.DECRYPT: the report names the failure itself.
  for (std::string_view id : kKeyParamsContent) ExpectNotEvaluated(v, id, "SAKKE.DECAP");
}

TEST_F(NotEvaluatedTest, AnIndependentFailureStillFailsBesideABlockedCheck) {
  GktpVerification v = WithFaults({"sakke-to-other", "rand-short"});
  EXPECT_EQ(FailedIds(v), (std::set<std::string>{"SAKKE.DECAP", "RAND.LENGTH"})) << Describe(v);
  ExpectNotEvaluated(v, "GUKID.DERIVATION", "SAKKE.DECAP");
  // With the GMK recovered, a wrong GUK-ID is a failure again.
  GktpVerification mismatch = WithFaults({"guk-id-mismatch", "rand-short"});
  EXPECT_EQ(FailedIds(mismatch), (std::set<std::string>{"GUKID.DERIVATION", "RAND.LENGTH"})) << Describe(mismatch);
}

TEST_F(NotEvaluatedTest, NoSignerKmsLeavesTheSignatureNotEvaluated) {
  GktpVerification v = WithFaults({"idrkms-missing"});
  EXPECT_EQ(FailedIds(v), (std::set<std::string>{"IDR.PRESENT", "IDR.KMS"})) << Describe(v);
  ExpectNotEvaluated(v, "SIGN.VALID", "IDR.PRESENT");
  ExpectNotEvaluated(v, "SIGN.TRUST", "IDR.PRESENT");
  // A signature that is there to check still fails when it is bad.
  GktpVerification bad = WithFaults({"idrkmsr-missing", "bad-signature"});
  EXPECT_TRUE(FailedIds(bad).count("SIGN.VALID")) << Describe(bad);
  EXPECT_TRUE(FailedIds(bad).count("IDR.PRESENT")) << Describe(bad);
}

TEST_F(NotEvaluatedTest, UnreadableKeyParametersLeaveTheirContentNotEvaluated) {
  GktpVerification v = WithFaults({"key-params-bad-tag"});
  EXPECT_EQ(FailedIds(v), std::set<std::string>{"KEYPARAMS.DECRYPT"}) << Describe(v);
  for (std::string_view id : kKeyParamsContent) ExpectNotEvaluated(v, id, "KEYPARAMS.DECRYPT");
  // T off the clock is a failure of its own and blocks nothing here: the
  // receiver still holds keys for T's key period.
  GktpVerification early = WithFaults({"key-params-bad-tag", "t-an-hour-early"});
  EXPECT_EQ(FailedIds(early), (std::set<std::string>{"KEYPARAMS.DECRYPT", "T.WINDOW"})) << Describe(early);
  EXPECT_EQ(early.checks.Find("SAKKE.DECAP")->status, checks::CheckStatus::kPass);
}

TEST_F(NotEvaluatedTest, NoEccsiSignatureLeavesSignValidNotEvaluated) {
  GktpVerification v = WithFaults({"sign-type-unknown"});
  EXPECT_EQ(FailedIds(v), std::set<std::string>{"SIGN.TYPE"}) << Describe(v);
  ExpectNotEvaluated(v, "SIGN.VALID", "SIGN.TYPE");
}

TEST_F(NotEvaluatedTest, CounterTLeavesEveryKeyPeriodCheckNotEvaluated) {
  GktpSpec spec = BaseSpec();
  spec.deviations.ts_type = TsType::kCounter;
  GktpVerification v = WithFaults({}, spec);
  EXPECT_EQ(FailedIds(v), std::set<std::string>{"T.TYPE"}) << Describe(v);
  for (std::string_view id : {"T.WINDOW", "IDR.SENDER", "IDR.RECIPIENT", "SAKKE.DECAP", "GUKID.DERIVATION",
                              "KEYPARAMS.DECRYPT"}) {
    ExpectNotEvaluated(v, id, "T.TYPE");
  }
  // IDRi carries the signer's UID itself, so the signature is still checked.
  EXPECT_EQ(v.checks.Find("SIGN.VALID")->status, checks::CheckStatus::kPass);
}

TEST_F(NotEvaluatedTest, NoIdriLeavesTheSenderNotEvaluated) {
  GktpSpec spec = BaseSpec();
  spec.deviations.omit_idri = true;
  GktpVerification v = WithFaults({}, spec);
  EXPECT_EQ(FailedIds(v), std::set<std::string>{"IDR.PRESENT"}) << Describe(v);
  ExpectNotEvaluated(v, "IDR.SENDER", "IDR.PRESENT");
  ExpectNotEvaluated(v, "SIGN.VALID", "IDR.PRESENT");
}

TEST(CheckListTest, BlockedNeedsAFailedBlockerAndNamesTheRootFailure) {
  checks::CheckList c;
  c.Pass(checks::CheckId::kTType);
  // Nothing failed: the dependency is not the reason, so the check fails.
  c.Blocked(checks::CheckId::kTWindow, {checks::CheckId::kTType}, "no time", "a time", "none");
  EXPECT_TRUE(c.Find(checks::CheckId::kTWindow)->failed());
  EXPECT_EQ(c.Find(checks::CheckId::kTWindow)->expected, "a time");
  c.Fail(checks::CheckId::kSakkeDecap, "bad");
  c.Blocked(checks::CheckId::kKeyParamsDecrypt, {checks::CheckId::kSakkeDecap}, "no GMK");
  c.Blocked(checks::CheckId::kKeyParamsType, {checks::CheckId::kKeyParamsDecrypt}, "no parameters");
  const checks::CheckResult* type = c.Find(checks::CheckId::kKeyParamsType);
  EXPECT_TRUE(type->not_evaluated());
  EXPECT_EQ(type->blocked_by, "SAKKE.DECAP");
  EXPECT_EQ(c.FailedIds(), (std::vector<std::string>{"T.WINDOW", "SAKKE.DECAP"}));
}

TEST(CheckListTest, StatusNamesRoundTrip) {
  for (checks::CheckStatus s : checks::kAllCheckStatuses) {
    EXPECT_EQ(checks::CheckStatusFromName(checks::CheckStatusName(s)), s);
  }
  EXPECT_EQ(checks::CheckStatusName(checks::CheckStatus::kNotEvaluated), std::string("not-evaluated"));
  EXPECT_EQ(checks::CheckStatusFromName("not evaluated"), std::nullopt);
}

}  // namespace
}  // namespace mcx::mikey
