// `mcxtest crypto sakke-*` against the RFC 6508 / Streamwide vectors and
// through their error paths.
#include <cctype>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "harness/testing/cli_runner.h"
#include "testdata/testdata.h"

namespace mcx {
namespace {

using testing::CliOutput;
using testing::HexField;
using testing::LoadVector;
using testing::RunMcxtest;

std::string Hex(const nlohmann::json& obj, const std::string& key) { return ToHex(HexField(obj, key)); }

void ExpectOneLine(const CliOutput& r, const std::string& expected) {
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out, expected + "\n");
  EXPECT_TRUE(r.err.empty()) << r.err;
}

void ExpectRejected(const CliOutput& r, const std::string& mention) {
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(r.line().rfind("invalid: ", 0), 0u) << r.out;
  EXPECT_NE(r.out.find(mention), std::string::npos) << "stdout lacks '" << mention << "': " << r.out;
  EXPECT_EQ(r.out.find('\n'), r.out.size() - 1) << "more than one line: " << r.out;
}

void ExpectUsageError(const CliOutput& r, const std::string& mention) {
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_NE(r.err.find(mention), std::string::npos) << "stderr lacks '" << mention << "': " << r.err;
}

class SakkeCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override { v_ = LoadVector("rfc6508_sakke.json"); }
  nlohmann::json v_;
};

TEST_F(SakkeCommandsTest, KmsKeygenPrintsZ) {
  ExpectOneLine(RunMcxtest({"crypto", "sakke-kms-keygen", "--z", Hex(v_, "z")}), Hex(v_, "Z"));
}

TEST_F(SakkeCommandsTest, IssuePrintsTheRsk) {
  ExpectOneLine(RunMcxtest({"crypto", "sakke-issue", "--z", Hex(v_, "z"), "--id", Hex(v_, "b")}),
                Hex(v_, "RSK"));
}

TEST_F(SakkeCommandsTest, EncapPrintsTheEncapsulatedData) {
  ExpectOneLine(RunMcxtest({"crypto", "sakke-encap", "--z-pub", Hex(v_, "Z"), "--id", Hex(v_, "b"), "--ssv",
                            Hex(v_, "SSV")}),
                Hex(v_, "encapsulated_data"));
}

TEST_F(SakkeCommandsTest, DecapPrintsTheSsv) {
  ExpectOneLine(RunMcxtest({"crypto", "sakke-decap", "--z-pub", Hex(v_, "Z"), "--id", Hex(v_, "b"), "--rsk",
                            Hex(v_, "RSK"), "--ed", Hex(v_, "encapsulated_data")}),
                Hex(v_, "SSV"));
}

TEST_F(SakkeCommandsTest, UppercaseHexInputIsAcceptedAndOutputIsLowercase) {
  std::string z = Hex(v_, "z");
  for (char& c : z) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  ExpectOneLine(RunMcxtest({"crypto", "sakke-kms-keygen", "--z", z}), Hex(v_, "Z"));
}

TEST_F(SakkeCommandsTest, DecapOfStreamwideUserWithTheirUid) {
  nlohmann::json sw = LoadVector("interop_streamwide_v5.json");
  const auto& user = sw.at("users").at(1);
  std::string ssv = "00112233445566778899aabbccddeeff";
  CliOutput enc = RunMcxtest(
      {"crypto", "sakke-encap", "--z-pub", Hex(sw.at("kms"), "Z"), "--id", Hex(user, "uid"), "--ssv", ssv});
  ASSERT_EQ(enc.exit_code, 0) << enc.out << enc.err;
  EXPECT_EQ(enc.line().size(), 2 * 273u);
  ExpectOneLine(RunMcxtest({"crypto", "sakke-decap", "--z-pub", Hex(sw.at("kms"), "Z"), "--id",
                            Hex(user, "uid"), "--rsk", Hex(user, "rsk"), "--ed", enc.line()}),
                ssv);
}

