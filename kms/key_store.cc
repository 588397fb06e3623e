#include "kms/key_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>
#include <mutex>
#include <sstream>
#include <utility>

#include <nlohmann/json.hpp>

#include "crypto/eccsi.h"
#include "crypto/kdf.h"
#include "crypto/sakke.h"
#include "crypto/uid.h"
#include "kms/drbg.h"
#include "kms/ntp_time.h"
#include "kms/validate.h"

namespace mcx::kms {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

namespace {

constexpr char kStoreFormat[] = "mcxtest-kms-store";
constexpr char kSecretsFormat[] = "mcxtest-kms-master-secrets";
constexpr int kFormatVersion = 1;
constexpr char kMarkerFile[] = "keystore.json";
constexpr char kDomainsDir[] = "domains";
constexpr char kCertificateFile[] = "certificate.xml";
constexpr char kSecretsFile[] = "master-secrets.json";
constexpr char kKeySetsDir[] = "keysets";
constexpr size_t kMaxXmlFileSize = kMaxXmlDocumentSize;
constexpr size_t kMaxJsonExportSize = size_t{256} << 20;

// DRBG labels; part of the documented derivation (docs/keystore.md).
constexpr char kKsakLabel[] = "KSAK";
constexpr char kZLabel[] = "z";
constexpr char kEccsiVLabel[] = "ECCSI-v";

struct MasterSecrets {
  SecretBytes ksak;
  SecretBytes z;
  SecretBytes drbg_key;  // empty when the domain was created without a seed
};

using KeySetKey = std::pair<std::string, uint64_t>;  // (identity, key period no)

struct Domain {
  KmsCertificate certificate;
  std::optional<MasterSecrets> secrets;
  std::map<KeySetKey, SharedKeySet> stored;
  // Issued on demand by lookups; never written.
  std::map<KeySetKey, SharedKeySet> issued;
};

// ---------------------------------------------------------------- helpers

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t extra;
    uint32_t cp;
    if (c < 0x80) {
      extra = 0;
      cp = c;
    } else if ((c & 0xe0) == 0xc0) {
      extra = 1;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      extra = 2;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      extra = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= s.size() && extra > 0) return false;
    for (size_t k = 1; k <= extra; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = cp << 6 | (cc & 0x3f);
    }
    static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[extra] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += extra + 1;
  }
  return true;
}

// URIs end up in XML text, file names and UIDs: printable, valid UTF-8 and
// short enough for the UID's 2-octet length field.
Status CheckUri(std::string_view uri, const char* what) {
  if (uri.empty()) return InvalidArgument(std::string(what) + " must not be empty");
  if (uri.size() > 0xffff) return InvalidArgument(std::string(what) + " is longer than 65535 octets");
  for (char c : uri) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      return InvalidArgument(std::string(what) + " '" + std::string(uri) + "' contains a control character");
    }
  }
  if (!IsValidUtf8(uri)) return InvalidArgument(std::string(what) + " is not valid UTF-8");
  if (uri.front() == ' ' || uri.back() == ' ') {
    return InvalidArgument(std::string(what) + " '" + std::string(uri) + "' has surrounding spaces");
  }
  return Status::Ok();
}

void WipeJson(Json& j) {
  if (j.is_string()) {
    auto& s = j.get_ref<std::string&>();
    SecureZero(s.data(), s.size());
  } else if (j.is_structured()) {
    for (auto& child : j) WipeJson(child);
  }
}

void WipeJson(nlohmann::json& j) {
  if (j.is_string()) {
    auto& s = j.get_ref<std::string&>();
    SecureZero(s.data(), s.size());
  } else if (j.is_structured()) {
    for (auto& child : j) WipeJson(child);
  }
}

// Wipes a string holding key material when it goes out of scope.
struct WipeOnExit {
  std::string& s;
  ~WipeOnExit() { SecureZero(s.data(), s.size()); }
};

Error IoError(const std::string& path, const std::string& what) {
  return Error(ErrorCode::kIo, path + ": " + what);
}

Result<std::string> ReadFile(const fs::path& path, size_t max_size = kMaxXmlFileSize) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return IoError(path, std::strerror(errno));
  std::string out;
  char buffer[8192];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof(buffer));
    if (n < 0) {
      if (errno == EINTR) continue;
      const int saved = errno;
      ::close(fd);
      SecureZero(out.data(), out.size());
      return IoError(path, std::strerror(saved));
    }
    if (n == 0) break;
    out.append(buffer, static_cast<size_t>(n));
    if (out.size() > max_size) {
      ::close(fd);
      SecureZero(out.data(), out.size());
      SecureZero(buffer, sizeof(buffer));
      return IoError(path, "larger than " + std::to_string(max_size) + " octets");
    }
  }
  SecureZero(buffer, sizeof(buffer));
  ::close(fd);
  return out;
}

// Writes through a temporary file and a rename, so a reader never sees a
// partly written file; `mode` is applied exactly (not masked by umask).
Status WriteFileAtomic(const fs::path& path, std::string_view content, mode_t mode) {
  const fs::path tmp = path.parent_path() / ("." + path.filename().string() + ".tmp");
  ::unlink(tmp.c_str());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
  if (fd < 0) return IoError(tmp, std::strerror(errno));
  if (::fchmod(fd, mode) != 0) {
    const int saved = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    return IoError(tmp, std::strerror(saved));
  }
  size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int saved = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return IoError(tmp, std::strerror(saved));
    }
    written += static_cast<size_t>(n);
  }
  if (::close(fd) != 0) {
    ::unlink(tmp.c_str());
    return IoError(tmp, std::strerror(errno));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int saved = errno;
    ::unlink(tmp.c_str());
    return IoError(path, std::strerror(saved));
  }
  return Status::Ok();
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

