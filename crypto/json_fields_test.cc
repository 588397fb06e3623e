#include "crypto/json_fields.h"

#include <string>

#include <gtest/gtest.h>

#include "crypto/bounded_json.h"

namespace mcx {
namespace {

using nlohmann::json;

json Parse(const std::string& text) {
  Result<json> parsed = ParseBoundedJson(text);
  EXPECT_TRUE(parsed.ok()) << parsed.error().ToString();
  return parsed.ok() ? *parsed : json();
}

template <typename T>
std::string ErrorOf(const Result<T>& r) {
  EXPECT_FALSE(r.ok());
  if (r.ok()) return "";
  EXPECT_EQ(r.error().code(), ErrorCode::kParse);
  return r.error().message();
}

TEST(JsonFieldsTest, ReadsEachTypeWhenPresentAndWellFormed) {
  const json doc = Parse(R"({"s": "x", "b": true, "u": 7, "i": -3, "d": 2.5, "h": "0A0b", "id": "01020304",
                            "b64": "AQI=", "a": ["p", "q"], "o": {"k": "v"}})");
  JsonFields f(doc);
  EXPECT_EQ(*f.String("s"), "x");
  EXPECT_EQ(*f.Bool("b"), true);
  EXPECT_EQ(*f.Unsigned("u"), 7u);
  EXPECT_EQ(*f.Integer("i", -5, 5), -3);
  EXPECT_EQ(*f.Number("d"), 2.5);
  EXPECT_EQ(*f.Number("u"), 7.0);
  EXPECT_EQ(*f.Hex("h", 2), (Bytes{0x0a, 0x0b}));
  EXPECT_EQ(f.SecretHex("h", 2)->span()[1], 0x0b);
  EXPECT_EQ(*f.HexU32("id"), 0x01020304u);
  EXPECT_EQ(*f.Base64("b64"), (Bytes{1, 2}));
  EXPECT_EQ(*f.StringArray("a"), (std::vector<std::string>{"p", "q"}));
  EXPECT_EQ(*f.Object("o")->String("k"), "v");
  EXPECT_EQ(f.Object("o")->path(), "o");
}

TEST(JsonFieldsTest, OptionalFieldsFallBackOnlyWhenAbsent) {
  const json doc = Parse(R"({"s": 1, "b": "yes"})");
  JsonFields f(doc);
  EXPECT_EQ(*f.OptionalString("absent", "dflt"), "dflt");
  EXPECT_EQ(*f.OptionalBool("absent", true), true);
  EXPECT_FALSE(f.MaybeString("absent")->has_value());
  EXPECT_EQ(ErrorOf(f.OptionalString("s", "dflt")), "field 's': expected a string, got number");
  EXPECT_EQ(ErrorOf(f.MaybeString("s")), "field 's': expected a string, got number");
  EXPECT_EQ(ErrorOf(f.OptionalBool("b", false)), "field 'b': expected true or false, got string");
}

TEST(JsonFieldsTest, MissingFieldNamesItsPathAndDocument) {
  const json doc = Parse(R"({"srtp": {}})");
  JsonFields root(doc, "", "store.json");
  EXPECT_EQ(ErrorOf(root.String("name")), "store.json: field 'name': missing");
  EXPECT_EQ(ErrorOf(root.Object("srtp")->Unsigned("cs_id")), "store.json: field 'srtp.cs_id': missing");
  EXPECT_EQ(ErrorOf(JsonFields(doc).Array("list")), "field 'list': missing");
}

TEST(JsonFieldsTest, WrongTypeSaysWhatWasExpectedAndFound) {
  const json doc = Parse(R"({"s": null, "b": 0, "u": "7", "f": 3.0, "a": {}, "o": [], "n": "1"})");
  JsonFields f(doc);
  EXPECT_EQ(ErrorOf(f.String("s")), "field 's': expected a string, got null");
  EXPECT_EQ(ErrorOf(f.Bool("b")), "field 'b': expected true or false, got number");
  EXPECT_EQ(ErrorOf(f.Unsigned("u")), "field 'u': expected a non-negative integer, got string");
  EXPECT_EQ(ErrorOf(f.Unsigned("f")), "field 'f': expected a non-negative integer, got number");
  EXPECT_EQ(ErrorOf(f.Integer("f", 0, 9)), "field 'f': expected an integer, got number");
  EXPECT_EQ(ErrorOf(f.Number("n")), "field 'n': expected a number, got string");
  EXPECT_EQ(ErrorOf(f.Array("a")), "field 'a': expected an array, got object");
  EXPECT_EQ(ErrorOf(f.Object("o")), "field 'o': expected an object, got array");
  EXPECT_EQ(ErrorOf(f.Hex("u")), "field 'u': not hex: hex string has odd length 1");
  EXPECT_EQ(ErrorOf(f.Hex("b")), "field 'b': expected a string, got number");
  EXPECT_EQ(ErrorOf(f.Base64("b")), "field 'b': expected a string, got number");
}

TEST(JsonFieldsTest, AValueThatIsNotAnObjectIsAnErrorOnEveryRead) {
  const json doc = Parse("[1]");
  JsonFields root(doc, "", "report.json");
  EXPECT_FALSE(root.Has("x"));
  EXPECT_EQ(ErrorOf(root.String("x")), "report.json: expected a JSON object, got array");
  EXPECT_EQ(ErrorOf(root.OptionalString("x", "")), "report.json: expected a JSON object, got array");
  EXPECT_EQ(ErrorOf(root.OptionalBool("x", false)), "report.json: expected a JSON object, got array");
  const json scalar = Parse("5");
  EXPECT_EQ(ErrorOf(JsonFields(scalar, "cases[0]").String("id")), "field 'cases[0]': expected an object, got number");
}

TEST(JsonFieldsTest, NumbersOutOfRangeAreRejectedNotWrapped) {
  const json doc = Parse(R"({"neg": -1, "big": 18446744073709551615, "octet": 256, "int": 4294967296,
                            "low": -4294967296})");
  JsonFields f(doc);
  EXPECT_EQ(ErrorOf(f.Unsigned("neg")), "field 'neg': expected a non-negative integer, got -1");
  EXPECT_EQ(*f.Unsigned("big"), UINT64_MAX);
  EXPECT_EQ(ErrorOf(f.Unsigned("octet", 255)), "field 'octet': 256 is out of range 0..255");
  EXPECT_EQ(*f.Unsigned("octet", 256), 256u);
  EXPECT_EQ(ErrorOf(f.Integer("int", INT32_MIN, INT32_MAX)),
            "field 'int': 4294967296 is out of range -2147483648..2147483647");
  EXPECT_EQ(ErrorOf(f.Integer("low", INT32_MIN, INT32_MAX)),
            "field 'low': -4294967296 is out of range -2147483648..2147483647");
  EXPECT_EQ(ErrorOf(f.Integer("big", INT64_MIN, INT64_MAX)),
            "field 'big': 18446744073709551615 is out of range -9223372036854775808..9223372036854775807");
}

