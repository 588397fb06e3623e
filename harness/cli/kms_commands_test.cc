#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "crypto/uid.h"
#include "harness/testing/cli_runner.h"
#include "kms/annex_d.h"
#include "kms/key_store.h"
#include "kms/ntp_time.h"
#include "kms/validate.h"

namespace mcx {
namespace {

using testing::RunMcxtest;

constexpr char kPrimary[] = "kms.police.example";
constexpr char kPartner[] = "kms.fire.example";
constexpr char kAlice[] = "sip:alice@police.example";

std::string NewTempDir() {
  std::string pattern = ::testing::TempDir() + "/kms_cli_XXXXXX";
  EXPECT_NE(mkdtemp(pattern.data()), nullptr);
  return pattern;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A store with two seeded domains, as `kms init` builds it.
std::string InitTwoDomains(const std::string& seed = "42") {
  const std::string store = NewTempDir() + "/store";
  auto primary = RunMcxtest({"kms", "init", "--uri", kPrimary, "--seed", seed, "--store", store});
  EXPECT_EQ(primary.exit_code, 0) << primary.out << primary.err;
  EXPECT_NE(primary.out.find("KMS kms.police.example created"), std::string::npos) << primary.out;
  auto partner = RunMcxtest(
      {"kms", "init", "--uri", kPartner, "--key-period", "86400", "--offset", "3600", "--seed", seed, "--store", store});
  EXPECT_EQ(partner.exit_code, 0) << partner.out << partner.err;
  return store;
}

TEST(KmsCommandsTest, ProvisionPrintsAValidKeyProvResponse) {
  const std::string store = InitTwoDomains();
  auto r = RunMcxtest({"kms", "provision", "--store", store, "--kms", kPrimary, "--identity", kAlice, "--at",
                       "2025-03-01T12:00:00Z"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto response = kms::ParseKmsResponse(r.out);
  ASSERT_TRUE(response.ok()) << response.error().ToString() << "\n" << r.out;
  EXPECT_EQ(response->type, kms::KmsMessageType::kKeyProv);
  EXPECT_EQ(response->user_uri, kAlice);
  ASSERT_EQ(response->key_sets.size(), 1u);
  const kms::KmsKeySet& k = response->key_sets[0];
  const uint64_t at = *kms::NtpSecondsFromIso8601("2025-03-01T12:00:00Z");
  EXPECT_EQ(k.key_period_no, *KeyPeriodNumber(at, kms::kDefaultUserKeyPeriod, 0));
  EXPECT_NE(response->client_req_url.find("/keymanagement/identity/v1/keyprov/sip%3Aalice%40police.example/"),
            std::string::npos)
      << response->client_req_url;

  auto loaded = kms::KeyStore::Load(store);
  ASSERT_TRUE(loaded.ok()) << loaded.error().ToString();
  auto cert = loaded->Certificate(kPrimary);
  ASSERT_TRUE(cert.ok());
  EXPECT_TRUE(kms::ValidateKmsKeySet(k, *cert).ok());
  // The key set is now in the store.
  ASSERT_EQ(loaded->StoredKeySets(kPrimary).size(), 1u);
  EXPECT_EQ(loaded->StoredKeySets(kPrimary)[0], k);
}

TEST(KmsCommandsTest, ProvisionByPeriodNumberToAFile) {
  const std::string store = InitTwoDomains();
  const std::string out = store + "/../gms.xml";
  auto r = RunMcxtest({"kms", "provision", "--store", store, "--kms", kPartner, "--identity",
                       "sip:gms@fire.example", "--key-period-no", "20000", "--out", out});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(r.out.empty());
  struct stat st {};
  ASSERT_EQ(::stat(out.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto k = kms::ParseKmsKeySetDocument(ReadAll(out));
  ASSERT_TRUE(k.ok()) << k.error().ToString();
  EXPECT_EQ(k->key_period_no, 20000u);
  EXPECT_EQ(k->user_id, MikeySakkeUid({"sip:gms@fire.example", kPartner, 86400, 3600, 20000}));
}

TEST(KmsCommandsTest, UsageAndInputErrors) {
  const std::string store = InitTwoDomains();
  auto both = RunMcxtest({"kms", "provision", "--store", store, "--kms", kPrimary, "--identity", kAlice,
                          "--key-period-no", "1", "--at", "2025-01-01"});
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_NE(both.err.find("not both"), std::string::npos) << both.err;
  auto bad_at = RunMcxtest({"kms", "provision", "--store", store, "--kms", kPrimary, "--identity", kAlice, "--at",
                            "yesterday"});
  EXPECT_EQ(bad_at.exit_code, 2);
  EXPECT_NE(bad_at.err.find("--at"), std::string::npos) << bad_at.err;
  auto no_kms = RunMcxtest({"kms", "provision", "--store", store, "--kms", "kms.nowhere", "--identity", kAlice});
  EXPECT_EQ(no_kms.exit_code, 1);
  EXPECT_NE(no_kms.out.find("no KMS domain 'kms.nowhere'"), std::string::npos) << no_kms.out;
  auto again = RunMcxtest({"kms", "init", "--uri", kPrimary, "--store", store});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.out.find("already has"), std::string::npos) << again.out;
  auto bad_period = RunMcxtest({"kms", "init", "--uri", "kms.x", "--key-period", "0", "--store", store});
  EXPECT_EQ(bad_period.exit_code, 2);
  auto bad_seed = RunMcxtest({"kms", "init", "--uri", "kms.x", "--seed", "-1", "--store", store});
  EXPECT_EQ(bad_seed.exit_code, 2);
  auto missing = RunMcxtest({"kms", "provision", "--store", store, "--kms", kPrimary});
  EXPECT_EQ(missing.exit_code, 2);
  // Issue 19.9: an unwritable --out is an I/O failure naming the path, not
  // a judgement of the input.
  auto unwritable = RunMcxtest({"kms", "provision", "--store", store, "--kms", kPrimary, "--identity", kAlice,
                                "--key-period-no", "1", "--out", store + "/no-such-dir/response.xml"});
  EXPECT_EQ(unwritable.exit_code, 2) << unwritable.out;
  EXPECT_NE(unwritable.err.find("cannot write " + store + "/no-such-dir/"), std::string::npos) << unwritable.err;
  EXPECT_NE(unwritable.err.find("No such file or directory"), std::string::npos) << unwritable.err;
  EXPECT_EQ(unwritable.err.find("for usage"), std::string::npos) << unwritable.err;
  auto not_store = RunMcxtest({"kms", "show", "--store", NewTempDir()});
  EXPECT_EQ(not_store.exit_code, 1);
  EXPECT_NE(not_store.out.find("not a key store"), std::string::npos) << not_store.out;
  auto no_json = RunMcxtest({"kms", "export", "--store", store});
  EXPECT_EQ(no_json.exit_code, 2);
  auto group = RunMcxtest({"kms"});
  EXPECT_EQ(group.exit_code, 2);
}

TEST(KmsCommandsTest, CertCacheShowsThePartnerAsExternal) {
  const std::string store = InitTwoDomains();
  auto r = RunMcxtest({"kms", "certcache", "--store", store, "--for", kPartner, "--identity", "sip:bob@fire.example"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto response = kms::ParseKmsResponse(r.out);
  ASSERT_TRUE(response.ok()) << response.error().ToString();
  EXPECT_EQ(response->type, kms::KmsMessageType::kCertCache);
  EXPECT_EQ(response->kms_uri, kPartner);
  EXPECT_EQ(response->user_uri, "sip:bob@fire.example");
  ASSERT_EQ(response->certificates.size(), 1u);
  EXPECT_EQ(response->certificates[0].kms_uri, kPrimary);
  EXPECT_EQ(response->certificates[0].role, kms::CertificateRole::kExternal);
  EXPECT_NE(r.out.find("Role=\"External\""), std::string::npos);
  auto unknown = RunMcxtest({"kms", "certcache", "--store", store, "--for", "kms.nowhere"});
  EXPECT_EQ(unknown.exit_code, 1);
}

TEST(KmsCommandsTest, ShowSummarisesDomainsAndKeySets) {
  const std::string store = InitTwoDomains();
  ASSERT_EQ(RunMcxtest({"kms", "provision", "--store", store, "--kms", kPrimary, "--identity", kAlice,
                        "--key-period-no", "1500"})
                .exit_code,
            0);
  auto r = RunMcxtest({"kms", "show", "--store", store});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const char* part : {"2 KMS domains", "KMS kms.police.example", "KMS kms.fire.example",
                           "key period 86400 s, offset 3600 s", "master secrets: yes (seeded)",
                           "trusts as External: kms.fire.example", "sip:alice@police.example  period 1500"}) {
    EXPECT_NE(r.out.find(part), std::string::npos) << part << "\n" << r.out;
  }
}

TEST(KmsCommandsTest, ExportKeepsSecretsOutUnlessAskedAndIsDeterministic) {
  const std::string store_a = InitTwoDomains("7");
  const std::string store_b = InitTwoDomains("7");
  for (const std::string& store : {store_a, store_b}) {
    ASSERT_EQ(RunMcxtest({"kms", "provision", "--store", store, "--kms", kPrimary, "--identity", kAlice,
                          "--key-period-no", "1500"})
                  .exit_code,
              0);
  }
  auto pub = RunMcxtest({"kms", "export", "--store", store_a, "--json"});
  ASSERT_EQ(pub.exit_code, 0) << pub.err;
  auto json = nlohmann::json::parse(pub.out);
  EXPECT_EQ(json["format"], "mcxtest-kms-store");
  EXPECT_FALSE(json["includes_secrets"].get<bool>());
  ASSERT_EQ(json["domains"].size(), 2u);
  EXPECT_EQ(pub.out.find("\"ksak\""), std::string::npos);
  EXPECT_EQ(pub.out.find("\"user_signing_key\""), std::string::npos);

  const std::string out = store_a + "/../secrets.json";
  auto secret = RunMcxtest({"kms", "export", "--store", store_a, "--json", "--include-secrets", "--out", out});
  ASSERT_EQ(secret.exit_code, 0) << secret.err;
  const std::string secret_json = ReadAll(out);
  EXPECT_NE(secret_json.find("\"ksak\""), std::string::npos);
  EXPECT_NE(secret_json.find("\"user_decrypt_key\""), std::string::npos);
  struct stat st {};
  ASSERT_EQ(::stat(out.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  // Same seed, same commands: the same keys, secrets included.
  auto secret_b = RunMcxtest({"kms", "export", "--store", store_b, "--json", "--include-secrets"});
  ASSERT_EQ(secret_b.exit_code, 0);
  EXPECT_EQ(secret_b.out, secret_json);
  // The export is itself a loadable store.
  auto show = RunMcxtest({"kms", "show", "--store", out});
  EXPECT_EQ(show.exit_code, 0) << show.out;
  EXPECT_NE(show.out.find("sip:alice@police.example  period 1500"), std::string::npos) << show.out;
}

TEST(KmsCommandsTest, ServeChecksItsListenAddressAndRunsForADuration) {
  const std::string store = InitTwoDomains();
  auto remote = RunMcxtest({"kms", "serve", "--store", store, "--listen", "192.0.2.1:8080"});
  EXPECT_EQ(remote.exit_code, 2);
  EXPECT_NE(remote.err.find("--allow-remote"), std::string::npos) << remote.err;
  auto malformed = RunMcxtest({"kms", "serve", "--store", store, "--listen", "127.0.0.1"});
  EXPECT_EQ(malformed.exit_code, 2);
  auto bad_port = RunMcxtest({"kms", "serve", "--store", store, "--listen", "127.0.0.1:99999"});
  EXPECT_EQ(bad_port.exit_code, 2);
  auto bad_kms = RunMcxtest({"kms", "serve", "--store", store, "--listen", "127.0.0.1:0", "--kms", "kms.nowhere"});
  EXPECT_EQ(bad_kms.exit_code, 1);
  auto no_token = RunMcxtest({"kms", "serve", "--store", store, "--listen", "127.0.0.1:0", "--token",
                             store + "/no-such-token"});
  EXPECT_EQ(no_token.exit_code, 2);
  EXPECT_NE(no_token.err.find("--token"), std::string::npos) << no_token.err;
  std::ofstream(store + "/../empty-token") << "\n";
  auto empty_token = RunMcxtest({"kms", "serve", "--store", store, "--listen", "127.0.0.1:0", "--token",
                                store + "/../empty-token"});
  EXPECT_EQ(empty_token.exit_code, 2);
  EXPECT_NE(empty_token.err.find("is empty"), std::string::npos) << empty_token.err;
  auto run = RunMcxtest({"kms", "serve", "--store", store, "--listen", "127.0.0.1:0", "--duration", "1"});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("KMS simulator listening on http://127.0.0.1:"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("/keymanagement/identity/v1 (KMS domains: kms.fire.example, kms.police.example)"),
            std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("KMS simulator stopped"), std::string::npos) << run.out;
}

// Eight processes provision the same new identity of a domain with random
// secrets at once, so each issues different keys: the first one stored wins
// and every process prints that stored key set.
TEST(KmsCommandsTest, ConcurrentProvisionOfANewIdentityAgreesOnTheStoredKeySet) {
  const std::string dir = NewTempDir();
  const std::string store = dir + "/store";
  auto init = RunMcxtest({"kms", "init", "--uri", kPrimary, "--store", store});
  ASSERT_EQ(init.exit_code, 0) << init.out << init.err;
  constexpr int kProcesses = 8;
  std::vector<pid_t> children;
  for (int i = 0; i < kProcesses; ++i) {
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      auto r = RunMcxtest({"kms", "provision", "--store", store, "--kms", kPrimary, "--identity", kAlice,
                           "--key-period-no", "1500"});
      std::ofstream(dir + "/out." + std::to_string(i)) << r.out << r.err;
      _exit(r.exit_code);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "provision process exited with " << status;
  }
  auto loaded = kms::KeyStore::Load(store);
  ASSERT_TRUE(loaded.ok()) << loaded.error().ToString();
  const std::vector<kms::KmsKeySet> stored = loaded->StoredKeySets(kPrimary);
  ASSERT_EQ(stored.size(), 1u);
  for (int i = 0; i < kProcesses; ++i) {
    const std::string printed = ReadAll(dir + "/out." + std::to_string(i));
    auto response = kms::ParseKmsResponse(printed);
    ASSERT_TRUE(response.ok()) << "process " << i << ": " << printed;
    ASSERT_EQ(response->key_sets.size(), 1u);
    EXPECT_EQ(response->key_sets[0], stored[0]) << "process " << i << " printed another key set";
  }
}

// --out never writes through what sits at the path: a symlink to another
// file or a hard link shared with one is replaced by a new file, mode 0600
// from the start when it holds secrets, and no temporary is left behind.
TEST(KmsCommandsTest, OutReplacesTheFileInsteadOfWritingThroughIt) {
  const std::string store = InitTwoDomains();
  const std::string dir = NewTempDir();
  const std::string victim = dir + "/victim.txt";
  std::ofstream(victim) << "precious";
  const std::string via_symlink = dir + "/export.json";
  ASSERT_EQ(symlink(victim.c_str(), via_symlink.c_str()), 0);
  auto exported = RunMcxtest({"kms", "export", "--store", store, "--json", "--include-secrets", "--out", via_symlink});
  ASSERT_EQ(exported.exit_code, 0) << exported.out << exported.err;
  EXPECT_EQ(ReadAll(victim), "precious");
  struct stat st {};
  ASSERT_EQ(lstat(via_symlink.c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_NE(ReadAll(via_symlink).find("\"includes_secrets\": true"), std::string::npos);

  const std::string shared = dir + "/keys.xml";
  const std::string other_name = dir + "/other-name.xml";
  std::ofstream(shared) << "old";
  ASSERT_EQ(chmod(shared.c_str(), 0644), 0);
  ASSERT_EQ(link(shared.c_str(), other_name.c_str()), 0);
  auto provisioned = RunMcxtest({"kms", "provision", "--store", store, "--kms", kPrimary, "--identity", kAlice,
                                 "--key-period-no", "1500", "--out", shared});
  ASSERT_EQ(provisioned.exit_code, 0) << provisioned.out << provisioned.err;
  EXPECT_EQ(ReadAll(other_name), "old");
  ASSERT_EQ(stat(shared.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(st.st_nlink, 1u);
  EXPECT_TRUE(kms::ParseKmsResponse(ReadAll(shared)).ok());

  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) names.push_back(entry.path().filename());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"export.json", "keys.xml", "other-name.xml", "victim.txt"}));
}

}  // namespace
}  // namespace mcx
