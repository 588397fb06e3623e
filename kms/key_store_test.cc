#include "kms/key_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "crypto/eccsi.h"
#include "crypto/sakke.h"
#include "crypto/uid.h"
#include "kms/drbg.h"
#include "kms/key_material_cache.h"
#include "kms/validate.h"
#include "testdata/testdata.h"

namespace mcx::kms {
namespace {

namespace fs = std::filesystem;

constexpr char kPrimary[] = "kms.police.example";
constexpr char kPartner[] = "kms.fire.example";
constexpr char kAlice[] = "sip:alice@police.example";
constexpr char kGms[] = "sip:gms@police.example";
constexpr char kBob[] = "sip:bob@fire.example";

std::string NewTempDir(const std::string& tag) {
  std::string pattern = ::testing::TempDir() + "/kms_" + tag + "_XXXXXX";
  char* made = mkdtemp(pattern.data());
  EXPECT_NE(made, nullptr);
  return pattern;
}

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteAll(const fs::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

// Every regular file under `dir`, relative path -> content.
std::map<std::string, std::string> Snapshot(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) files[fs::relative(entry.path(), dir).string()] = ReadAll(entry.path());
  }
  return files;
}

DomainConfig Config(const std::string& uri, uint64_t seed) {
  DomainConfig c;
  c.kms_uri = uri;
  c.user_key_period = 2592000;
  c.user_key_offset = 0;
  c.seed = seed;
  return c;
}

// Two seeded domains and a handful of key sets, as the regroup tests use them.
void BuildTwoDomainStore(KeyStore& store, uint64_t seed) {
  ASSERT_TRUE(store.CreateDomain(Config(kPrimary, seed)).ok());
  ASSERT_TRUE(store.CreateDomain(Config(kPartner, seed)).ok());
  for (const char* who : {kAlice, kGms}) {
    auto k = store.Provision(kPrimary, who, 1500);
    ASSERT_TRUE(k.ok()) << k.error().ToString();
  }
  auto bob = store.Provision(kPartner, kBob, 1500);
  ASSERT_TRUE(bob.ok()) << bob.error().ToString();
}

TEST(KeyStoreTest, IssuedKeySetsValidateWithTheCryptoCore) {
  KeyStore store = KeyStore::InMemory();
  ASSERT_TRUE(store.CreateDomain(Config(kPrimary, 7)).ok());
  auto cert = store.Certificate(kPrimary);
  ASSERT_TRUE(cert.ok());
  EXPECT_EQ(cert->role, CertificateRole::kRoot);
  EXPECT_EQ(cert->pub_auth_key.size(), kKpakSize);
  EXPECT_EQ(cert->pub_enc_key.size(), kSakkePointSize);
  EXPECT_TRUE(ValidateKmsCertificate(*cert).ok());

  auto k = store.Provision(kPrimary, kAlice, 1500);
  ASSERT_TRUE(k.ok()) << k.error().ToString();
  const Bytes uid = MikeySakkeUid({kAlice, kPrimary, 2592000, 0, 1500});
  EXPECT_EQ(k->user_id, uid);
  EXPECT_EQ(k->user_uri, kAlice);
  EXPECT_EQ(k->key_period_no, 1500u);
  // Independent checks straight against the crypto core.
  EXPECT_TRUE(eccsi::ValidateUserKeys(cert->pub_auth_key, uid, k->user_signing_key.span(), k->user_pub_token).ok());
  EXPECT_TRUE(sakke::ValidateRsk(cert->pub_enc_key, uid, k->user_decrypt_key.span()).ok());
  // ... and they are not trivially true: the keys fail for another identity.
  const Bytes other = MikeySakkeUid({kGms, kPrimary, 2592000, 0, 1500});
  EXPECT_FALSE(eccsi::ValidateUserKeys(cert->pub_auth_key, other, k->user_signing_key.span(), k->user_pub_token).ok());
  EXPECT_FALSE(sakke::ValidateRsk(cert->pub_enc_key, other, k->user_decrypt_key.span()).ok());
  // A signature made with the issued keys verifies under the KMS's KPAK.
  const Bytes message = ToBytes("regroup");
  auto sig = eccsi::Sign(cert->pub_auth_key, uid, k->user_signing_key.span(), k->user_pub_token, message);
  ASSERT_TRUE(sig.ok());
  EXPECT_TRUE(eccsi::Verify(cert->pub_auth_key, uid, message, *sig).ok());
}

TEST(KeyStoreTest, KeyPeriodValidityCoversThePeriod) {
  auto v = KeyPeriodValidity(2592000, 0, 1500);
  ASSERT_TRUE(v.ok());
  auto k = KeyPeriodNumber(1500ull * 2592000, 2592000, 0);
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(*k, 1500u);
  EXPECT_EQ(v->first, "2023-03-17T00:00:00Z");
  EXPECT_EQ(v->second, "2023-04-15T23:59:59Z");
  EXPECT_FALSE(KeyPeriodValidity(0, 0, 1).ok());
  EXPECT_FALSE(KeyPeriodValidity(2592000, 0, UINT64_MAX / 2).ok());
}

TEST(KeyStoreTest, DirectoryStoreReloadsWithIdenticalContent) {
  const std::string dir = NewTempDir("reload");
  auto created = KeyStore::Create(dir);
  ASSERT_TRUE(created.ok()) << created.error().ToString();
  BuildTwoDomainStore(*created, 11);
  const std::string before = created->ExportJson(/*include_secrets=*/true);

  auto loaded = KeyStore::Load(dir);
  ASSERT_TRUE(loaded.ok()) << loaded.error().ToString();
  EXPECT_EQ(loaded->ExportJson(true), before);
  EXPECT_EQ(loaded->KmsUris(), (std::vector<std::string>{kPartner, kPrimary}));
  EXPECT_TRUE(loaded->HasMasterSecrets(kPrimary));
  auto alice = loaded->KeySet(kAlice, 1500);
  ASSERT_TRUE(alice.ok()) << alice.error().ToString();
  auto alice_again = created->KeySet(kPrimary, kAlice, 1500);
  ASSERT_TRUE(alice_again.ok());
  EXPECT_EQ(**alice, **alice_again);

  // Files: Annex D XML, secrets readable by the owner only.
  const fs::path domain = fs::path(dir) / "domains" / kPrimary;
  EXPECT_NE(ReadAll(domain / "certificate.xml").find("urn:3gpp:ns:mcsecKMSInterface:1.0"), std::string::npos);
  struct stat st {};
  ASSERT_EQ(::stat((domain / "master-secrets.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat((domain / "keysets" / (StoreFileName(kAlice) + ".1500.xml")).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat((domain / "certificate.xml").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
}

TEST(KeyStoreTest, SameSeedGivesByteIdenticalStoresDifferentSeedsDifferentKeys) {
  const std::string a = NewTempDir("seed_a");
  const std::string b = NewTempDir("seed_b");
  const std::string c = NewTempDir("seed_c");
  {
    auto sa = KeyStore::Create(a);
    auto sb = KeyStore::Create(b);
    auto sc = KeyStore::Create(c);
    ASSERT_TRUE(sa.ok() && sb.ok() && sc.ok());
    BuildTwoDomainStore(*sa, 42);
    BuildTwoDomainStore(*sb, 42);
    BuildTwoDomainStore(*sc, 43);
  }
  const auto files_a = Snapshot(a);
  EXPECT_GE(files_a.size(), 8u);  // marker, 2 certificates, 2 secrets, 3 key sets
  EXPECT_EQ(files_a, Snapshot(b));

  auto sa = KeyStore::Load(a);
  auto sc = KeyStore::Load(c);
  ASSERT_TRUE(sa.ok() && sc.ok());
  for (const char* kms : {kPrimary, kPartner}) {
    auto ka = sa->Kms(kms);
    auto kc = sc->Kms(kms);
    ASSERT_TRUE(ka.ok() && kc.ok());
    EXPECT_NE(ka->kpak, kc->kpak) << kms;
    EXPECT_NE(ka->z_t, kc->z_t) << kms;
  }
  // The two domains of one seed are independent too.
  EXPECT_NE(sa->Kms(kPrimary)->kpak, sa->Kms(kPartner)->kpak);
  auto alice_a = sa->KeySet(kAlice, 1500);
  auto alice_c = sc->KeySet(kAlice, 1500);
  ASSERT_TRUE(alice_a.ok() && alice_c.ok());
  EXPECT_FALSE((*alice_a)->user_signing_key == (*alice_c)->user_signing_key);
  EXPECT_NE((*alice_a)->user_pub_token, (*alice_c)->user_pub_token);
  EXPECT_FALSE((*alice_a)->user_decrypt_key == (*alice_c)->user_decrypt_key);
}

TEST(KeyStoreTest, UnseededDomainsAreRandom) {
  KeyStore s1 = KeyStore::InMemory();
  KeyStore s2 = KeyStore::InMemory();
  DomainConfig config;
  config.kms_uri = kPrimary;
  ASSERT_TRUE(s1.CreateDomain(config).ok());
  ASSERT_TRUE(s2.CreateDomain(config).ok());
  EXPECT_NE(s1.Kms(kPrimary)->kpak, s2.Kms(kPrimary)->kpak);
  EXPECT_NE(s1.Kms(kPrimary)->z_t, s2.Kms(kPrimary)->z_t);
  EXPECT_NE(s1.Describe().find("yes (random)"), std::string::npos);
}

TEST(KeyStoreTest, EachDomainTrustsThePartnerAsExternal) {
  KeyStore store = KeyStore::InMemory();
  ASSERT_TRUE(store.CreateDomain(Config(kPrimary, 1)).ok());
  ASSERT_TRUE(store.CreateDomain(Config(kPartner, 1)).ok());
  auto trusted = store.TrustedExternalCertificates(kPrimary);
  ASSERT_TRUE(trusted.ok());
  ASSERT_EQ(trusted->size(), 1u);
  EXPECT_EQ((*trusted)[0].kms_uri, kPartner);
  EXPECT_EQ((*trusted)[0].role, CertificateRole::kExternal);
  EXPECT_EQ((*trusted)[0].pub_auth_key, store.Kms(kPartner)->kpak);
  auto back = store.TrustedExternalCertificates(kPartner);
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->size(), 1u);
  EXPECT_EQ((*back)[0].kms_uri, kPrimary);
  // The stored certificate itself stays Root.
  EXPECT_EQ(store.Certificate(kPartner)->role, CertificateRole::kRoot);
  EXPECT_FALSE(store.TrustedExternalCertificates("kms.unknown.example").ok());
}

// Two stores loaded from one directory (two `kms provision` processes)
// issue different keys for a new identity of a random domain: the key set
// stored first wins, and the second store answers with it too.
TEST(KeyStoreTest, ProvisionFromTwoLoadsOfOneDirectoryAgrees) {
  const std::string dir = NewTempDir("race");
  {
    auto created = KeyStore::Create(dir);
    ASSERT_TRUE(created.ok());
    DomainConfig random;
    random.kms_uri = kPrimary;
    ASSERT_TRUE(created->CreateDomain(random).ok());
  }
  auto first = KeyStore::Load(dir);
  auto second = KeyStore::Load(dir);
  ASSERT_TRUE(first.ok() && second.ok());
  auto a = first->Provision(kPrimary, kAlice, 1500);
  auto b = second->Provision(kPrimary, kAlice, 1500);
  ASSERT_TRUE(a.ok() && b.ok()) << (a.ok() ? b.error().ToString() : a.error().ToString());
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(**second->KeySet(kPrimary, kAlice, 1500), *a);
  auto reloaded = KeyStore::Load(dir);
  ASSERT_TRUE(reloaded.ok());
  EXPECT_EQ(reloaded->StoredKeySets(kPrimary), std::vector<KmsKeySet>{*a});
}

// Key sets issued on demand are kept, so `kms serve` asked about ever new
// identities would grow without end: past the limit KeySet says why.
TEST(KeyStoreTest, OnDemandIssuingStopsAtTheLimit) {
  KeyStore store = KeyStore::InMemory();
  ASSERT_TRUE(store.CreateDomain(Config(kPrimary, 3)).ok());
  store.SetOnDemandIssueLimit(2);
  auto first = store.KeySet(kPrimary, "sip:u1@police.example", 1500);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(store.KeySet(kPrimary, "sip:u2@police.example", 1500).ok());
  auto third = store.KeySet(kPrimary, "sip:u3@police.example", 1500);
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(third.error().message().find("limit of 2 key sets on demand"), std::string::npos)
      << third.error().ToString();
  // Sets already issued still answer; provisioning stores without limit and
  // frees the on-demand slot of a set it stores.
  EXPECT_EQ(store.KeySet(kPrimary, "sip:u1@police.example", 1500)->get(), first->get());
  ASSERT_TRUE(store.Provision(kPrimary, "sip:u1@police.example", 1500).ok());
  EXPECT_TRUE(store.KeySet(kPrimary, "sip:u3@police.example", 1500).ok());
  EXPECT_TRUE(store.Provision(kPrimary, "sip:u4@police.example", 1500).ok());
}

// Readers see the store through kms::KeyLookup: key sets are shared, not
// copied per call, and trust comes back as KMS URIs.
TEST(KeyStoreTest, KeyLookupSharesKeySetsAndNamesTrustedKms) {
  KeyStore store = KeyStore::InMemory();
  ASSERT_TRUE(store.CreateDomain(Config(kPrimary, 1)).ok());
  ASSERT_TRUE(store.CreateDomain(Config(kPartner, 1)).ok());
  ASSERT_TRUE(store.Provision(kPrimary, kAlice, 1500).ok());
  ASSERT_TRUE(store.Provision(kPartner, kBob, 1500).ok());
  ASSERT_TRUE(store.SetTrustedKms(kPartner, {}).ok());
  const KeyLookup& lookup = store;

  auto first = lookup.KeySet(kPrimary, kAlice, 1500);
  auto second = lookup.KeySet(kPrimary, kAlice, 1500);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->get(), second->get());  // stored: one object
  auto issued = lookup.KeySet(kPrimary, kGms, 1500);
  auto issued_again = lookup.KeySet(kPrimary, kGms, 1500);
  ASSERT_TRUE(issued.ok() && issued_again.ok());
  EXPECT_EQ(issued->get(), issued_again->get());  // issued on demand: one object too
  EXPECT_EQ((*issued)->user_uri, kGms);

  EXPECT_EQ(*lookup.TrustedExternalKms(kPrimary), std::vector<std::string>{kPartner});
  EXPECT_TRUE(lookup.TrustedExternalKms(kPartner)->empty());
  EXPECT_FALSE(lookup.TrustedExternalKms("kms.unknown.example").ok());
  EXPECT_EQ(lookup.Identities(), (std::vector<std::string>{kAlice, kBob}));  // stored only, sorted
  EXPECT_EQ(*lookup.KmsForIdentity(kBob), kPartner);
  EXPECT_TRUE(lookup.HasDomain(kPartner));
  EXPECT_EQ(*lookup.KeyPeriodNo(kPrimary, 1500 * kDefaultUserKeyPeriod + 1), 1500u);
}

TEST(KeyStoreTest, LookupsIssueOnDemandDeterministically) {
  KeyStore provisioned = KeyStore::InMemory();
  KeyStore on_demand = KeyStore::InMemory();
  ASSERT_TRUE(provisioned.CreateDomain(Config(kPrimary, 5)).ok());
  ASSERT_TRUE(on_demand.CreateDomain(Config(kPrimary, 5)).ok());
  auto stored = provisioned.Provision(kPrimary, kGms, 1501);
  ASSERT_TRUE(stored.ok());
  auto issued = on_demand.KeySet(kPrimary, kGms, 1501);
  ASSERT_TRUE(issued.ok()) << issued.error().ToString();
  EXPECT_EQ(**issued, *stored);
  // Issued on demand is not stored (nothing to export), but answers again.
  EXPECT_TRUE(on_demand.StoredKeySets(kPrimary).empty());
  auto again = on_demand.KeySet(kPrimary, kGms, 1501);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *issued);  // the same shared object
  // Without a KMS: the only domain of a one-domain store...
  auto only = on_demand.KeySet(kGms, 1501);
  ASSERT_TRUE(only.ok()) << only.error().ToString();
  EXPECT_EQ(*only, *issued);  // the same shared object
  // ... but with two domains the identity must have stored key sets somewhere.
  ASSERT_TRUE(on_demand.CreateDomain(Config(kPartner, 5)).ok());
  EXPECT_FALSE(on_demand.KeySet(kGms, 1501).ok());
  EXPECT_TRUE(on_demand.KeySet(kPrimary, kGms, 1501).ok());
  auto via_identity = provisioned.KeySet(kGms, 1502);
  ASSERT_TRUE(via_identity.ok()) << via_identity.error().ToString();
  EXPECT_EQ((*via_identity)->key_period_no, 1502u);
}

// Stores built over one KeyMaterialCache share their seeded domains and key
// sets (derived once, the same bytes as a store without the cache), while
// what one store changes stays its own.
TEST(KeyMaterialCacheTest, StoresShareDerivedKeysButNotTheirChanges) {
  auto cache = std::make_shared<KeyMaterialCache>();
  KeyStore a = KeyStore::InMemory(cache);
  KeyStore b = KeyStore::InMemory(cache);
  KeyStore alone = KeyStore::InMemory();
  for (KeyStore* s : {&a, &b, &alone}) {
    ASSERT_TRUE(s->CreateDomain(Config(kPrimary, 7)).ok());
    ASSERT_TRUE(s->CreateDomain(Config(kPartner, 7)).ok());
  }
  EXPECT_EQ(cache->counts().domains, 2u);
  EXPECT_EQ(cache->counts().derived, 2u);  // b reused both
  EXPECT_EQ(*a.Certificate(kPrimary), *alone.Certificate(kPrimary));
  EXPECT_EQ(*b.Certificate(kPartner), *alone.Certificate(kPartner));
  EXPECT_EQ(a.ExportJson(true), alone.ExportJson(true));

  auto in_a = a.Provision(kPrimary, kAlice, 1500);
  auto in_b = b.Provision(kPrimary, kAlice, 1500);
  auto in_alone = alone.Provision(kPrimary, kAlice, 1500);
  ASSERT_TRUE(in_a.ok() && in_b.ok() && in_alone.ok());
  EXPECT_EQ(*in_a, *in_alone);
  EXPECT_EQ(*in_b, *in_alone);
  EXPECT_EQ(a.KeySet(kPrimary, kAlice, 1500)->get(), b.KeySet(kPrimary, kAlice, 1500)->get());  // one object
  // A set issued on demand (unchecked) in one store is the same bytes and
  // object in the other, and Provision there still runs the checks.
  auto gms_a = a.KeySet(kPartner, kGms, 1500);
  auto gms_b = b.KeySet(kPartner, kGms, 1500);
  ASSERT_TRUE(gms_a.ok() && gms_b.ok());
  EXPECT_EQ(gms_a->get(), gms_b->get());
  EXPECT_EQ(*b.Provision(kPartner, kGms, 1500), **alone.KeySet(kPartner, kGms, 1500));
  EXPECT_EQ(cache->counts().key_sets, 2u);

  // Changes to one store: trust, an imported domain, a stored key set.
  ASSERT_TRUE(a.SetTrustedKms(kPrimary, {}).ok());
  KeyStore other = KeyStore::InMemory();
  ASSERT_TRUE(other.CreateDomain(Config("kms.other.example", 9)).ok());
  ASSERT_TRUE(a.ImportCertificate(*other.Certificate("kms.other.example")).ok());
  ASSERT_TRUE(a.Provision(kPrimary, kBob, 1500).ok());
  EXPECT_TRUE(a.TrustedExternalKms(kPrimary)->empty());
  EXPECT_EQ(*b.TrustedExternalKms(kPrimary), std::vector<std::string>{kPartner});
  EXPECT_FALSE(b.HasDomain("kms.other.example"));
  EXPECT_EQ(b.StoredKeySets(kPrimary).size(), 1u);  // alice only
  // Creating a domain the cache holds into a store that has it fails as before.
  EXPECT_FALSE(b.CreateDomain(Config(kPrimary, 7)).ok());
}

TEST(KeyMaterialCacheTest, PastItsBoundsStoresDeriveTheSameKeysThemselves) {
  auto cache = std::make_shared<KeyMaterialCache>(/*max_domains=*/1, /*max_key_sets=*/1);
  KeyStore a = KeyStore::InMemory(cache);
  KeyStore b = KeyStore::InMemory(cache);
  for (KeyStore* s : {&a, &b}) {
    ASSERT_TRUE(s->CreateDomain(Config(kPrimary, 11)).ok());
    ASSERT_TRUE(s->CreateDomain(Config(kPartner, 11)).ok());
    ASSERT_TRUE(s->Provision(kPrimary, kAlice, 1500).ok());
    ASSERT_TRUE(s->Provision(kPrimary, kBob, 1500).ok());
  }
  EXPECT_EQ(cache->counts().domains, 1u);
  EXPECT_EQ(cache->counts().key_sets, 1u);
  EXPECT_EQ(a.ExportJson(true), b.ExportJson(true));
  // Unseeded domains never enter the cache.
  DomainConfig random;
  random.kms_uri = "kms.random.example";
  ASSERT_TRUE(a.CreateDomain(random).ok());
  ASSERT_TRUE(b.CreateDomain(random).ok());
  EXPECT_NE(a.Kms(random.kms_uri)->z_t, b.Kms(random.kms_uri)->z_t);
}

TEST(KeyStoreTest, RejectsBadInput) {
  KeyStore store = KeyStore::InMemory();
  ASSERT_TRUE(store.CreateDomain(Config(kPrimary, 1)).ok());
  EXPECT_FALSE(store.CreateDomain(Config(kPrimary, 2)).ok());  // duplicate
  EXPECT_FALSE(store.CreateDomain(Config("", 2)).ok());
  EXPECT_FALSE(store.CreateDomain(Config("kms\nevil", 2)).ok());
  DomainConfig zero = Config("kms.zero.example", 1);
  zero.user_key_period = 0;
  EXPECT_FALSE(store.CreateDomain(zero).ok());
  EXPECT_FALSE(store.Provision(kPrimary, "", 1).ok());
  EXPECT_FALSE(store.Provision(kPrimary, std::string("sip:\x01@x"), 1).ok());
  EXPECT_FALSE(store.Provision(kPrimary, std::string("sip:\xff@x"), 1).ok());
  EXPECT_FALSE(store.Provision(kPrimary, std::string("sip:\xc3@x"), 1).ok());       // truncated sequence
  EXPECT_FALSE(store.Provision(kPrimary, std::string("sip:\xc0\xaf@x"), 1).ok());  // overlong '/'
  EXPECT_TRUE(store.Provision(kPrimary, "sip:j\xc3\xa9r\xc3\xb4me@police.example", 1).ok());
  EXPECT_FALSE(store.Provision("kms.unknown.example", kAlice, 1).ok());
  // A key set that does not belong to its KMS is refused on import.
  auto k = store.Provision(kPrimary, kAlice, 9);
  ASSERT_TRUE(k.ok());
  KmsKeySet tampered = *k;
  tampered.key_period_no = 10;
  auto status = store.ImportKeySet(tampered);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message().find("UserID"), std::string::npos) << status.error().message();
  EXPECT_FALSE(KeyStore::Create("").ok());
}

class LoadFailureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = NewTempDir("broken");
    auto store = KeyStore::Create(dir_);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE(store->CreateDomain(Config(kPrimary, 3)).ok());
    ASSERT_TRUE(store->Provision(kPrimary, kAlice, 1500).ok());
    ASSERT_TRUE(KeyStore::Load(dir_).ok());
  }
  fs::path Domain() const { return fs::path(dir_) / "domains" / kPrimary; }
  fs::path AliceFile() const { return Domain() / "keysets" / (StoreFileName(kAlice) + ".1500.xml"); }
  std::string LoadError() const {
    auto loaded = KeyStore::Load(dir_);
    return loaded.ok() ? "" : loaded.error().ToString();
  }
  std::string dir_;
};

TEST_F(LoadFailureTest, TamperedSskFailsValidationNamingFileAndElement) {
  std::string xml = ReadAll(AliceFile());
  const size_t at = xml.find("<UserSigningKeySSK>") + std::string("<UserSigningKeySSK>").size();
  xml[at + 10] = xml[at + 10] == 'A' ? 'B' : 'A';
  WriteAll(AliceFile(), xml);
  const std::string e = LoadError();
  EXPECT_NE(e.find("UserSigningKeySSK"), std::string::npos) << e;
  EXPECT_NE(e.find(".1500.xml"), std::string::npos) << e;
}

