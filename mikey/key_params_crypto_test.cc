#include "mikey/key_params_crypto.h"

#include <gtest/gtest.h>

#include "mikey/codec.h"
#include "mikey/names.h"
#include "mikey/test_messages.h"
#include "testdata/testdata.h"

namespace mcx::mikey {
namespace {

using mcx::testing::HexField;
using testing::StreamwideMessages;
using testing::VectorMessage;

const ProtectedPayload* ProtectedPayloadOf(const Message& m) {
  const GeneralExtPayload* ext = m.FindExtension(kExtTypeKeyParameters);
  return ext ? std::get_if<ProtectedPayload>(&ext->content) : nullptr;
}

// The three Streamwide messages whose key parameters are encrypted.
std::vector<VectorMessage> EncryptedMessages() {
  std::vector<VectorMessage> out;
  for (VectorMessage& v : StreamwideMessages()) {
    if (v.json.at("key_params").at("encrypted").get<bool>()) out.push_back(v);
  }
  EXPECT_EQ(out.size(), 3u);
  return out;
}

TEST(KeyParamsCryptoTest, VectorsDecryptToThePublishedPlaintext) {
  for (const VectorMessage& v : EncryptedMessages()) {
    SCOPED_TRACE(v.kind);
    Message m = *Parse(v.wire);
    const ProtectedPayload* payload = ProtectedPayloadOf(m);
    ASSERT_NE(payload, nullptr);
    Bytes key = HexField(v.json, "key");
    auto plaintext = DecryptProtectedPayload(*payload, key);
    ASSERT_TRUE(plaintext.ok()) << plaintext.error().ToString();
    EXPECT_EQ(ToHex(*plaintext), v.json.at("key_params").at("plaintext").get<std::string>());

    auto params = DecryptKeyParameters(*payload, key);
    ASSERT_TRUE(params.ok()) << params.error().ToString();
    EXPECT_EQ(KeyPurposeName(params->key_type), v.json.at("key_params").at("key_type").get<std::string>());
    EXPECT_EQ(params->key_type, PurposeTag(m.hdr.csb_id));
    EXPECT_TRUE(params->status & kKeyStatusValid);
  }
}

TEST(KeyParamsCryptoTest, ReencryptionWithTheSameHeaderReproducesTheVector) {
  for (const VectorMessage& v : EncryptedMessages()) {
    SCOPED_TRACE(v.kind);
    Message m = *Parse(v.wire);
    const ProtectedPayload* payload = ProtectedPayloadOf(m);
    ASSERT_NE(payload, nullptr);
    Bytes key = HexField(v.json, "key");
    auto params = ParseKeyParameters(HexField(v.json.at("key_params"), "plaintext"));
    ASSERT_TRUE(params.ok());
    ProtectedPayload header = *payload;
    header.ciphertext.clear();
    auto encrypted = EncryptKeyParameters(*params, key, header);
    ASSERT_TRUE(encrypted.ok()) << encrypted.error().ToString();
    EXPECT_EQ(ToHex(encrypted->ciphertext), ToHex(payload->ciphertext));
  }
}

TEST(KeyParamsCryptoTest, WrongKeyOrTamperingFailsTheTag) {
  VectorMessage v = EncryptedMessages().front();
  Message m = *Parse(v.wire);
  const ProtectedPayload& payload = *ProtectedPayloadOf(m);
  Bytes key = HexField(v.json, "key");

  Bytes wrong_key = key;
  wrong_key[0] ^= 1;
  auto r = DecryptProtectedPayload(payload, wrong_key);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kCrypto);

  ProtectedPayload aad_changed = payload;  // associated data is authenticated
  aad_changed.date_time += 1;
  EXPECT_EQ(DecryptProtectedPayload(aad_changed, key).error().code(), ErrorCode::kCrypto);

  ProtectedPayload other_dppk = payload;  // a different DPPK-ID derives another DPCK
  other_dppk.dppk_id ^= 0x00000001;
  EXPECT_EQ(DecryptProtectedPayload(other_dppk, key).error().code(), ErrorCode::kCrypto);

  ProtectedPayload flipped = payload;
  flipped.ciphertext[0] ^= 0x80;
  EXPECT_EQ(DecryptProtectedPayload(flipped, key).error().code(), ErrorCode::kCrypto);

  ProtectedPayload bad_tag = payload;
  bad_tag.ciphertext.back() ^= 0x01;
  EXPECT_EQ(DecryptProtectedPayload(bad_tag, key).error().code(), ErrorCode::kCrypto);

  ProtectedPayload other_algorithm = payload;
  other_algorithm.algorithm = 2;
  auto unsupported = DecryptProtectedPayload(other_algorithm, key);
  ASSERT_FALSE(unsupported.ok());
  EXPECT_NE(unsupported.error().message().find("AES-128-GCM"), std::string::npos);
}

TEST(KeyParamsCryptoTest, BuiltPayloadRoundTripsThroughTheWire) {
  const Bytes key(16, 0x5a);
  KeyParameters params;
  params.key_type = 0;
  params.status = kKeyStatusValid;
  params.activation_time = 0x0102030405;
  params.expiry_time = 0x0a0b0c0d0e;
  params.text = "temporary group 7";
  params.group_ids = std::vector<GroupIdTlv>{{0x01, ToBytes("sip:tg7@example.org")}};
  ProtectedPayload header;
  header.date_time = 1;
  header.iv.fill(0x24);
  header.dppk_id = 0x0badcafe;
  auto encrypted = EncryptKeyParameters(params, key, header);
  ASSERT_TRUE(encrypted.ok()) << encrypted.error().ToString();
  EXPECT_EQ(encrypted->ciphertext.size(), SerializeKeyParameters(params)->size() + kGcmTagSize);

  Message m;
  m.hdr.csb_id = header.dppk_id;
  m.payloads.push_back({GeneralExtPayload{kExtTypeKeyParameters, *encrypted}});
  auto wire = Serialize(m);
  ASSERT_TRUE(wire.ok());
  auto parsed = Parse(*wire);
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  auto decrypted = DecryptKeyParameters(*ProtectedPayloadOf(*parsed), key);
  ASSERT_TRUE(decrypted.ok()) << decrypted.error().ToString();
  EXPECT_EQ(decrypted->text, params.text);
  EXPECT_EQ(decrypted->activation_time, params.activation_time);
  EXPECT_EQ(decrypted->expiry_time, params.expiry_time);
  ASSERT_TRUE(decrypted->group_ids.has_value());
  EXPECT_EQ(decrypted->group_ids->at(0).value, ToBytes("sip:tg7@example.org"));
}

TEST(KeyParamsCryptoTest, DpckIsTheLast128BitsAndDependsOnTheDppkId) {
  const Bytes key(16, 0x11);
  auto a = DeriveDpck(key, 1);
  auto b = DeriveDpck(key, 2);
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(a->size(), 16u);
  EXPECT_FALSE(*a == *b);
}

}  // namespace
}  // namespace mcx::mikey
