#include "mikey/codec.h"

#include <gtest/gtest.h>

#include "mikey/names.h"
#include "mikey/test_every_payload.h"
#include "mikey/test_messages.h"
#include "testdata/testdata.h"

namespace mcx::mikey {
namespace {

using mcx::testing::HexField;
using testing::BuildEveryPayloadKind;
using testing::HexU32;
using testing::StreamwideMessage;
using testing::StreamwideMessages;
using testing::StreamwideUser;
using testing::VectorMessage;

Message ParseOrDie(const Bytes& wire) {
  auto parsed = Parse(wire);
  EXPECT_TRUE(parsed.ok()) << parsed.error().ToString();
  return parsed.ok() ? *parsed : Message{};
}

TEST(CodecTest, AllStreamwideMessagesRoundTripByteForByte) {
  auto messages = StreamwideMessages();
  ASSERT_EQ(messages.size(), 4u);
  for (const VectorMessage& v : messages) {
    SCOPED_TRACE(v.kind);
    EXPECT_EQ(v.wire.size(), v.json.at("length").get<size_t>());
    auto parsed = Parse(v.wire);
    ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
    auto serialized = Serialize(*parsed);
    ASSERT_TRUE(serialized.ok()) << serialized.error().ToString();
    EXPECT_EQ(ToHex(*serialized), ToHex(v.wire));
  }
}

TEST(CodecTest, HeaderFieldsMatchTheVectors) {
  for (const VectorMessage& v : StreamwideMessages()) {
    SCOPED_TRACE(v.kind);
    Message m = ParseOrDie(v.wire);
    EXPECT_EQ(m.hdr.version, 1);
    EXPECT_EQ(m.hdr.data_type, kDataTypeSakkeMessage);
    EXPECT_FALSE(m.hdr.v_flag);
    EXPECT_EQ(m.hdr.prf_func, kPrfHmacSha256);
    EXPECT_EQ(m.hdr.csb_id, HexU32(v.json, "csb_id"));
    EXPECT_EQ(static_cast<int>(m.hdr.map_type()), v.json.at("cs_id_map_type").get<int>());
    EXPECT_EQ(m.hdr.cs_count(), v.json.at("cs_count").get<size_t>());

    if (m.hdr.map_type() != CsIdMapType::kGenericId) {
      EXPECT_TRUE(v.json.at("cs_id").is_null());
      continue;
    }
    const auto& entries = std::get<GenericIdMap>(m.hdr.cs_id_map).entries;
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].cs_id, v.json.at("cs_id").get<int>());
    EXPECT_EQ(entries[0].prot_type, 0);  // SRTP
    EXPECT_EQ(entries[0].SpiKeyId(), HexU32(v.json, "key_id"));
    if (v.json.at("guk_id").is_null()) {
      EXPECT_EQ(entries[0].SpiGukId(), std::nullopt);
    } else {
      EXPECT_EQ(entries[0].SpiGukId(), HexU32(v.json, "guk_id"));
    }
  }
}

TEST(CodecTest, LegacyMessageCarriesTwoSrtpIdCryptoSessions) {
  Message m = ParseOrDie(StreamwideMessage("GMK-legacy").wire);
  const auto* map = std::get_if<SrtpIdMap>(&m.hdr.cs_id_map);
  ASSERT_NE(map, nullptr);
  ASSERT_EQ(map->entries.size(), 2u);
  EXPECT_EQ(m.hdr_length, 10u + 2 * 9);
}

