// The key store directory (docs/keystore.md, "Directory layout"): loading
// it all or nothing, and writing domains and key sets through a temporary
// file and a rename.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "crypto/kdf.h"
#include "kms/atomic_file.h"
#include "kms/key_store_internal.h"
#include "kms/validate.h"

namespace mcx::kms {
namespace {

namespace fs = std::filesystem;

constexpr char kMarkerFile[] = "keystore.json";
constexpr char kDomainsDir[] = "domains";
constexpr char kCertificateFile[] = "certificate.xml";
constexpr char kSecretsFile[] = "master-secrets.json";
constexpr char kKeySetsDir[] = "keysets";
constexpr size_t kMaxXmlFileSize = kMaxXmlDocumentSize;
constexpr size_t kMaxJsonExportSize = size_t{256} << 20;

Error IoError(const std::string& path, const std::string& what) {
  return Error(ErrorCode::kIo, path + ": " + what);
}

Result<std::string> ReadFile(const fs::path& path, size_t max_size = kMaxXmlFileSize) {
  return ReadFileNoFollow(path.string(), max_size);
}

Status MakeDirectory(const fs::path& path) {
  if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) return IoError(path, std::strerror(errno));
  return Status::Ok();
}

// Sorted entry names of a directory, hidden names (our temporaries) skipped.
Result<std::vector<std::string>> ListDirectory(const fs::path& dir) {
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) return IoError(dir, ec.message());
  std::vector<std::string> names;
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) return IoError(dir, ec.message());
    std::string name = it->path().filename().string();
    if (!name.empty() && name[0] != '.') names.push_back(std::move(name));
  }
  if (ec) return IoError(dir, ec.message());
  std::sort(names.begin(), names.end());
  return names;
}

std::string KeySetFileName(std::string_view identity, uint64_t key_period_no) {
  return StoreFileName(identity) + "." + std::to_string(key_period_no) + ".xml";
}

fs::path DomainDir(const KeyStore::State& state, std::string_view kms_uri) {
  return fs::path(state.dir) / kDomainsDir / StoreFileName(kms_uri);
}


Result<Domain> LoadDomain(const fs::path& domain_dir, const std::string& name) {
  Domain d;
  const fs::path cert_path = domain_dir / kCertificateFile;
  MCX_ASSIGN_OR_RETURN(std::string cert_xml, ReadFile(cert_path));
  auto cert = ParseKmsCertificateDocument(cert_xml);
  if (!cert.ok()) return cert.error().WithContext(cert_path.string());
  d.certificate = std::move(cert).value();
  if (d.certificate.role != CertificateRole::kRoot) {
    return Error(ErrorCode::kParse, cert_path.string() + ": KmsCertificate Role must be Root for a domain's own certificate");
  }
  if (StoreFileName(d.certificate.kms_uri) != name) {
    return Error(ErrorCode::kParse, cert_path.string() + ": KmsUri '" + d.certificate.kms_uri +
                                        "' does not belong in directory '" + name + "'");
  }
  if (Status s = ValidateKmsCertificate(d.certificate); !s.ok()) return s.error().WithContext(cert_path.string());

  MCX_ASSIGN_OR_RETURN(std::vector<std::string> entries, ListDirectory(domain_dir));
  for (const std::string& entry : entries) {
    if (entry == kCertificateFile || entry == kKeySetsDir) continue;
    if (entry == kSecretsFile) {
      const fs::path secrets_path = domain_dir / kSecretsFile;
      MCX_ASSIGN_OR_RETURN(std::string text, ReadFile(secrets_path));
      WipeOnExit wipe{text};
      MCX_ASSIGN_OR_RETURN(MasterSecrets secrets, ParseSecrets(text, d.certificate, secrets_path.string()));
      d.secrets = std::move(secrets);
      continue;
    }
    return Error(ErrorCode::kParse, (domain_dir / entry).string() + ": unexpected file in a key store domain");
  }

  const fs::path keysets = domain_dir / kKeySetsDir;
  std::error_code ec;
  if (fs::exists(keysets, ec)) {
    MCX_ASSIGN_OR_RETURN(std::vector<std::string> files, ListDirectory(keysets));
    for (const std::string& file : files) {
      const fs::path path = keysets / file;
      MCX_ASSIGN_OR_RETURN(std::string xml, ReadFile(path));
      WipeOnExit wipe{xml};
      auto key_set = ParseKmsKeySetDocument(xml);
      if (!key_set.ok()) return key_set.error().WithContext(path.string());
      if (Status s = ValidateKmsKeySet(*key_set, d.certificate); !s.ok()) return s.error().WithContext(path.string());
      if (KeySetFileName(key_set->user_uri, key_set->key_period_no) != file) {
        return Error(ErrorCode::kParse, path.string() + ": holds the key set of " + key_set->user_uri + " for period " +
                                            std::to_string(key_set->key_period_no) + ", which belongs in " +
                                            KeySetFileName(key_set->user_uri, key_set->key_period_no));
      }
      KeySetKey key{key_set->user_uri, key_set->key_period_no};
      d.stored.emplace(std::move(key), std::make_shared<const KmsKeySet>(std::move(key_set).value()));
    }
  }
  return d;
}

}  // namespace