std::string MarkerJson() {
  Json j;
  j["format"] = kStoreFormat;
  j["version"] = kFormatVersion;
  return j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

std::string KeySetFileName(std::string_view identity, uint64_t key_period_no) {
  return StoreFileName(identity) + "." + std::to_string(key_period_no) + ".xml";
}

// ---------------------------------------------------------------- secrets

std::string SecretsJson(const std::string& kms_uri, const MasterSecrets& s) {
  Json j;
  j["format"] = kSecretsFormat;
  j["version"] = kFormatVersion;
  j["kms_uri"] = kms_uri;
  j["ksak"] = ToHex(s.ksak.span());
  j["z"] = ToHex(s.z.span());
  if (!s.drbg_key.empty()) j["drbg_key"] = ToHex(s.drbg_key.span());
  std::string out = j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
  WipeJson(j);
  return out;
}

// Strict accessors over parsed JSON; `where` names the file and field.
Result<std::string> JsonString(const nlohmann::json& obj, const std::string& key, const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end()) return Error(ErrorCode::kParse, where + ": missing field \"" + key + "\"");
  if (!it->is_string()) return Error(ErrorCode::kParse, where + ": field \"" + key + "\" must be a string");
  return it->get<std::string>();
}

Result<std::optional<std::string>> JsonOptionalString(const nlohmann::json& obj, const std::string& key,
                                                      const std::string& where) {
  if (obj.find(key) == obj.end()) return std::optional<std::string>();
  MCX_ASSIGN_OR_RETURN(std::string s, JsonString(obj, key, where));
  return std::optional<std::string>(std::move(s));
}

Result<uint64_t> JsonUint(const nlohmann::json& obj, const std::string& key, const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end()) return Error(ErrorCode::kParse, where + ": missing field \"" + key + "\"");
  if (!it->is_number_unsigned()) {
    return Error(ErrorCode::kParse, where + ": field \"" + key + "\" must be a non-negative integer");
  }
  return it->get<uint64_t>();
}

Result<SecretBytes> JsonHex(const nlohmann::json& obj, const std::string& key, const std::string& where,
                            std::optional<size_t> size) {
  MCX_ASSIGN_OR_RETURN(std::string hex, JsonString(obj, key, where));
  WipeOnExit wipe{hex};
  auto bytes = FromHex(hex);
  if (!bytes.ok()) return Error(ErrorCode::kParse, where + ": field \"" + key + "\": " + bytes.error().message());
  SecretBytes out(std::move(bytes).value());
  if (size && out.size() != *size) {
    return Error(ErrorCode::kParse, where + ": field \"" + key + "\" has " + std::to_string(out.size()) +
                                        " octets, expected " + std::to_string(*size));
  }
  return out;
}

Result<Bytes> JsonPublicHex(const nlohmann::json& obj, const std::string& key, const std::string& where,
                            std::optional<size_t> size) {
  MCX_ASSIGN_OR_RETURN(SecretBytes b, JsonHex(obj, key, where, size));
  return Bytes(b.span().begin(), b.span().end());
}

Result<nlohmann::json> ParseJson(std::string_view text, const std::string& where) {
  nlohmann::json j = nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Error(ErrorCode::kParse, where + ": not valid JSON");
  if (!j.is_object()) return Error(ErrorCode::kParse, where + ": must be a JSON object");
  return j;
}

Status CheckFormat(const nlohmann::json& j, const char* format, const std::string& where) {
  MCX_ASSIGN_OR_RETURN(std::string f, JsonString(j, "format", where));
  if (f != format) return Error(ErrorCode::kParse, where + ": format is \"" + f + "\", expected \"" + format + "\"");
  MCX_ASSIGN_OR_RETURN(uint64_t version, JsonUint(j, "version", where));
  if (version != kFormatVersion) {
    return Error(ErrorCode::kParse, where + ": format version " + std::to_string(version) + " is not supported");
  }
  return Status::Ok();
}

// Secrets must reproduce the certificate's public keys, or the domain would
// issue keys nobody can validate.
Status CheckSecretsMatch(const MasterSecrets& s, const KmsCertificate& c, const std::string& where) {
  auto kpak = eccsi::KpakFromKsak(s.ksak.span());
  if (!kpak.ok()) return Error(ErrorCode::kCrypto, where + ": ksak: " + kpak.error().message());
  if (*kpak != c.pub_auth_key) {
    return Error(ErrorCode::kCrypto, where + ": ksak does not match the certificate's PubAuthKey (KPAK)");
  }
  auto z_t = sakke::PublicKeyFromMaster(s.z.span());
  if (!z_t.ok()) return Error(ErrorCode::kCrypto, where + ": z: " + z_t.error().message());
  if (*z_t != c.pub_enc_key) {
    return Error(ErrorCode::kCrypto, where + ": z does not match the certificate's PubEncKey (Z_T)");
  }
  return Status::Ok();
}

Result<MasterSecrets> ParseSecrets(std::string_view text, const KmsCertificate& c, const std::string& where) {
  MCX_ASSIGN_OR_RETURN(nlohmann::json j, ParseJson(text, where));
  struct Wipe {
    nlohmann::json& j;
    ~Wipe() { WipeJson(j); }
  } wipe{j};
  MCX_RETURN_IF_ERROR(CheckFormat(j, kSecretsFormat, where));
  MCX_ASSIGN_OR_RETURN(std::string kms_uri, JsonString(j, "kms_uri", where));
  if (kms_uri != c.kms_uri) {
    return Error(ErrorCode::kParse, where + ": kms_uri \"" + kms_uri + "\" does not match the certificate's \"" +
                                        c.kms_uri + "\"");
  }
  MasterSecrets s;
  MCX_ASSIGN_OR_RETURN(s.ksak, JsonHex(j, "ksak", where, eccsi::kScalarSize));
  MCX_ASSIGN_OR_RETURN(s.z, JsonHex(j, "z", where, std::nullopt));
  if (j.contains("drbg_key")) {
    MCX_ASSIGN_OR_RETURN(s.drbg_key, JsonHex(j, "drbg_key", where, kDrbgKeySize));
  }
  MCX_RETURN_IF_ERROR(CheckSecretsMatch(s, c, where));
  return s;
}

// ---------------------------------------------------------------- issuing

