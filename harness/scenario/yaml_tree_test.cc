#include "harness/scenario/yaml_tree.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "testdata/testdata.h"

namespace mcx::scenario {
namespace {

YamlTree ParseOrDie(std::string_view text) {
  auto tree = YamlTree::Parse(text);
  EXPECT_TRUE(tree.ok()) << tree.error().message();
  if (!tree.ok()) std::abort();
  return std::move(tree).value();
}

// The problem of a rejected input; fails the test if it was accepted.
YamlProblem ProblemOf(std::string_view text) {
  YamlProblem problem;
  auto tree = YamlTree::Parse(text, &problem);
  EXPECT_FALSE(tree.ok()) << "accepted: " << text;
  if (!tree.ok()) {
    EXPECT_EQ(tree.error().code(), ErrorCode::kParse);
    EXPECT_EQ(tree.error().message(), "line " + std::to_string(problem.line + 1) + ": " + problem.message);
  }
  return problem;
}

TEST(YamlTreeTest, PlainNullSpellingsAreNullAndQuotedOnesAreStrings) {
  YamlTree tree = ParseOrDie(
      "a:\n"
      "b: ~\n"
      "c: null\n"
      "d: Null\n"
      "e: NULL\n"
      "f: 'null'\n"
      "g: \"~\"\n"
      "h: ''\n"
      "i: nULL\n");
  YamlNode root = tree.root();
  for (const char* key : {"a", "b", "c", "d", "e"}) {
    EXPECT_TRUE(root[key].IsNull()) << key;
    EXPECT_TRUE(root[key].plain()) << key;
  }
  EXPECT_TRUE(root["f"].IsScalar());
  EXPECT_EQ(root["f"].text(), "null");
  EXPECT_FALSE(root["f"].plain());
  EXPECT_TRUE(root["g"].IsScalar());
  EXPECT_EQ(root["g"].text(), "~");
  EXPECT_TRUE(root["h"].IsScalar());
  EXPECT_EQ(root["h"].text(), "");
  EXPECT_TRUE(root["i"].IsScalar());  // not one of the core-schema spellings
  EXPECT_TRUE(root["i"].plain());
}

TEST(YamlTreeTest, MissingKeyIsUndefinedNotNull) {
  YamlTree tree = ParseOrDie("present:\nlist: [1]\n");
  YamlNode root = tree.root();
  EXPECT_TRUE(root["present"].IsDefined());
  EXPECT_TRUE(root["present"].IsNull());
  YamlNode absent = root["absent"];
  EXPECT_FALSE(absent.IsDefined());
  EXPECT_FALSE(absent.IsNull());
  EXPECT_EQ(absent.line(), -1);
  // Lookups through undefined or wrongly typed nodes stay undefined.
  EXPECT_FALSE(absent["x"][0].IsDefined());
  EXPECT_FALSE(root["list"]["x"].IsDefined());
  EXPECT_FALSE(root["list"][1].IsDefined());
  EXPECT_FALSE(root[0].IsDefined());
  EXPECT_EQ(root["list"][0].text(), "1");
}

TEST(YamlTreeTest, NodesCarryTheirZeroBasedStartLine) {
  YamlTree tree = ParseOrDie(
      "# comment\n"
      "id: X\n"
      "groups:\n"
      "  - id: g\n"
      "    members:\n"
      "      - alice\n"
      "      - uri: bob\n"
      "        affiliated: false\n"
      "spec: [\"a\",\n"
      "  \"b\"]\n");
  YamlNode root = tree.root();
  EXPECT_EQ(root.line(), 1);
  EXPECT_EQ(root.KeyAt(0).line(), 1);
  EXPECT_EQ(root["id"].line(), 1);
  EXPECT_EQ(root["groups"].line(), 3);
  EXPECT_EQ(root["groups"][0].line(), 3);
  EXPECT_EQ(root["groups"][0]["members"][0].line(), 5);
  EXPECT_EQ(root["groups"][0]["members"][1].line(), 6);
  EXPECT_EQ(root["groups"][0]["members"][1]["affiliated"].line(), 7);
  EXPECT_EQ(root["spec"].line(), 8);
  EXPECT_EQ(root["spec"][1].line(), 9);
}

TEST(YamlTreeTest, MappingsKeepDocumentOrderAndSequencesTheirItems) {
  YamlTree tree = ParseOrDie("z: 1\na: [x, {k: v}, [y]]\nm: 3\n");
  YamlNode root = tree.root();
  ASSERT_TRUE(root.IsMapping());
  ASSERT_EQ(root.size(), 3u);
  EXPECT_EQ(root.KeyAt(0).text(), "z");
  EXPECT_EQ(root.KeyAt(1).text(), "a");
  EXPECT_EQ(root.KeyAt(2).text(), "m");
  EXPECT_EQ(root.ValueAt(2).text(), "3");
  EXPECT_FALSE(root.KeyAt(3).IsDefined());
  YamlNode a = root["a"];
  ASSERT_TRUE(a.IsSequence());
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a[0].text(), "x");
  EXPECT_EQ(a[1]["k"].text(), "v");
  EXPECT_TRUE(a[2].IsSequence());
  EXPECT_EQ(a[2][0].text(), "y");
  EXPECT_EQ(a.text(), "");  // containers have no text
  // root, 3 keys, z's value, a's sequence with x, {k: v} (3 nodes), [y] (2 nodes), m's value
  EXPECT_EQ(tree.node_count(), 1u + 3 + 1 + 1 + 1 + 3 + 2 + 1);
}

TEST(YamlTreeTest, ScalarTextHasEscapesResolvedAndKeepsUtf8) {
  YamlTree tree = ParseOrDie("\xEF\xBB\xBF" "a: \"x\\ty\\u00e9\"\nb: caf\xC3\xA9\nc: 'it''s'\n");
  EXPECT_EQ(tree.root()["a"].text(), "x\ty\xC3\xA9");
  EXPECT_EQ(tree.root()["b"].text(), "caf\xC3\xA9");
  EXPECT_EQ(tree.root()["c"].text(), "it's");
}

TEST(YamlTreeTest, TagsAreIgnored) {
  YamlTree tree = ParseOrDie("a: !!str 5\nb: !!map {k: v}\nc: !custom [1]\nd: !!str ~\n");
  EXPECT_TRUE(tree.root()["a"].IsScalar());
  EXPECT_EQ(tree.root()["a"].text(), "5");
  EXPECT_TRUE(tree.root()["b"].IsMapping());
  EXPECT_TRUE(tree.root()["c"].IsSequence());
  EXPECT_TRUE(tree.root()["d"].IsNull());
}

TEST(YamlTreeTest, EmptyInputIsAnEmptyDocument) {
  for (const char* text : {"", "\n\n", "# only a comment\n", "---\n", "--- ~\n...\n"}) {
    YamlTree tree = ParseOrDie(text);
    EXPECT_TRUE(tree.root().IsNull()) << text;
  }
}

TEST(YamlTreeTest, AnchorsAndAliasesAreRefused) {
  constexpr char kMessage[] = "anchors and aliases are not supported in test cases";
  YamlProblem p = ProblemOf("a: 1\nb: &x 2\n");
  EXPECT_EQ(p.message, kMessage);
  EXPECT_EQ(p.line, 1u);
  EXPECT_EQ(ProblemOf("a: &m {k: v}\n").message, kMessage);
  EXPECT_EQ(ProblemOf("a: &s [1]\n").message, kMessage);
  // An alias to an undefined anchor is already a libyaml error; a defined
  // one is refused at the anchor, before any alias could expand.
  std::string laughs = "a: &a [\"lol\", \"lol\"]\nb: &b [*a, *a, *a]\nc: &c [*b, *b, *b]\n";
  p = ProblemOf(laughs);
  EXPECT_EQ(p.message, kMessage);
  EXPECT_EQ(p.line, 0u);
}

TEST(YamlTreeTest, NonScalarKeysAreRefused) {
  YamlProblem p = ProblemOf("a: 1\n? [x, y]\n: 2\n");
  EXPECT_EQ(p.message, "mapping keys must be scalars");
  EXPECT_EQ(p.line, 1u);
  EXPECT_EQ(ProblemOf("{{k: v}: 1}").message, "mapping keys must be scalars");
}

TEST(YamlTreeTest, DuplicateKeysAreRefusedAtTheSecondOccurrence) {
  YamlProblem p = ProblemOf("a: 1\nb: 2\na: 3\n");
  EXPECT_EQ(p.message, "duplicate key 'a'");
  EXPECT_EQ(p.line, 2u);
  p = ProblemOf("outer:\n  x: 1\n  'x': 2\n");
  EXPECT_EQ(p.message, "duplicate key 'x'");
  EXPECT_EQ(p.line, 2u);

  // Past the pairwise scan: 100 distinct keys, then two repeats; the first
  // repeat in document order is the one reported.
  std::string big;
  for (int i = 0; i < 100; ++i) big += "k" + std::to_string(i) + ": v\n";
  ParseOrDie(big);
  p = ProblemOf(big + "k70: again\nk5: again\n");
  EXPECT_EQ(p.message, "duplicate key 'k70'");
  EXPECT_EQ(p.line, 100u);
}

TEST(YamlTreeTest, MoreThanOneDocumentIsRefused) {
  YamlProblem p = ProblemOf("a: 1\n---\nb: 2\n");
  EXPECT_NE(p.message.find("more than one YAML document"), std::string::npos) << p.message;
  EXPECT_EQ(p.line, 1u);
}

TEST(YamlTreeTest, NestingIsLimitedTo64Levels) {
  auto nested = [](size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); };
  YamlTree ok = ParseOrDie(nested(kMaxYamlDepth));
  EXPECT_TRUE(ok.root().IsSequence());
  YamlProblem p = ProblemOf(nested(kMaxYamlDepth + 1));
  EXPECT_EQ(p.message, "nesting deeper than 64 levels");
  // Far deeper input is refused just the same, without deep recursion.
  EXPECT_EQ(ProblemOf(std::string(100000, '[')).message, "nesting deeper than 64 levels");
  std::string block;
  for (size_t i = 0; i <= kMaxYamlDepth; ++i) block += std::string(i, ' ') + "k:\n";
  p = ProblemOf(block + std::string(kMaxYamlDepth + 1, ' ') + "k: v\n");
  EXPECT_EQ(p.message, "nesting deeper than 64 levels");
  EXPECT_EQ(p.line, kMaxYamlDepth);
}