TEST_F(LoadFailureTest, TamperedRskFailsValidation) {
  std::string xml = ReadAll(AliceFile());
  auto k = ParseKmsKeySetDocument(xml);
  ASSERT_TRUE(k.ok());
  // Swap in another valid point (Z_T itself) as the RSK.
  k->user_decrypt_key = SecretBytes(KeyStore::Load(dir_)->Kms(kPrimary)->z_t);
  WriteAll(AliceFile(), WriteKmsKeySetDocument(*k));
  const std::string e = LoadError();
  EXPECT_NE(e.find("UserDecryptKey"), std::string::npos) << e;
}

TEST_F(LoadFailureTest, MalformedKeySetXml) {
  WriteAll(AliceFile(), "<KmsKeySet xmlns=\"urn:3gpp:ns:mcsecKMSInterface:1.0\">");
  const std::string e = LoadError();
  EXPECT_NE(e.find("malformed XML"), std::string::npos) << e;
}

TEST_F(LoadFailureTest, KeySetInTheWrongFile) {
  fs::rename(AliceFile(), Domain() / "keysets" / "someone-else.1500.xml");
  const std::string e = LoadError();
  EXPECT_NE(e.find("belongs in"), std::string::npos) << e;
}

TEST_F(LoadFailureTest, SecretsThatDoNotMatchTheCertificate) {
  std::string json = ReadAll(Domain() / "master-secrets.json");
  const size_t at = json.find("\"ksak\": \"") + 9;
  json[at + 5] = json[at + 5] == '1' ? '2' : '1';
  WriteAll(Domain() / "master-secrets.json", json);
  const std::string e = LoadError();
  EXPECT_NE(e.find("ksak does not match"), std::string::npos) << e;
}