// `check_keys`: run the client-side checks on the new set (see
// KeyStore::KeySet for when they are skipped).
Result<KmsKeySet> IssueKeySet(const KmsCertificate& c, const MasterSecrets& s, std::string_view identity,
                              uint64_t key_period_no, bool check_keys = true) {
  MCX_RETURN_IF_ERROR(CheckUri(identity, "identity URI"));
  MCX_ASSIGN_OR_RETURN(auto validity, KeyPeriodValidity(c.user_key_period, c.user_key_offset, key_period_no));
  KmsKeySet k;
  k.kms_uri = c.kms_uri;
  k.cert_uri = c.cert_uri;
  k.issuer = c.issuer;
  k.user_uri = std::string(identity);
  k.key_period_no = key_period_no;
  k.valid_from = validity.first;
  k.valid_to = validity.second;
  k.revoked = false;
  k.user_id = MikeySakkeUid({k.user_uri, c.kms_uri, c.user_key_period, c.user_key_offset, key_period_no});

  std::optional<SecretBytes> v;
  if (!s.drbg_key.empty()) {
    Bytes label = ToBytes(kEccsiVLabel);
    label.insert(label.end(), k.user_id.begin(), k.user_id.end());
    MCX_ASSIGN_OR_RETURN(SecretBytes derived, DrbgScalar(s.drbg_key.span(), label, P256Order()));
    v = std::move(derived);
  }
  auto keys = v ? eccsi::IssueUserKeys(s.ksak.span(), k.user_id, v->span())
                : eccsi::IssueUserKeys(s.ksak.span(), k.user_id);
  if (!keys.ok()) return keys.error().WithContext("issuing SSK/PVT for " + k.user_uri);
  k.user_signing_key = std::move(keys->ssk);
  k.user_pub_token = std::move(keys->pvt);
  auto rsk = sakke::IssueRsk(s.z.span(), k.user_id);
  if (!rsk.ok()) return rsk.error().WithContext("issuing RSK for " + k.user_uri);
  k.user_decrypt_key = std::move(rsk).value();
  if (!check_keys) return k;
  // The whole set goes through the client-side checks before anyone sees it.
  MCX_RETURN_IF_ERROR(ValidateKmsKeySet(k, c));
  return k;
}

Result<MasterSecrets> GenerateSecrets(const DomainConfig& config) {
  MasterSecrets s;
  if (config.seed) {
    s.drbg_key = DrbgDomainKey(*config.seed, config.kms_uri);
    MCX_ASSIGN_OR_RETURN(s.ksak, DrbgScalar(s.drbg_key.span(), AsSpan(kKsakLabel), P256Order()));
    MCX_ASSIGN_OR_RETURN(s.z, DrbgScalar(s.drbg_key.span(), AsSpan(kZLabel), sakke::ParamQ()));
  } else {
    MCX_ASSIGN_OR_RETURN(s.ksak, RandomScalar(P256Order()));
    MCX_ASSIGN_OR_RETURN(s.z, sakke::GenerateMasterSecret());
  }
  return s;
}

// ---------------------------------------------------------------- JSON export

Json CertificateJson(const KmsCertificate& c) {
  Json j;
  j["version"] = c.version;
  j["role"] = CertificateRoleName(c.role);
  if (c.cert_uri) j["cert_uri"] = *c.cert_uri;
  j["kms_uri"] = c.kms_uri;
  if (c.issuer) j["issuer"] = *c.issuer;
  if (c.valid_from) j["valid_from"] = *c.valid_from;
  if (c.valid_to) j["valid_to"] = *c.valid_to;
  if (c.revoked) j["revoked"] = *c.revoked;
  j["user_id_format"] = c.user_id_format;
  j["user_key_period"] = c.user_key_period;
  j["user_key_offset"] = c.user_key_offset;
  j["pub_enc_key"] = ToHex(c.pub_enc_key);
  j["pub_auth_key"] = ToHex(c.pub_auth_key);
  if (c.parameter_set) j["parameter_set"] = *c.parameter_set;
  if (!c.kms_domain_list.empty()) j["kms_domain_list"] = c.kms_domain_list;
  return j;
}

Json KeySetJson(const KmsKeySet& k, bool include_secrets) {
  Json j;
  j["version"] = k.version;
  j["kms_uri"] = k.kms_uri;
  if (k.cert_uri) j["cert_uri"] = *k.cert_uri;
  if (k.issuer) j["issuer"] = *k.issuer;
  j["user_uri"] = k.user_uri;
  j["user_id"] = ToHex(k.user_id);
  if (k.valid_from) j["valid_from"] = *k.valid_from;
  if (k.valid_to) j["valid_to"] = *k.valid_to;
  j["key_period_no"] = k.key_period_no;
  if (k.revoked) j["revoked"] = *k.revoked;
  j["user_pub_token"] = ToHex(k.user_pub_token);
  if (include_secrets) {
    j["user_signing_key"] = ToHex(k.user_signing_key.span());
    j["user_decrypt_key"] = ToHex(k.user_decrypt_key.span());
  }
  return j;
}