TEST_F(SakkeCommandsTest, DecapRejectsTamperedData) {
  std::string ed = Hex(v_, "encapsulated_data");
  std::string bad_h = ed;
  bad_h.back() = bad_h.back() == '0' ? '1' : '0';
  ExpectRejected(RunMcxtest({"crypto", "sakke-decap", "--z-pub", Hex(v_, "Z"), "--id", Hex(v_, "b"), "--rsk",
                             Hex(v_, "RSK"), "--ed", bad_h}),
                 "R != [r]");
  std::string bad_r = ed;
  bad_r[10] = bad_r[10] == '0' ? '1' : '0';
  ExpectRejected(RunMcxtest({"crypto", "sakke-decap", "--z-pub", Hex(v_, "Z"), "--id", Hex(v_, "b"), "--rsk",
                             Hex(v_, "RSK"), "--ed", bad_r}),
                 "not on the curve");
  ExpectRejected(RunMcxtest({"crypto", "sakke-decap", "--z-pub", Hex(v_, "Z"), "--id", Hex(v_, "b"), "--rsk",
                             Hex(v_, "RSK"), "--ed", ed.substr(0, ed.size() - 2)}),
                 "encapsulated data");
}

TEST_F(SakkeCommandsTest, DecapWithAnotherIdentityIsRejected) {
  std::string id = Hex(v_, "b");
  id[0] = id[0] == '3' ? '4' : '3';
  ExpectRejected(RunMcxtest({"crypto", "sakke-decap", "--z-pub", Hex(v_, "Z"), "--id", id, "--rsk",
                             Hex(v_, "RSK"), "--ed", Hex(v_, "encapsulated_data")}),
                 "R != [r]");
}

TEST_F(SakkeCommandsTest, ValueErrorsAreRejections) {
  ExpectRejected(RunMcxtest({"crypto", "sakke-kms-keygen", "--z", "01"}), "[2, q-1]");
  ExpectRejected(RunMcxtest({"crypto", "sakke-issue", "--z", Hex(v_, "z"), "--id", ""}), "id");
  ExpectRejected(RunMcxtest({"crypto", "sakke-encap", "--z-pub", Hex(v_, "Z"), "--id", Hex(v_, "b"), "--ssv",
                             "00112233"}),
                 "ssv");
  ExpectRejected(RunMcxtest({"crypto", "sakke-encap", "--z-pub", "04" + std::string(256, '0'), "--id",
                             Hex(v_, "b"), "--ssv", Hex(v_, "SSV")}),
                 "Z");
  ExpectRejected(RunMcxtest({"crypto", "sakke-decap", "--z-pub", Hex(v_, "Z"), "--id", Hex(v_, "b"), "--rsk",
                             "02" + Hex(v_, "RSK").substr(2), "--ed", Hex(v_, "encapsulated_data")}),
                 "RSK");
}

TEST_F(SakkeCommandsTest, MalformedHexAndMissingFlagsAreUsageErrors) {
  ExpectUsageError(RunMcxtest({"crypto", "sakke-kms-keygen", "--z", "xyz"}), "--z");
  ExpectUsageError(RunMcxtest({"crypto", "sakke-kms-keygen", "--z", "abc"}), "--z");
  ExpectUsageError(RunMcxtest({"crypto", "sakke-kms-keygen"}), "--z");
  ExpectUsageError(RunMcxtest({"crypto", "sakke-issue", "--z", Hex(v_, "z")}), "--id");
  ExpectUsageError(RunMcxtest({"crypto", "sakke-encap", "--z-pub", Hex(v_, "Z"), "--id", Hex(v_, "b"), "--ssv",
                               "zz"}),
                   "--ssv");
  ExpectUsageError(RunMcxtest({"crypto", "sakke-decap", "--z-pub", Hex(v_, "Z"), "--id", Hex(v_, "b"),
                               "--rsk", Hex(v_, "RSK")}),
                   "--ed");
  ExpectUsageError(RunMcxtest({"crypto", "sakke-decap", "--z-pub", Hex(v_, "Z"), "--id", Hex(v_, "b"),
                               "--rsk", Hex(v_, "RSK"), "--ed", "0g"}),
                   "--ed");
}

}  // namespace
}  // namespace mcx
