#include "dissector/annotate.h"

#include <fstream>
#include <string>
#include <vector>

#include "crypto/bytes.h"
#include "gtest/gtest.h"
#include "kms/key_store.h"
#include "mikey/checks.h"
#include "mikey/codec.h"
#include "mikey/gktp_builder.h"
#include "testdata/testdata.h"

namespace mcx::dissector {
namespace {

using mikey::GktpSpec;

constexpr char kKms[] = "kms.police.example";
constexpr char kOtherKms[] = "kms.fire.example";
constexpr uint64_t kNow = 3913056000;  // NTP seconds
constexpr uint64_t kPeriod = 86400;
constexpr char kSender[] = "sip:gms@police.example";
constexpr char kAlice[] = "sip:alice@police.example";
constexpr char kGroup[] = "sip:temp-1@police.example";

Bytes Wire(const nlohmann::json& msg) {
  auto wire = FromBase64(msg["i_message_b64"].get<std::string>());
  EXPECT_TRUE(wire.ok());
  return wire.ok() ? *wire : Bytes();
}

const Item* Only(const Annotation& a, Field f) {
  auto items = a.Find(f);
  EXPECT_EQ(items.size(), 1u) << Def(f).abbrev;
  return items.size() == 1 ? items[0] : nullptr;
}

uint32_t WireU32(ByteSpan wire, const Item& it) {
  EXPECT_EQ(it.length, 4u);
  if (it.offset + 4 > wire.size()) return 0;
  return BigEndianU32(wire.subspan(it.offset).first<4>());
}

const Item* CheckItem(const Annotation& a, std::string_view id) {
  const auto& cat = checks::Catalogue();
  for (const Item& it : a.items) {
    if (it.field == Field::kCheck && cat[it.check].id == id) return &it;
  }
  return nullptr;
}

TEST(AnnotateTest, StreamwideMessagesWithoutKeyStore) {
  auto vectors = mcx::testing::LoadVector("interop_streamwide_v5.json");
  for (const auto& msg : vectors["messages"]) {
    SCOPED_TRACE(msg["name"].get<std::string>());
    Bytes wire = Wire(msg);
    ASSERT_TRUE(IsMikeySakke(wire));
    Annotation a;
    Annotate(wire, {}, &a);
    ASSERT_TRUE(a.parsed) << a.error;
    const Item* csb = Only(a, Field::kCsbId);
    ASSERT_NE(csb, nullptr);
    EXPECT_EQ(WireU32(wire, *csb), std::stoul(msg["csb_id"].get<std::string>(), nullptr, 16));
    const Item* tag = Only(a, Field::kPurposeTag);
    ASSERT_NE(tag, nullptr);
    EXPECT_EQ(tag->number, std::stoul(msg["csb_id"].get<std::string>(), nullptr, 16) >> 28);
    if (msg["cs_id_map_type"] == 2) {
      const Item* key_id = Only(a, Field::kGmkId);
      ASSERT_NE(key_id, nullptr);
      EXPECT_EQ(WireU32(wire, *key_id), std::stoul(msg["key_id"].get<std::string>(), nullptr, 16));
      if (!msg["guk_id"].is_null()) {
        const Item* guk = Only(a, Field::kGukId);
        ASSERT_NE(guk, nullptr);
        EXPECT_EQ(WireU32(wire, *guk), std::stoul(msg["guk_id"].get<std::string>(), nullptr, 16));
      }
    }
    const Item* status = Only(a, Field::kSignStatus);
    ASSERT_NE(status, nullptr);
    EXPECT_EQ(status->text, "unverified");
    // Every wire item lies inside the message.
    for (const Item& it : a.items) {
      if (it.source == Item::Source::kWire) {
        EXPECT_LE(it.offset + it.length, wire.size());
      }
    }
  }
}

TEST(AnnotateTest, TruncatedMessageIsMalformedWithTheParserError) {
  auto vectors = mcx::testing::LoadVector("interop_streamwide_v5.json");
  Bytes wire = Wire(vectors["messages"][0]);
  wire.resize(100);
  EXPECT_FALSE(IsMikeySakke(wire));
  Annotation a;
  Annotate(wire, {}, &a);
  EXPECT_FALSE(a.parsed);
  ASSERT_EQ(a.experts.size(), 1u);
  EXPECT_EQ(a.experts[0].id, ExpertId::kMalformed);
  EXPECT_NE(a.experts[0].message.find("(at offset "), std::string::npos) << a.experts[0].message;
}

TEST(AnnotateTest, VBitOnGmkIsFlaggedWithoutKeyStore) {
  auto vectors = mcx::testing::LoadVector("interop_streamwide_v5.json");
  Bytes wire = Wire(vectors["messages"][0]);
  wire[3] |= 0x80;
  Annotation a;
  Annotate(wire, {}, &a);
  EXPECT_TRUE(a.HasExpert(ExpertId::kVBitOnGmk));
}

// Messages built with one store, verified with the same store exported to
// JSON and loaded back (the way the plugin loads mcxmikey.keystore).
class VerifiedTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    store_ = new kms::KeyStore(kms::KeyStore::InMemory());
    ASSERT_TRUE(store_->CreateDomain({kKms, kPeriod, 0, 1}).ok());
    ASSERT_TRUE(store_->CreateDomain({kOtherKms, kPeriod, 0, 2}).ok());
    // Alice has a stored key set: the plugin can try her when IDRr is a UID.
    ASSERT_TRUE(store_->Provision(kKms, kAlice, kNow / kPeriod).ok());
    const std::string path = ::testing::TempDir() + "/annotate_test.keystore.json";
    std::ofstream(path) << store_->ExportJson(/*include_secrets=*/true);
    auto keys = KeyContext::Load(path);
    ASSERT_TRUE(keys.ok()) << keys.error().ToString();
    keys_ = keys->release();
  }
  static void TearDownTestSuite() {
    delete keys_;
    delete store_;
  }