Result<KmsCertificate> CertificateFromJson(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object()) return Error(ErrorCode::kParse, where + ": must be an object");
  KmsCertificate c;
  MCX_ASSIGN_OR_RETURN(c.version, JsonString(j, "version", where));
  MCX_ASSIGN_OR_RETURN(std::string role, JsonString(j, "role", where));
  if (role != "Root" && role != "External") {
    return Error(ErrorCode::kParse, where + ": role \"" + role + "\" is not Root or External");
  }
  c.role = role == "Root" ? CertificateRole::kRoot : CertificateRole::kExternal;
  MCX_ASSIGN_OR_RETURN(c.cert_uri, JsonOptionalString(j, "cert_uri", where));
  MCX_ASSIGN_OR_RETURN(c.kms_uri, JsonString(j, "kms_uri", where));
  MCX_ASSIGN_OR_RETURN(c.issuer, JsonOptionalString(j, "issuer", where));
  MCX_ASSIGN_OR_RETURN(c.valid_from, JsonOptionalString(j, "valid_from", where));
  MCX_ASSIGN_OR_RETURN(c.valid_to, JsonOptionalString(j, "valid_to", where));
  if (j.contains("revoked")) {
    if (!j["revoked"].is_boolean()) return Error(ErrorCode::kParse, where + ": field \"revoked\" must be a boolean");
    c.revoked = j["revoked"].get<bool>();
  }
  MCX_ASSIGN_OR_RETURN(c.user_id_format, JsonString(j, "user_id_format", where));
  MCX_ASSIGN_OR_RETURN(c.user_key_period, JsonUint(j, "user_key_period", where));
  MCX_ASSIGN_OR_RETURN(c.user_key_offset, JsonUint(j, "user_key_offset", where));
  MCX_ASSIGN_OR_RETURN(c.pub_enc_key, JsonPublicHex(j, "pub_enc_key", where, kSakkePointSize));
  MCX_ASSIGN_OR_RETURN(c.pub_auth_key, JsonPublicHex(j, "pub_auth_key", where, kKpakSize));
  if (j.contains("parameter_set")) {
    MCX_ASSIGN_OR_RETURN(c.parameter_set, JsonUint(j, "parameter_set", where));
  }
  if (j.contains("kms_domain_list")) {
    const auto& list = j["kms_domain_list"];
    if (!list.is_array()) return Error(ErrorCode::kParse, where + ": kms_domain_list must be an array");
    for (const auto& d : list) {
      if (!d.is_string()) return Error(ErrorCode::kParse, where + ": kms_domain_list entries must be strings");
      c.kms_domain_list.push_back(d.get<std::string>());
    }
  }
  return c;
}

Result<KmsKeySet> KeySetFromJson(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object()) return Error(ErrorCode::kParse, where + ": must be an object");
  KmsKeySet k;
  MCX_ASSIGN_OR_RETURN(k.version, JsonString(j, "version", where));
  MCX_ASSIGN_OR_RETURN(k.kms_uri, JsonString(j, "kms_uri", where));
  MCX_ASSIGN_OR_RETURN(k.cert_uri, JsonOptionalString(j, "cert_uri", where));
  MCX_ASSIGN_OR_RETURN(k.issuer, JsonOptionalString(j, "issuer", where));
  MCX_ASSIGN_OR_RETURN(k.user_uri, JsonString(j, "user_uri", where));
  MCX_ASSIGN_OR_RETURN(k.user_id, JsonPublicHex(j, "user_id", where, kUserIdSize));
  MCX_ASSIGN_OR_RETURN(k.valid_from, JsonOptionalString(j, "valid_from", where));
  MCX_ASSIGN_OR_RETURN(k.valid_to, JsonOptionalString(j, "valid_to", where));
  MCX_ASSIGN_OR_RETURN(k.key_period_no, JsonUint(j, "key_period_no", where));
  if (j.contains("revoked")) {
    if (!j["revoked"].is_boolean()) return Error(ErrorCode::kParse, where + ": field \"revoked\" must be a boolean");
    k.revoked = j["revoked"].get<bool>();
  }
  MCX_ASSIGN_OR_RETURN(k.user_pub_token, JsonPublicHex(j, "user_pub_token", where, kKpakSize));
  MCX_ASSIGN_OR_RETURN(k.user_signing_key, JsonHex(j, "user_signing_key", where, kSskSize));
  MCX_ASSIGN_OR_RETURN(k.user_decrypt_key, JsonHex(j, "user_decrypt_key", where, kSakkePointSize));
  return k;
}

std::string Abbreviated(ByteSpan bytes) {
  if (bytes.size() <= 65) return ToHex(bytes);
  return ToHex(bytes.first(16)) + "... (" + std::to_string(bytes.size()) + " octets)";
}

}  // namespace

// ---------------------------------------------------------------- public helpers

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

Result<std::pair<std::string, std::string>> KeyPeriodValidity(uint64_t key_period, uint64_t key_period_offset,
                                                              uint64_t key_period_no) {
  if (key_period == 0) return InvalidArgument("key period must not be 0");
  // NTP seconds are kept below 2^40 (year ~36800) so that the date stays representable.
  constexpr uint64_t kLimit = uint64_t{1} << 40;
  if (key_period_no >= kLimit / key_period || key_period_offset >= kLimit ||
      key_period_offset + (key_period_no + 1) * key_period >= kLimit) {
    return InvalidArgument("key period number " + std::to_string(key_period_no) +
                           " is out of range for a period of " + std::to_string(key_period) + " s");
  }
  const uint64_t start = key_period_offset + key_period_no * key_period;
  const uint64_t end = start + key_period - 1;
  if (start > 9999ull * 366 * 86400 || end > 9999ull * 366 * 86400) {
    return InvalidArgument("key period number " + std::to_string(key_period_no) + " lies past the year 9999");
  }
  return std::make_pair(Iso8601FromNtpSeconds(start), Iso8601FromNtpSeconds(end));
}

// ---------------------------------------------------------------- KeyStore

struct KeyStore::State {
  std::string dir;
  std::map<std::string, Domain, std::less<>> domains;
  // Domains with an explicit trust list trust only those KMSs; the others
  // trust every other domain of the store.
  std::map<std::string, std::set<std::string>, std::less<>> trust;
  mutable std::mutex mu;

  fs::path DomainDir(std::string_view kms_uri) const {
    return fs::path(dir) / kDomainsDir / StoreFileName(kms_uri);
  }

  Result<Domain*> Find(std::string_view kms_uri) {
    auto it = domains.find(kms_uri);
    if (it == domains.end()) {
      return Error(ErrorCode::kNotFound, "no KMS domain '" + std::string(kms_uri) + "' in the key store");
    }
    return &it->second;
  }
  Result<const Domain*> Find(std::string_view kms_uri) const {
    auto it = domains.find(kms_uri);
    if (it == domains.end()) {
      return Error(ErrorCode::kNotFound, "no KMS domain '" + std::string(kms_uri) + "' in the key store");
    }
    return &it->second;
  }

