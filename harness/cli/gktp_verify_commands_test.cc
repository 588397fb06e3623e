#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "harness/testing/cli_runner.h"
#include "kms/annex_d.h"
#include "kms/key_store.h"

namespace mcx {
namespace {

using testing::RunMcxtest;

constexpr char kKms[] = "kms.police.example";
constexpr char kGmk[] = "000102030405060708090a0b0c0d0e0f";

class GktpVerifyCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tmp = std::getenv("TEST_TMPDIR");
    dir_ = std::string(tmp ? tmp : "/tmp") + "/store-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    auto store = kms::KeyStore::Create(dir_);
    ASSERT_TRUE(store.ok()) << store.error().ToString();
    ASSERT_TRUE(store->CreateDomain({kKms, 86400, 0, 7}).ok());
    ASSERT_TRUE(store->Provision(kKms, "sip:gms@police.example", 45289).ok());
    ASSERT_TRUE(store->Provision(kKms, "sip:alice@police.example", 45289).ok());
  }

  std::string Build(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"gktp", "build", "--store", dir_, "--from", "sip:gms@police.example",
                                     "--to", "sip:alice@police.example", "--gmk", kGmk, "--gmk-id", "0abcdef1",
                                     "--ntp-seconds", "3913056000", "--rand", std::string(32, 'a')};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = RunMcxtest(args);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    return r.line();
  }

  std::vector<std::string> Verify(const std::string& b64) {
    return {"gktp", "verify", "--b64", b64, "--store", dir_, "--recipient", "sip:alice@police.example",
            "--expect-sender", "sip:gms@police.example", "--now-ntp", "3913056000", "--json"};
  }

  std::string dir_;
};

TEST_F(GktpVerifyCliTest, BuiltMessageVerifiesAndRevealsGmkOnlyOnRequest) {
  std::string b64 = Build({"--identity-hiding", "--key-params", "rel15", "--sakke-to-self"});
  ASSERT_EQ(b64.rfind("ARo", 0), 0u) << b64;
  auto r = RunMcxtest(Verify(b64));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(j["accepted"].get<bool>());
  EXPECT_EQ(j["gmk_id"], "0abcdef1");
  EXPECT_FALSE(j.contains("gmk"));
  for (const auto& c : j["checks"]) EXPECT_NE(c["status"], "fail") << c.dump();
  auto args = Verify(b64);
  args.push_back("--reveal-gmk");
  auto revealed = RunMcxtest(args);
  EXPECT_EQ(nlohmann::json::parse(revealed.out)["gmk"], kGmk);
}