  static GktpSpec Spec() {
    GktpSpec spec;
    spec.sender = {kSender, kKms};
    spec.recipient = {kAlice, kKms};
    spec.gmk = SecretBytes(Bytes(16, 0x42));
    spec.gmk_id = 0x0abcdef1;
    spec.ntp_seconds = kNow;
    spec.rand = Bytes(16, 0x11);
    spec.key_params.form = mikey::KeyParamsForm::kProtected;
    spec.key_params.params.key_type = 0;
    spec.key_params.params.status = mikey::kKeyStatusValid;
    spec.key_params.params.text = "temp group";
    spec.key_params.params.group_ids =
        std::vector<mikey::GroupIdTlv>{{0x78, ToBytes(kGroup)}};
    spec.sakke_to_self = true;
    return spec;
  }

  static Bytes Build(const GktpSpec& spec) {
    mikey::GktpBuilder builder(*store_);
    auto built = builder.Build(spec);
    EXPECT_TRUE(built.ok()) << built.error().ToString();
    return built.ok() ? built->wire : Bytes();
  }

  static Annotation Run(ByteSpan wire, std::string hint = "", bool show_secrets = false) {
    AnnotateOptions o;
    o.keys = keys_;
    o.recipient_hint = std::move(hint);
    o.show_secrets = show_secrets;
    Annotation a;
    Annotate(wire, o, &a);
    return a;
  }

  static kms::KeyStore* store_;
  static KeyContext* keys_;
};
kms::KeyStore* VerifiedTest::store_ = nullptr;
KeyContext* VerifiedTest::keys_ = nullptr;

TEST_F(VerifiedTest, ConformingGktpVerifiesAndDecryptsKeyParameters) {
  Bytes wire = Build(Spec());
  Annotation a = Run(wire);  // IDRr is a UID: Alice found among stored key sets
  ASSERT_TRUE(a.parsed);
  EXPECT_TRUE(a.experts.empty()) << a.experts[0].message;
  EXPECT_EQ(Only(a, Field::kVerifyRecipient)->text, kAlice);
  EXPECT_EQ(Only(a, Field::kSignStatus)->text, "valid");
  EXPECT_EQ(Only(a, Field::kVerifyAccepted)->text, "yes");
  const Item* check = CheckItem(a, "SIGN.VALID");
  ASSERT_NE(check, nullptr);
  EXPECT_EQ(check->text, "pass");
  EXPECT_EQ(Only(a, Field::kKpForm)->text, "protected");
  // Decrypted key parameters appear as generated values.
  const Item* group = Only(a, Field::kKpGroupId);
  ASSERT_NE(group, nullptr);
  EXPECT_EQ(group->source, Item::Source::kValue);
  EXPECT_EQ(group->text, kGroup);
  EXPECT_EQ(Only(a, Field::kKpText)->text, "temp group");
  EXPECT_EQ(Only(a, Field::kKpStatus)->number, mikey::kKeyStatusValid);
  // SAKKE-to-self split out as its own fields.
  EXPECT_EQ(Only(a, Field::kSelfR)->length, 257u);
  // No secret without show_secrets.
  EXPECT_TRUE(a.Find(Field::kGmk).empty());
}