TEST(CodecTest, PayloadFieldsMatchTheVectors) {
  const nlohmann::json kms = testing::StreamwideVectors().at("kms");
  const std::string kms_uri = kms.at("kms_uri").get<std::string>();
  for (const VectorMessage& v : StreamwideMessages()) {
    SCOPED_TRACE(v.kind);
    Message m = ParseOrDie(v.wire);

    const auto* t = m.Find<TimestampPayload>();
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(t->ts_type, TsType::kNtpUtc);
    EXPECT_EQ(ToHex(FixedBigEndian(t->value, 8)), v.json.at("t_ntp64").get<std::string>());

    const auto* rand = m.Find<RandPayload>();
    ASSERT_NE(rand, nullptr);
    EXPECT_EQ(rand->rand, HexField(v.json, "rand"));

    // Identity hiding: the IDRs carry the UIDs, the KMS IDRs the KMS URI.
    const nlohmann::json initiator = StreamwideUser(v.json.at("initiator"));
    const nlohmann::json responder = StreamwideUser(v.json.at("responder"));
    const auto* idri = m.FindIdr(IdRole::kIdruidi);
    const auto* idrr = m.FindIdr(IdRole::kIdruidr);
    ASSERT_NE(idri, nullptr);
    ASSERT_NE(idrr, nullptr);
    EXPECT_EQ(idri->id, HexField(initiator, "uid"));
    EXPECT_EQ(idrr->id, HexField(responder, "uid"));
    for (IdRole role : {IdRole::kIdrkmsi, IdRole::kIdrkmsr}) {
      const auto* idr = m.FindIdr(role);
      ASSERT_NE(idr, nullptr);
      EXPECT_EQ(idr->id_type, kIdTypeUri);
      EXPECT_EQ(std::string(idr->id.begin(), idr->id.end()), kms_uri);
    }

    const auto* sakke = m.Find<SakkePayload>();
    ASSERT_NE(sakke, nullptr);
    EXPECT_EQ(sakke->params, 1);
    EXPECT_EQ(sakke->id_scheme, 2);
    EXPECT_EQ(sakke->data.size(), 273u);

    const auto* sign = m.Find<SignPayload>();
    ASSERT_NE(sign, nullptr);
    auto eccsi = sign->Eccsi();
    ASSERT_TRUE(eccsi.has_value());
    // The signature's PVT is the initiator's published PVT.
    EXPECT_EQ(ToHex(eccsi->pvt), initiator.at("pvt").get<std::string>());
    ASSERT_TRUE(m.signed_length.has_value());
    EXPECT_EQ(*m.signed_length, v.wire.size() - kEccsiSignatureSize);
    EXPECT_EQ(m.payloads.back().type(), PayloadType::kSign);

    const auto* sp = m.Find<SpPayload>();
    ASSERT_NE(sp, nullptr);
    ASSERT_FALSE(sp->params.empty());
    EXPECT_EQ(sp->params[0].type, 0);  // encryption algorithm
    EXPECT_EQ(sp->params[0].value, Bytes{6});  // AES-GCM
  }
}

TEST(CodecTest, KeyParametersExtensionHasTheVectorsForm) {
  for (const VectorMessage& v : StreamwideMessages()) {
    SCOPED_TRACE(v.kind);
    Message m = ParseOrDie(v.wire);
    const GeneralExtPayload* ext = m.FindExtension(kExtTypeKeyParameters);
    ASSERT_NE(ext, nullptr);
    const nlohmann::json& key_params = v.json.at("key_params");
    const std::string key_type = key_params.at("key_type").get<std::string>();
    if (key_params.at("encrypted").get<bool>()) {
      const auto* protected_payload = std::get_if<ProtectedPayload>(&ext->content);
      ASSERT_NE(protected_payload, nullptr);
      EXPECT_EQ(protected_payload->message_type, kProtectedPayloadType);
      EXPECT_EQ(protected_payload->dppk_id, m.hdr.csb_id);
      EXPECT_EQ(protected_payload->payload_id, 0u);
      EXPECT_EQ(protected_payload->sequence_number, 0);
      // Ciphertext is the plaintext plus the 16-octet tag.
      EXPECT_EQ(protected_payload->ciphertext.size(),
                HexField(key_params, "plaintext").size() + kGcmTagSize);
    } else {
      const auto* clear = std::get_if<ClearKeyParameters>(&ext->content);
      ASSERT_NE(clear, nullptr);
      EXPECT_EQ(KeyPurposeName(clear->params.key_type), key_type);
      EXPECT_EQ(clear->params.status, kKeyStatusValid);
      auto content = SerializeKeyParameters(clear->params, KeyTypeCoding::kLegacyPlusOne);
      ASSERT_TRUE(content.ok());
      EXPECT_EQ(*content, HexField(key_params, "content"));
    }
  }
}