  Status WriteKeySet(const KmsKeySet& k) const {
    if (dir.empty()) return Status::Ok();
    const fs::path keysets = DomainDir(k.kms_uri) / kKeySetsDir;
    MCX_RETURN_IF_ERROR(MakeDirectory(keysets));
    std::string xml = WriteKmsKeySetDocument(k);
    WipeOnExit wipe{xml};
    return WriteFileAtomic(keysets / KeySetFileName(k.user_uri, k.key_period_no), xml, 0600);
  }

  // A whole domain appears at once: written under a hidden name, then renamed.
  Status WriteDomain(const Domain& d) const {
    if (dir.empty()) return Status::Ok();
    const fs::path final_dir = DomainDir(d.certificate.kms_uri);
    const fs::path tmp_dir = fs::path(dir) / kDomainsDir / ("." + StoreFileName(d.certificate.kms_uri) + ".new");
    std::error_code ec;
    fs::remove_all(tmp_dir, ec);
    MCX_RETURN_IF_ERROR(MakeDirectory(fs::path(dir) / kDomainsDir));
    MCX_RETURN_IF_ERROR(MakeDirectory(tmp_dir));
    MCX_RETURN_IF_ERROR(WriteFileAtomic(tmp_dir / kCertificateFile, WriteKmsCertificateDocument(d.certificate), 0644));
    if (d.secrets) {
      std::string json = SecretsJson(d.certificate.kms_uri, *d.secrets);
      WipeOnExit wipe{json};
      MCX_RETURN_IF_ERROR(WriteFileAtomic(tmp_dir / kSecretsFile, json, 0600));
    }
    if (::rename(tmp_dir.c_str(), final_dir.c_str()) != 0) {
      const int saved = errno;
      fs::remove_all(tmp_dir, ec);
      return IoError(final_dir, std::strerror(saved));
    }
    return Status::Ok();
  }
};

KeyStore::KeyStore(std::unique_ptr<State> state) : state_(std::move(state)) {}
KeyStore::KeyStore(KeyStore&&) noexcept = default;
KeyStore& KeyStore::operator=(KeyStore&&) noexcept = default;
KeyStore::~KeyStore() = default;

KeyStore KeyStore::InMemory() { return KeyStore(std::make_unique<State>()); }

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
  MCX_RETURN_IF_ERROR(WriteFileAtomic(fs::path(dir) / kMarkerFile, MarkerJson(), 0644));
  auto state = std::make_unique<State>();
  state->dir = dir;
  return KeyStore(std::move(state));
}

Result<KeyStore> KeyStore::OpenOrCreate(const std::string& dir) {
  std::error_code ec;
  if (fs::exists(fs::path(dir) / kMarkerFile, ec)) return Load(dir);
  return Create(dir);
}