TEST_F(LoadFailureTest, UnexpectedFileAndMissingMarker) {
  WriteAll(Domain() / "notes.txt", "hello");
  EXPECT_NE(LoadError().find("unexpected file"), std::string::npos);
  fs::remove(Domain() / "notes.txt");
  fs::remove(fs::path(dir_) / "keystore.json");
  EXPECT_NE(LoadError().find("not a key store"), std::string::npos);
}

TEST_F(LoadFailureTest, CertificateMovedToAnotherDomainDirectory) {
  fs::rename(Domain(), fs::path(dir_) / "domains" / "kms.other.example");
  EXPECT_NE(LoadError().find("does not belong in directory"), std::string::npos);
}

TEST(KeyStoreTest, JsonExportHidesSecretsUnlessAskedAndLoadsBack) {
  const std::string dir = NewTempDir("json");
  auto store = KeyStore::Create(dir);
  ASSERT_TRUE(store.ok());
  BuildTwoDomainStore(*store, 9);

  const std::string public_json = store->ExportJson(false);
  for (const char* secret_field : {"\"ksak\"", "\"master_secrets\"", "\"user_signing_key\"", "\"user_decrypt_key\"",
                                   "\"drbg_key\""}) {
    EXPECT_EQ(public_json.find(secret_field), std::string::npos) << secret_field;
  }
  const auto alice = store->KeySet(kPrimary, kAlice, 1500);
  ASSERT_TRUE(alice.ok());
  EXPECT_EQ(public_json.find(ToHex((*alice)->user_signing_key.span())), std::string::npos);
  EXPECT_NE(public_json.find(ToHex((*alice)->user_pub_token)), std::string::npos);
  EXPECT_NE(public_json.find("\"trusted_external_kms\""), std::string::npos);

  const std::string secret_json = store->ExportJson(true);
  EXPECT_NE(secret_json.find(ToHex((*alice)->user_signing_key.span())), std::string::npos);
  EXPECT_NE(secret_json.find(ToHex((*alice)->user_decrypt_key.span())), std::string::npos);

  const std::string file = dir + "/../export_" + fs::path(dir).filename().string() + ".json";
  WriteAll(file, secret_json);
  auto from_json = KeyStore::Load(file);
  ASSERT_TRUE(from_json.ok()) << from_json.error().ToString();
  EXPECT_EQ(from_json->ExportJson(true), secret_json);
  EXPECT_TRUE(from_json->directory().empty());

  WriteAll(file, public_json);
  auto public_only = KeyStore::Load(file);
  ASSERT_TRUE(public_only.ok()) << public_only.error().ToString();
  EXPECT_FALSE(public_only->HasMasterSecrets(kPrimary));
  EXPECT_EQ(public_only->Kms(kPartner)->kpak, store->Kms(kPartner)->kpak);

  // A bad secret is named by its path in the file, never echoed.
  const std::string ssk = ToHex((*alice)->user_signing_key.span());
  for (const auto& [replacement, problem] :
       {std::pair{ssk.substr(0, 62), std::string("expected 32 octets, got 31")},
        std::pair{ssk.substr(0, 10) + "q" + ssk.substr(11), std::string("not hex: non-hex character (at offset 10)")}}) {
    WriteAll(file, std::string(secret_json).replace(secret_json.find(ssk), ssk.size(), replacement));
    auto bad = KeyStore::Load(file);
    ASSERT_FALSE(bad.ok());
    const std::string e = bad.error().message();
    EXPECT_NE(e.find(": field 'domains["), std::string::npos) << e;
    EXPECT_NE(e.find("].key_sets["), std::string::npos) << e;
    EXPECT_NE(e.find("].user_signing_key': " + problem), std::string::npos) << e;
    EXPECT_EQ(e.find(ssk.substr(0, 10)), std::string::npos) << e;
  }

  WriteAll(file, "{\"format\": \"something-else\", \"version\": 1}");
  EXPECT_FALSE(KeyStore::Load(file).ok());
  WriteAll(file, "not json");
  EXPECT_FALSE(KeyStore::Load(file).ok());
}