Result<std::unique_ptr<KeyStore::State>> LoadDirectory(const std::string& dir) {
  const fs::path marker = fs::path(dir) / kMarkerFile;
  std::error_code ec;
  if (!fs::exists(marker, ec)) return IoError(dir, "not a key store (no " + std::string(kMarkerFile) + ")");
  MCX_ASSIGN_OR_RETURN(std::string marker_text, ReadFile(marker));
  MCX_RETURN_IF_ERROR(CheckMarkerJson(marker_text, marker.string()));

  auto state = std::make_unique<KeyStore::State>();
  state->dir = dir;
  const fs::path domains_dir = fs::path(dir) / kDomainsDir;
  if (!fs::exists(domains_dir, ec)) return state;
  MCX_ASSIGN_OR_RETURN(std::vector<std::string> names, ListDirectory(domains_dir));
  for (const std::string& name : names) {
    const fs::path domain_dir = domains_dir / name;
    if (!fs::is_directory(domain_dir, ec)) {
      return Error(ErrorCode::kParse, domain_dir.string() + ": unexpected file (domains/ holds one directory per KMS)");
    }
    MCX_ASSIGN_OR_RETURN(Domain domain, LoadDomain(domain_dir, name));
    std::string kms_uri = domain.certificate.kms_uri;
    state->domains.emplace(std::move(kms_uri), std::move(domain));
  }
  return state;
}

// Key sets are linked into place, never renamed over: when several
// processes provision the same new identity at once, the first file stays
// and everyone else reads it back, so all of them hand out the same keys.
Result<KmsKeySet> PublishKeySet(const KeyStore::State& state, const KmsCertificate& certificate,
                                const KmsKeySet& k) {
  if (state.dir.empty()) return k;
  const fs::path keysets = DomainDir(state, k.kms_uri) / kKeySetsDir;
  MCX_RETURN_IF_ERROR(MakeDirectory(keysets));
  const fs::path path = keysets / KeySetFileName(k.user_uri, k.key_period_no);
  std::string xml = WriteKmsKeySetDocument(k);
  WipeOnExit wipe{xml};
  MCX_ASSIGN_OR_RETURN(WriteOutcome outcome, WriteFileIfAbsent(path, xml, 0600));
  if (outcome == WriteOutcome::kWritten) return k;
  MCX_ASSIGN_OR_RETURN(std::string stored_xml, ReadFile(path));
  WipeOnExit wipe_stored{stored_xml};
  auto stored = ParseKmsKeySetDocument(stored_xml);
  if (!stored.ok()) return stored.error().WithContext(path.string());
  if (Status s = ValidateKmsKeySet(*stored, certificate); !s.ok()) return s.error().WithContext(path.string());
  if (stored->user_uri != k.user_uri || stored->key_period_no != k.key_period_no) {
    return Error(ErrorCode::kParse, path.string() + ": holds the key set of " + stored->user_uri + " for period " +
                                        std::to_string(stored->key_period_no));
  }
  return std::move(stored).value();
}