// Issue 19.4: a GMS shim keys MCVideo groups (cs_id 5) as the request asks.
TEST_F(GktpVerifyCliTest, BuildPutsTheCsIdInTheGenericIdMap) {
  auto cs_id_of = [](const std::string& b64) {
    auto r = RunMcxtest({"gktp", "inspect", "--b64", b64, "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    return nlohmann::json::parse(r.out)["hdr"]["cs_id_map"][0]["cs_id"];
  };
  EXPECT_EQ(cs_id_of(Build()), 4);
  EXPECT_EQ(cs_id_of(Build({"--cs-id", "5"})), 5);
  auto r = RunMcxtest({"gktp", "build", "--store", dir_, "--from", "sip:gms@police.example", "--to",
                       "sip:alice@police.example", "--gmk", kGmk, "--gmk-id", "0abcdef1", "--cs-id", "256"});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.err.find("--cs-id"), std::string::npos) << r.err;
}

TEST_F(GktpVerifyCliTest, TamperedMessageIsRejectedNamingTheCheck) {
  std::string b64 = Build();
  auto wire = FromBase64(b64);
  ASSERT_TRUE(wire.ok());
  (*wire)[wire->size() - 100] ^= 0x01;  // inside s of the signature
  auto r = RunMcxtest(Verify(ToBase64(*wire)));
  EXPECT_EQ(r.exit_code, 1) << r.out;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_FALSE(j["accepted"].get<bool>());
  bool sign_failed = false;
  for (const auto& c : j["checks"]) sign_failed |= c["id"] == "SIGN.VALID" && c["status"] == "fail";
  EXPECT_TRUE(sign_failed) << r.out;
}

TEST_F(GktpVerifyCliTest, WrongRecipientTextOutputSaysRejected) {
  std::string b64 = Build();
  auto r = RunMcxtest({"gktp", "verify", "--b64", b64, "--store", dir_, "--recipient", "sip:bob@police.example",
                       "--recipient-kms", kKms});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("FAIL  IDR.RECIPIENT"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("FAIL  SAKKE.DECAP"), std::string::npos) << r.out;
  // Without the GMK there is no GUK-ID to derive (issue 16.4).
  EXPECT_NE(r.out.find("n/e   GUKID.DERIVATION"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(not evaluated: SAKKE.DECAP failed)"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("FAIL  GUKID.DERIVATION"), std::string::npos) << r.out;
  EXPECT_EQ(r.line().substr(r.line().rfind('\n') + 1), "rejected");
}

TEST_F(GktpVerifyCliTest, JsonNamesTheBlockerOfANotEvaluatedCheck) {
  std::string b64 = Build();
  auto r = RunMcxtest({"gktp", "verify", "--b64", b64, "--store", dir_, "--recipient", "sip:bob@police.example",
                       "--recipient-kms", kKms, "--json"});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  auto j = nlohmann::json::parse(r.out);
  std::map<std::string, nlohmann::json> by_id;
  for (const auto& c : j["checks"]) by_id[c["id"].get<std::string>()] = c;
  ASSERT_TRUE(by_id.count("SAKKE.DECAP") && by_id.count("GUKID.DERIVATION")) << r.out;
  EXPECT_EQ(by_id["GUKID.DERIVATION"]["status"], "not-evaluated");
  EXPECT_EQ(by_id["GUKID.DERIVATION"]["blocked_by"], "SAKKE.DECAP");
  EXPECT_EQ(by_id["SAKKE.DECAP"]["status"], "fail");
  EXPECT_FALSE(by_id["SAKKE.DECAP"].contains("blocked_by"));
}

TEST_F(GktpVerifyCliTest, UsageErrors) {
  std::string b64 = Build();
  EXPECT_EQ(RunMcxtest({"gktp", "verify", "--b64", b64, "--recipient", "sip:a@x"}).exit_code, 2);  // no store
  EXPECT_EQ(RunMcxtest({"gktp", "verify", "--b64", "!!", "--store", dir_, "--recipient", "sip:a@x"}).exit_code, 2);
  EXPECT_EQ(RunMcxtest({"gktp", "verify", "--b64", b64, "--store", dir_}).exit_code, 2);  // no recipient
  EXPECT_EQ(RunMcxtest({"gktp", "verify", "--b64", b64, "--store", "/nonexistent", "--recipient", "sip:a@x"}).exit_code,
            2);
  EXPECT_EQ(RunMcxtest({"gktp", "build", "--store", dir_, "--from", "sip:gms@police.example", "--to",
                        "sip:alice@police.example", "--gmk", "00", "--gmk-id", "01"})
                .exit_code,
            2);
  EXPECT_EQ(RunMcxtest({"gktp", "build", "--store", dir_, "--from", "sip:gms@police.example", "--to",
                        "sip:alice@police.example", "--gmk", kGmk, "--gmk-id", "01", "--key-params", "rel99"})
                .exit_code,
            2);
}

// Issue 19.4: a GMS shim holds only its `provision` request, no key store.
// Built from that request, the message verifies for its recipient under the
// full store, and the GMK-ID is the one asked for.
TEST_F(GktpVerifyCliTest, BuildFromAProvisionRequest) {
  auto store = kms::KeyStore::Load(dir_);
  ASSERT_TRUE(store.ok()) << store.error().ToString();
  auto cert = store->Certificate(kKms);
  ASSERT_TRUE(cert.ok()) << cert.error().ToString();
  auto period = store->KeyPeriodNo(kKms, 3913056000);  // the T the message is built for
  ASSERT_TRUE(period.ok()) << period.error().ToString();
  auto key_set = store->Provision(kKms, "sip:gms@police.example", *period);
  ASSERT_TRUE(key_set.ok()) << key_set.error().ToString();
  kms::KmsResponse init;
  init.type = kms::KmsMessageType::kInit;
  init.user_uri = "sip:gms@police.example";
  init.kms_uri = kKms;
  init.time = "2024-01-01T00:00:00Z";
  init.client_req_url = "https://kms.police.example/keymanagement/identity/v1/init";
  init.certificates = {*cert};
  kms::KmsResponse prov = init;
  prov.type = kms::KmsMessageType::kKeyProv;
  prov.certificates.clear();
  prov.key_sets = {*key_set};
  nlohmann::json request = {
      {"identities",
       {{{"uri", "sip:gms@police.example"},
         {"kms_uri", kKms},
         {"init_xml", kms::WriteKmsResponse(init)},
         {"keyprov_xml", kms::WriteKmsResponse(prov)}}}}};
  const std::string provision = dir_ + "-provision.json";
  {
    std::ofstream out(provision);
    out << request.dump();
  }
  auto built = RunMcxtest({"gktp", "build", "--provision", provision, "--from", "sip:gms@police.example", "--to",
                           "sip:alice@police.example", "--to-kms", kKms, "--gmk", kGmk, "--gmk-id", "0abcdef1",
                           "--ntp-seconds", "3913056000"});
  ASSERT_EQ(built.exit_code, 0) << built.out << built.err;
  auto r = RunMcxtest(Verify(built.line()));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["gmk_id"], "0abcdef1");
  // Both key sources at once is ambiguous.
  EXPECT_EQ(RunMcxtest({"gktp", "build", "--provision", provision, "--store", dir_, "--from",
                        "sip:gms@police.example", "--to", "sip:alice@police.example", "--gmk", kGmk, "--gmk-id",
                        "01"})
                .exit_code,
            2);
}

// Issue 17 item 13: T holds 32-bit NTP seconds; 2^32 wrapped silently to 0.
TEST_F(GktpVerifyCliTest, BuildRefusesAClockPast32Bits) {
  std::vector<std::string> args = {"gktp", "build", "--store", dir_, "--from", "sip:gms@police.example",
                                   "--to", "sip:alice@police.example", "--gmk", kGmk, "--gmk-id", "0abcdef1",
                                   "--ntp-seconds", "4294967296"};
  auto r = RunMcxtest(args);
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("--ntp-seconds: 4294967296 does not fit the 32-bit NTP seconds of the T payload"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.out, "");
}

}  // namespace
}  // namespace mcx
