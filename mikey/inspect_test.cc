#include "mikey/inspect.h"

#include <gtest/gtest.h>

#include "mikey/codec.h"
#include "mikey/test_messages.h"

namespace mcx::mikey {
namespace {

using testing::StreamwideMessage;
using testing::StreamwideMessages;
using testing::VectorMessage;

Message ParseVector(const std::string& kind) {
  auto parsed = Parse(StreamwideMessage(kind).wire);
  EXPECT_TRUE(parsed.ok());
  return parsed.ok() ? *parsed : Message{};
}

TEST(InspectJsonTest, HeaderNamesPurposeTagsAndMapEntries) {
  VectorMessage v = StreamwideMessage("CSK");
  nlohmann::ordered_json j = InspectJson(ParseVector("CSK"));
  EXPECT_EQ(j["length"], v.wire.size());
  EXPECT_EQ(j["hdr"]["data_type"]["name"], "SAKKE msg");
  EXPECT_EQ(j["hdr"]["prf_func"]["value"], 1);
  EXPECT_EQ(j["hdr"]["csb_id"], v.json["csb_id"]);
  EXPECT_EQ(j["hdr"]["csb_id_purpose"]["name"], "CSK");
  EXPECT_EQ(j["hdr"]["cs_id_map"][0]["spi_key_id"], v.json["key_id"]);
  EXPECT_EQ(j["hdr"]["cs_id_map"][0]["spi_key_id_purpose"]["name"], "CSK");
  EXPECT_FALSE(j["hdr"]["cs_id_map"][0].contains("spi_guk_id"));  // 4-octet SPI
}

TEST(InspectJsonTest, EveryPayloadHasTypeOffsetLengthAndNextPayload) {
  for (const VectorMessage& v : StreamwideMessages()) {
    SCOPED_TRACE(v.kind);
    Message m = *Parse(v.wire);
    nlohmann::ordered_json j = InspectJson(m);
    ASSERT_EQ(j["payloads"].size(), m.payloads.size());
    EXPECT_EQ(j["hdr"]["next_payload"]["value"], static_cast<int>(m.payloads[0].type()));
    for (size_t i = 0; i < m.payloads.size(); ++i) {
      const auto& p = j["payloads"][i];
      EXPECT_EQ(p["payload"]["value"], static_cast<int>(m.payloads[i].type()));
      EXPECT_FALSE(p["payload"]["name"].get<std::string>().empty());
      EXPECT_EQ(p["offset"], m.payloads[i].offset);
      EXPECT_EQ(p["length"], m.payloads[i].length);
      if (i + 1 < m.payloads.size()) {
        EXPECT_EQ(p["next_payload"]["value"], static_cast<int>(m.payloads[i + 1].type()));
      } else {
        EXPECT_FALSE(p.contains("next_payload"));  // SIGN has none
      }
    }
  }
}

TEST(InspectJsonTest, DataOffsetsPointAtTheDataInTheMessage) {
  VectorMessage v = StreamwideMessage("GMK");
  Message m = *Parse(v.wire);
  nlohmann::ordered_json j = InspectJson(m);
  auto hex_at = [&](size_t offset, size_t length) {
    return ToHex(ByteSpan(v.wire).subspan(offset, length));
  };
  for (const auto& p : j["payloads"]) {
    std::string name = p["payload"]["name"];
    if (name == "RAND") {
      EXPECT_EQ(hex_at(p["rand_offset"], p["rand_length"]), p["rand"]);
    } else if (name == "IDR") {
      EXPECT_EQ(hex_at(p["id_offset"], p["id_length"]), p["id"]);
    } else if (name == "SAKKE") {
      EXPECT_EQ(hex_at(p["data_offset"], p["data_length"]), p["data"]);
    } else if (name == "SIGN") {
      EXPECT_EQ(hex_at(p["signature_offset"], 32), p["eccsi"]["r"]);
    } else if (name == "GENERAL EXTENSION") {
      const auto& pp = p["protected_payload"];
      EXPECT_EQ(hex_at(pp["payload_offset"], pp["payload_length"]), pp["ciphertext_and_tag"]);
      EXPECT_EQ(hex_at(p["data_offset"].get<size_t>() + 12, 16), pp["iv"]);
    }
  }
}

TEST(InspectJsonTest, IdrTextAndPolicyMeaningsAreNamed) {
  nlohmann::ordered_json j = InspectJson(ParseVector("GMK"));
  const std::string kms_uri = testing::StreamwideVectors()["kms"]["kms_uri"];
  int kms_idrs = 0;
  for (const auto& p : j["payloads"]) {
    if (p["payload"]["name"] == "IDR" && p.contains("id_text")) {
      ++kms_idrs;
      EXPECT_EQ(p["id_text"], kms_uri);
      EXPECT_TRUE(p["id_role"]["name"] == "IDRkmsi" || p["id_role"]["name"] == "IDRkmsr");
    }
    if (p["payload"]["name"] == "SP") {
      EXPECT_EQ(p["params"][0]["type"]["name"], "Encryption algorithm");
      EXPECT_EQ(p["params"][0]["meaning"], "AES-GCM");
    }
  }
  EXPECT_EQ(kms_idrs, 2);  // the UIDs are binary and get no text
}

TEST(InspectTextTest, ShowsHeadingsWithOffsetsAndNamedValues) {
  Message m = ParseVector("GMK");
  std::string text = InspectText(m);
  EXPECT_EQ(text.rfind("MIKEY message, 701 octets; signature covers octets 0..", 0), 0u);
  EXPECT_NE(text.find("HDR (offset 0, " + std::to_string(m.hdr_length) + " octets)"), std::string::npos);
  for (const Payload& p : m.payloads) {
    EXPECT_NE(text.find("payload (offset " + std::to_string(p.offset) + ", " + std::to_string(p.length) +
                        " octets)"),
              std::string::npos)
        << p.offset;
  }
  EXPECT_NE(text.find("id role: 9 (IDRuidr)"), std::string::npos);
  EXPECT_NE(text.find("cs id map type: 2 (GENERIC-ID)"), std::string::npos);
  EXPECT_NE(text.find("key parameters form: Rel-15+ protected payload"), std::string::npos);
}

TEST(InspectTextTest, UnregisteredValuesAreMarked) {
  Message m;
  m.hdr.data_type = 200;
  m.payloads.push_back({IdrPayload{42, 7, {1, 2}}});
  m.payloads.push_back({GeneralExtPayload{99, Bytes{0xab}}});
  auto wire = Serialize(m);
  ASSERT_TRUE(wire.ok());
  std::string text = InspectText(*Parse(*wire));
  EXPECT_NE(text.find("data type: 200 (unassigned)"), std::string::npos) << text;
  EXPECT_NE(text.find("id role: 42 (unassigned)"), std::string::npos);
  EXPECT_NE(text.find("ext type: 99 (unassigned)"), std::string::npos);
  EXPECT_NE(text.find("data: ab"), std::string::npos);
}

TEST(KeyParametersJsonTest, StatusBitsTimesTextAndGroups) {
  KeyParameters params;
  params.key_type = 6;
  params.status = kKeyStatusShared;
  params.activation_time = 5;
  params.expiry_time = 9;
  params.text = "regroup";
  params.group_ids = std::vector<GroupIdTlv>{{0x01, ToBytes("sip:tg@example.org")}};
  nlohmann::ordered_json j = KeyParametersJson(params);
  EXPECT_EQ(j["key_type"]["name"], "MuSiK");
  EXPECT_EQ(j["status"]["valid"], false);
  EXPECT_EQ(j["status"]["shared"], true);
  EXPECT_EQ(j["activation_time"], 5);
  EXPECT_EQ(j["expiry_time"], 9);
  EXPECT_EQ(j["text"], "regroup");
  EXPECT_EQ(j["group_ids"][0]["value_text"], "sip:tg@example.org");
}

}  // namespace
}  // namespace mcx::mikey