// A trust list set with SetTrustedKms survives export and load: the
// dissector's key store must not trust a KMS the harness's store did not.
TEST(KeyStoreTest, JsonExportCarriesExplicitTrustListsAndLoadHonoursThem) {
  KeyStore store = KeyStore::InMemory();
  ASSERT_TRUE(store.CreateDomain(Config(kPrimary, 3)).ok());
  ASSERT_TRUE(store.CreateDomain(Config(kPartner, 3)).ok());
  ASSERT_TRUE(store.SetTrustedKms(kPrimary, {}).ok());
  const std::string file = NewTempDir("trust") + "/store.json";
  WriteAll(file, store.ExportJson(false));
  auto loaded = KeyStore::Load(file);
  ASSERT_TRUE(loaded.ok()) << loaded.error().ToString();
  auto primary_trusts = loaded->TrustedExternalCertificates(kPrimary);
  ASSERT_TRUE(primary_trusts.ok());
  EXPECT_TRUE(primary_trusts->empty());
  auto partner_trusts = loaded->TrustedExternalCertificates(kPartner);  // no list: every other domain
  ASSERT_TRUE(partner_trusts.ok());
  ASSERT_EQ(partner_trusts->size(), 1u);
  EXPECT_EQ(partner_trusts->front().kms_uri, kPrimary);
  // Exported again, the loaded store keeps the primary's empty list.
  EXPECT_NE(loaded->ExportJson(false).find("\"trusted_external_kms\": []"), std::string::npos);

  // A list naming a KMS outside the file, or not a list, is refused.
  std::string json = store.ExportJson(false);
  const std::string empty_list = "\"trusted_external_kms\": []";
  ASSERT_NE(json.find(empty_list), std::string::npos) << json;
  WriteAll(file, std::string(json).replace(json.find(empty_list), empty_list.size(),
                                            "\"trusted_external_kms\": [\"kms.nowhere.example\"]"));
  auto unknown = KeyStore::Load(file);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message().find("'kms.nowhere.example' is not another domain"), std::string::npos)
      << unknown.error().ToString();
  WriteAll(file, std::string(json).replace(json.find(empty_list), empty_list.size(),
                                            "\"trusted_external_kms\": \"kms.fire.example\""));
  auto not_a_list = KeyStore::Load(file);
  ASSERT_FALSE(not_a_list.ok());
  EXPECT_NE(not_a_list.error().message().find("trusted_external_kms': expected an array, got string"),
            std::string::npos)
      << not_a_list.error().ToString();
}