Status WriteDomain(const KeyStore::State& state, const Domain& d) {
  if (state.dir.empty()) return Status::Ok();
  const fs::path final_dir = DomainDir(state, d.certificate.kms_uri);
  const fs::path tmp_dir = fs::path(state.dir) / kDomainsDir / ("." + StoreFileName(d.certificate.kms_uri) + ".new");
  std::error_code ec;
  fs::remove_all(tmp_dir, ec);
  MCX_RETURN_IF_ERROR(MakeDirectory(fs::path(state.dir) / kDomainsDir));
  MCX_RETURN_IF_ERROR(MakeDirectory(tmp_dir));
  MCX_RETURN_IF_ERROR(WriteFileAtomically(tmp_dir / kCertificateFile, WriteKmsCertificateDocument(d.certificate), 0644));
  if (d.secrets) {
    std::string json = SecretsJson(d.certificate.kms_uri, *d.secrets);
    WipeOnExit wipe{json};
    MCX_RETURN_IF_ERROR(WriteFileAtomically(tmp_dir / kSecretsFile, json, 0600));
  }
  if (::rename(tmp_dir.c_str(), final_dir.c_str()) != 0) {
    const int saved = errno;
    fs::remove_all(tmp_dir, ec);
    return IoError(final_dir, std::strerror(saved));
  }
  return Status::Ok();
}

std::string StoreFileName(std::string_view uri) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (size_t i = 0; i < uri.size(); ++i) {
    const auto c = static_cast<unsigned char>(uri[i]);
    const bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '_' || (c == '.' && i > 0);
    if (keep) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0x0f]);
    }
  }
  constexpr size_t kMaxName = 120;
  if (out.size() > kMaxName) {
    const Sha256Digest digest = Sha256({AsSpan(uri)});
    out = out.substr(0, 80) + "~" + ToHex(ByteSpan(digest).first(16));
  }
  return out;
}

Result<KeyStore> KeyStore::Create(const std::string& dir) {
  if (dir.empty()) return InvalidArgument("key store directory must not be empty");
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) return IoError(dir, "exists and is not a directory");
    if (!fs::is_empty(dir, ec)) return IoError(dir, "exists and is not empty (and is not a key store)");
  } else {
    fs::create_directories(dir, ec);
    if (ec) return IoError(dir, ec.message());
  }
  MCX_RETURN_IF_ERROR(MakeDirectory(fs::path(dir) / kDomainsDir));
  MCX_RETURN_IF_ERROR(WriteFileAtomically((fs::path(dir) / kMarkerFile).string(), MarkerJson(), 0644));
  auto state = std::make_unique<State>();
  state->dir = dir;
  return KeyStore(std::move(state));
}

Result<KeyStore> KeyStore::OpenOrCreate(const std::string& dir) {
  std::error_code ec;
  if (fs::exists(fs::path(dir) / kMarkerFile, ec)) return Load(dir);
  return Create(dir);
}

Result<KeyStore> KeyStore::Load(const std::string& path) {
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (ec) return IoError(path, ec.message());
  if (fs::is_directory(status)) {
    MCX_ASSIGN_OR_RETURN(std::unique_ptr<State> state, LoadDirectory(path));
    return KeyStore(std::move(state));
  }
  if (fs::is_regular_file(status)) {
    MCX_ASSIGN_OR_RETURN(std::string text, ReadFile(path, kMaxJsonExportSize));
    WipeOnExit wipe{text};
    return LoadJsonExport(text, path);
  }
  return IoError(path, "neither a key store directory nor a JSON export");
}

}  // namespace mcx::kms
