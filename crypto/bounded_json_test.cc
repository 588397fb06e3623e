#include "crypto/bounded_json.h"

#include <string>

#include <gtest/gtest.h>

namespace mcx {
namespace {

std::string Nested(size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST(BoundedJsonTest, ParsesWhatNlohmannParses) {
  const std::string text =
      R"( {"a": [1, -2, 3.5, true, false, null, "x\u00e9\n"], "b": {"c": {}}, "d": [], "big": 18446744073709551615} )";
  auto parsed = ParseBoundedJson(text);
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  EXPECT_EQ(*parsed, nlohmann::json::parse(text));
  EXPECT_TRUE(parsed->at("big").is_number_unsigned());
  EXPECT_TRUE(parsed->at("a").at(1).is_number_integer());
  auto scalar = ParseBoundedJson("42");
  ASSERT_TRUE(scalar.ok());
  EXPECT_EQ(*scalar, 42);
}

TEST(BoundedJsonTest, DepthLimitNamesTheBracketThatWentTooDeep) {
  EXPECT_TRUE(ParseBoundedJson(Nested(64)).ok());
  auto deep = ParseBoundedJson(Nested(65));
  ASSERT_FALSE(deep.ok());
  EXPECT_EQ(deep.error().code(), ErrorCode::kParse);
  EXPECT_EQ(deep.error().message(), "not valid JSON: nested deeper than 64 levels");
  EXPECT_EQ(deep.error().offset(), 64u);
  auto objects = ParseBoundedJson(R"({"a":{"a":{"a":1}}})", {.max_depth = 2});
  ASSERT_FALSE(objects.ok());
  EXPECT_EQ(objects.error().offset(), 10u);
}

// The input of issue 17 item 2: 100,000 levels overflowed the stack.
TEST(BoundedJsonTest, HundredThousandLevelsAreRefusedNotACrash) {
  std::string text = "{\"format\":" + Nested(100000) + "}";
  auto parsed = ParseBoundedJson(text);
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error().message().find("nested deeper than 64"), std::string::npos);
  EXPECT_EQ(parsed.error().offset(), 10u + 63u);
}

TEST(BoundedJsonTest, SizeLimitIsCheckedBeforeParsing) {
  auto parsed = ParseBoundedJson("[1, 2, 3]", {.max_size = 8});
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().message(), "not valid JSON: larger than the limit of 8 octets");
  EXPECT_TRUE(ParseBoundedJson("[1, 2, 3]", {.max_size = 9}).ok());
}

TEST(BoundedJsonTest, ValueLimitCountsScalarsAndContainers) {
  EXPECT_TRUE(ParseBoundedJson("[1,2,[3]]", {.max_values = 5}).ok());
  auto parsed = ParseBoundedJson("[1,2,[3],4]", {.max_values = 5});
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().message(), "not valid JSON: more than 5 values");
  // Where the lexer stood: a number is over once the octet after it is read.
  EXPECT_EQ(parsed.error().offset(), 10u);
}

TEST(BoundedJsonTest, DuplicateKeysAreRefusedAtTheSecondKey) {
  const std::string text = R"({"id":1, "x":{"k":1}, "id":2})";
  auto parsed = ParseBoundedJson(text);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().message(), "not valid JSON: duplicate key \"id\"");
  EXPECT_EQ(parsed.error().offset(), text.rfind("\"id\""));
  // A key holding escaped quotes still points at its opening quote.
  const std::string escaped = R"({"a\"b\\":1,"a\"b\\":2})";
  auto again = ParseBoundedJson(escaped);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().offset(), 12u);
  // The same key in different objects is fine.
  EXPECT_TRUE(ParseBoundedJson(R"({"k":{"k":1},"j":{"k":2}})").ok());
}

// nlohmann's lexer ends the input at a NUL octet: what follows would be
// ignored without this check.
TEST(BoundedJsonTest, NulOctetsAreRefusedAnywhere) {
  std::string text = std::string(R"({"id":1})") + '\0' + "garbage";
  ASSERT_TRUE(nlohmann::json::accept(text));  // the behaviour guarded against
  auto parsed = ParseBoundedJson(text);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().message(), "not valid JSON: NUL octet");
  EXPECT_EQ(parsed.error().offset(), 8u);
}

TEST(BoundedJsonTest, SyntaxErrorsCarryTheOffset) {
  auto parsed = ParseBoundedJson(R"({"a": tru})");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code(), ErrorCode::kParse);
  EXPECT_EQ(parsed.error().message().rfind("not valid JSON: ", 0), 0u) << parsed.error().message();
  EXPECT_EQ(parsed.error().message().find("json.exception"), std::string::npos) << parsed.error().message();
  EXPECT_EQ(parsed.error().offset(), 9u);
  for (const char* bad : {"", "   ", "{", "[1,]", "{\"a\":1}x", "\"\xff\"", "{\"a\" 1}"}) {
    EXPECT_FALSE(ParseBoundedJson(bad).ok()) << bad;
  }
}

TEST(BoundedJsonTest, LimitErrorsAreToldApartFromSyntaxErrors) {
  JsonLimits limits;
  limits.max_size = 64;
  limits.max_depth = 2;
  limits.max_values = 3;
  for (const char* crossed : {"[[[]]]", "[1,2,3]", "[\"01234567890123456789012345678901234567890123456789012345678901\"]"}) {
    auto r = ParseBoundedJson(crossed, limits);
    ASSERT_FALSE(r.ok()) << crossed;
    EXPECT_TRUE(IsJsonLimitError(r.error())) << r.error().ToString();
  }
  for (const char* malformed : {"[1,", "{\"a\":1,\"a\":2}", "nope"}) {
    auto r = ParseBoundedJson(malformed, limits);
    ASSERT_FALSE(r.ok()) << malformed;
    EXPECT_FALSE(IsJsonLimitError(r.error())) << r.error().ToString();
  }
}

}  // namespace
}  // namespace mcx
