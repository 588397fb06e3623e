// The schema in docs/shim-schema is the definition of the protocol's
// messages (issue 19.3): these tests hold the validator to its subset of JSON
// Schema, the harness's requests to the request definitions, and the answer
// readers of answers.h to the answer definitions on a corpus of good and bad
// answers.
#include "harness/shim/json_schema.h"

#include <gtest/gtest.h>

#include "harness/shim/protocol.h"

namespace mcx::shim {
namespace {

using nlohmann::json;

const JsonSchema& Schema() { return ShimProtocolSchema(); }

std::string ViolationText(const json& v, const std::string& def) {
  auto r = Schema().Validate(v, def);
  return r ? r->ToString() : "valid";
}

TEST(JsonSchemaTest, DefinesEveryRequestAndAnswerOfProtocolH) {
  for (const char* type : {HelloCall::kType, ProvisionCall::kType, RegroupRequestCall::kType,
                           RegroupNotificationCall::kType, DeliverGktpCall::kType}) {
    EXPECT_TRUE(Schema().HasDefinition(std::string("request-") + type)) << type;
    EXPECT_TRUE(Schema().HasDefinition(std::string("answer-") + type)) << type;
  }
  EXPECT_TRUE(Schema().HasDefinition(std::string("request-") + kShutdownType));
  EXPECT_TRUE(Schema().HasDefinition("error-answer"));
  EXPECT_EQ(ViolationText(json::object(), "answer-no-such-request"), "has no schema (no $defs/answer-no-such-request)");
}

TEST(JsonSchemaTest, RefusesSchemasOutsideTheSubset) {
  auto load = [](const std::string& text) {
    auto s = JsonSchema::Load(text);
    return s.ok() ? std::string("loaded") : s.error().message();
  };
  EXPECT_EQ(load(R"({"$defs": {"a": {"type": "string"}}})"), "loaded");
  EXPECT_NE(load(R"({"$defs": {"a": {"additionalProperties": false}}})").find("outside the supported subset"),
            std::string::npos);
  EXPECT_NE(load(R"({"$defs": {"a": {"$ref": "#/$defs/b"}}})").find("unresolved"), std::string::npos);
  EXPECT_NE(load(R"({"$defs": {"a": {"$ref": "other.json#/x"}}})").find("only \"#/$defs/NAME\""), std::string::npos);
  EXPECT_NE(load(R"({"$defs": {"a": {"pattern": "^(ab)+$"}}})").find("outside the subset"), std::string::npos);
  EXPECT_NE(load(R"({"$defs": {"a": {"pattern": "^[\\d]+$"}}})").find("outside the subset"), std::string::npos);
  EXPECT_NE(load(R"({"$defs": {"a": {"type": "float"}}})").find("unknown type"), std::string::npos);
  EXPECT_NE(load(R"({"$defs": {"a": {"properties": {"x": {"$defs": {}}}}}})").find("only at the root"),
            std::string::npos);
  EXPECT_NE(load(R"({"$defs": {"a": true}})").find("must be an object"), std::string::npos);
  EXPECT_NE(load("[]").find("expected an object with $defs"), std::string::npos);
}

TEST(JsonSchemaTest, CharacterClassPatternsMatchWholeStrings) {
  auto s = JsonSchema::Load(R"({"$defs": {
      "hex4": {"type": "string", "pattern": "^[0-9a-f]{8}$"},
      "range": {"type": "string", "pattern": "^[a-c-]{2,3}$"},
      "some": {"type": "string", "pattern": "^[A-Z]+$"}}})");
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  EXPECT_FALSE(s->Validate("0a1b2c3d", "hex4"));
  EXPECT_TRUE(s->Validate("0a1b2c3", "hex4"));
  EXPECT_TRUE(s->Validate("0a1b2c3d0", "hex4"));
  EXPECT_TRUE(s->Validate("0A1B2C3D", "hex4"));
  EXPECT_FALSE(s->Validate("a-c", "range"));
  EXPECT_TRUE(s->Validate("a", "range"));
  EXPECT_TRUE(s->Validate("abcd", "range"));
  EXPECT_TRUE(s->Validate("", "some"));
  EXPECT_TRUE(s->Validate(std::string("A\0B", 3), "some"));
  // Linear: a long string is one scan, not a deep recursion.
  EXPECT_FALSE(s->Validate(std::string(8 << 20, 'Q'), "some"));
}

TEST(JsonSchemaTest, ViolationsNameThePathAndTheProblem) {
  const std::string d = "answer-deliver-gktp";
  EXPECT_EQ(ViolationText({{"id", 1}}, d), "lacks 'accepted'");
  EXPECT_EQ(ViolationText({{"id", 1}, {"accepted", "yes"}}, d), "'accepted' is a string, expected true or false");
  EXPECT_EQ(ViolationText({{"id", 1}, {"accepted", true}, {"gmk_id", "0a1b2c3d"}, {"srtp_master_key", std::string(32, '0')}},
                          d),
            "lacks 'srtp_master_salt'");
  EXPECT_EQ(ViolationText({{"id", 1.5}, {"accepted", false}}, d), "'id' is a number with a fraction, expected an integer");
  EXPECT_EQ(ViolationText({{"id", 1}, {"gktps", {{{"step", 7}, {"recipient", "x"}}}}}, "answer-regroup-request"),
            "'gktps[0]' lacks 'b64'");
  EXPECT_EQ(ViolationText({{"id", 1}, {"name", "n"}, {"version", "1"}, {"roles", {"ue", "gms"}}}, "answer-hello"),
            "'roles[1]' is \"gms\", expected one of \"primary-gms\", \"partner-gms\", \"ue\"");
  EXPECT_EQ(ViolationText({{"id", 1}, {"name", "n"}, {"version", "1"}, {"protocol", 2}, {"roles", json::array()}},
                          "answer-hello"),
            "'protocol' is 2, expected 1");
  EXPECT_EQ(ViolationText({{"id", -1}, {"accepted", false}}, d), "'id' is -1, expected at least 0");
  EXPECT_EQ(ViolationText(json::array(), d), "is an array, expected an object");
}

// The harness's requests, as requests.h writes them, are what the schema's
// request definitions say (with the "id" and "type" ShimClient adds).
json Sent(json j, const std::string& type) {
  j["id"] = 7;
  j["type"] = type;
  return j;
}

TEST(JsonSchemaTest, TheHarnessRequestsFollowTheSchema) {
  HelloRequest probe;
  probe.test_case = "probe";
  EXPECT_EQ(ViolationText(Sent(ToJson(probe), "hello"), "request-hello"), "valid");
  HelloRequest hello;
  hello.test_case = "UE-001";
  hello.seed = 42;
  hello.clock_ntp_seconds = 3913056000;
  hello.role = "ue";
  EXPECT_EQ(ViolationText(Sent(ToJson(hello), "hello"), "request-hello"), "valid");

  ProvisionRequest provision;
  provision.identities = {{"sip:gms@police.example", "kms.police.example", "<a/>", "<b/>", "<c/>"}};
  EXPECT_EQ(ViolationText(Sent(ToJson(provision), "provision"), "request-provision"), "valid");

  RegroupRequest multi;
  multi.procedure = "multi-domain-regroup";
  multi.requester = "sip:alice@police.example";
  multi.temporary_group_id = "sip:temp@police.example";
  multi.primary_gms = {"sip:gms@police.example", "kms.police.example"};
  multi.partner = Party{"sip:gms@fire.example", "kms.fire.example"};
  ConstituentGroup g;
  g.id = "sip:group-a@police.example";
  g.domain = "primary";
  g.gmk = Bytes(16, 0x01);
  g.gmk_id = 0x01020304;
  g.members = {{"sip:alice@police.example", "kms.police.example", true}};
  multi.constituent_groups = {g};
  multi.step_clock = {{7, 100}, {14, 200}};
  EXPECT_EQ(ViolationText(Sent(ToJson(multi), "regroup-request"), "request-regroup-request"), "valid");
  // Group creation: no requester, no partner, the group has no key yet.
  RegroupRequest creation = multi;
  creation.procedure = "group-creation";
  creation.requester = "";
  creation.partner.reset();
  creation.constituent_groups[0].gmk.reset();
  creation.constituent_groups[0].gmk_id.reset();
  json creation_json = Sent(ToJson(creation), "regroup-request");
  EXPECT_TRUE(creation_json["partner"].is_null());
  EXPECT_EQ(ViolationText(creation_json, "request-regroup-request"), "valid");

  RegroupNotification n;
  n.primary_gms = multi.primary_gms;
  n.partner_gms = *multi.partner;
  n.temporary_group_id = multi.temporary_group_id;
  n.gktp = {0x01, 0x1a};
  n.affiliated_members = {{"sip:dave@fire.example", "kms.fire.example"}};
  n.clock_ntp_seconds = 3913056000;
  EXPECT_EQ(ViolationText(Sent(ToJson(n), "regroup-notification"), "request-regroup-notification"), "valid");

  DeliverRequest d;
  d.ue = {"sip:alice@police.example", "kms.police.example"};
  d.sender = "sip:gms@police.example";
  d.gktp = {0x01, 0x1a, 0x05};
  d.clock_ntp_seconds = 42;
  d.srtp_rand = Bytes(16, 0x33);
  EXPECT_EQ(ViolationText(Sent(ToJson(d), "deliver-gktp"), "request-deliver-gktp"), "valid");
  EXPECT_EQ(ViolationText({{"id", 9}, {"type", kShutdownType}}, "request-shutdown"), "valid");
}

// One answer of the corpus: what the schema says, and whether the reader of
// answers.h accepts it. The reader may refuse more than the schema only for
// what a schema cannot say (docs/shim-protocol.md lists it): base64 that does
// not decode or decodes to nothing, a reason_code not in reason_codes.def.
struct Sample {
  const char* type;
  const char* answer;
  bool schema_valid;
  bool reader_valid;
};

bool ReaderAccepts(const std::string& type, const json& j) {
  if (type == HelloCall::kType) return HelloCall::ReadAnswer(j).ok();
  if (type == ProvisionCall::kType) return ProvisionCall::ReadAnswer(j).ok();
  if (type == RegroupRequestCall::kType) return RegroupRequestCall::ReadAnswer(j).ok();
  if (type == RegroupNotificationCall::kType) return RegroupNotificationCall::ReadAnswer(j).ok();
  if (type == DeliverGktpCall::kType) return DeliverGktpCall::ReadAnswer(j).ok();
  ADD_FAILURE() << "no reader for " << type;
  return false;
}

constexpr char kKey[] = "00112233445566778899aabbccddeeff";

TEST(JsonSchemaTest, SchemaAndAnswerReadersAgreeOnACorpus) {
  const std::string key = kKey;
  const std::string salt = key.substr(0, 24);
  const std::vector<std::pair<Sample, std::string>> corpus = {
      // hello
      {{"hello", R"({"id":1,"name":"a","version":"1","roles":["ue"]})", true, true}, ""},
      {{"hello", R"({"id":1,"name":"a","version":"1","protocol":1,"roles":[]})", true, true}, ""},
      {{"hello", R"({"id":1,"name":"a","version":"1","roles":["ue"],"extra":{"x":1}})", true, true}, ""},
      {{"hello", R"({"id":1,"version":"1","roles":["ue"]})", false, false}, ""},
      {{"hello", R"({"id":1,"name":"a","roles":["ue"]})", false, false}, ""},
      {{"hello", R"({"id":1,"name":"a","version":1,"roles":["ue"]})", false, false}, ""},
      {{"hello", R"({"id":1,"name":"a","version":"1"})", false, false}, ""},
      {{"hello", R"({"id":1,"name":"a","version":"1","roles":"ue"})", false, false}, ""},
      {{"hello", R"({"id":1,"name":"a","version":"1","roles":["UE"]})", false, false}, ""},
      {{"hello", R"({"id":1,"name":"a","version":"1","roles":[1]})", false, false}, ""},
      {{"hello", R"({"id":1,"name":"a","version":"1","protocol":2,"roles":["ue"]})", false, false}, ""},
      {{"hello", R"({"id":1,"name":"a","version":"1","protocol":"1","roles":["ue"]})", false, false}, ""},
      // provision
      {{"provision", R"({"id":2,"ok":true})", true, true}, ""},
      {{"provision", R"({"id":2})", true, true}, ""},
      // regroup-request
      {{"regroup-request", R"({"id":3,"gktps":[]})", true, true}, ""},
      {{"regroup-request", R"({"id":3,"gktps":[{"step":7,"recipient":"sip:g","b64":"ARoF"},{"step":14,"recipient":"sip:a","b64":"ARoF"}]})", true, true}, ""},
      {{"regroup-request", R"({"id":3})", false, false}, ""},
      {{"regroup-request", R"({"id":3,"gktps":{}})", false, false}, ""},
      {{"regroup-request", R"({"id":3,"gktps":["ARoF"]})", false, false}, ""},
      {{"regroup-request", R"({"id":3,"gktps":[{"step":0,"recipient":"sip:a","b64":"ARoF"}]})", false, false}, ""},
      {{"regroup-request", R"({"id":3,"gktps":[{"step":16,"recipient":"sip:a","b64":"ARoF"}]})", false, false}, ""},
      {{"regroup-request", R"({"id":3,"gktps":[{"step":-1,"recipient":"sip:a","b64":"ARoF"}]})", false, false}, ""},
      {{"regroup-request", R"({"id":3,"gktps":[{"step":"7","recipient":"sip:a","b64":"ARoF"}]})", false, false}, ""},
      {{"regroup-request", R"({"id":3,"gktps":[{"step":7.5,"recipient":"sip:a","b64":"ARoF"}]})", false, false}, ""},
      {{"regroup-request", R"({"id":3,"gktps":[{"step":7,"b64":"ARoF"}]})", false, false}, ""},
      {{"regroup-request", R"({"id":3,"gktps":[{"step":7,"recipient":null,"b64":"ARoF"}]})", false, false}, ""},
      {{"regroup-request", R"({"id":3,"gktps":[{"step":7,"recipient":"sip:a"}]})", false, false}, ""},
      {{"regroup-request", R"({"id":3,"gktps":[{"step":7,"recipient":"sip:a","b64":""}]})", false, false}, ""},
      {{"regroup-request", R"({"id":3,"gktps":[{"step":7,"recipient":"sip:a","b64":"AR*F"}]})", false, false}, ""},
      // Beyond the schema: base64 that does not decode.
      {{"regroup-request", R"({"id":3,"gktps":[{"step":7,"recipient":"sip:a","b64":"A"}]})", true, false}, "base64"},
      // regroup-notification
      {{"regroup-notification", R"({"id":4,"gktps":[{"step":11,"recipient":"sip:d","b64":"ARoF"}]})", true, true}, ""},
      {{"regroup-notification", R"({"id":4,"gktps":[],"rejected":true,"reason":"bad","reason_code":"SIGN.VALID"})", true, true}, ""},
      {{"regroup-notification", R"({"id":4,"gktps":[],"rejected":true,"reason_code":"trust"})", true, true}, ""},
      {{"regroup-notification", R"({"id":4,"gktps":[],"rejected":false,"reason_code":17})", true, true}, ""},
      {{"regroup-notification", R"({"id":4,"gktps":[],"rejected":true})", true, true}, ""},
      {{"regroup-notification", R"({"id":4,"rejected":true})", false, false}, ""},
      {{"regroup-notification", R"({"id":4,"gktps":[],"rejected":"yes"})", false, false}, ""},
      {{"regroup-notification", R"({"id":4,"gktps":[],"rejected":true,"reason":5})", false, false}, ""},
      {{"regroup-notification", R"({"id":4,"gktps":[],"reason":5})", false, false}, ""},
      {{"regroup-notification", R"({"id":4,"gktps":[],"rejected":true,"reason_code":17})", false, false}, ""},
      {{"regroup-notification", R"({"id":4,"gktps":[],"rejected":true,"reason_code":""})", false, false}, ""},
      // Beyond the schema: a reason_code not in reason_codes.def.
      {{"regroup-notification", R"({"id":4,"gktps":[],"rejected":true,"reason_code":"UE.REJECT"})", true, false}, "reason_code"},
      {{"regroup-notification", R"({"id":4,"gktps":[],"rejected":true,"reason_code":"sign.valid"})", true, false}, "reason_code"},
      // deliver-gktp
      {{"deliver-gktp", R"({"id":5,"accepted":false})", true, true}, ""},
      {{"deliver-gktp", R"({"id":5,"accepted":false,"reason":"x","reason_code":"GUKID.DERIVATION"})", true, true}, ""},
      {{"deliver-gktp", R"({"id":5,"accepted":true,"gmk_id":"0a1b2c3d","srtp_master_key":"KEY","srtp_master_salt":"SALT"})", true, true}, ""},
      {{"deliver-gktp", R"({"id":5,"accepted":true,"gmk_id":"0A1B2C3D","srtp_master_key":"KEY","srtp_master_salt":"SALT","reason_code":"bogus"})", true, true}, ""},
      {{"deliver-gktp", R"({"id":5})", false, false}, ""},
      {{"deliver-gktp", R"({"id":5,"accepted":"true"})", false, false}, ""},
      {{"deliver-gktp", R"({"id":5,"accepted":1})", false, false}, ""},
      {{"deliver-gktp", R"({"id":5,"accepted":true})", false, false}, ""},
      {{"deliver-gktp", R"({"id":5,"accepted":true,"gmk_id":"0a1b2c","srtp_master_key":"KEY","srtp_master_salt":"SALT"})", false, false}, ""},
      {{"deliver-gktp", R"({"id":5,"accepted":true,"gmk_id":"0a1b2c3g","srtp_master_key":"KEY","srtp_master_salt":"SALT"})", false, false}, ""},
      {{"deliver-gktp", R"({"id":5,"accepted":true,"gmk_id":"0a1b2c3d","srtp_master_key":"SALT","srtp_master_salt":"SALT"})", false, false}, ""},
      {{"deliver-gktp", R"({"id":5,"accepted":true,"gmk_id":"0a1b2c3d","srtp_master_key":"KEY","srtp_master_salt":"KEY"})", false, false}, ""},
      {{"deliver-gktp", R"({"id":5,"accepted":true,"gmk_id":"0a1b2c3d","srtp_master_key":"KEY"})", false, false}, ""},
      {{"deliver-gktp", R"({"id":5,"accepted":true,"gmk_id":3,"srtp_master_key":"KEY","srtp_master_salt":"SALT"})", false, false}, ""},
      {{"deliver-gktp", R"({"id":5,"accepted":false,"reason":["no"]})", false, false}, ""},
      {{"deliver-gktp", R"({"id":5,"accepted":false,"reason_code":false})", false, false}, ""},
      {{"deliver-gktp", R"({"id":5,"accepted":false,"reason_code":"WRONG.CHECK"})", true, false}, "reason_code"},
  };
  for (const auto& [sample, beyond] : corpus) {
    std::string text = sample.answer;
    for (size_t at; (at = text.find("KEY")) != std::string::npos;) text.replace(at, 3, key);
    for (size_t at; (at = text.find("SALT")) != std::string::npos;) text.replace(at, 4, salt);
    json answer = json::parse(text);
    auto violation = Schema().Validate(answer, std::string("answer-") + sample.type);
    EXPECT_EQ(!violation.has_value(), sample.schema_valid)
        << sample.type << " " << text << ": " << (violation ? violation->ToString() : "valid");
    bool reader = ReaderAccepts(sample.type, answer);
    EXPECT_EQ(reader, sample.reader_valid) << sample.type << " " << text;
    // Agreement: the schema refuses nothing the reader accepts; the reader
    // refuses beyond the schema only for the documented reasons.
    if (!sample.schema_valid) EXPECT_FALSE(reader) << "reader accepts what the schema refuses: " << text;
    if (sample.schema_valid && !sample.reader_valid) EXPECT_FALSE(beyond.empty()) << text;
  }
}

}  // namespace
}  // namespace mcx::shim