TEST(JsonFieldsTest, HexIsCheckedForDigitsAndLength) {
  const json doc = Parse(R"({"odd": "abc", "bad": "0z", "short": "010203", "empty": ""})");
  JsonFields f(doc, "srtp");
  EXPECT_EQ(ErrorOf(f.Hex("odd")), "field 'srtp.odd': not hex: hex string has odd length 3");
  EXPECT_EQ(ErrorOf(f.Hex("bad")), "field 'srtp.bad': not hex: non-hex character 'z' (at offset 1)");
  EXPECT_EQ(ErrorOf(f.Hex("short", 4)), "field 'srtp.short': expected 4 octets, got 3");
  EXPECT_EQ(ErrorOf(f.HexU32("short")), "field 'srtp.short': expected 4 octets, got 3");
  EXPECT_EQ(f.Hex("empty")->size(), 0u);
  EXPECT_EQ(ErrorOf(f.Hex("empty", 1)), "field 'srtp.empty': expected 1 octets, got 0");
}

TEST(JsonFieldsTest, SecretHexNeverEchoesTheSecretsCharacters) {
  const json doc = Parse(R"({"ksak": "00112233q5", "z": "001122"})");
  JsonFields f(doc, "", "secrets.json");
  EXPECT_EQ(ErrorOf(f.SecretHex("ksak")), "secrets.json: field 'ksak': not hex: non-hex character (at offset 8)");
  EXPECT_EQ(ErrorOf(f.SecretHex("z", 32)), "secrets.json: field 'z': expected 32 octets, got 3");
  EXPECT_EQ(f.SecretHex("z", 3)->span()[2], 0x22);
}