// Streamwide v5 key material: a KMS this project has no secrets for, known by
// its certificate and four pre-issued key sets.
TEST(KeyStoreTest, StreamwideKeyMaterialIsRepresentedAndItsUidsReproduce) {
  const nlohmann::json v = testing::LoadVector("interop_streamwide_v5.json");
  const nlohmann::json& kms = v["kms"];
  KmsCertificate cert;
  cert.role = CertificateRole::kRoot;
  cert.kms_uri = kms["kms_uri"].get<std::string>();
  cert.user_key_period = kms["user_key_period"].get<uint64_t>();
  cert.user_key_offset = kms["user_key_offset"].get<uint64_t>();
  cert.pub_enc_key = testing::HexField(kms, "Z");
  cert.pub_auth_key = testing::HexField(kms, "KPAK");
  cert.parameter_set = 1;
  ASSERT_TRUE(ValidateKmsCertificate(cert).ok());
  auto cert_back = ParseKmsCertificateDocument(WriteKmsCertificateDocument(cert));
  ASSERT_TRUE(cert_back.ok()) << cert_back.error().ToString();
  EXPECT_EQ(*cert_back, cert);

  KeyStore store = KeyStore::InMemory();
  ASSERT_TRUE(store.ImportCertificate(cert).ok());
  ASSERT_EQ(v["users"].size(), 4u);
  KmsResponse prov;
  prov.user_uri = v["users"][0]["uri"].get<std::string>();
  prov.kms_uri = cert.kms_uri;
  prov.time = "2025-01-01T00:00:00Z";
  prov.client_req_url = "https://" + cert.kms_uri + "/keymanagement/identity/v1/keyprov";
  prov.type = KmsMessageType::kKeyProv;
  for (const auto& user : v["users"]) {
    KmsKeySet k;
    k.kms_uri = cert.kms_uri;
    k.user_uri = user["uri"].get<std::string>();
    k.user_id = testing::HexField(user, "uid");
    k.key_period_no = user["key_period_no"].get<uint64_t>();
    k.user_decrypt_key = SecretBytes(testing::HexField(user, "rsk"));
    k.user_signing_key = SecretBytes(testing::HexField(user, "ssk"));
    k.user_pub_token = testing::HexField(user, "pvt");
    // The published UserID is the F.2.1 UID of this user, KMS and period.
    EXPECT_EQ(MikeySakkeUid({k.user_uri, cert.kms_uri, cert.user_key_period, cert.user_key_offset, k.key_period_no}),
              k.user_id)
        << k.user_uri;
    const Status valid = ValidateKmsKeySet(k, cert);
    EXPECT_TRUE(valid.ok()) << k.user_uri << ": " << (valid.ok() ? "" : valid.error().message());
    auto back = ParseKmsKeySetDocument(WriteKmsKeySetDocument(k));
    ASSERT_TRUE(back.ok()) << back.error().ToString();
    EXPECT_EQ(*back, k);
    ASSERT_TRUE(store.ImportKeySet(k).ok()) << k.user_uri;
    prov.key_sets.push_back(k);
  }
  // All four in one KmsKeyProv response, read back identical.
  auto prov_back = ParseKmsResponse(WriteKmsResponse(prov));
  ASSERT_TRUE(prov_back.ok()) << prov_back.error().ToString();
  EXPECT_EQ(*prov_back, prov);

  // The store answers lookups from the imported material and cannot issue.
  const std::string alice = v["users"][1]["uri"].get<std::string>();
  const uint64_t period = v["users"][1]["key_period_no"].get<uint64_t>();
  auto found = store.KeySet(alice, period);
  ASSERT_TRUE(found.ok()) << found.error().ToString();
  EXPECT_EQ((*found)->user_id, testing::HexField(v["users"][1], "uid"));
  EXPECT_FALSE(store.Provision(cert.kms_uri, "sip:carol@streamwide.com", period).ok());
  EXPECT_FALSE(store.KeySet(cert.kms_uri, alice, period + 1).ok());
  EXPECT_NE(store.Describe().find("none (public only)"), std::string::npos);

  // And it survives a trip through a store directory.
  const std::string dir = NewTempDir("streamwide");
  auto on_disk = KeyStore::Create(dir);
  ASSERT_TRUE(on_disk.ok());
  ASSERT_TRUE(on_disk->ImportCertificate(cert).ok());
  for (const KmsKeySet& k : prov.key_sets) ASSERT_TRUE(on_disk->ImportKeySet(k).ok());
  auto reloaded = KeyStore::Load(dir);
  ASSERT_TRUE(reloaded.ok()) << reloaded.error().ToString();
  EXPECT_EQ(reloaded->ExportJson(true), store.ExportJson(true));
}