TEST(CodecTest, PayloadSpansTileTheMessage) {
  for (const VectorMessage& v : StreamwideMessages()) {
    SCOPED_TRACE(v.kind);
    Message m = ParseOrDie(v.wire);
    size_t expected = m.hdr_length;
    for (const Payload& p : m.payloads) {
      EXPECT_EQ(p.offset, expected);
      EXPECT_GT(p.length, 0u);
      expected = p.offset + p.length;
    }
    EXPECT_EQ(expected, v.wire.size());
  }
}

TEST(CodecTest, GmkMessageHasTheTs33180PayloadOrder) {
  Message m = ParseOrDie(StreamwideMessage("GMK").wire);
  std::vector<PayloadType> types;
  for (const Payload& p : m.payloads) types.push_back(p.type());
  EXPECT_EQ(types, (std::vector<PayloadType>{
                       PayloadType::kT, PayloadType::kRand, PayloadType::kIdr, PayloadType::kIdr,
                       PayloadType::kIdr, PayloadType::kIdr, PayloadType::kSp, PayloadType::kSakke,
                       PayloadType::kGeneralExt, PayloadType::kSign}));
}

TEST(CodecTest, BuiltMessageWithEveryPayloadKindRoundTrips) {
  Message built = BuildEveryPayloadKind();
  auto wire = Serialize(built);
  ASSERT_TRUE(wire.ok()) << wire.error().ToString();
  Message parsed = ParseOrDie(*wire);
  ASSERT_EQ(parsed.payloads.size(), built.payloads.size());
  for (size_t i = 0; i < built.payloads.size(); ++i) {
    EXPECT_EQ(parsed.payloads[i].type(), built.payloads[i].type()) << i;
  }
  EXPECT_EQ(parsed.hdr.csb_id, 0x12345678u);
  EXPECT_TRUE(parsed.hdr.v_flag);
  const auto& entry = std::get<GenericIdMap>(parsed.hdr.cs_id_map).entries.at(0);
  EXPECT_TRUE(entry.s_flag);
  EXPECT_EQ(entry.policy_numbers, (std::vector<uint8_t>{1, 2}));
  EXPECT_EQ(entry.SpiKeyId(), 0x01020304u);
  EXPECT_EQ(entry.SpiGukId(), 0x05060708u);
  EXPECT_EQ(parsed.Find<TimestampPayload>()->value, 0xcafef00du);
  EXPECT_EQ(parsed.Find<ErrPayload>()->reserved, 0xabcd);
  EXPECT_EQ(parsed.Find<SpPayload>()->params.at(2).value, (Bytes{1, 2, 3}));
  EXPECT_FALSE(parsed.Find<SignPayload>()->Eccsi().has_value());  // RSA-type, 256 octets

  // Two key-parameter extensions: the clear one first.
  const auto& clear = std::get<ClearKeyParameters>(parsed.payloads[10].As<GeneralExtPayload>()->content);
  EXPECT_EQ(clear.params.key_type, 3);
  EXPECT_EQ(clear.params.text, "temporary group");
  ASSERT_TRUE(clear.params.group_ids.has_value());
  ASSERT_EQ(clear.params.group_ids->size(), 2u);
  EXPECT_EQ(clear.params.group_ids->at(0).value, ToBytes("sip:tg@example.org"));
  EXPECT_EQ(clear.params.expiry_time, 0xff00000001u);
  const auto& prot = std::get<ProtectedPayload>(parsed.payloads[11].As<GeneralExtPayload>()->content);
  EXPECT_EQ(prot.date_time, 77u);
  EXPECT_EQ(prot.ciphertext.size(), 21u);

  auto again = Serialize(parsed);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *wire);
}

