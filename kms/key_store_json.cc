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
#include "kms/drbg.h"
#include "kms/key_store_internal.h"
#include "kms/validate.h"

namespace mcx::kms {

using Json = nlohmann::ordered_json;

namespace {

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
  // Depth and duplicate-key limits; the size was bounded when the file was read.
  Result<nlohmann::json> parsed = ParseBoundedJson(text, {.max_size = text.size()});
  if (!parsed.ok()) return parsed.error().WithContext(where);
  nlohmann::json j = std::move(parsed).value();
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

}  // namespace

std::string MarkerJson() {
  Json j;
  j["format"] = kStoreFormat;
  j["version"] = kFormatVersion;
  return j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

Status CheckMarkerJson(std::string_view text, const std::string& where) {
  MCX_ASSIGN_OR_RETURN(nlohmann::json j, ParseJson(text, where));
  return CheckFormat(j, kStoreFormat, where);
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
  WipeJson(j);
  return out;
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

Result<std::unique_ptr<KeyStore::State>> ParseJsonExport(std::string_view text, const std::string& path) {
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
  WipeJson(root);
  return out;
}

}  // namespace mcx::kms