TEST(DrbgTest, ScalarsAreInRangeAndLabelSeparated) {
  const SecretBytes key = DrbgDomainKey(1, kPrimary);
  EXPECT_EQ(key.size(), kDrbgKeySize);
  EXPECT_FALSE(key == DrbgDomainKey(2, kPrimary));
  EXPECT_FALSE(key == DrbgDomainKey(1, kPartner));
  const Bytes& n = P256Order();
  ASSERT_EQ(n.size(), 32u);
  auto a = DrbgScalar(key.span(), AsSpan("a"), n);
  auto b = DrbgScalar(key.span(), AsSpan("b"), n);
  auto a2 = DrbgScalar(key.span(), AsSpan("a"), n);
  ASSERT_TRUE(a.ok() && b.ok() && a2.ok());
  EXPECT_TRUE(*a == *a2);
  EXPECT_FALSE(*a == *b);
  // A tiny order forces the reduction: results stay in [1, order-1].
  const Bytes seven = {7};
  for (int i = 0; i < 50; ++i) {
    auto s = DrbgScalar(key.span(), AsSpan(std::to_string(i)), seven);
    ASSERT_TRUE(s.ok());
    ASSERT_EQ(s->size(), 1u);
    EXPECT_GE(s->data()[0], 1);
    EXPECT_LE(s->data()[0], 6);
  }
  EXPECT_EQ(DrbgOctets(key.span(), AsSpan("x"), 100).size(), 100u);
}

TEST(StoreFileNameTest, EscapesEverythingButSafeCharacters) {
  EXPECT_EQ(StoreFileName("kms.police.example"), "kms.police.example");
  EXPECT_EQ(StoreFileName("sip:alice@police.example"), "sip%3Aalice%40police.example");
  EXPECT_EQ(StoreFileName("../etc"), "%2E.%2Fetc");
  EXPECT_EQ(StoreFileName(".hidden"), "%2Ehidden");
  const std::string long_name = StoreFileName(std::string(500, 'a'));
  EXPECT_LE(long_name.size(), 120u);
  EXPECT_NE(long_name, StoreFileName(std::string(501, 'a')));
}

}  // namespace
}  // namespace mcx::kms