namespace {

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

Result<std::unique_ptr<KeyStore::State>> LoadDirectory(const std::string& dir) {
  const fs::path marker = fs::path(dir) / kMarkerFile;
  std::error_code ec;
  if (!fs::exists(marker, ec)) return IoError(dir, "not a key store (no " + std::string(kMarkerFile) + ")");
  MCX_ASSIGN_OR_RETURN(std::string marker_text, ReadFile(marker));
  MCX_ASSIGN_OR_RETURN(nlohmann::json marker_json, ParseJson(marker_text, marker.string()));
  MCX_RETURN_IF_ERROR(CheckFormat(marker_json, kStoreFormat, marker.string()));

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

Result<std::unique_ptr<KeyStore::State>> LoadJsonExport(const std::string& path) {
  MCX_ASSIGN_OR_RETURN(std::string text, ReadFile(path, kMaxJsonExportSize));
  WipeOnExit wipe_text{text};
  MCX_ASSIGN_OR_RETURN(nlohmann::json j, ParseJson(text, path));
  struct Wipe {
    nlohmann::json& j;
    ~Wipe() { WipeJson(j); }
  } wipe_json{j};
  MCX_RETURN_IF_ERROR(CheckFormat(j, kStoreFormat, path));
  auto domains = j.find("domains");
  if (domains == j.end() || !domains->is_array()) {
    return Error(ErrorCode::kParse, path + ": field \"domains\" must be an array");
  }
  auto includes_secrets = j.find("includes_secrets");
  if (includes_secrets == j.end() || !includes_secrets->is_boolean()) {
    return Error(ErrorCode::kParse, path + ": field \"includes_secrets\" must be a boolean");
  }
  auto state = std::make_unique<KeyStore::State>();
  std::vector<std::string> kms_uris;  // in file order
  size_t index = 0;
  for (const auto& dj : *domains) {
    const std::string where = path + ": domains[" + std::to_string(index++) + "]";
    if (!dj.is_object() || !dj.contains("certificate")) {
      return Error(ErrorCode::kParse, where + ": must be an object with a \"certificate\"");
    }
    Domain d;
    MCX_ASSIGN_OR_RETURN(d.certificate, CertificateFromJson(dj["certificate"], where + ".certificate"));
    d.certificate.role = CertificateRole::kRoot;
    if (Status s = ValidateKmsCertificate(d.certificate); !s.ok()) return s.error().WithContext(where);
    if (state->domains.count(d.certificate.kms_uri) != 0) {
      return Error(ErrorCode::kParse, where + ": KMS '" + d.certificate.kms_uri + "' appears twice");
    }
    if (dj.contains("master_secrets")) {
      const auto& sj = dj["master_secrets"];
      if (!sj.is_object()) return Error(ErrorCode::kParse, where + ".master_secrets: must be an object");
      MasterSecrets s;
      MCX_ASSIGN_OR_RETURN(s.ksak, JsonHex(sj, "ksak", where + ".master_secrets", eccsi::kScalarSize));
      MCX_ASSIGN_OR_RETURN(s.z, JsonHex(sj, "z", where + ".master_secrets", std::nullopt));
      if (sj.contains("drbg_key")) {
        MCX_ASSIGN_OR_RETURN(s.drbg_key, JsonHex(sj, "drbg_key", where + ".master_secrets", kDrbgKeySize));
      }
      MCX_RETURN_IF_ERROR(CheckSecretsMatch(s, d.certificate, where + ".master_secrets"));
      d.secrets = std::move(s);
    }
    // An export without secrets has no private keys: its key sets cannot be
    // loaded and are left out (the certificates alone still verify signatures).
    if (dj.contains("key_sets") && includes_secrets->get<bool>()) {
      const auto& sets = dj["key_sets"];
      if (!sets.is_array()) return Error(ErrorCode::kParse, where + ".key_sets: must be an array");
      size_t k_index = 0;
      for (const auto& kj : sets) {
        const std::string k_where = where + ".key_sets[" + std::to_string(k_index++) + "]";
        MCX_ASSIGN_OR_RETURN(KmsKeySet k, KeySetFromJson(kj, k_where));
        if (Status s = ValidateKmsKeySet(k, d.certificate); !s.ok()) return s.error().WithContext(k_where);
        KeySetKey key{k.user_uri, k.key_period_no};
        if (d.stored.count(key) != 0) return Error(ErrorCode::kParse, k_where + ": duplicate key set");
        d.stored.emplace(std::move(key), std::make_shared<const KmsKeySet>(std::move(k)));
      }
    }
    kms_uris.push_back(d.certificate.kms_uri);
    state->domains.emplace(kms_uris.back(), std::move(d));
  }
  // Trust lists name other domains of the file, so they are read once every
  // domain is known. A domain without the field trusts all others.
  index = 0;
  for (const auto& dj : *domains) {
    const std::string where = path + ": domains[" + std::to_string(index++) + "]";
    auto list = dj.find("trusted_external_kms");
    if (list == dj.end()) continue;
    if (!list->is_array()) return Error(ErrorCode::kParse, where + ".trusted_external_kms: must be an array");
    const std::string& self = kms_uris[index - 1];
    std::set<std::string> trusted;
    for (const auto& t : *list) {
      if (!t.is_string()) {
        return Error(ErrorCode::kParse, where + ".trusted_external_kms: entries must be KMS URI strings");
      }
      const std::string& other = t.get_ref<const std::string&>();
      if (other == self || state->domains.count(other) == 0) {
        return Error(ErrorCode::kParse,
                     where + ".trusted_external_kms: '" + other + "' is not another domain of this store");
      }
      trusted.insert(other);
    }
    state->trust[self] = std::move(trusted);
  }
  return state;
}

}  // namespace

Result<KeyStore> KeyStore::Load(const std::string& path) {
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (ec) return IoError(path, ec.message());
  if (fs::is_directory(status)) {
    MCX_ASSIGN_OR_RETURN(std::unique_ptr<State> state, LoadDirectory(path));
    return KeyStore(std::move(state));
  }
  if (fs::is_regular_file(status)) {
    MCX_ASSIGN_OR_RETURN(std::unique_ptr<State> state, LoadJsonExport(path));
    return KeyStore(std::move(state));
  }
  return IoError(path, "neither a key store directory nor a JSON export");
}

const std::string& KeyStore::directory() const { return state_->dir; }

Status KeyStore::CreateDomain(const DomainConfig& config) {
  MCX_RETURN_IF_ERROR(CheckUri(config.kms_uri, "KMS URI"));
  if (config.user_key_period == 0) return InvalidArgument("key period must not be 0");
  {
    std::lock_guard lock(state_->mu);
    if (state_->domains.count(config.kms_uri) != 0) {
      return InvalidArgument("the key store already has a KMS domain '" + config.kms_uri + "'");
    }
  }
  Domain d;
  MCX_ASSIGN_OR_RETURN(MasterSecrets secrets, GenerateSecrets(config));
  KmsCertificate& c = d.certificate;
  c.role = CertificateRole::kRoot;
  c.kms_uri = config.kms_uri;
  c.user_key_period = config.user_key_period;
  c.user_key_offset = config.user_key_offset;
  c.parameter_set = 1;
  MCX_ASSIGN_OR_RETURN(c.pub_auth_key, eccsi::KpakFromKsak(secrets.ksak.span()));
  MCX_ASSIGN_OR_RETURN(c.pub_enc_key, sakke::PublicKeyFromMaster(secrets.z.span()));
  MCX_RETURN_IF_ERROR(ValidateKmsCertificate(c));
  d.secrets = std::move(secrets);
  std::lock_guard lock(state_->mu);
  MCX_RETURN_IF_ERROR(state_->WriteDomain(d));
  state_->domains.emplace(config.kms_uri, std::move(d));
  return Status::Ok();
}

Status KeyStore::ImportCertificate(const KmsCertificate& certificate) {
  MCX_RETURN_IF_ERROR(CheckUri(certificate.kms_uri, "KMS URI"));
  KmsCertificate c = certificate;
  c.role = CertificateRole::kRoot;
  MCX_RETURN_IF_ERROR(ValidateKmsCertificate(c));
  std::lock_guard lock(state_->mu);
  if (auto it = state_->domains.find(c.kms_uri); it != state_->domains.end()) {
    if (it->second.certificate == c) return Status::Ok();
    return InvalidArgument("the key store already has a different certificate for KMS '" + c.kms_uri + "'");
  }
  Domain d;
  d.certificate = std::move(c);
  MCX_RETURN_IF_ERROR(state_->WriteDomain(d));
  std::string kms_uri = d.certificate.kms_uri;
  state_->domains.emplace(std::move(kms_uri), std::move(d));
  return Status::Ok();
}

Status KeyStore::ImportKeySet(const KmsKeySet& key_set) {
  std::lock_guard lock(state_->mu);
  MCX_ASSIGN_OR_RETURN(Domain * d, state_->Find(key_set.kms_uri));
  MCX_RETURN_IF_ERROR(CheckUri(key_set.user_uri, "identity URI"));
  MCX_RETURN_IF_ERROR(ValidateKmsKeySet(key_set, d->certificate));
  KeySetKey key{key_set.user_uri, key_set.key_period_no};
  if (auto it = d->stored.find(key); it != d->stored.end()) {
    if (*it->second == key_set) return Status::Ok();
    return InvalidArgument("a different key set of " + key_set.user_uri + " for period " +
                           std::to_string(key_set.key_period_no) + " is already stored");
  }
  MCX_RETURN_IF_ERROR(state_->WriteKeySet(key_set));
  d->stored.emplace(std::move(key), std::make_shared<const KmsKeySet>(key_set));
  return Status::Ok();
}

Result<KmsKeySet> KeyStore::Provision(std::string_view kms_uri, std::string_view identity, uint64_t key_period_no) {
  KmsCertificate certificate;
  MasterSecrets secrets;
  {
    std::lock_guard lock(state_->mu);
    MCX_ASSIGN_OR_RETURN(Domain * d, state_->Find(kms_uri));
    if (auto it = d->stored.find({std::string(identity), key_period_no}); it != d->stored.end()) return *it->second;
    if (!d->secrets) {
      return InvalidArgument("KMS '" + std::string(kms_uri) +
                             "' has no master secrets in this store (public only): it cannot issue key sets");
    }
    certificate = d->certificate;
    secrets = *d->secrets;
  }
  MCX_ASSIGN_OR_RETURN(KmsKeySet issued, IssueKeySet(certificate, secrets, identity, key_period_no));
  std::lock_guard lock(state_->mu);
  MCX_ASSIGN_OR_RETURN(Domain * d, state_->Find(kms_uri));
  KeySetKey key{issued.user_uri, issued.key_period_no};
  if (auto it = d->stored.find(key); it != d->stored.end()) return *it->second;
  MCX_RETURN_IF_ERROR(state_->WriteKeySet(issued));
  d->issued.erase(key);
  d->stored.emplace(std::move(key), std::make_shared<const KmsKeySet>(issued));
  return issued;
}

std::vector<std::string> KeyStore::KmsUris() const {
  std::lock_guard lock(state_->mu);
  std::vector<std::string> uris;
  for (const auto& [uri, domain] : state_->domains) uris.push_back(uri);
  return uris;
}

bool KeyStore::HasDomain(std::string_view kms_uri) const {
  std::lock_guard lock(state_->mu);
  return state_->domains.find(kms_uri) != state_->domains.end();
}

bool KeyStore::HasMasterSecrets(std::string_view kms_uri) const {
  std::lock_guard lock(state_->mu);
  auto it = state_->domains.find(kms_uri);
  return it != state_->domains.end() && it->second.secrets.has_value();
}

Result<KmsPublicParams> KeyStore::Kms(std::string_view kms_uri) const {
  std::lock_guard lock(state_->mu);
  MCX_ASSIGN_OR_RETURN(const Domain* d, state_->Find(kms_uri));
  const KmsCertificate& c = d->certificate;
  return KmsPublicParams{c.kms_uri, c.pub_auth_key, c.pub_enc_key, c.user_key_period, c.user_key_offset};
}

Result<KmsCertificate> KeyStore::Certificate(std::string_view kms_uri) const {
  std::lock_guard lock(state_->mu);
  MCX_ASSIGN_OR_RETURN(const Domain* d, state_->Find(kms_uri));
  return d->certificate;
}

Status KeyStore::SetTrustedKms(std::string_view kms_uri, const std::vector<std::string>& trusted) {
  std::lock_guard lock(state_->mu);
  MCX_RETURN_IF_ERROR(state_->Find(kms_uri));
  for (const auto& t : trusted) MCX_RETURN_IF_ERROR(state_->Find(t));
  state_->trust[std::string(kms_uri)] = std::set<std::string>(trusted.begin(), trusted.end());
  return Status::Ok();
}

Result<std::vector<KmsCertificate>> KeyStore::TrustedExternalCertificates(std::string_view kms_uri) const {
  std::lock_guard lock(state_->mu);
  MCX_ASSIGN_OR_RETURN(const Domain* self, state_->Find(kms_uri));
  std::vector<KmsCertificate> out;
  auto trust = state_->trust.find(kms_uri);
  for (const auto& [uri, domain] : state_->domains) {
    if (&domain == self) continue;
    if (trust != state_->trust.end() && !trust->second.count(uri)) continue;
    KmsCertificate c = domain.certificate;
    c.role = CertificateRole::kExternal;
    out.push_back(std::move(c));
  }
  return out;
}

Result<std::vector<std::string>> KeyStore::TrustedExternalKms(std::string_view kms_uri) const {
  std::lock_guard lock(state_->mu);
  MCX_RETURN_IF_ERROR(state_->Find(kms_uri));
  std::vector<std::string> out;
  auto trust = state_->trust.find(kms_uri);
  for (const auto& [uri, domain] : state_->domains) {
    if (uri == kms_uri) continue;
    if (trust != state_->trust.end() && !trust->second.count(uri)) continue;
    out.push_back(uri);
  }
  return out;
}

Result<uint64_t> KeyStore::KeyPeriodNo(std::string_view kms_uri, uint64_t ntp_seconds) const {
  MCX_ASSIGN_OR_RETURN(KmsPublicParams kms, Kms(kms_uri));
  return KeyPeriodNumber(ntp_seconds, kms.user_key_period, kms.user_key_offset);
}

Result<SharedKeySet> KeyStore::KeySet(std::string_view kms_uri, std::string_view identity,
                                      uint64_t key_period_no) const {
  KmsCertificate certificate;
  MasterSecrets secrets;
  const KeySetKey key{std::string(identity), key_period_no};
  {
    std::lock_guard lock(state_->mu);
    MCX_ASSIGN_OR_RETURN(const Domain* d, state_->Find(kms_uri));
    if (auto it = d->stored.find(key); it != d->stored.end()) return it->second;
    if (auto it = d->issued.find(key); it != d->issued.end()) return it->second;
    if (!d->secrets) {
      return Error(ErrorCode::kNotFound, "no key set of " + std::string(identity) + " for period " +
                                             std::to_string(key_period_no) + " in KMS '" + std::string(kms_uri) +
                                             "', and the store has no master secrets to issue one");
    }
    certificate = d->certificate;
    secrets = *d->secrets;
  }
  // Issued outside the lock: SAKKE key issue is the slow part. The
  // client-side checks are skipped here: the RSK's pairing costs as much as
  // a decapsulation, and a verifier that checks a GKTP for each of 10,000
  // members issues 10,000 sets this way. The keys come from this domain's own
  // z and KSAK (checked against Z_T and KPAK when the secrets were made or
  // loaded), and a wrong key cannot make a message pass: decapsulation
  // re-checks R = [r]([ID]P + Z), and a wrong SSK makes signatures that fail
  // under the KPAK. Provision() and loaded or imported sets are still fully
  // validated.
  MCX_ASSIGN_OR_RETURN(KmsKeySet issued,
                       IssueKeySet(certificate, secrets, identity, key_period_no, /*check_keys=*/false));
  std::lock_guard lock(state_->mu);
  MCX_ASSIGN_OR_RETURN(Domain * d, state_->Find(kms_uri));
  // Another thread may have issued the same set meanwhile: the first one wins.
  auto [it, inserted] = d->issued.emplace(key, std::make_shared<const KmsKeySet>(std::move(issued)));
  return it->second;
}

Result<std::string> KeyStore::KmsForIdentity(std::string_view identity) const {
  std::lock_guard lock(state_->mu);
  std::vector<std::string> found;
  for (const auto& [uri, domain] : state_->domains) {
    for (const auto& [key, set] : domain.stored) {
      if (key.first == identity) {
        found.push_back(uri);
        break;
      }
    }
  }
  if (found.empty() && state_->domains.size() == 1) return state_->domains.begin()->first;
  if (found.empty()) {
    return Error(ErrorCode::kNotFound, "no KMS domain in the key store has key sets of " + std::string(identity) +
                                           "; name the KMS");
  }
  if (found.size() > 1) {
    return InvalidArgument("several KMS domains have key sets of " + std::string(identity) + ": " + found[0] +
                           ", " + found[1] + "; name the KMS");
  }
  return found.front();
}

Result<SharedKeySet> KeyStore::KeySet(std::string_view identity, uint64_t key_period_no) const {
  MCX_ASSIGN_OR_RETURN(std::string kms_uri, KmsForIdentity(identity));
  return KeySet(kms_uri, identity, key_period_no);
}

std::vector<KmsKeySet> KeyStore::StoredKeySets(std::string_view kms_uri) const {
  std::lock_guard lock(state_->mu);
  std::vector<KmsKeySet> out;
  auto it = state_->domains.find(kms_uri);
  if (it == state_->domains.end()) return out;
  for (const auto& [key, set] : it->second.stored) out.push_back(*set);
  return out;
}

std::vector<std::string> KeyStore::Identities() const {
  std::lock_guard lock(state_->mu);
  std::set<std::string> identities;
  for (const auto& [uri, domain] : state_->domains) {
    for (const auto& [key, set] : domain.stored) identities.insert(key.first);
  }
  return std::vector<std::string>(identities.begin(), identities.end());
}

std::string KeyStore::ExportJson(bool include_secrets) const {
  std::lock_guard lock(state_->mu);
  Json root;
  root["format"] = kStoreFormat;
  root["version"] = kFormatVersion;
  root["includes_secrets"] = include_secrets;
  root["domains"] = Json::array();
  for (const auto& [uri, d] : state_->domains) {
    Json dj;
    dj["kms_uri"] = uri;
    dj["certificate"] = CertificateJson(d.certificate);
    dj["has_master_secrets"] = d.secrets.has_value();
    if (include_secrets && d.secrets) {
      Json sj;
      sj["ksak"] = ToHex(d.secrets->ksak.span());
      sj["z"] = ToHex(d.secrets->z.span());
      if (!d.secrets->drbg_key.empty()) sj["drbg_key"] = ToHex(d.secrets->drbg_key.span());
      dj["master_secrets"] = std::move(sj);
    }
    // The domains this one trusts as External KMSs: its explicit list
    // (SetTrustedKms) or else every other domain; Load honours the field.
    Json trusted = Json::array();
    auto explicit_trust = state_->trust.find(uri);
    for (const auto& [other, unused] : state_->domains) {
      if (other == uri) continue;
      if (explicit_trust != state_->trust.end() && !explicit_trust->second.count(other)) continue;
      trusted.push_back(other);
    }
    dj["trusted_external_kms"] = std::move(trusted);
    Json sets = Json::array();
    for (const auto& [key, set] : d.stored) sets.push_back(KeySetJson(*set, include_secrets));
    dj["key_sets"] = std::move(sets);
    root["domains"].push_back(std::move(dj));
  }
  std::string out = root.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
  WipeJson(root);
  return out;
}

std::string KeyStore::Describe() const {
  std::lock_guard lock(state_->mu);
  std::ostringstream out;
  out << "key store " << (state_->dir.empty() ? std::string("(in memory)") : state_->dir) << ": "
      << state_->domains.size() << " KMS domain" << (state_->domains.size() == 1 ? "" : "s") << "\n";
  for (const auto& [uri, d] : state_->domains) {
    const KmsCertificate& c = d.certificate;
    out << "\nKMS " << uri << "\n";
    out << "  key period " << c.user_key_period << " s, offset " << c.user_key_offset << " s\n";
    out << "  KPAK (PubAuthKey) " << ToHex(c.pub_auth_key) << "\n";
    out << "  Z_T (PubEncKey)   " << Abbreviated(c.pub_enc_key) << "\n";
    out << "  master secrets: "
        << (!d.secrets ? "none (public only)" : d.secrets->drbg_key.empty() ? "yes (random)" : "yes (seeded)") << "\n";
    out << "  trusts as External:";
    bool any = false;
    for (const auto& [other, unused] : state_->domains) {
      if (other == uri) continue;
      out << " " << other;
      any = true;
    }
    out << (any ? "" : " (none)") << "\n";
    out << "  key sets: " << d.stored.size() << "\n";
    for (const auto& [key, set] : d.stored) {
      out << "    " << set->user_uri << "  period " << set->key_period_no << "  UID " << ToHex(set->user_id);
      if (set->valid_from && set->valid_to) out << "  valid " << *set->valid_from << " .. " << *set->valid_to;
      out << "\n";
    }
  }
  return out.str();
}

}  // namespace mcx::kms