TEST(CodecTest, ParseIntoOneMessageAcrossDifferentMessagesMatchesFreshParses) {
  std::vector<Bytes> inputs;
  for (const VectorMessage& v : StreamwideMessages()) inputs.push_back(v.wire);
  inputs.push_back(*Serialize(BuildEveryPayloadKind()));
  for (const VectorMessage& v : StreamwideMessages()) inputs.push_back(v.wire);
  inputs.push_back(Bytes(inputs[0].begin(), inputs[0].end() - 1));  // rejected
  inputs.push_back(inputs[3]);

  Message reused;
  for (size_t i = 0; i < inputs.size(); ++i) {
    SCOPED_TRACE(i);
    auto fresh = Parse(inputs[i]);
    Status status = ParseInto(inputs[i], &reused);
    ASSERT_EQ(status.ok(), fresh.ok());
    if (!fresh.ok()) {
      EXPECT_EQ(status.error().ToString(), fresh.error().ToString());
      continue;
    }
    EXPECT_EQ(*Serialize(reused), inputs[i]);
    EXPECT_EQ(reused.payloads.size(), fresh->payloads.size());
    EXPECT_EQ(reused.hdr_length, fresh->hdr_length);
    EXPECT_EQ(reused.signed_length, fresh->signed_length);
    for (size_t k = 0; k < fresh->payloads.size(); ++k) {
      EXPECT_EQ(reused.payloads[k].offset, fresh->payloads[k].offset);
      EXPECT_EQ(reused.payloads[k].length, fresh->payloads[k].length);
    }
  }
}

TEST(CodecTest, MessageWithoutPayloadsOrSignRoundTrips) {
  Message m;
  m.hdr.csb_id = 0x20000001;
  m.hdr.cs_id_map = SrtpIdMap{{{1, 0xdeadbeef, 7}}};
  auto wire = Serialize(m);
  ASSERT_TRUE(wire.ok());
  EXPECT_EQ(wire->size(), 10u + 9);
  Message parsed = ParseOrDie(*wire);
  EXPECT_TRUE(parsed.payloads.empty());
  EXPECT_FALSE(parsed.signed_length.has_value());
  EXPECT_EQ(std::get<SrtpIdMap>(parsed.hdr.cs_id_map).entries.at(0).ssrc, 0xdeadbeefu);
}

TEST(CodecTest, SerializeRejectsFieldsThatDoNotFit) {
  Message base;
  {
    Message m = base;
    m.payloads.push_back({RandPayload{Bytes(256, 1)}});
    EXPECT_FALSE(Serialize(m).ok());
  }
  {
    Message m = base;  // SIGN must be last
    m.payloads.push_back({SignPayload{2, Bytes(129, 0)}});
    m.payloads.push_back({RandPayload{Bytes(16, 1)}});
    auto r = Serialize(m);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message().find("SIGN"), std::string::npos);
  }
  {
    Message m = base;  // type 6 must hold a SAKKE body
    m.payloads.push_back({GeneralExtPayload{kExtTypeSakkeToSelf, Bytes{1, 2}}});
    EXPECT_FALSE(Serialize(m).ok());
  }
  {
    Message m = base;  // MAC length must match the MAC algorithm
    m.payloads.push_back({VPayload{1, Bytes(19, 0)}});
    EXPECT_FALSE(Serialize(m).ok());
  }
  {
    Message m = base;
    m.payloads.push_back({SignPayload{16, Bytes(1, 0)}});
    EXPECT_FALSE(Serialize(m).ok());
  }
  {
    Message m = base;
    m.payloads.push_back({TimestampPayload{TsType::kCounter, 0x100000000ULL}});
    EXPECT_FALSE(Serialize(m).ok());
  }
  {
    Message m = base;
    m.hdr.prf_func = 0x80;
    EXPECT_FALSE(Serialize(m).ok());
  }
  {
    Message m = base;  // a protected payload without room for its tag
    ProtectedPayload p;
    p.ciphertext = Bytes(15, 0);
    m.payloads.push_back({GeneralExtPayload{kExtTypeKeyParameters, p}});
    EXPECT_FALSE(Serialize(m).ok());
  }
  {
    Message m = base;  // a policy value longer than its 1-octet length allows
    Bytes long_value(256, 7);
    PolicyParam param{0, PolicyValue(long_value)};
    EXPECT_TRUE(param.value.too_long());
    EXPECT_FALSE(param.value == long_value);
    m.payloads.push_back({SpPayload{0, 0, {param}}});
    auto r = Serialize(m);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message().find("policy param value"), std::string::npos);
    // 255 octets is the most that fits, and round-trips.
    Message ok = base;
    ok.payloads.push_back({SpPayload{0, 0, {{1, PolicyValue(ByteSpan(long_value.data(), 255))}}}});
    auto wire = Serialize(ok);
    ASSERT_TRUE(wire.ok()) << wire.error().ToString();
    auto back = Parse(*wire);
    ASSERT_TRUE(back.ok()) << back.error().ToString();
    EXPECT_EQ(back->Find<SpPayload>()->params.at(0).value, Bytes(255, 7));
  }
}