TEST(JsonFieldsTest, Base64IsChecked) {
  const json doc = Parse(R"({"m": "@@@", "e": ""})");
  JsonFields f(doc);
  EXPECT_EQ(ErrorOf(f.Base64("m")).rfind("field 'm': not base64: ", 0), 0u);
  EXPECT_TRUE(f.Base64("e")->empty());
}

TEST(JsonFieldsTest, NestedArraysNameEveryElement) {
  const json doc = Parse(R"({"gktps": [{"b64": "AQ=="}, {"b64": 5}, 7], "roles": ["ue", 3]})");
  JsonFields f(doc);
  EXPECT_EQ(ErrorOf(f.Objects("gktps")), "field 'gktps[2]': expected an object, got number");
  EXPECT_EQ(ErrorOf(f.StringArray("roles")), "field 'roles[1]': expected a string, got number");
  const json two = Parse(R"({"domains": [{"certificate": {}}, {"certificate": {"kms_uri": 1}}]})");
  JsonFields store(two, "", "store.json");
  auto domains = store.Objects("domains");
  ASSERT_TRUE(domains.ok());
  ASSERT_EQ(domains->size(), 2u);
  EXPECT_EQ((*domains)[1].path(), "domains[1]");
  EXPECT_EQ(ErrorOf((*domains)[1].Object("certificate")->String("kms_uri")),
            "store.json: field 'domains[1].certificate.kms_uri': expected a string, got number");
  EXPECT_EQ((*domains)[0].FieldError("certificate", "no KMS URI").message(),
            "store.json: field 'domains[0].certificate': no KMS URI");
}

Result<std::string> UriOf(const JsonFields& f) { return f.String("uri"); }

TEST(JsonFieldsTest, ReadEachReadsEveryRecordOrNamesTheBadOne) {
  const json doc = Parse(R"({"ok": [{"uri": "a"}, {"uri": "b"}], "bad": [{"uri": "a"}, {"url": "b"}]})");
  JsonFields f(doc, "group");
  EXPECT_EQ(*f.ReadEach("ok", &UriOf), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(ErrorOf(f.ReadEach("bad", &UriOf)), "field 'group.bad[1].uri': missing");
}

TEST(JsonFieldsTest, WipeJsonStringsZeroesEveryString) {
  json doc = Parse(R"({"a": "secret", "b": ["xy", {"c": "zz"}], "n": 3})");
  WipeJsonStrings(doc);
  EXPECT_EQ(doc["a"].get<std::string>(), std::string(6, '\0'));
  EXPECT_EQ(doc["b"][0].get<std::string>(), std::string(2, '\0'));
  EXPECT_EQ(doc["b"][1]["c"].get<std::string>(), std::string(2, '\0'));
  EXPECT_EQ(doc["n"], 3);
  nlohmann::ordered_json ordered = {{"k", "v"}};
  WipeJsonStrings(ordered);
  EXPECT_EQ(ordered["k"].get<std::string>(), std::string(1, '\0'));
}

}  // namespace
}  // namespace mcx
