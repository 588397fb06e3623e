#include "kms/annex_d.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>

#include "kms/ntp_time.h"

namespace mcx::kms {

const char* CertificateRoleName(CertificateRole role) {
  return role == CertificateRole::kRoot ? "Root" : "External";
}

const char* KmsMessageTypeName(KmsMessageType type) {
  switch (type) {
    case KmsMessageType::kInit: return "KmsInit";
    case KmsMessageType::kKeyProv: return "KmsKeyProv";
    case KmsMessageType::kCertCache: return "KmsCertCache";
  }
  return "?";
}

namespace {

const xmlChar* X(const char* s) { return reinterpret_cast<const xmlChar*>(s); }
const char* C(const xmlChar* s) { return reinterpret_cast<const char*>(s); }

void EnsureLibxmlInitialized() {
  static std::once_flag once;
  std::call_once(once, [] { xmlInitParser(); });
}

// Private keys pass through libxml2 text nodes in both directions; their
// buffers are wiped before the tree is freed. Interned (dictionary) strings
// are shared and never hold key material (they are names and short text).
void WipeNodeContents(xmlDoc* doc, xmlNode* node) {
  for (; node != nullptr; node = node->next) {
    if (node->content != nullptr && (doc->dict == nullptr || !xmlDictOwns(doc->dict, node->content))) {
      SecureZero(node->content, static_cast<size_t>(xmlStrlen(node->content)));
    }
    if (node->type == XML_ELEMENT_NODE) WipeNodeContents(doc, node->children);
  }
}

struct DocDeleter {
  void operator()(xmlDoc* doc) const {
    WipeNodeContents(doc, doc->children);
    xmlFreeDoc(doc);
  }
};
using DocPtr = std::unique_ptr<xmlDoc, DocDeleter>;

// ---------------------------------------------------------------- writing

std::string UpperHex(ByteSpan bytes) {
  std::string hex = ToHex(bytes);
  for (char& c : hex) {
    if (c >= 'a' && c <= 'f') c = static_cast<char>(c - 'a' + 'A');
  }
  return hex;
}

class XmlBuilder {
 public:
  explicit XmlBuilder(const char* root_name) : doc_(xmlNewDoc(X("1.0"))) {
    EnsureLibxmlInitialized();
    root_ = xmlNewDocNode(doc_.get(), nullptr, X(root_name), nullptr);
    ns_ = xmlNewNs(root_, X(kKmsNamespace), nullptr);
    xmlSetNs(root_, ns_);
    xmlDocSetRootElement(doc_.get(), root_);
  }

  xmlNode* root() { return root_; }

  xmlNode* Element(xmlNode* parent, const char* name) {
    return xmlNewChild(parent, ns_, X(name), nullptr);
  }
  void Text(xmlNode* parent, const char* name, const std::string& value) {
    xmlNewTextChild(parent, ns_, X(name), X(value.c_str()));
  }
  void OptionalText(xmlNode* parent, const char* name, const std::optional<std::string>& value) {
    if (value) Text(parent, name, *value);
  }
  void Number(xmlNode* parent, const char* name, uint64_t value) {
    Text(parent, name, std::to_string(value));
  }
  void OptionalBool(xmlNode* parent, const char* name, const std::optional<bool>& value) {
    if (value) Text(parent, name, *value ? "true" : "false");
  }
  void Hex(xmlNode* parent, const char* name, ByteSpan value) {
    std::string hex = UpperHex(value);
    Text(parent, name, hex);
    SecureZero(hex.data(), hex.size());
  }
  void Attribute(xmlNode* node, const char* name, const std::string& value) {
    xmlNewProp(node, X(name), X(value.c_str()));
  }

  std::string Serialize() {
    xmlChar* buffer = nullptr;
    int size = 0;
    xmlDocDumpFormatMemoryEnc(doc_.get(), &buffer, &size, "UTF-8", 1);
    std::string out;
    if (buffer != nullptr) {
      out.assign(C(buffer), static_cast<size_t>(size));
      SecureZero(buffer, static_cast<size_t>(size));
      xmlFree(buffer);
    }
    return out;
  }