TEST(KeyParametersTest, StandardAndLegacyCodingsDifferOnlyInTheKeyTypeOctet) {
  KeyParameters params;
  params.key_type = 0;  // GMK
  params.status = kKeyStatusValid;
  auto standard = SerializeKeyParameters(params);
  auto legacy = SerializeKeyParameters(params, KeyTypeCoding::kLegacyPlusOne);
  ASSERT_TRUE(standard.ok());
  ASSERT_TRUE(legacy.ok());
  ASSERT_EQ(standard->size(), 17u);  // no group IDs element
  EXPECT_EQ((*standard)[0], 0);
  EXPECT_EQ((*legacy)[0], 1);
  EXPECT_TRUE(std::equal(standard->begin() + 1, standard->end(), legacy->begin() + 1));

  auto back = ParseKeyParameters(*legacy, KeyTypeCoding::kLegacyPlusOne);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->key_type, 0);
  EXPECT_FALSE(back->group_ids.has_value());
}

TEST(KeyParametersTest, EmptyGroupIdsElementIsKeptDistinctFromAbsent) {
  KeyParameters params;
  params.group_ids.emplace();  // present but empty
  auto bytes = SerializeKeyParameters(params);
  ASSERT_TRUE(bytes.ok());
  ASSERT_EQ(bytes->size(), 17u + 3);  // length 0x0001, count 0
  auto back = ParseKeyParameters(*bytes);
  ASSERT_TRUE(back.ok());
  ASSERT_TRUE(back->group_ids.has_value());
  EXPECT_TRUE(back->group_ids->empty());
}

TEST(KeyParametersTest, MalformedContentIsRejectedWithOffsets) {
  KeyParameters params;
  params.text = "abc";
  params.group_ids = std::vector<GroupIdTlv>{{1, {9, 9}}};
  Bytes good = *SerializeKeyParameters(params);
  ASSERT_TRUE(ParseKeyParameters(good).ok());
  // key type 1, status 4, times 10, text length 2 + 3: group IDs length at 20.
  {
    Bytes bad = good;
    bad[21] += 1;  // group IDs length one more than the element holds
    auto r = ParseKeyParameters(bad, KeyTypeCoding::kStandard, 100);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().offset(), 120u);
  }
  {
    Bytes bad = good;
    bad[22] = 0;  // count 0, but one TLV-E follows
    auto r = ParseKeyParameters(bad);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().offset(), 22u);
    EXPECT_NE(r.error().message().find("group"), std::string::npos);
  }
  {
    Bytes bad = good;
    bad.push_back(0);  // octet after the group IDs
    auto r = ParseKeyParameters(bad);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().offset(), good.size());
  }
  {
    Bytes bad(good.begin(), good.begin() + 12);  // inside the expiry time
    auto r = ParseKeyParameters(bad);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().offset(), 10u);
    EXPECT_NE(r.error().message().find("expiry time"), std::string::npos);
  }
  {
    Bytes bad = good;
    bad[0] = 0;  // legacy coding needs key type + 1 >= 1
    auto r = ParseKeyParameters(bad, KeyTypeCoding::kLegacyPlusOne);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().offset(), 0u);
  }
}

TEST(NamesTest, RolesPurposesAndPolicyParametersAreNamed) {
  EXPECT_EQ(IdRoleName(6), "IDRkmsi");
  EXPECT_EQ(IdRoleName(8), "IDRuidi");
  EXPECT_EQ(IdRoleName(9), "IDRuidr");
  EXPECT_EQ(IdRoleName(10), "");
  EXPECT_EQ(KeyPurposeName(PurposeTag(0x2abcdef0)), "CSK");
  EXPECT_EQ(KeyPurposeName(6), "MuSiK");
  EXPECT_EQ(SrtpPolicyParamName(20), "AEAD authentication tag length");
  EXPECT_EQ(SrtpPolicyValueName(2, 4), "RCCm3");
  EXPECT_EQ(PayloadLabel(26), "SAKKE payload");
  EXPECT_EQ(PayloadLabel(2), "");
}

}  // namespace
}  // namespace mcx::mikey