TEST_F(VerifiedTest, GmkShownOnlyWithShowSecrets) {
  Bytes wire = Build(Spec());
  Annotation a = Run(wire, kAlice, /*show_secrets=*/true);
  const Item* gmk = Only(a, Field::kGmk);
  ASSERT_NE(gmk, nullptr);
  EXPECT_EQ(gmk->bytes, Bytes(16, 0x42));
}

TEST_F(VerifiedTest, BadSignatureRaisesTheExpertInfo) {
  GktpSpec spec = Spec();
  spec.deviations.corrupt_signature = true;
  Annotation a = Run(Build(spec), kAlice);
  EXPECT_TRUE(a.HasExpert(ExpertId::kBadSignature));
  EXPECT_EQ(Only(a, Field::kSignStatus)->text, "invalid");
  EXPECT_EQ(Only(a, Field::kVerifyAccepted)->text, "no");
  EXPECT_NE(a.info.find("REJECTED"), std::string::npos);
}

TEST_F(VerifiedTest, GukIdFromTheWrongSaltRaisesMismatch) {
  GktpSpec spec = Spec();
  spec.deviations.guk_salt_uri = kSender;
  Annotation a = Run(Build(spec), kAlice);
  EXPECT_TRUE(a.HasExpert(ExpertId::kGukIdMismatch));
  EXPECT_EQ(CheckItem(a, "GUKID.DERIVATION")->text, "fail");
}

TEST_F(VerifiedTest, PlainNtpTimestampFlaggedOnce) {
  GktpSpec spec = Spec();
  spec.deviations.ts_type = mikey::TsType::kNtp;
  Bytes wire = Build(spec);
  Annotation without_keys;
  Annotate(wire, {}, &without_keys);
  EXPECT_TRUE(without_keys.HasExpert(ExpertId::kTNotNtpUtc));
  Annotation a = Run(wire, kAlice);
  int count = 0;
  for (const Expert& e : a.experts) count += e.id == ExpertId::kTNotNtpUtc;
  EXPECT_EQ(count, 1);
}

// A failed check's expert info says what is wrong in the check registry's
// words (mikey/checks.def's expert column), then names the check.
TEST_F(VerifiedTest, FailedCheckExpertUsesTheRegistryText) {
  GktpSpec spec = Spec();
  spec.deviations.rand_length = 8;
  Annotation a = Run(Build(spec), kAlice);
  const checks::CheckInfo* info = nullptr;
  for (const auto& c : checks::Catalogue()) {
    if (c.check == checks::CheckId::kRandLength) info = &c;
  }
  ASSERT_NE(info, nullptr);
  ASSERT_NE(info->expert, nullptr);
  int found = 0;
  for (const Expert& e : a.experts) {
    if (e.message.find("[RAND.LENGTH]") == std::string::npos) continue;
    ++found;
    EXPECT_EQ(e.id, ExpertId::kCheckFailed);
    EXPECT_EQ(e.message.rfind(std::string(info->expert) + " [RAND.LENGTH]: ", 0), 0u) << e.message;
  }
  EXPECT_EQ(found, 1);
}

TEST_F(VerifiedTest, UnknownRecipientIsNotVerified) {
  GktpSpec spec = Spec();
  spec.recipient = {"sip:bob@police.example", kKms};  // no stored key set, no hint
  Annotation a = Run(Build(spec));
  EXPECT_TRUE(a.HasExpert(ExpertId::kNotVerified));
  EXPECT_EQ(Only(a, Field::kSignStatus)->text, "unverified");
  // With the SIP To header as hint it verifies.
  Annotation b = Run(Build(spec), "sip:bob@police.example");
  EXPECT_EQ(Only(b, Field::kSignStatus)->text, "valid");
}

TEST_F(VerifiedTest, KeyIdWithAnotherPurposeTagRaisesPurposeNotGmk) {
  GktpSpec spec = Spec();
  spec.gmk_id = 0x1abcdef1;  // purpose tag 1, not the GMK's 0
  Annotation a = Run(Build(spec), kAlice);
  EXPECT_TRUE(a.HasExpert(ExpertId::kPurposeNotGmk));
  EXPECT_EQ(CheckItem(a, "KEYID.PURPOSE")->text, "fail");
}