 private:
  DocPtr doc_;
  xmlNode* root_;
  xmlNs* ns_;
};

void FillCertificate(XmlBuilder& b, xmlNode* node, const KmsCertificate& c) {
  b.Attribute(node, "Version", c.version);
  b.Attribute(node, "Role", CertificateRoleName(c.role));
  b.OptionalText(node, "CertUri", c.cert_uri);
  b.Text(node, "KmsUri", c.kms_uri);
  b.OptionalText(node, "Issuer", c.issuer);
  b.OptionalText(node, "ValidFrom", c.valid_from);
  b.OptionalText(node, "ValidTo", c.valid_to);
  b.OptionalBool(node, "Revoked", c.revoked);
  b.Text(node, "UserIdFormat", c.user_id_format);
  b.Number(node, "UserKeyPeriod", c.user_key_period);
  b.Number(node, "UserKeyOffset", c.user_key_offset);
  b.Hex(node, "PubEncKey", c.pub_enc_key);
  b.Hex(node, "PubAuthKey", c.pub_auth_key);
  if (c.parameter_set) b.Number(node, "ParameterSet", *c.parameter_set);
  if (!c.kms_domain_list.empty()) {
    xmlNode* list = b.Element(node, "KmsDomainList");
    for (const std::string& domain : c.kms_domain_list) b.Text(list, "KmsDomain", domain);
  }
}

void FillKeySet(XmlBuilder& b, xmlNode* node, const KmsKeySet& k) {
  b.Attribute(node, "Version", k.version);
  b.Text(node, "KmsUri", k.kms_uri);
  b.OptionalText(node, "CertUri", k.cert_uri);
  b.OptionalText(node, "Issuer", k.issuer);
  b.Text(node, "UserUri", k.user_uri);
  b.Hex(node, "UserID", k.user_id);
  b.OptionalText(node, "ValidFrom", k.valid_from);
  b.OptionalText(node, "ValidTo", k.valid_to);
  b.Number(node, "KeyPeriodNo", k.key_period_no);
  b.OptionalBool(node, "Revoked", k.revoked);
  b.Hex(node, "UserDecryptKey", k.user_decrypt_key.span());
  b.Hex(node, "UserSigningKeySSK", k.user_signing_key.span());
  b.Hex(node, "UserPubTokenPVT", k.user_pub_token);
}

// ---------------------------------------------------------------- reading

bool IsXmlSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view TrimXmlSpace(std::string_view s) {
  while (!s.empty() && IsXmlSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsXmlSpace(s.back())) s.remove_suffix(1);
  return s;
}

bool IsOurs(const xmlNode* node) {
  return node->ns != nullptr && node->ns->href != nullptr && xmlStrEqual(node->ns->href, X(kKmsNamespace));
}

struct ChildSpec {
  const char* name;
  bool required;
  bool repeated = false;
};

using ChildMap = std::map<std::string, std::vector<const xmlNode*>>;

// Walks one parsed document, producing errors that name the element path and
// the line (offset = first octet of that line in the input).
class Reader {
 public:
  explicit Reader(std::string_view xml) : xml_(xml) {}

  Error At(const xmlNode* node, const std::string& path, const std::string& what) const {
    const long line = node != nullptr ? xmlGetLineNo(node) : -1;
    std::string message = path;
    if (line > 0) message += " (line " + std::to_string(line) + ")";
    message += ": " + what;
    return Error(ErrorCode::kParse, message, LineOffset(line));
  }

  size_t LineOffset(long line) const {
    if (line <= 1) return 0;
    long current = 1;
    for (size_t i = 0; i < xml_.size(); ++i) {
      if (xml_[i] == '\n' && ++current == line) return i + 1;
    }
    return xml_.size();
  }

  // Collects the element children of `parent` by local name, enforcing the
  // namespace, the allowed names, repetition and presence.
  Result<ChildMap> Children(const xmlNode* parent, const std::string& path,
                            std::initializer_list<ChildSpec> specs) const {
    ChildMap found;
    for (const xmlNode* child = parent->children; child != nullptr; child = child->next) {
      switch (child->type) {
        case XML_ELEMENT_NODE: {
          const std::string name = C(child->name);
          const ChildSpec* spec = nullptr;
          for (const ChildSpec& s : specs) {
            if (name == s.name) spec = &s;
          }
          const std::string child_path = path + "/" + name;
          if (spec != nullptr && !IsOurs(child)) return WrongNamespace(child, child_path);
          if (spec == nullptr) {
            // Foreign-namespace elements are the schema's extension points.
            if (child->ns != nullptr && !IsOurs(child)) continue;
            return At(child, child_path, "unexpected element " + name);
          }
          auto& list = found[name];
          if (!list.empty() && !spec->repeated) {
            return At(child, child_path, "element " + name + " appears more than once");
          }
          list.push_back(child);
          break;
        }
        case XML_TEXT_NODE:
          if (!TrimXmlSpace(child->content ? C(child->content) : "").empty()) {
            return At(child, path, "unexpected text content in " + std::string(C(parent->name)));
          }
          break;
        case XML_CDATA_SECTION_NODE:
          return At(child, path, "unexpected CDATA section in " + std::string(C(parent->name)));
        case XML_ENTITY_REF_NODE:
          return At(child, path, "entity references are not allowed");
        case XML_COMMENT_NODE:
        case XML_PI_NODE:
          break;
        default:
          return At(child, path, "unexpected node type " + std::to_string(child->type));
      }
    }
    for (const ChildSpec& s : specs) {
      if (s.required && found.find(s.name) == found.end()) {
        return At(parent, path, "missing mandatory element " + std::string(s.name));
      }
    }
    return found;
  }

  Error WrongNamespace(const xmlNode* node, const std::string& path) const {
    if (node->ns == nullptr || node->ns->href == nullptr) {
      return At(node, path,
                "element " + std::string(C(node->name)) + " has no namespace, expected " + kKmsNamespace);
    }
    return At(node, path,
              "element " + std::string(C(node->name)) + " is in namespace '" + C(node->ns->href) +
                  "', expected " + kKmsNamespace);
  }