TEST(YamlTreeTest, SyntaxErrorsNameLibyamlsProblemAndLine) {
  YamlProblem p = ProblemOf("a: 1\nb: [1, 2\nc: 3\n");
  EXPECT_NE(p.message.find("while parsing a flow sequence"), std::string::npos) << p.message;
  EXPECT_GE(p.line, 2u);
  p = ProblemOf("a: 1\nb: \"open\n");
  EXPECT_NE(p.message.find("quoted scalar"), std::string::npos) << p.message;
  p = ProblemOf("a: b: c\n");
  EXPECT_EQ(p.line, 0u);
}

TEST(YamlTreeTest, InvalidUtf8AndControlCharactersAreRefused) {
  YamlProblem p = ProblemOf("a: 1\nb: 2\nc: \xC3\x28\n");
  EXPECT_NE(p.message.find("UTF-8"), std::string::npos) << p.message;
  EXPECT_EQ(p.line, 2u);
  EXPECT_NE(ProblemOf("a: \xFF\n").message.find("UTF-8"), std::string::npos);
  EXPECT_NE(ProblemOf("a: \xED\xA0\x80\n").message.find("invalid Unicode character"), std::string::npos);  // a surrogate
  // UTF-16 with its BOM ("a: 1") is not read as UTF-16.
  EXPECT_NE(ProblemOf(std::string("\xFF\xFE" "a\0:\0 \0" "1\0", 10)).message.find("UTF-8"), std::string::npos);
  for (char c : {'\x01', '\x1B', '\x7F', '\0'}) {
    std::string text = "a: 1\nb: x";
    text += c;
    text += "y\n";
    p = ProblemOf(text);
    EXPECT_NE(p.message.find("control characters are not allowed"), std::string::npos) << int(c) << p.message;
    EXPECT_EQ(p.line, 1u) << int(c);
  }
  // Tabs, CR LF and non-ASCII text are fine.
  YamlTree tree = ParseOrDie("a: x\ty\r\nb: \xE2\x82\xAC\r\n");
  EXPECT_EQ(tree.root()["a"].text(), "x\ty");
  EXPECT_EQ(tree.root()["b"].line(), 1);
}