TEST_F(VerifiedTest, SakkeDataForSomeoneElseIsUndecryptable) {
  GktpSpec spec = Spec();
  spec.deviations.encrypt_to = mikey::GktpParty{kSender, kKms};  // the signer's RSK opens it, not Alice's
  Annotation a = Run(Build(spec), kAlice);
  EXPECT_TRUE(a.HasExpert(ExpertId::kSakkeUndecryptable));
  EXPECT_EQ(CheckItem(a, "SAKKE.DECAP")->text, "fail");
  EXPECT_EQ(Only(a, Field::kSignStatus)->text, "valid");
}

// A key store whose police domain trusts no external KMS (exported and loaded
// as the plugin loads it): a validly signed message from the fire domain's
// GMS is flagged as coming from an untrusted signer.
TEST(UntrustedSignerTest, SignerUnderAKmsTheReceiverDoesNotTrust) {
  kms::KeyStore store = kms::KeyStore::InMemory();
  ASSERT_TRUE(store.CreateDomain({kKms, kPeriod, 0, 1}).ok());
  ASSERT_TRUE(store.CreateDomain({kOtherKms, kPeriod, 0, 2}).ok());
  ASSERT_TRUE(store.Provision(kKms, kAlice, kNow / kPeriod).ok());
  ASSERT_TRUE(store.SetTrustedKms(kKms, {}).ok());
  GktpSpec spec;
  spec.sender = {"sip:gms@fire.example", kOtherKms};
  spec.recipient = {kAlice, kKms};
  spec.gmk = SecretBytes(Bytes(16, 0x24));
  spec.gmk_id = 0x01234567;
  spec.ntp_seconds = kNow;
  auto built = mikey::GktpBuilder(store).Build(spec);
  ASSERT_TRUE(built.ok()) << built.error().ToString();

  const std::string path = ::testing::TempDir() + "/annotate_untrusted.keystore.json";
  std::ofstream(path) << store.ExportJson(/*include_secrets=*/true);
  auto keys = KeyContext::Load(path);
  ASSERT_TRUE(keys.ok()) << keys.error().ToString();
  AnnotateOptions o;
  o.keys = keys->get();
  o.recipient_hint = kAlice;
  Annotation a;
  Annotate(built->wire, o, &a);
  EXPECT_TRUE(a.HasExpert(ExpertId::kUntrustedSigner));
  EXPECT_EQ(CheckItem(a, "SIGN.TRUST")->text, "fail");
  EXPECT_EQ(CheckItem(a, "SIGN.VALID")->text, "pass");  // the signature itself is good
  EXPECT_EQ(Only(a, Field::kSignStatus)->text, "untrusted");
  EXPECT_EQ(Only(a, Field::kVerifyAccepted)->text, "no");
}

TEST_F(VerifiedTest, GmkIdRecoveredFromTheGukIdWhenTheSpiLacksIt) {
  GktpSpec spec = Spec();
  spec.cs_map = mikey::CsMapMode::kEmpty;  // no SPI: only the CSB-ID (GUK-ID)
  Bytes wire = Build(spec);
  Annotation without_keys;
  Annotate(wire, {}, &without_keys);
  EXPECT_TRUE(without_keys.Find(Field::kGmkId).empty());
  Annotation a = Run(wire, kAlice);
  const Item* gmk_id = Only(a, Field::kGmkId);
  ASSERT_NE(gmk_id, nullptr);
  EXPECT_EQ(gmk_id->source, Item::Source::kValue);
  EXPECT_EQ(gmk_id->number, 0x0abcdef1u);
}

TEST_F(VerifiedTest, ClearKeyParametersDecodedFromTheWire) {
  GktpSpec spec = Spec();
  spec.key_params.form = mikey::KeyParamsForm::kClear;
  Bytes wire = Build(spec);
  Annotation a;
  Annotate(wire, {}, &a);
  ASSERT_TRUE(a.parsed) << a.error;
  EXPECT_EQ(Only(a, Field::kKpForm)->text, "clear");
  const Item* key_type = Only(a, Field::kKpKeyType);
  ASSERT_NE(key_type, nullptr);
  EXPECT_EQ(key_type->number, 0u);
  EXPECT_EQ(wire[key_type->offset], 1);  // key type + 1 on the wire
  const Item* text = Only(a, Field::kKpText);
  EXPECT_EQ(text->text, "temp group");
  EXPECT_EQ(std::string(wire.begin() + text->offset + 2, wire.begin() + text->offset + text->length),
            "temp group");
  const Item* group = Only(a, Field::kKpGroupId);
  EXPECT_EQ(group->text, kGroup);
  EXPECT_EQ(std::string(wire.begin() + group->offset + 2,
                        wire.begin() + group->offset + group->length),
            kGroup);
}