  // The character content of a leaf element, surrounding white space removed.
  Result<std::string> Text(const xmlNode* node, const std::string& path) const {
    std::string text;
    for (const xmlNode* child = node->children; child != nullptr; child = child->next) {
      switch (child->type) {
        case XML_TEXT_NODE:
        case XML_CDATA_SECTION_NODE:
          if (child->content != nullptr) text += C(child->content);
          break;
        case XML_ELEMENT_NODE:
          SecureZero(text.data(), text.size());
          if (xmlStrEqual(child->name, X("EncryptedKey"))) {
            return At(child, path, "encrypted key content (EncryptedKey under a TrK) is not supported");
          }
          return At(child, path, "must hold text, not element " + std::string(C(child->name)));
        case XML_ENTITY_REF_NODE:
          SecureZero(text.data(), text.size());
          return At(child, path, "entity references are not allowed");
        case XML_COMMENT_NODE:
        case XML_PI_NODE:
          break;
        default:
          SecureZero(text.data(), text.size());
          return At(child, path, "unexpected node type " + std::to_string(child->type));
      }
    }
    std::string_view trimmed = TrimXmlSpace(text);
    std::string out(trimmed);
    SecureZero(text.data(), text.size());
    return out;
  }

  Result<std::string> NonEmptyText(const xmlNode* node, const std::string& path) const {
    MCX_ASSIGN_OR_RETURN(std::string text, Text(node, path));
    if (text.empty()) return At(node, path, "must not be empty");
    return text;
  }

  Result<uint64_t> Unsigned(const xmlNode* node, const std::string& path) const {
    MCX_ASSIGN_OR_RETURN(std::string text, Text(node, path));
    if (text.empty()) return At(node, path, "must be a non-negative integer, found nothing");
    uint64_t value = 0;
    for (char c : text) {
      if (c < '0' || c > '9') {
        return At(node, path, "'" + text + "' is not a non-negative decimal integer");
      }
      const uint64_t digit = static_cast<uint64_t>(c - '0');
      if (value > (UINT64_MAX - digit) / 10) return At(node, path, "'" + text + "' is too large");
      value = value * 10 + digit;
    }
    return value;
  }

  Result<bool> Boolean(const xmlNode* node, const std::string& path) const {
    MCX_ASSIGN_OR_RETURN(std::string text, Text(node, path));
    if (text == "true" || text == "1") return true;
    if (text == "false" || text == "0") return false;
    return At(node, path, "'" + text + "' is not a boolean (true/false)");
  }

  Result<std::string> DateTime(const xmlNode* node, const std::string& path) const {
    MCX_ASSIGN_OR_RETURN(std::string text, Text(node, path));
    auto parsed = NtpSecondsFromIso8601(text);
    if (!parsed.ok()) return At(node, path, "not an xsd:dateTime: " + parsed.error().message());
    return text;
  }

  // hexBinary of exactly `size` octets; `point` additionally requires the
  // uncompressed-point prefix 0x04. `what` says what the value is.
  Result<SecretBytes> Hex(const xmlNode* node, const std::string& path, size_t size, bool point,
                          const char* what) const {
    MCX_ASSIGN_OR_RETURN(std::string text, Text(node, path));
    auto decoded = FromHex(text);
    SecureZero(text.data(), text.size());
    if (!decoded.ok()) {
      std::string why = "bad hex: " + decoded.error().message();
      if (decoded.error().offset()) why += " at hex digit " + std::to_string(*decoded.error().offset());
      return At(node, path, why);
    }
    SecretBytes bytes(std::move(decoded).value());
    if (bytes.size() != size) {
      return At(node, path,
                std::to_string(bytes.size()) + " octets, expected " + std::to_string(size) + " (" + what + ")");
    }
    if (point && bytes.data()[0] != 0x04) {
      return At(node, path,
                "not an uncompressed point: first octet 0x" + ToHex(bytes.span().first(1)) +
                    ", expected 0x04 (" + what + ")");
    }
    return bytes;
  }

  Result<Bytes> PublicHex(const xmlNode* node, const std::string& path, size_t size, bool point,
                          const char* what) const {
    MCX_ASSIGN_OR_RETURN(SecretBytes bytes, Hex(node, path, size, point, what));
    return Bytes(bytes.span().begin(), bytes.span().end());
  }

  Result<std::string> Version(const xmlNode* node, const std::string& path) const {
    xmlChar* value = xmlGetNoNsProp(node, X("Version"));
    if (value == nullptr) return std::string(kKmsXmlVersion);
    std::string version = C(value);
    xmlFree(value);
    if (version != "1.0.0" && version != "1.1.0") {
      return At(node, path, "unsupported Version attribute '" + version + "' (expected 1.1.0)");
    }
    return version;
  }