std::vector<std::string> RealCases() {
  std::vector<std::string> out;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(mcx::testing::RunfilePath("testcases"))) {
    if (entry.path().extension() == ".yaml") out.push_back(mcx::testing::ReadFileOrDie(entry.path().string()));
  }
  return out;
}

TEST(YamlTreeTest, EveryRealTestCaseIsAMappingWithAnId) {
  std::vector<std::string> cases = RealCases();
  // Cases are added, never silently lost: 54 since UE-036 split off UE-021.
  EXPECT_GE(cases.size(), 54u);
  std::set<std::string> ids;
  for (const std::string& text : cases) {
    YamlTree tree = ParseOrDie(text);
    EXPECT_TRUE(tree.root().IsMapping());
    ASSERT_TRUE(tree.root()["id"].IsScalar()) << text.substr(0, 40);
    EXPECT_TRUE(ids.insert(std::string(tree.root()["id"].text())).second) << "duplicate case id " << tree.root()["id"].text();
    EXPECT_TRUE(tree.root()["expect"].IsMapping()) << text.substr(0, 40);
  }
}

// Corrupted real input must give a tree or a problem on a line that exists.
void ExpectTreeOrSaneProblem(const std::string& text, size_t* accepted, size_t* rejected) {
  YamlProblem problem;
  auto tree = YamlTree::Parse(text, &problem);
  if (tree.ok()) {
    ++*accepted;
    return;
  }
  ++*rejected;
  EXPECT_FALSE(problem.message.empty());
  EXPECT_LE(problem.line, static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + 1) << problem.message;
}

TEST(YamlTreeTest, TruncationsAndByteFlipsOfARealCaseNeverCrash) {
  std::vector<std::string> cases = RealCases();
  ASSERT_FALSE(cases.empty());
  const std::string& text = *std::max_element(
      cases.begin(), cases.end(), [](const std::string& a, const std::string& b) { return a.size() < b.size(); });
  size_t accepted = 0, rejected = 0;
  for (size_t n = 0; n <= text.size(); ++n) ExpectTreeOrSaneProblem(text.substr(0, n), &accepted, &rejected);
  // Cutting inside a quoted scalar or a flow collection is an error, cutting
  // between lines is not: both outcomes must have occurred.
  EXPECT_GT(accepted, 0u);
  EXPECT_GT(rejected, 0u);
  accepted = rejected = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    for (unsigned char flip : {0x01, 0x20, 0x80, 0xFF}) {
      std::string mutated = text;
      mutated[i] = static_cast<char>(mutated[i] ^ flip);
      ExpectTreeOrSaneProblem(mutated, &accepted, &rejected);
    }
  }
  EXPECT_GT(accepted, 0u);
  EXPECT_GT(rejected, 0u);
}

}  // namespace
}  // namespace mcx::scenario
