// The JSON side of a key store: the export (docs/keystore.md, "JSON export"),
// the directory's format marker and each domain's master-secrets.json.
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "crypto/bounded_json.h"
#include "crypto/eccsi.h"
#include "crypto/json_fields.h"
#include "kms/drbg.h"
#include "kms/key_store_internal.h"
#include "kms/validate.h"

namespace mcx::kms {

using Json = nlohmann::ordered_json;

namespace {

Result<nlohmann::json> ParseJson(std::string_view text, const std::string& where) {
  // Depth and duplicate-key limits; the size was bounded when the file was read.
  Result<nlohmann::json> parsed = ParseBoundedJson(text, {.max_size = text.size()});
  if (!parsed.ok()) return parsed.error().WithContext(where);
  return parsed;
}

// Wipes a parsed DOM that held key material when it goes out of scope.
struct WipeJsonOnExit {
  nlohmann::json& j;
  ~WipeJsonOnExit() { WipeJsonStrings(j); }
};

Status CheckFormat(const JsonFields& f, const char* format) {
  MCX_ASSIGN_OR_RETURN(std::string actual, f.String("format"));
  if (actual != format) return f.FieldError("format", "\"" + actual + "\" is not \"" + format + "\"");
  MCX_ASSIGN_OR_RETURN(uint64_t version, f.Unsigned("version"));
  if (version != kFormatVersion) {
    return f.FieldError("version", "format version " + std::to_string(version) + " is not supported");
  }
  return Status::Ok();
}

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

Result<KmsCertificate> CertificateFromJson(const JsonFields& f) {
  KmsCertificate c;
  MCX_ASSIGN_OR_RETURN(c.version, f.String("version"));
  MCX_ASSIGN_OR_RETURN(std::string role, f.String("role"));
  if (role != "Root" && role != "External") return f.FieldError("role", "\"" + role + "\" is not Root or External");
  c.role = role == "Root" ? CertificateRole::kRoot : CertificateRole::kExternal;
  MCX_ASSIGN_OR_RETURN(c.cert_uri, f.MaybeString("cert_uri"));
  MCX_ASSIGN_OR_RETURN(c.kms_uri, f.String("kms_uri"));
  MCX_ASSIGN_OR_RETURN(c.issuer, f.MaybeString("issuer"));
  MCX_ASSIGN_OR_RETURN(c.valid_from, f.MaybeString("valid_from"));
  MCX_ASSIGN_OR_RETURN(c.valid_to, f.MaybeString("valid_to"));
  if (f.Has("revoked")) {
    MCX_ASSIGN_OR_RETURN(c.revoked, f.Bool("revoked"));
  }
  MCX_ASSIGN_OR_RETURN(c.user_id_format, f.String("user_id_format"));
  MCX_ASSIGN_OR_RETURN(c.user_key_period, f.Unsigned("user_key_period"));
  MCX_ASSIGN_OR_RETURN(c.user_key_offset, f.Unsigned("user_key_offset"));
  MCX_ASSIGN_OR_RETURN(c.pub_enc_key, f.Hex("pub_enc_key", kSakkePointSize));
  MCX_ASSIGN_OR_RETURN(c.pub_auth_key, f.Hex("pub_auth_key", kKpakSize));
  if (f.Has("parameter_set")) {
    MCX_ASSIGN_OR_RETURN(c.parameter_set, f.Unsigned("parameter_set"));
  }
  if (f.Has("kms_domain_list")) {
    MCX_ASSIGN_OR_RETURN(c.kms_domain_list, f.StringArray("kms_domain_list"));
  }
  return c;
}

Result<KmsKeySet> KeySetFromJson(const JsonFields& f) {
  KmsKeySet k;
  MCX_ASSIGN_OR_RETURN(k.version, f.String("version"));
  MCX_ASSIGN_OR_RETURN(k.kms_uri, f.String("kms_uri"));
  MCX_ASSIGN_OR_RETURN(k.cert_uri, f.MaybeString("cert_uri"));
  MCX_ASSIGN_OR_RETURN(k.issuer, f.MaybeString("issuer"));
  MCX_ASSIGN_OR_RETURN(k.user_uri, f.String("user_uri"));
  MCX_ASSIGN_OR_RETURN(k.user_id, f.Hex("user_id", kUserIdSize));
  MCX_ASSIGN_OR_RETURN(k.valid_from, f.MaybeString("valid_from"));
  MCX_ASSIGN_OR_RETURN(k.valid_to, f.MaybeString("valid_to"));
  MCX_ASSIGN_OR_RETURN(k.key_period_no, f.Unsigned("key_period_no"));
  if (f.Has("revoked")) {
    MCX_ASSIGN_OR_RETURN(k.revoked, f.Bool("revoked"));
  }
  MCX_ASSIGN_OR_RETURN(k.user_pub_token, f.Hex("user_pub_token", kKpakSize));
  MCX_ASSIGN_OR_RETURN(k.user_signing_key, f.SecretHex("user_signing_key", kSskSize));
  MCX_ASSIGN_OR_RETURN(k.user_decrypt_key, f.SecretHex("user_decrypt_key", kSakkePointSize));
  return k;
}

// ksak, z and the optional drbg_key: of a secrets file or of an export's
// "master_secrets".
Result<MasterSecrets> SecretsFromJson(const JsonFields& f) {
  MasterSecrets s;
  MCX_ASSIGN_OR_RETURN(s.ksak, f.SecretHex("ksak", eccsi::kScalarSize));
  MCX_ASSIGN_OR_RETURN(s.z, f.SecretHex("z"));
  if (f.Has("drbg_key")) {
    MCX_ASSIGN_OR_RETURN(s.drbg_key, f.SecretHex("drbg_key", kDrbgKeySize));
  }
  return s;
}

}  // namespace

std::string MarkerJson() {
  Json j;
  j["format"] = kStoreFormat;
  j["version"] = kFormatVersion;
  return j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

Status CheckMarkerJson(std::string_view text, const std::string& where) {
  MCX_ASSIGN_OR_RETURN(nlohmann::json j, ParseJson(text, where));
  return CheckFormat(JsonFields(j, "", where), kStoreFormat);
}

std::string SecretsJson(const std::string& kms_uri, const MasterSecrets& s) {
  Json j;
  j["format"] = kSecretsFormat;
  j["version"] = kFormatVersion;
  j["kms_uri"] = kms_uri;
  j["ksak"] = ToHex(s.ksak.span());
  j["z"] = ToHex(s.z.span());
  if (!s.drbg_key.empty()) j["drbg_key"] = ToHex(s.drbg_key.span());
  std::string out = j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
  WipeJsonStrings(j);
  return out;
}

Result<MasterSecrets> ParseSecrets(std::string_view text, const KmsCertificate& c, const std::string& where) {
  MCX_ASSIGN_OR_RETURN(nlohmann::json j, ParseJson(text, where));
  WipeJsonOnExit wipe{j};
  const JsonFields f(j, "", where);
  MCX_RETURN_IF_ERROR(CheckFormat(f, kSecretsFormat));
  MCX_ASSIGN_OR_RETURN(std::string kms_uri, f.String("kms_uri"));
  if (kms_uri != c.kms_uri) {
    return f.FieldError("kms_uri", "\"" + kms_uri + "\" does not match the certificate's \"" + c.kms_uri + "\"");
  }
  MCX_ASSIGN_OR_RETURN(MasterSecrets s, SecretsFromJson(f));
  MCX_RETURN_IF_ERROR(CheckSecretsMatch(s, c, where));
  return s;
}

namespace {

// Where a domain's own checks (certificate and key set validation) name it:
// "store.json: domains[0].key_sets[1]".
std::string At(const JsonFields& f) { return f.where() + ": " + f.path(); }

Result<Domain> DomainFromJson(const JsonFields& dj, bool includes_secrets) {
  Domain d;
  MCX_ASSIGN_OR_RETURN(JsonFields cert, dj.Object("certificate"));
  MCX_ASSIGN_OR_RETURN(d.certificate, CertificateFromJson(cert));
  d.certificate.role = CertificateRole::kRoot;
  if (Status s = ValidateKmsCertificate(d.certificate); !s.ok()) return s.error().WithContext(At(dj));
  if (dj.Has("master_secrets")) {
    MCX_ASSIGN_OR_RETURN(JsonFields sj, dj.Object("master_secrets"));
    MCX_ASSIGN_OR_RETURN(MasterSecrets s, SecretsFromJson(sj));
    MCX_RETURN_IF_ERROR(CheckSecretsMatch(s, d.certificate, At(sj)));
    d.secrets = std::move(s);
  }
  // An export without secrets has no private keys: its key sets cannot be
  // loaded and are left out (the certificates alone still verify signatures).
  if (!dj.Has("key_sets") || !includes_secrets) return d;
  MCX_ASSIGN_OR_RETURN(std::vector<JsonFields> sets, dj.Objects("key_sets"));
  for (const JsonFields& kj : sets) {
    MCX_ASSIGN_OR_RETURN(KmsKeySet k, KeySetFromJson(kj));
    if (Status s = ValidateKmsKeySet(k, d.certificate); !s.ok()) return s.error().WithContext(At(kj));
    KeySetKey key{k.user_uri, k.key_period_no};
    if (d.stored.count(key) != 0) return JsonFieldError(kj.where(), kj.path(), "duplicate key set");
    d.stored.emplace(std::move(key), std::make_shared<const KmsKeySet>(std::move(k)));
  }
  return d;
}

// Trust lists name other domains of the file, so they are read once every
// domain is known. A domain without the field trusts all others.
Status ReadTrust(const JsonFields& dj, const std::string& self, KeyStore::State* state) {
  if (!dj.Has("trusted_external_kms")) return Status::Ok();
  MCX_ASSIGN_OR_RETURN(std::vector<std::string> list, dj.StringArray("trusted_external_kms"));
  std::set<std::string> trusted;
  for (std::string& other : list) {
    if (other == self || state->domains.count(other) == 0) {
      return dj.FieldError("trusted_external_kms", "'" + other + "' is not another domain of this store");
    }
    trusted.insert(std::move(other));
  }
  state->trust[self] = std::move(trusted);
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<KeyStore::State>> ParseJsonExport(std::string_view text, const std::string& path) {
  MCX_ASSIGN_OR_RETURN(nlohmann::json j, ParseJson(text, path));
  WipeJsonOnExit wipe{j};
  const JsonFields root(j, "", path);
  MCX_RETURN_IF_ERROR(CheckFormat(root, kStoreFormat));
  MCX_ASSIGN_OR_RETURN(std::vector<JsonFields> domains, root.Objects("domains"));
  MCX_ASSIGN_OR_RETURN(bool includes_secrets, root.Bool("includes_secrets"));
  auto state = std::make_unique<KeyStore::State>();
  std::vector<std::string> kms_uris;  // in file order
  for (const JsonFields& dj : domains) {
    MCX_ASSIGN_OR_RETURN(Domain d, DomainFromJson(dj, includes_secrets));
    if (state->domains.count(d.certificate.kms_uri) != 0) {
      return JsonFieldError(path, dj.path(), "KMS '" + d.certificate.kms_uri + "' appears twice");
    }
    kms_uris.push_back(d.certificate.kms_uri);
    state->domains.emplace(kms_uris.back(), std::move(d));
  }
  for (size_t i = 0; i < domains.size(); ++i) MCX_RETURN_IF_ERROR(ReadTrust(domains[i], kms_uris[i], state.get()));
  return state;
}

Result<KeyStore> KeyStore::LoadJsonExport(std::string_view json, const std::string& name) {
  MCX_ASSIGN_OR_RETURN(std::unique_ptr<State> state, ParseJsonExport(json, name));
  return KeyStore(std::move(state));
}

std::string ExportJsonOf(const KeyStore::State& state, bool include_secrets) {
  Json root;
  root["format"] = kStoreFormat;
  root["version"] = kFormatVersion;
  root["includes_secrets"] = include_secrets;
  root["domains"] = Json::array();
  for (const auto& [uri, d] : state.domains) {
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
    auto explicit_trust = state.trust.find(uri);
    for (const auto& [other, unused] : state.domains) {
      if (other == uri) continue;
      if (explicit_trust != state.trust.end() && !explicit_trust->second.count(other)) continue;
      trusted.push_back(other);
    }
    dj["trusted_external_kms"] = std::move(trusted);
    Json sets = Json::array();
    for (const auto& [key, set] : d.stored) sets.push_back(KeySetJson(*set, include_secrets));
    dj["key_sets"] = std::move(sets);
    root["domains"].push_back(std::move(dj));
  }
  std::string out = root.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
  WipeJsonStrings(root);
  return out;
}

}  // namespace mcx::kms