 private:
  std::string_view xml_;
};

// Element lookup helpers over a ChildMap that Children() already checked.
const xmlNode* One(const ChildMap& m, const char* name) {
  auto it = m.find(name);
  return it == m.end() ? nullptr : it->second.front();
}
const std::vector<const xmlNode*>& All(const ChildMap& m, const char* name) {
  static const std::vector<const xmlNode*> kEmpty;
  auto it = m.find(name);
  return it == m.end() ? kEmpty : it->second;
}

Result<std::optional<std::string>> OptionalText(const Reader& r, const ChildMap& m, const char* name,
                                                const std::string& path) {
  const xmlNode* node = One(m, name);
  if (node == nullptr) return std::optional<std::string>();
  MCX_ASSIGN_OR_RETURN(std::string text, r.NonEmptyText(node, path + "/" + name));
  return std::optional<std::string>(std::move(text));
}

Result<std::optional<std::string>> OptionalDateTime(const Reader& r, const ChildMap& m, const char* name,
                                                    const std::string& path) {
  const xmlNode* node = One(m, name);
  if (node == nullptr) return std::optional<std::string>();
  MCX_ASSIGN_OR_RETURN(std::string text, r.DateTime(node, path + "/" + name));
  return std::optional<std::string>(std::move(text));
}

Result<std::optional<bool>> OptionalBool(const Reader& r, const ChildMap& m, const char* name,
                                         const std::string& path) {
  const xmlNode* node = One(m, name);
  if (node == nullptr) return std::optional<bool>();
  MCX_ASSIGN_OR_RETURN(bool value, r.Boolean(node, path + "/" + name));
  return std::optional<bool>(value);
}

Result<KmsCertificate> ReadCertificate(const Reader& r, const xmlNode* node, const std::string& path) {
  KmsCertificate c;
  MCX_ASSIGN_OR_RETURN(c.version, r.Version(node, path));
  xmlChar* role = xmlGetNoNsProp(node, X("Role"));
  if (role == nullptr) return r.At(node, path, "missing mandatory attribute Role (Root or External)");
  const std::string role_text = C(role);
  xmlFree(role);
  if (role_text == "Root") {
    c.role = CertificateRole::kRoot;
  } else if (role_text == "External") {
    c.role = CertificateRole::kExternal;
  } else {
    return r.At(node, path, "attribute Role is '" + role_text + "', expected Root or External");
  }
  MCX_ASSIGN_OR_RETURN(ChildMap m, r.Children(node, path,
                                              {{"CertUri", false},
                                               {"KmsUri", true},
                                               {"Issuer", false},
                                               {"ValidFrom", false},
                                               {"ValidTo", false},
                                               {"Revoked", false},
                                               {"UserIdFormat", true},
                                               {"UserKeyPeriod", true},
                                               {"UserKeyOffset", true},
                                               {"PubEncKey", true},
                                               {"PubAuthKey", true},
                                               {"ParameterSet", false},
                                               {"KmsDomainList", false}}));
  MCX_ASSIGN_OR_RETURN(c.cert_uri, OptionalText(r, m, "CertUri", path));
  MCX_ASSIGN_OR_RETURN(c.kms_uri, r.NonEmptyText(One(m, "KmsUri"), path + "/KmsUri"));
  MCX_ASSIGN_OR_RETURN(c.issuer, OptionalText(r, m, "Issuer", path));
  MCX_ASSIGN_OR_RETURN(c.valid_from, OptionalDateTime(r, m, "ValidFrom", path));
  MCX_ASSIGN_OR_RETURN(c.valid_to, OptionalDateTime(r, m, "ValidTo", path));
  MCX_ASSIGN_OR_RETURN(c.revoked, OptionalBool(r, m, "Revoked", path));
  MCX_ASSIGN_OR_RETURN(c.user_id_format, r.NonEmptyText(One(m, "UserIdFormat"), path + "/UserIdFormat"));
  if (c.user_id_format != kUserIdFormatHashedUid) {
    return r.At(One(m, "UserIdFormat"), path + "/UserIdFormat",
                "UserIdFormat '" + c.user_id_format + "' is not supported (only 2, the hashed UID)");
  }
  MCX_ASSIGN_OR_RETURN(c.user_key_period, r.Unsigned(One(m, "UserKeyPeriod"), path + "/UserKeyPeriod"));
  if (c.user_key_period == 0) {
    return r.At(One(m, "UserKeyPeriod"), path + "/UserKeyPeriod", "the key period must not be 0");
  }
  MCX_ASSIGN_OR_RETURN(c.user_key_offset, r.Unsigned(One(m, "UserKeyOffset"), path + "/UserKeyOffset"));
  MCX_ASSIGN_OR_RETURN(c.pub_enc_key, r.PublicHex(One(m, "PubEncKey"), path + "/PubEncKey", kSakkePointSize,
                                                  true, "SAKKE public key Z_T"));
  MCX_ASSIGN_OR_RETURN(c.pub_auth_key, r.PublicHex(One(m, "PubAuthKey"), path + "/PubAuthKey", kKpakSize,
                                                   true, "ECCSI public key KPAK"));
  if (const xmlNode* ps = One(m, "ParameterSet")) {
    MCX_ASSIGN_OR_RETURN(uint64_t set, r.Unsigned(ps, path + "/ParameterSet"));
    if (set != 1) {
      return r.At(ps, path + "/ParameterSet",
                  "parameter set " + std::to_string(set) + " is not supported (only 1, RFC 6509)");
    }
    c.parameter_set = set;
  }
  if (const xmlNode* list = One(m, "KmsDomainList")) {
    const std::string list_path = path + "/KmsDomainList";
    MCX_ASSIGN_OR_RETURN(ChildMap domains, r.Children(list, list_path, {{"KmsDomain", true, true}}));
    for (const xmlNode* d : All(domains, "KmsDomain")) {
      MCX_ASSIGN_OR_RETURN(std::string domain, r.NonEmptyText(d, list_path + "/KmsDomain"));
      c.kms_domain_list.push_back(std::move(domain));
    }
  }
  return c;
}

Result<KmsKeySet> ReadKeySet(const Reader& r, const xmlNode* node, const std::string& path) {
  KmsKeySet k;
  MCX_ASSIGN_OR_RETURN(k.version, r.Version(node, path));
  MCX_ASSIGN_OR_RETURN(ChildMap m, r.Children(node, path,
                                              {{"KmsUri", true},
                                               {"CertUri", false},
                                               {"Issuer", false},
                                               {"UserUri", true},
                                               {"UserID", true},
                                               {"ValidFrom", false},
                                               {"ValidTo", false},
                                               {"KeyPeriodNo", true},
                                               {"Revoked", false},
                                               {"UserDecryptKey", true},
                                               {"UserSigningKeySSK", true},
                                               {"UserPubTokenPVT", true}}));
  MCX_ASSIGN_OR_RETURN(k.kms_uri, r.NonEmptyText(One(m, "KmsUri"), path + "/KmsUri"));
  MCX_ASSIGN_OR_RETURN(k.cert_uri, OptionalText(r, m, "CertUri", path));
  MCX_ASSIGN_OR_RETURN(k.issuer, OptionalText(r, m, "Issuer", path));
  MCX_ASSIGN_OR_RETURN(k.user_uri, r.NonEmptyText(One(m, "UserUri"), path + "/UserUri"));
  MCX_ASSIGN_OR_RETURN(k.user_id, r.PublicHex(One(m, "UserID"), path + "/UserID", kUserIdSize, false,
                                              "the hashed UID"));
  MCX_ASSIGN_OR_RETURN(k.valid_from, OptionalDateTime(r, m, "ValidFrom", path));
  MCX_ASSIGN_OR_RETURN(k.valid_to, OptionalDateTime(r, m, "ValidTo", path));
  MCX_ASSIGN_OR_RETURN(k.key_period_no, r.Unsigned(One(m, "KeyPeriodNo"), path + "/KeyPeriodNo"));
  MCX_ASSIGN_OR_RETURN(k.revoked, OptionalBool(r, m, "Revoked", path));
  MCX_ASSIGN_OR_RETURN(k.user_decrypt_key, r.Hex(One(m, "UserDecryptKey"), path + "/UserDecryptKey",
                                                 kSakkePointSize, true, "SAKKE RSK"));
  MCX_ASSIGN_OR_RETURN(k.user_signing_key, r.Hex(One(m, "UserSigningKeySSK"), path + "/UserSigningKeySSK",
                                                 kSskSize, false, "ECCSI SSK"));
  MCX_ASSIGN_OR_RETURN(k.user_pub_token, r.PublicHex(One(m, "UserPubTokenPVT"), path + "/UserPubTokenPVT",
                                                     kKpakSize, true, "ECCSI PVT"));
  return k;
}

Result<KmsResponse> ReadResponse(const Reader& r, const xmlNode* node, const std::string& path) {
  KmsResponse resp;
  MCX_ASSIGN_OR_RETURN(ChildMap m, r.Children(node, path,
                                              {{"UserUri", true},
                                               {"KmsUri", true},
                                               {"Time", true},
                                               {"KmsId", false},
                                               {"ClientReqUrl", true},
                                               {"KmsMessage", true},
                                               {"TrK-ID", false},
                                               {"Signature-ID", false}}));
  MCX_ASSIGN_OR_RETURN(resp.user_uri, r.NonEmptyText(One(m, "UserUri"), path + "/UserUri"));
  MCX_ASSIGN_OR_RETURN(resp.kms_uri, r.NonEmptyText(One(m, "KmsUri"), path + "/KmsUri"));
  MCX_ASSIGN_OR_RETURN(resp.time, r.DateTime(One(m, "Time"), path + "/Time"));
  MCX_ASSIGN_OR_RETURN(resp.kms_id, OptionalText(r, m, "KmsId", path));
  MCX_ASSIGN_OR_RETURN(resp.client_req_url, r.NonEmptyText(One(m, "ClientReqUrl"), path + "/ClientReqUrl"));
  MCX_ASSIGN_OR_RETURN(resp.trk_id, OptionalText(r, m, "TrK-ID", path));
  MCX_ASSIGN_OR_RETURN(resp.signature_id, OptionalText(r, m, "Signature-ID", path));

  const xmlNode* message = One(m, "KmsMessage");
  const std::string message_path = path + "/KmsMessage";
  MCX_ASSIGN_OR_RETURN(ChildMap kinds, r.Children(message, message_path,
                                                  {{"KmsInit", false},
                                                   {"KmsKeyProv", false},
                                                   {"KmsCertCache", false},
                                                   {"KmsLookup", false}}));
  if (One(kinds, "KmsLookup") != nullptr) {
    return r.At(One(kinds, "KmsLookup"), message_path + "/KmsLookup", "KmsLookup responses are not supported");
  }
  if (kinds.size() != 1) {
    return r.At(message, message_path,
                "KmsMessage must hold exactly one of KmsInit, KmsKeyProv, KmsCertCache (found " +
                    std::to_string(kinds.size()) + ")");
  }
  if (const xmlNode* init = One(kinds, "KmsInit")) {
    resp.type = KmsMessageType::kInit;
    const std::string init_path = message_path + "/KmsInit";
    MCX_ASSIGN_OR_RETURN(ChildMap children, r.Children(init, init_path, {{"KmsCertificate", true}}));
    MCX_ASSIGN_OR_RETURN(KmsCertificate cert,
                         ReadCertificate(r, One(children, "KmsCertificate"), init_path + "/KmsCertificate"));
    resp.certificates.push_back(std::move(cert));
  } else if (const xmlNode* prov = One(kinds, "KmsKeyProv")) {
    resp.type = KmsMessageType::kKeyProv;
    const std::string prov_path = message_path + "/KmsKeyProv";
    MCX_ASSIGN_OR_RETURN(ChildMap children, r.Children(prov, prov_path, {{"KmsKeySet", false, true}}));
    size_t index = 0;
    for (const xmlNode* set : All(children, "KmsKeySet")) {
      ++index;
      MCX_ASSIGN_OR_RETURN(KmsKeySet key_set,
                           ReadKeySet(r, set, prov_path + "/KmsKeySet[" + std::to_string(index) + "]"));
      resp.key_sets.push_back(std::move(key_set));
    }
  } else {
    const xmlNode* cache = One(kinds, "KmsCertCache");
    resp.type = KmsMessageType::kCertCache;
    const std::string cache_path = message_path + "/KmsCertCache";
    MCX_ASSIGN_OR_RETURN(ChildMap children, r.Children(cache, cache_path, {{"KmsCertificate", false, true}}));
    size_t index = 0;
    for (const xmlNode* cert_node : All(children, "KmsCertificate")) {
      ++index;
      MCX_ASSIGN_OR_RETURN(KmsCertificate cert,
                           ReadCertificate(r, cert_node, cache_path + "/KmsCertificate[" + std::to_string(index) + "]"));
      resp.certificates.push_back(std::move(cert));
    }
  }
  return resp;
}

Result<KmsRequest> ReadRequest(const Reader& r, const xmlNode* node, const std::string& path) {
  KmsRequest req;
  MCX_ASSIGN_OR_RETURN(req.version, r.Version(node, path));
  MCX_ASSIGN_OR_RETURN(ChildMap m, r.Children(node, path,
                                              {{"UserUri", true},
                                               {"KmsUri", true},
                                               {"ClientId", false},
                                               {"DeviceId", false},
                                               {"Time", true},
                                               {"ClientReqUrl", true},
                                               {"KrrList", false},
                                               {"ClientError", false},
                                               {"TrK-ID", false},
                                               {"Signature-ID", false}}));
  MCX_ASSIGN_OR_RETURN(req.user_uri, r.NonEmptyText(One(m, "UserUri"), path + "/UserUri"));
  MCX_ASSIGN_OR_RETURN(req.kms_uri, r.NonEmptyText(One(m, "KmsUri"), path + "/KmsUri"));
  MCX_ASSIGN_OR_RETURN(req.client_id, OptionalText(r, m, "ClientId", path));
  MCX_ASSIGN_OR_RETURN(req.device_id, OptionalText(r, m, "DeviceId", path));
  MCX_ASSIGN_OR_RETURN(req.time, r.DateTime(One(m, "Time"), path + "/Time"));
  MCX_ASSIGN_OR_RETURN(req.client_req_url, r.NonEmptyText(One(m, "ClientReqUrl"), path + "/ClientReqUrl"));
  return req;
}

// Counts the attributes of every start tag in one linear pass, so that a tag
// with thousands of them is refused before libxml2 spends quadratic time on
// it. Comments, CDATA sections and processing instructions are skipped; on
// malformed input the count may be off, but libxml2 then rejects it anyway.
Status CheckAttributeCounts(std::string_view xml) {
  size_t i = 0;
  const auto skip_past = [&xml, &i](std::string_view end) {
    const size_t at = xml.find(end, i);
    i = at == std::string_view::npos ? xml.size() : at + end.size();
  };
  while ((i = xml.find('<', i)) != std::string_view::npos) {
    const std::string_view rest = xml.substr(i);
    if (rest.substr(0, 4) == "<!--") {
      skip_past("-->");
    } else if (rest.substr(0, 9) == "<![CDATA[") {
      skip_past("]]>");
    } else if (rest.substr(0, 2) == "<?") {
      skip_past("?>");
    } else if (rest.substr(0, 2) == "</" || rest.substr(0, 2) == "<!") {
      skip_past(">");
    } else {
      const size_t tag = i;
      size_t attributes = 0;
      char quote = 0;
      for (++i; i < xml.size() && (quote != 0 || xml[i] != '>'); ++i) {
        if (quote != 0) {
          if (xml[i] == quote) quote = 0;
        } else if (xml[i] == '"' || xml[i] == '\'') {
          quote = xml[i];
        } else if (xml[i] == '=' && ++attributes > kMaxXmlAttributesPerElement) {
          return Error(ErrorCode::kParse,
                       "element has more than " + std::to_string(kMaxXmlAttributesPerElement) + " attributes",
                       tag);
        }
      }
    }
  }
  return Status::Ok();
}

// Parses with network access, DTD loading and entity substitution all off;
// documents that declare a DOCTYPE are refused outright (no entity tricks).
Result<DocPtr> ParseDocument(std::string_view xml, const Reader& reader) {
  EnsureLibxmlInitialized();
  if (xml.size() > kMaxXmlDocumentSize) {
    return Error(ErrorCode::kParse,
                 "XML document of " + std::to_string(xml.size()) + " octets exceeds the limit of " +
                     std::to_string(kMaxXmlDocumentSize),
                 0);
  }
  if (xml.empty()) return Error(ErrorCode::kParse, "empty XML document", 0);
  if (size_t pos = xml.find("<!DOCTYPE"); pos != std::string_view::npos) {
    return Error(ErrorCode::kParse, "DOCTYPE declarations are not allowed", pos);
  }
  MCX_RETURN_IF_ERROR(CheckAttributeCounts(xml));
  std::unique_ptr<xmlParserCtxt, decltype(&xmlFreeParserCtxt)> ctxt(xmlNewParserCtxt(), xmlFreeParserCtxt);
  if (!ctxt) return Error(ErrorCode::kInternal, "libxml2: cannot allocate a parser context");
  const int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NODICT;
  xmlDoc* raw = xmlCtxtReadMemory(ctxt.get(), xml.data(), static_cast<int>(xml.size()), "kms.xml", nullptr,
                                  options);
  if (raw == nullptr || !ctxt->wellFormed || !ctxt->nsWellFormed) {
    if (raw != nullptr) DocDeleter()(raw);
    const xmlError* e = xmlCtxtGetLastError(ctxt.get());
    std::string message = "malformed XML";
    long line = 0;
    if (e != nullptr && e->message != nullptr) {
      message += ": " + std::string(TrimXmlSpace(e->message));
      line = e->line;
      if (line > 0) message += " (line " + std::to_string(line) + ")";
    }
    return Error(ErrorCode::kParse, message, reader.LineOffset(line));
  }
  DocPtr doc(raw);
  if (doc->intSubset != nullptr || doc->extSubset != nullptr) {
    return Error(ErrorCode::kParse, "DOCTYPE declarations are not allowed", 0);
  }
  return doc;
}

// Checks the root element's name and namespace.
Result<const xmlNode*> Root(const Reader& r, xmlDoc* doc, std::initializer_list<const char*> names) {
  const xmlNode* root = xmlDocGetRootElement(doc);
  if (root == nullptr) return Error(ErrorCode::kParse, "XML document has no root element", 0);
  const std::string name = C(root->name);
  bool known = false;
  std::string expected;
  for (const char* n : names) {
    if (name == n) known = true;
    expected += std::string(expected.empty() ? "" : " or ") + n;
  }
  if (!known) return r.At(root, name, "root element is " + name + ", expected " + expected);
  if (!IsOurs(root)) return r.WrongNamespace(root, name);
  return root;
}

// A KmsResponse root, or the KmsResponse inside a SignedKmsResponse root.
Result<KmsResponse> ReadResponseRoot(const Reader& r, const xmlNode* root) {
  if (xmlStrEqual(root->name, X("SignedKmsResponse"))) {
    MCX_ASSIGN_OR_RETURN(ChildMap m, r.Children(root, "SignedKmsResponse", {{"KmsResponse", true}}));
    return ReadResponse(r, One(m, "KmsResponse"), "SignedKmsResponse/KmsResponse");
  }
  return ReadResponse(r, root, "KmsResponse");
}

// A KmsRequest root, or the KmsRequest inside a SignedKmsRequest root.
Result<KmsRequest> ReadRequestRoot(const Reader& r, const xmlNode* root) {
  if (xmlStrEqual(root->name, X("SignedKmsRequest"))) {
    MCX_ASSIGN_OR_RETURN(ChildMap m, r.Children(root, "SignedKmsRequest", {{"KmsRequest", true}}));
    return ReadRequest(r, One(m, "KmsRequest"), "SignedKmsRequest/KmsRequest");
  }
  return ReadRequest(r, root, "KmsRequest");
}

}  // namespace

std::string WriteKmsResponse(const KmsResponse& response) {
  XmlBuilder b("KmsResponse");
  xmlNode* root = b.root();
  b.Text(root, "UserUri", response.user_uri);
  b.Text(root, "KmsUri", response.kms_uri);
  b.Text(root, "Time", response.time);
  b.OptionalText(root, "KmsId", response.kms_id);
  b.Text(root, "ClientReqUrl", response.client_req_url);
  xmlNode* message = b.Element(root, "KmsMessage");
  xmlNode* body = b.Element(message, KmsMessageTypeName(response.type));
  if (response.type == KmsMessageType::kKeyProv) {
    for (const KmsKeySet& k : response.key_sets) FillKeySet(b, b.Element(body, "KmsKeySet"), k);
  } else {
    for (const KmsCertificate& c : response.certificates) FillCertificate(b, b.Element(body, "KmsCertificate"), c);
  }
  b.OptionalText(root, "TrK-ID", response.trk_id);
  b.OptionalText(root, "Signature-ID", response.signature_id);
  return b.Serialize();
}

std::string WriteKmsCertificateDocument(const KmsCertificate& certificate) {
  XmlBuilder b("KmsCertificate");
  FillCertificate(b, b.root(), certificate);
  return b.Serialize();
}

std::string WriteKmsKeySetDocument(const KmsKeySet& key_set) {
  XmlBuilder b("KmsKeySet");
  FillKeySet(b, b.root(), key_set);
  return b.Serialize();
}

std::string WriteKmsRequest(const KmsRequest& request) {
  XmlBuilder b("KmsRequest");
  xmlNode* root = b.root();
  b.Attribute(root, "Version", request.version);
  b.Text(root, "UserUri", request.user_uri);
  b.Text(root, "KmsUri", request.kms_uri);
  b.OptionalText(root, "ClientId", request.client_id);
  b.OptionalText(root, "DeviceId", request.device_id);
  b.Text(root, "Time", request.time);
  b.Text(root, "ClientReqUrl", request.client_req_url);
  return b.Serialize();
}

Result<KmsResponse> ParseKmsResponse(std::string_view xml) {
  Reader r(xml);
  MCX_ASSIGN_OR_RETURN(DocPtr doc, ParseDocument(xml, r));
  MCX_ASSIGN_OR_RETURN(const xmlNode* root, Root(r, doc.get(), {"KmsResponse", "SignedKmsResponse"}));
  return ReadResponseRoot(r, root);
}

Result<KmsCertificate> ParseKmsCertificateDocument(std::string_view xml) {
  Reader r(xml);
  MCX_ASSIGN_OR_RETURN(DocPtr doc, ParseDocument(xml, r));
  MCX_ASSIGN_OR_RETURN(const xmlNode* root, Root(r, doc.get(), {"KmsCertificate", "KmsResponse"}));
  if (xmlStrEqual(root->name, X("KmsCertificate"))) return ReadCertificate(r, root, "KmsCertificate");
  MCX_ASSIGN_OR_RETURN(KmsResponse response, ReadResponse(r, root, "KmsResponse"));
  if (response.type == KmsMessageType::kKeyProv || response.certificates.size() != 1) {
    return Error(ErrorCode::kParse, "KmsResponse: expected exactly one KmsCertificate, found " +
                                        std::to_string(response.certificates.size()),
                 0);
  }
  return std::move(response.certificates.front());
}

Result<KmsKeySet> ParseKmsKeySetDocument(std::string_view xml) {
  Reader r(xml);
  MCX_ASSIGN_OR_RETURN(DocPtr doc, ParseDocument(xml, r));
  MCX_ASSIGN_OR_RETURN(const xmlNode* root, Root(r, doc.get(), {"KmsKeySet", "KmsResponse"}));
  if (xmlStrEqual(root->name, X("KmsKeySet"))) return ReadKeySet(r, root, "KmsKeySet");
  MCX_ASSIGN_OR_RETURN(KmsResponse response, ReadResponse(r, root, "KmsResponse"));
  if (response.type != KmsMessageType::kKeyProv || response.key_sets.size() != 1) {
    return Error(ErrorCode::kParse, "KmsResponse: expected exactly one KmsKeySet, found " +
                                        std::to_string(response.key_sets.size()),
                 0);
  }
  return std::move(response.key_sets.front());
}

Result<KmsRequest> ParseKmsRequest(std::string_view xml) {
  Reader r(xml);
  MCX_ASSIGN_OR_RETURN(DocPtr doc, ParseDocument(xml, r));
  MCX_ASSIGN_OR_RETURN(const xmlNode* root, Root(r, doc.get(), {"KmsRequest", "SignedKmsRequest"}));
  return ReadRequestRoot(r, root);
}

Result<AnnexDDocument> ParseAnnexDDocument(std::string_view xml) {
  Reader r(xml);
  MCX_ASSIGN_OR_RETURN(DocPtr doc, ParseDocument(xml, r));
  MCX_ASSIGN_OR_RETURN(const xmlNode* root,
                       Root(r, doc.get(),
                            {"KmsResponse", "SignedKmsResponse", "KmsCertificate", "KmsKeySet", "KmsRequest",
                             "SignedKmsRequest"}));
  if (xmlStrEqual(root->name, X("KmsCertificate"))) {
    MCX_ASSIGN_OR_RETURN(KmsCertificate certificate, ReadCertificate(r, root, "KmsCertificate"));
    return AnnexDDocument(std::move(certificate));
  }
  if (xmlStrEqual(root->name, X("KmsKeySet"))) {
    MCX_ASSIGN_OR_RETURN(KmsKeySet key_set, ReadKeySet(r, root, "KmsKeySet"));
    return AnnexDDocument(std::move(key_set));
  }
  if (xmlStrEqual(root->name, X("KmsRequest")) || xmlStrEqual(root->name, X("SignedKmsRequest"))) {
    MCX_ASSIGN_OR_RETURN(KmsRequest request, ReadRequestRoot(r, root));
    return AnnexDDocument(std::move(request));
  }
  MCX_ASSIGN_OR_RETURN(KmsResponse response, ReadResponseRoot(r, root));
  return AnnexDDocument(std::move(response));
}

std::string WriteAnnexDDocument(const AnnexDDocument& document) {
  struct Writer {
    std::string operator()(const KmsResponse& v) const { return WriteKmsResponse(v); }
    std::string operator()(const KmsCertificate& v) const { return WriteKmsCertificateDocument(v); }
    std::string operator()(const KmsKeySet& v) const { return WriteKmsKeySetDocument(v); }
    std::string operator()(const KmsRequest& v) const { return WriteKmsRequest(v); }
  };
  return std::visit(Writer{}, document);
}

}  // namespace mcx::kms