TEST(FindEmbeddedTest, XmlElementAndSdpKeyMgmt) {
  auto vectors = mcx::testing::LoadVector("interop_streamwide_v5.json");
  const std::string b64 = vectors["messages"][0]["i_message_b64"].get<std::string>();
  const std::string b64b = vectors["messages"][1]["i_message_b64"].get<std::string>();
  // Wrapped base64 in XML, a short non-MIKEY base64 element, SDP.
  std::string wrapped = b64.substr(0, 60) + "\r\n    " + b64.substr(60);
  std::string body = "<?xml version=\"1.0\"?>\n<doc><id>QUJDREVGR0hJSktMTU5PUA==</id>\n"
                     "<mikey-message>\n    " + wrapped + "\n  </mikey-message></doc>\n";
  const size_t sdp_at = body.size();
  body += "v=0\r\na=key-mgmt:mikey " + b64b + "\r\n";
  auto found = FindEmbedded(body);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].where, "XML element <mikey-message>");
  EXPECT_EQ(found[0].wire, Wire(vectors["messages"][0]));
  EXPECT_EQ(body.substr(found[0].offset, 60), b64.substr(0, 60));
  EXPECT_EQ(found[1].where, "SDP a=key-mgmt:mikey");
  EXPECT_EQ(found[1].wire, Wire(vectors["messages"][1]));
  EXPECT_EQ(found[1].offset, sdp_at + std::string("v=0\r\na=key-mgmt:mikey ").size());
  EXPECT_EQ(found[1].length, b64b.size());
}

TEST(FindEmbeddedTest, MalformedMikeySakkeIsFoundAndMarked) {
  auto vectors = mcx::testing::LoadVector("interop_streamwide_v5.json");
  Bytes wire = Wire(vectors["messages"][0]);
  wire.pop_back();  // starts 01 1a but no longer parses (the SIGN is cut short)
  for (const std::string& body : {"<m>" + ToBase64(wire) + "</m>",
                                  "a=key-mgmt:mikey " + ToBase64(wire) + "\r\n"}) {
    auto found = FindEmbedded(body);
    ASSERT_EQ(found.size(), 1u) << body;
    EXPECT_FALSE(found[0].parses);
    EXPECT_EQ(found[0].wire, wire);
    Annotation a;
    Annotate(found[0].wire, {}, &a);
    EXPECT_FALSE(a.parsed);
    EXPECT_TRUE(a.HasExpert(ExpertId::kMalformed));
  }
  auto whole = FindEmbedded("<m>" + vectors["messages"][0]["i_message_b64"].get<std::string>() +
                            "</m>");
  ASSERT_EQ(whole.size(), 1u);
  EXPECT_TRUE(whole[0].parses);
}

TEST(FindEmbeddedTest, IgnoresBase64ThatIsNotMikeySakke) {
  auto vectors = mcx::testing::LoadVector("interop_streamwide_v5.json");
  Bytes wire = Wire(vectors["messages"][0]);
  wire[1] = 0;  // MIKEY, but data type 0 (PSK init): Wireshark's own MIKEY dissector's
  EXPECT_TRUE(FindEmbedded("<m>" + ToBase64(wire) + "</m>").empty());
  EXPECT_TRUE(FindEmbedded("a=key-mgmt:mikey " + ToBase64(wire) + "\r\n").empty());
  EXPECT_TRUE(FindEmbedded("<m>QUJDREVGR0hJSktMTU5PUA==</m>").empty());
  EXPECT_TRUE(FindEmbedded("").empty());
  EXPECT_TRUE(FindEmbedded("<<<>>>a=key-mgmt:").empty());
}

TEST(SipToUriTest, ToHeaderForms) {
  EXPECT_EQ(SipToUri("MESSAGE sip:a@x SIP/2.0\r\nFrom: <sip:b@x>;tag=1\r\n"
                     "To: \"Alice\" <sip:alice@x>;tag=2\r\n\r\n"),
            "sip:alice@x");
  EXPECT_EQ(SipToUri("MESSAGE sip:a@x SIP/2.0\r\nt: sip:bob@y;tag=2\r\n"), "sip:bob@y");
  EXPECT_EQ(SipToUri("MESSAGE sip:a@x SIP/2.0\r\nTO :<sip:c@z>\r\n"), "sip:c@z");
  EXPECT_EQ(SipToUri("MESSAGE sip:a@x SIP/2.0\r\nFrom: <sip:b@x>\r\n"), std::nullopt);
  EXPECT_EQ(SipToUri("To: <sip:unterminated"), std::nullopt);
}

}  // namespace
}  // namespace mcx::dissector
