// `mcxtest crypto` commands other than SAKKE, checked against the published
// vectors and through their error paths.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/cli/cli_util.h"
#include "harness/testing/cli_runner.h"
#include "testdata/testdata.h"

namespace mcx {
namespace {

using testing::CliOutput;
using testing::HexField;
using testing::LoadVector;
using testing::RunMcxtest;

std::string Hex(const nlohmann::json& obj, const std::string& key) { return ToHex(HexField(obj, key)); }
std::string IntHex(const nlohmann::json& obj, const std::string& key) {
  return ToHex(MinimalBigEndian(obj.at(key).get<uint64_t>()));
}
std::string Num(const nlohmann::json& obj, const std::string& key) {
  return std::to_string(obj.at(key).get<uint64_t>());
}

void ExpectUsageError(const CliOutput& r, const std::string& mention) {
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_NE(r.err.find(mention), std::string::npos) << "stderr lacks '" << mention << "': " << r.err;
}

void ExpectRejected(const CliOutput& r, const std::string& mention) {
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(r.line().rfind("invalid: ", 0), 0u) << r.out;
  EXPECT_NE(r.out.find(mention), std::string::npos) << "stdout lacks '" << mention << "': " << r.out;
  EXPECT_EQ(r.out.find('\n'), r.out.size() - 1) << "more than one line: " << r.out;
}

void ExpectOneLine(const CliOutput& r, const std::string& expected) {
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out, expected + "\n");
}

// --- kdf -----------------------------------------------------------------

TEST(CryptoKdfCommandTest, UserSaltOfEveryGukIdCaseIsTheLow28BitsOfItsOutput) {
  nlohmann::json v = LoadVector("ts33180_guk_id.json");
  for (const auto& c : v.at("cases")) {
    SCOPED_TRACE(c.at("id").get<std::string>());
    CliOutput r = RunMcxtest({"crypto", "kdf", "--key", Hex(c, "gmk"), "--fc", "50", "--param",
                              ToHex(ToBytes(c.at("uri").get<std::string>()))});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_EQ(r.line().size(), 64u);
    Bytes out = FromHex(r.line()).value();
    uint32_t low = BigEndianU32(ByteSpan(out).subspan<28, 4>()) & 0x0FFFFFFFu;
    EXPECT_EQ(ToHex(FixedBigEndian(low, 4)), Hex(c, "user_salt"));
  }
}

TEST(CryptoKdfCommandTest, ParametersAreOrderedAndOptional) {
  auto kdf = [](std::vector<std::string> params) {
    std::vector<std::string> args = {"crypto", "kdf", "--key", "00112233", "--fc", "AB"};
    for (const auto& p : params) {
      args.push_back("--param");
      args.push_back(p);
    }
    CliOutput r = RunMcxtest(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.line().size(), 64u);
    return r.line();
  };
  EXPECT_NE(kdf({"01", "02"}), kdf({"02", "01"}));
  EXPECT_NE(kdf({}), kdf({"01"}));
  EXPECT_EQ(kdf({"0a0B"}), kdf({"0a0b"}));  // hex in any case, out lowercase
  EXPECT_EQ(kdf({"0a0b"}).find_first_of("ABCDEF"), std::string::npos);
}

TEST(CryptoKdfCommandTest, ErrorPaths) {
  ExpectUsageError(RunMcxtest({"crypto", "kdf", "--key", "0g", "--fc", "50"}), "--key");
  ExpectUsageError(RunMcxtest({"crypto", "kdf", "--key", "00", "--fc", "5"}), "--fc");
  ExpectUsageError(RunMcxtest({"crypto", "kdf", "--key", "00", "--fc", "5050"}), "--fc");
  ExpectUsageError(RunMcxtest({"crypto", "kdf", "--key", "00", "--fc", "50", "--param", "xyz1"}),
                   "--param");
  ExpectUsageError(RunMcxtest({"crypto", "kdf", "--fc", "50"}), "--key");
  ExpectUsageError(RunMcxtest({"crypto", "kdf", "--key", "00"}), "--fc");
}

// --- uid -----------------------------------------------------------------

TEST(CryptoUidCommandTest, AllPublishedCases) {
  nlohmann::json v = LoadVector("ts33180_uid.json");
  int by_time = 0;
  for (const auto& c : v.at("cases")) {
    SCOPED_TRACE(c.at("id").get<std::string>());
    std::vector<std::string> base = {"crypto",
                                     "uid",
                                     "--uri",
                                     c.at("uri").get<std::string>(),
                                     "--kms-uri",
                                     c.at("kms_uri").get<std::string>(),
                                     "--key-period",
                                     Num(c, "key_period"),
                                     "--key-period-offset",
                                     Num(c, "key_period_offset")};
    std::vector<std::string> args = base;
    args.insert(args.end(), {"--key-period-no", Num(c, "key_period_no")});
    ExpectOneLine(RunMcxtest(args), Hex(c, "uid"));
    if (c.contains("ntp_seconds")) {
      ++by_time;
      args = base;
      args.insert(args.end(), {"--ntp-seconds", Num(c, "ntp_seconds")});
      ExpectOneLine(RunMcxtest(args), Hex(c, "uid"));
    }
  }
  EXPECT_GE(by_time, 1);
}

TEST(CryptoUidCommandTest, ErrorPaths) {
  std::vector<std::string> base = {
      "crypto",          "uid",          "--uri", "sip:a@example.org",   "--kms-uri",
      "kms.example.org", "--key-period", "100",   "--key-period-offset", "50"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    return RunMcxtest(args);
  };
  ExpectUsageError(with({}), "--key-period-no");
  ExpectUsageError(with({"--key-period-no", "1", "--ntp-seconds", "1000"}), "--ntp-seconds");
  ExpectUsageError(with({"--key-period-no", "-1"}), "--key-period-no");
  ExpectUsageError(with({"--ntp-seconds", "12x"}), "--ntp-seconds");
  ExpectUsageError(with({"--key-period-no", "18446744073709551616"}), "--key-period-no");
  ExpectRejected(with({"--ntp-seconds", "49"}), "offset");
  EXPECT_EQ(with({"--ntp-seconds", "50"}).exit_code, 0);
  ExpectUsageError(RunMcxtest({"crypto", "uid", "--uri", "u", "--kms-uri", "k", "--key-period", "1",
                               "--key-period-no", "1"}),
                   "--key-period-offset");
  ExpectRejected(RunMcxtest({"crypto", "uid", "--uri", "u", "--kms-uri", "k", "--key-period", "0",
                             "--key-period-offset", "0", "--ntp-seconds", "5"}),
                 "period");
}

// --- guk-id ----------------------------------------------------------------

TEST(CryptoGukIdCommandTest, AllPublishedCasesAndTheInverse) {
  nlohmann::json v = LoadVector("ts33180_guk_id.json");
  for (const auto& c : v.at("cases")) {
    SCOPED_TRACE(c.at("id").get<std::string>());
    std::string uri = c.at("uri").get<std::string>();
    ExpectOneLine(RunMcxtest({"crypto", "guk-id", "--gmk", Hex(c, "gmk"), "--gmk-id", Hex(c, "gmk_id"),
                              "--uri", uri}),
                  Hex(c, "guk_id"));
    ExpectOneLine(RunMcxtest({"crypto", "guk-id", "--gmk", Hex(c, "gmk"), "--gmk-id", Hex(c, "guk_id"),
                              "--uri", uri}),
                  Hex(c, "gmk_id"));
    if (c.contains("initiator_uri")) {
      CliOutput wrong = RunMcxtest({"crypto", "guk-id", "--gmk", Hex(c, "gmk"), "--gmk-id",
                                    Hex(c, "gmk_id"), "--uri", c.at("initiator_uri").get<std::string>()});
      EXPECT_EQ(wrong.exit_code, 0);
      EXPECT_NE(wrong.line(), Hex(c, "guk_id"));
    }
  }
}

TEST(CryptoGukIdCommandTest, GmkIdWrittenWithoutItsLeadingZeroIsAccepted) {
  nlohmann::json v = LoadVector("ts33180_guk_id.json");
  const nlohmann::json& c = v.at("cases").at(2);
  std::string gmk_id = Hex(c, "gmk_id");
  ASSERT_EQ(gmk_id[0], '0');
  ExpectOneLine(RunMcxtest({"crypto", "guk-id", "--gmk", Hex(c, "gmk"), "--gmk-id", gmk_id.substr(1),
                            "--uri", c.at("uri").get<std::string>()}),
                Hex(c, "guk_id"));
}

TEST(CryptoGukIdCommandTest, ErrorPaths) {
  ExpectUsageError(RunMcxtest({"crypto", "guk-id", "--gmk", "zz", "--gmk-id", "01", "--uri", "u"}),
                   "--gmk");
  ExpectUsageError(RunMcxtest({"crypto", "guk-id", "--gmk", "00", "--gmk-id", "123456789", "--uri", "u"}),
                   "--gmk-id");
  ExpectUsageError(RunMcxtest({"crypto", "guk-id", "--gmk", "00", "--gmk-id", "", "--uri", "u"}),
                   "--gmk-id");
  ExpectUsageError(RunMcxtest({"crypto", "guk-id", "--gmk", "00", "--gmk-id", "01"}), "--uri");
  ExpectRejected(RunMcxtest({"crypto", "guk-id", "--gmk", "", "--gmk-id", "01", "--uri", "u"}), "GMK");
}

// --- srtp-key --------------------------------------------------------------

TEST(CryptoSrtpKeyCommandTest, AllPublishedCases) {
  nlohmann::json v = LoadVector("srtp_master_key.json");
  for (const auto& c : v.at("cases")) {
    SCOPED_TRACE(c.at("id").get<std::string>());
    std::vector<std::string> args = {"crypto",  "srtp-key",      "--gmk",    Hex(c, "tgk"),
                                     "--cs-id", Num(c, "cs_id"), "--csb-id", Hex(c, "csb_id"),
                                     "--rand",  Hex(c, "rand")};
    CliOutput r = RunMcxtest(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    nlohmann::ordered_json out = nlohmann::ordered_json::parse(r.line());
    EXPECT_EQ(out.dump(), r.line());
    EXPECT_EQ(out.size(), 2u);
    EXPECT_EQ(out.at("master_key"), Hex(c, "master_key"));
    EXPECT_EQ(out.at("master_salt"), Hex(c, "master_salt"));
    EXPECT_EQ(out.begin().key(), "master_key");

    args.insert(args.end(), {"--gmk-id", Hex(c, "key_id")});
    r = RunMcxtest(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    out = nlohmann::ordered_json::parse(r.line());
    EXPECT_EQ(out.at("master_key"), Hex(c, "master_key"));
    EXPECT_EQ(out.at("mki"), Hex(c, "key_id") + Hex(c, "csb_id"));
  }
}

TEST(CryptoSrtpKeyCommandTest, ErrorPaths) {
  auto run = [](const std::string& cs_id, const std::string& csb_id, const std::string& rand) {
    return RunMcxtest(
        {"crypto", "srtp-key", "--gmk", "00112233", "--cs-id", cs_id, "--csb-id", csb_id, "--rand", rand});
  };
  ExpectUsageError(run("256", "01", "00"), "--cs-id");
  ExpectUsageError(run("four", "01", "00"), "--cs-id");
  ExpectUsageError(run("4", "0102030405", "00"), "--csb-id");
  ExpectUsageError(run("4", "01", "0"), "--rand");
  ExpectRejected(run("4", "01", ""), "RAND");
  ExpectUsageError(RunMcxtest({"crypto", "srtp-key", "--gmk", "00", "--cs-id", "4", "--csb-id", "01"}),
                   "--rand");
}

// --- ECCSI -----------------------------------------------------------------

class CryptoEccsiCommandTest : public ::testing::Test {
 protected:
  void SetUp() override { v_ = LoadVector("rfc6507_eccsi.json"); }
  nlohmann::json v_;
};

TEST_F(CryptoEccsiCommandTest, KmsKeygen) {
  ExpectOneLine(RunMcxtest({"crypto", "eccsi-kms-keygen", "--ksak", IntHex(v_, "KSAK")}), Hex(v_, "KPAK"));
  ExpectRejected(RunMcxtest({"crypto", "eccsi-kms-keygen", "--ksak", "0000"}), "KSAK is zero");
  ExpectRejected(RunMcxtest({"crypto", "eccsi-kms-keygen", "--ksak", std::string(64, 'f')}), "KSAK");
  ExpectUsageError(RunMcxtest({"crypto", "eccsi-kms-keygen", "--ksak", "12345"}), "--ksak");
  ExpectUsageError(RunMcxtest({"crypto", "eccsi-kms-keygen"}), "--ksak");
}

TEST_F(CryptoEccsiCommandTest, IssueWithGivenV) {
  CliOutput r = RunMcxtest({"crypto", "eccsi-issue", "--ksak", IntHex(v_, "KSAK"), "--id", Hex(v_, "ID"),
                            "--v", IntHex(v_, "v")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::ordered_json out = nlohmann::ordered_json::parse(r.line());
  EXPECT_EQ(out.dump(), r.line());
  EXPECT_EQ(out.at("ssk"), Hex(v_, "SSK"));
  EXPECT_EQ(out.at("pvt"), Hex(v_, "PVT"));
  EXPECT_EQ(out.at("hs"), Hex(v_, "HS"));
  EXPECT_EQ(out.begin().key(), "ssk");
}

TEST_F(CryptoEccsiCommandTest, SignWithGivenJAndVerify) {
  std::vector<std::string> sign = {"crypto", "eccsi-sign",   "--kpak", Hex(v_, "KPAK"),
                                   "--id",   Hex(v_, "ID"),  "--ssk",  Hex(v_, "SSK"),
                                   "--pvt",  Hex(v_, "PVT"), "--msg",  Hex(v_, "M")};
  std::vector<std::string> with_j = sign;
  with_j.insert(with_j.end(), {"--j", IntHex(v_, "j")});
  ExpectOneLine(RunMcxtest(with_j), Hex(v_, "signature"));

  ExpectOneLine(RunMcxtest({"crypto", "eccsi-verify", "--kpak", Hex(v_, "KPAK"), "--id", Hex(v_, "ID"),
                            "--msg", Hex(v_, "M"), "--sig", Hex(v_, "signature")}),
                "valid");

  CliOutput random_j = RunMcxtest(sign);
  ASSERT_EQ(random_j.exit_code, 0) << random_j.err;
  EXPECT_EQ(random_j.line().size(), 258u);
  EXPECT_NE(random_j.line(), Hex(v_, "signature"));
  ExpectOneLine(RunMcxtest({"crypto", "eccsi-verify", "--kpak", Hex(v_, "KPAK"), "--id", Hex(v_, "ID"),
                            "--msg", Hex(v_, "M"), "--sig", random_j.line()}),
                "valid");
}

TEST_F(CryptoEccsiCommandTest, IssueWithRandomVThenSignAndVerifyRoundTrip) {
  CliOutput issued = RunMcxtest({"crypto", "eccsi-issue", "--ksak", IntHex(v_, "KSAK"), "--id", "abcdef"});
  ASSERT_EQ(issued.exit_code, 0) << issued.err;
  nlohmann::json keys = nlohmann::json::parse(issued.line());
  EXPECT_NE(keys.at("pvt"), Hex(v_, "PVT"));
  CliOutput sig = RunMcxtest({"crypto", "eccsi-sign", "--kpak", Hex(v_, "KPAK"), "--id", "abcdef", "--ssk",
                              keys.at("ssk"), "--pvt", keys.at("pvt"), "--msg", ""});
  ASSERT_EQ(sig.exit_code, 0) << sig.err;
  ExpectOneLine(RunMcxtest({"crypto", "eccsi-verify", "--kpak", Hex(v_, "KPAK"), "--id", "abcdef", "--msg",
                            "", "--sig", sig.line()}),
                "valid");
}

TEST_F(CryptoEccsiCommandTest, VerifyRejectsWithTheReason) {
  auto verify = [&](const std::string& kpak, const std::string& msg, const std::string& sig) {
    return RunMcxtest(
        {"crypto", "eccsi-verify", "--kpak", kpak, "--id", Hex(v_, "ID"), "--msg", msg, "--sig", sig});
  };
  std::string kpak = Hex(v_, "KPAK"), msg = Hex(v_, "M"), sig = Hex(v_, "signature");
  std::string other_msg = msg;
  other_msg[0] = other_msg[0] == '0' ? '1' : '0';
  ExpectRejected(verify(kpak, other_msg, sig), "does not verify");
  ExpectRejected(verify(kpak, msg, sig.substr(2)), "128 octets");
  ExpectRejected(verify(kpak, msg, std::string(64, '0') + sig.substr(64)), "r is zero");
  std::string bad_pvt = sig;
  bad_pvt[128] = '0';
  bad_pvt[129] = '3';  // compressed-point prefix
  ExpectRejected(verify(kpak, msg, bad_pvt), "PVT");
  ExpectRejected(verify(kpak.substr(0, 128), msg, sig), "KPAK");
  ExpectUsageError(verify(kpak, msg, sig + "0"), "--sig");
  ExpectUsageError(verify(kpak, "q", sig), "--msg");
  ExpectUsageError(RunMcxtest({"crypto", "eccsi-verify", "--kpak", kpak, "--id", "00", "--msg", msg}),
                   "--sig");
}

TEST_F(CryptoEccsiCommandTest, SignAndIssueErrorPaths) {
  ExpectRejected(RunMcxtest({"crypto", "eccsi-sign", "--kpak", Hex(v_, "KPAK"), "--id", "00", "--ssk", "00",
                             "--pvt", Hex(v_, "PVT"), "--msg", "00"}),
                 "SSK is zero");
  ExpectUsageError(RunMcxtest({"crypto", "eccsi-sign", "--kpak", Hex(v_, "KPAK"), "--id", "00", "--ssk",
                               Hex(v_, "SSK"), "--pvt", Hex(v_, "PVT"), "--msg", "00", "--j", "x"}),
                   "--j");
  ExpectRejected(
      RunMcxtest({"crypto", "eccsi-issue", "--ksak", IntHex(v_, "KSAK"), "--id", "00", "--v", "00"}),
      "v is zero");
  ExpectUsageError(RunMcxtest({"crypto", "eccsi-issue", "--ksak", IntHex(v_, "KSAK")}), "--id");
}

// --- shared flag helpers --------------------------------------------------

TEST(CliUtilTest, HexAndNumberFlagsNameTheFlagOnError) {
  Result<Bytes> hex = cli::ParseHexFlag("--gmk", "0z");
  ASSERT_FALSE(hex.ok());
  EXPECT_EQ(hex.error().message().rfind("--gmk: ", 0), 0u) << hex.error().message();
  EXPECT_EQ(cli::ParseHexUintFlag("--id", "00000000ff", 4).value(), 0xffu);
  EXPECT_EQ(cli::ParseHexUintFlag("--id", "abc", 4).value(), 0xabcu);
  EXPECT_FALSE(cli::ParseHexUintFlag("--id", "0100000000", 4).ok());
  EXPECT_EQ(cli::ParseDecimalFlag("--n", "255", 255).value(), 255u);
  EXPECT_FALSE(cli::ParseDecimalFlag("--n", "256", 255).ok());
  EXPECT_FALSE(cli::ParseDecimalFlag("--n", "9", 5).ok());
  EXPECT_EQ(cli::ParseDecimalFlag("--n", "18446744073709551615").value(), UINT64_MAX);
  EXPECT_FALSE(cli::ParseDecimalFlag("--n", "+1").ok());
  EXPECT_EQ(cli::JsonStringObject({{"b", "1"}, {"a", "\"x\""}}), R"({"b":"1","a":"\"x\""})");

  cli::FlagParser in;
  EXPECT_EQ(in.Hex("--a", "0102"), (Bytes{1, 2}));
  EXPECT_TRUE(in.ok());
  in.Decimal("--b", "x");
  in.Hex("--c", "zz");
  ASSERT_FALSE(in.ok());
  EXPECT_EQ(in.error().rfind("--b: ", 0), 0u) << in.error();  // the first failure is kept
}

}  // namespace
}  // namespace mcx
