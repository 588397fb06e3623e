#include <cstdlib>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "harness/testing/cli_runner.h"
#include "mikey/codec.h"
#include "testdata/testdata.h"

namespace mcx {
namespace {

using testing::RunMcxtest;

nlohmann::json StreamwideMessage(const std::string& kind) {
  static const nlohmann::json vectors = testing::LoadVector("interop_streamwide_v5.json");
  for (const nlohmann::json& m : vectors.at("messages")) {
    if (m.at("kind") == kind) return m;
  }
  ADD_FAILURE() << "no message " << kind;
  return {};
}

std::string Base64Of(const std::string& kind) {
  return StreamwideMessage(kind).at("i_message_b64").get<std::string>();
}

Bytes WireOf(const std::string& kind) {
  auto wire = FromBase64(Base64Of(kind));
  EXPECT_TRUE(wire.ok());
  return wire.ok() ? *wire : Bytes{};
}

std::string TempFile(const std::string& name, const std::string& content) {
  const char* dir = std::getenv("TEST_TMPDIR");
  std::string path = std::string(dir ? dir : "/tmp") + "/" + name;
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

TEST(GktpInspectTest, Base64InputPrintsEveryPayloadWithOffsets) {
  nlohmann::json vector = StreamwideMessage("GMK");
  auto r = RunMcxtest({"gktp", "inspect", "--b64", Base64Of("GMK")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.err.empty());
  for (const char* expected : {"MIKEY message, 701 octets", "HDR (offset 0", "SAKKE msg", "GENERIC-ID",
                               "T payload (offset", "NTP-UTC", "IDRuidi", "IDRuidr", "IDRkmsi",
                               "IDRkmsr", "SP payload", "AES-GCM", "SAKKE payload", "3GPP key parameters",
                               "SIGN payload", "ECCSI", "signature covers octets 0.."}) {
    EXPECT_NE(r.out.find(expected), std::string::npos) << expected;
  }
  EXPECT_NE(r.out.find("csb id: " + vector.at("csb_id").get<std::string>()), std::string::npos);
  EXPECT_NE(r.out.find("csb id purpose: 0 (GMK)"), std::string::npos);
  EXPECT_NE(r.out.find(vector.at("rand").get<std::string>()), std::string::npos);
}

TEST(GktpInspectTest, HexInputMatchesBase64Input) {
  auto from_b64 = RunMcxtest({"gktp", "inspect", "--b64", Base64Of("PCK")});
  auto from_hex = RunMcxtest({"gktp", "inspect", "--hex", ToHex(WireOf("PCK"))});
  ASSERT_EQ(from_hex.exit_code, 0) << from_hex.err;
  EXPECT_EQ(from_hex.out, from_b64.out);
  EXPECT_NE(from_hex.out.find("Empty map"), std::string::npos);
}

TEST(GktpInspectTest, FileMayHoldRawBinaryOrBase64Text) {
  auto reference = RunMcxtest({"gktp", "inspect", "--b64", Base64Of("CSK")});
  ASSERT_EQ(reference.exit_code, 0);
  Bytes wire = WireOf("CSK");
  std::string binary = TempFile("csk.bin", std::string(wire.begin(), wire.end()));
  std::string text = TempFile("csk.b64", Base64Of("CSK") + "\n");
  auto from_binary = RunMcxtest({"gktp", "inspect", binary});
  auto from_text = RunMcxtest({"gktp", "inspect", text});
  ASSERT_EQ(from_binary.exit_code, 0) << from_binary.err;
  ASSERT_EQ(from_text.exit_code, 0) << from_text.err;
  EXPECT_EQ(from_binary.out, reference.out);
  EXPECT_EQ(from_text.out, reference.out);
}

TEST(GktpInspectTest, JsonHasTheVectorsFieldsAndOffsets) {
  nlohmann::json vector = StreamwideMessage("GMK");
  auto r = RunMcxtest({"gktp", "inspect", "--json", "--b64", Base64Of("GMK")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j.at("length"), vector.at("length"));
  EXPECT_EQ(j.at("signed_length").get<size_t>(), vector.at("length").get<size_t>() - 129);
  const nlohmann::json& hdr = j.at("hdr");
  EXPECT_EQ(hdr.at("csb_id"), vector.at("csb_id"));
  EXPECT_EQ(hdr.at("csb_id_purpose").at("name"), "GMK");
  EXPECT_EQ(hdr.at("cs_id_map_type").at("value"), vector.at("cs_id_map_type"));
  EXPECT_EQ(hdr.at("cs_count"), vector.at("cs_count"));
  const nlohmann::json& cs = hdr.at("cs_id_map").at(0);
  EXPECT_EQ(cs.at("cs_id"), vector.at("cs_id"));
  EXPECT_EQ(cs.at("spi_key_id"), vector.at("key_id"));
  EXPECT_EQ(cs.at("spi_guk_id"), vector.at("guk_id"));

  size_t expected_offset = hdr.at("length").get<size_t>();
  bool saw_t = false, saw_rand = false, saw_key_params = false;
  for (const nlohmann::json& p : j.at("payloads")) {
    EXPECT_EQ(p.at("offset").get<size_t>(), expected_offset);
    expected_offset += p.at("length").get<size_t>();
    const std::string name = p.at("payload").at("name");
    if (name == "T") {
      saw_t = true;
      EXPECT_EQ(p.at("ts_value"), vector.at("t_ntp64"));
    } else if (name == "RAND") {
      saw_rand = true;
      EXPECT_EQ(p.at("rand"), vector.at("rand"));
    } else if (name == "GENERAL EXTENSION") {
      saw_key_params = true;
      EXPECT_EQ(p.at("ext_type").at("value"), 7);
      EXPECT_EQ(p.at("protected_payload").at("dppk_id"), vector.at("csb_id"));
    } else if (name == "SIGN") {
      EXPECT_EQ(p.at("s_type").at("name"), "ECCSI");
      EXPECT_EQ(p.at("signed_span").at("length"), j.at("signed_length"));
    }
  }
  EXPECT_EQ(expected_offset, vector.at("length").get<size_t>());
  EXPECT_TRUE(saw_t && saw_rand && saw_key_params);
}

TEST(GktpInspectTest, LegacyKeyParametersShowTheClearContent) {
  auto r = RunMcxtest({"gktp", "inspect", "--json", "--b64", Base64Of("GMK-legacy")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);
  bool found = false;
  for (const nlohmann::json& p : j.at("payloads")) {
    if (!p.contains("key_parameters")) continue;
    found = true;
    EXPECT_EQ(p.at("key_parameters").at("key_type").at("name"), "GMK");
    EXPECT_EQ(p.at("key_parameters").at("status").at("valid"), true);
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(j.at("hdr").at("cs_id_map").size(), 2u);
}

TEST(GktpInspectTest, KeyParameterTextThatIsNotUtf8StillGivesJson) {
  mikey::Message m;
  mikey::KeyParameters params;
  params.text = std::string("\xff\xfe group", 8);
  m.payloads.push_back({mikey::GeneralExtPayload{mikey::kExtTypeKeyParameters,
                                                 mikey::ClearKeyParameters{params}}});
  auto wire = mikey::Serialize(m);
  ASSERT_TRUE(wire.ok());
  auto r = RunMcxtest({"gktp", "inspect", "--json", "--hex", ToHex(*wire)});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j.at("payloads").at(0).at("key_parameters").at("text"), "\ufffd\ufffd group");
}

TEST(GktpInspectTest, MalformedMessageIsInvalidWithOffset) {
  Bytes wire = WireOf("GMK");
  wire.pop_back();
  auto r = RunMcxtest({"gktp", "inspect", "--hex", ToHex(wire)});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out.rfind("invalid: SIGN payload: signature length 129 overruns", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("(at offset "), std::string::npos);

  Bytes trailing = WireOf("GMK");
  trailing.push_back(0);
  std::string path = TempFile("trailing.bin", std::string(trailing.begin(), trailing.end()));
  auto t = RunMcxtest({"gktp", "inspect", path});
  EXPECT_EQ(t.exit_code, 1);
  EXPECT_NE(t.out.find("SIGN must be the last payload (at offset " + std::to_string(wire.size() + 1) + ")"),
            std::string::npos)
      << t.out;
}

// Issue 17 item 16: --json printed "invalid: ..." text on parse errors.
TEST(GktpInspectTest, MalformedMessageWithJsonIsAJsonErrorObject) {
  Bytes wire = WireOf("GMK");
  wire.pop_back();
  auto r = RunMcxtest({"gktp", "inspect", "--json", "--hex", ToHex(wire)});
  EXPECT_EQ(r.exit_code, 1);
  ASSERT_TRUE(nlohmann::json::accept(r.out)) << r.out;
  nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j.at("valid"), false);
  EXPECT_EQ(j.at("error").get<std::string>().rfind("SIGN payload: signature length 129 overruns", 0), 0u) << r.out;
  EXPECT_TRUE(j.at("offset").is_number_unsigned()) << r.out;
  EXPECT_EQ(r.err, "");
}

TEST(GktpInspectTest, UsageErrorsExitTwo) {
  const std::string b64 = Base64Of("GMK");
  const std::string missing = std::string(std::getenv("TEST_TMPDIR") ? std::getenv("TEST_TMPDIR") : "/tmp") +
                              "/does-not-exist.bin";
  std::vector<std::vector<std::string>> cases = {
      {"gktp", "inspect"},                                      // no input
      {"gktp", "inspect", "--b64", b64, "--hex", "011a"},       // two inputs
      {"gktp", "inspect", "--hex", "011a", TempFile("x", b64)}, // two inputs
      {"gktp", "inspect", missing},                             // unreadable file
      {"gktp", "inspect", "--hex", "011z"},                     // bad hex
      {"gktp", "inspect", "--hex", "011"},                      // odd hex
      {"gktp", "inspect", "--b64", "AR*o"},                     // bad base64
      {"gktp", "inspect", TempFile("empty", "")},               // empty file
      {"gktp", "inspect", TempFile("prose", "not a message\n")},  // neither
  };
  for (const auto& args : cases) {
    auto r = RunMcxtest(args);
    EXPECT_EQ(r.exit_code, 2) << args.back() << ": " << r.out;
    EXPECT_NE(r.err.find("mcxtest: error:"), std::string::npos) << args.back();
    EXPECT_TRUE(r.out.empty()) << args.back();
  }
}

TEST(GktpInspectTest, GroupWithoutSubcommandIsUsageError) {
  EXPECT_EQ(RunMcxtest({"gktp"}).exit_code, 2);
  auto help = RunMcxtest({"gktp", "inspect", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--json"), std::string::npos);
}

}  // namespace
}  // namespace mcx
