// TS 33.180 Annex D: the XML a KMS answers with (KmsResponse wrapping
// KmsInit / KmsKeyProv / KmsCertCache), the KMS certificate and the user key
// set, plus the KmsRequest a client may post. Written and read with libxml2.
//
// Reading is strict because the input is hostile: wrong namespace, missing or
// repeated mandatory elements, bad hex, wrong point lengths, DOCTYPEs and
// entity references are all rejected with an Error that names the element
// path and the line (Error::offset() is the byte offset of that line).
// Elements in foreign namespaces are ignored (the schema's extension points).
// Child order is not enforced; the writer always uses the schema order.
//
// Parsing checks syntax and sizes only; kms/validate.h adds the
// cryptographic checks (points on their curves, UID derivation, SSK/PVT and
// RSK validation).
#ifndef MCXTEST_KMS_ANNEX_D_H_
#define MCXTEST_KMS_ANNEX_D_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "crypto/bytes.h"
#include "crypto/result.h"
#include "crypto/secret.h"

namespace mcx::kms {

inline constexpr char kKmsNamespace[] = "urn:3gpp:ns:mcsecKMSInterface:1.0";
inline constexpr char kKmsXmlVersion[] = "1.1.0";
// UserIdFormat "2": the identifier is the hashed UID of TS 33.180 F.2.1.
inline constexpr char kUserIdFormatHashedUid[] = "2";

inline constexpr size_t kKpakSize = 65;       // P-256 point, 04 || x || y
inline constexpr size_t kSakkePointSize = 257;  // parameter set 1 point, 04 || x || y
inline constexpr size_t kSskSize = 32;
inline constexpr size_t kUserIdSize = 32;  // the hashed UID (F.2.1)
// Documents larger than this are refused before libxml2 sees them.
inline constexpr size_t kMaxXmlDocumentSize = 1 << 20;
// Attributes (namespace declarations included) on one element; Annex D uses
// at most three. Checked before libxml2 parses, whose duplicate-attribute
// check is quadratic in their number.
inline constexpr size_t kMaxXmlAttributesPerElement = 32;

enum class CertificateRole { kRoot, kExternal };
const char* CertificateRoleName(CertificateRole role);

// A KMS certificate (D.3.2): the public parameters of one security domain.
struct KmsCertificate {
  std::string version = kKmsXmlVersion;
  CertificateRole role = CertificateRole::kRoot;
  std::optional<std::string> cert_uri;
  std::string kms_uri;
  std::optional<std::string> issuer;
  std::optional<std::string> valid_from;  // xsd:dateTime, kept as written
  std::optional<std::string> valid_to;
  std::optional<bool> revoked;
  std::string user_id_format = kUserIdFormatHashedUid;
  uint64_t user_key_period = 0;  // seconds
  uint64_t user_key_offset = 0;  // seconds
  Bytes pub_enc_key;             // SAKKE Z_T, 257 octets
  Bytes pub_auth_key;            // ECCSI KPAK, 65 octets
  std::optional<uint64_t> parameter_set;
  std::vector<std::string> kms_domain_list;

  bool operator==(const KmsCertificate&) const = default;
};

// A user key set (D.3.3): the private keys of one identity for one key period.
struct KmsKeySet {
  std::string version = kKmsXmlVersion;
  std::string kms_uri;
  std::optional<std::string> cert_uri;
  std::optional<std::string> issuer;
  std::string user_uri;
  Bytes user_id;  // the UID, 32 octets
  std::optional<std::string> valid_from;
  std::optional<std::string> valid_to;
  uint64_t key_period_no = 0;
  std::optional<bool> revoked;
  SecretBytes user_decrypt_key;  // SAKKE RSK, 257 octets
  SecretBytes user_signing_key;  // ECCSI SSK, 32 octets
  Bytes user_pub_token;          // ECCSI PVT, 65 octets

  bool operator==(const KmsKeySet&) const = default;
};

enum class KmsMessageType { kInit, kKeyProv, kCertCache };
const char* KmsMessageTypeName(KmsMessageType type);

struct KmsResponse {
  std::string user_uri;
  std::string kms_uri;
  std::string time;  // xsd:dateTime
  std::optional<std::string> kms_id;
  std::string client_req_url;
  std::optional<std::string> trk_id;
  std::optional<std::string> signature_id;
  KmsMessageType type = KmsMessageType::kInit;
  std::vector<KmsCertificate> certificates;  // kInit: exactly one; kCertCache: any number
  std::vector<KmsKeySet> key_sets;           // kKeyProv only

  bool operator==(const KmsResponse&) const = default;
};

// What a client posts (D.2.2). Only the fields the simulator acts on are kept.
struct KmsRequest {
  std::string version = kKmsXmlVersion;
  std::string user_uri;
  std::string kms_uri;
  std::optional<std::string> client_id;
  std::optional<std::string> device_id;
  std::string time;
  std::string client_req_url;

  bool operator==(const KmsRequest&) const = default;
};

// Writers: UTF-8 with an XML declaration, two-space indentation, hex in
// upper case (canonical xsd:hexBinary). Deterministic: the same value always
// gives the same octets. Key-set XML carries private keys: callers wipe it.
std::string WriteKmsResponse(const KmsResponse& response);
// A bare <KmsCertificate>/<KmsKeySet> document, as kept in a key store.
std::string WriteKmsCertificateDocument(const KmsCertificate& certificate);
std::string WriteKmsKeySetDocument(const KmsKeySet& key_set);
std::string WriteKmsRequest(const KmsRequest& request);

// Readers. The certificate / key-set readers accept either the bare element
// as root or a KmsResponse carrying exactly one of them.
Result<KmsResponse> ParseKmsResponse(std::string_view xml);
Result<KmsCertificate> ParseKmsCertificateDocument(std::string_view xml);
Result<KmsKeySet> ParseKmsKeySetDocument(std::string_view xml);
// Accepts <KmsRequest> or <SignedKmsRequest><KmsRequest>... (the signature
// itself is not checked: the simulator does no request authentication).
Result<KmsRequest> ParseKmsRequest(std::string_view xml);

// Any Annex D document, for callers that do not know what a file or a peer
// sent: one libxml2 parse, dispatched on the root element (KmsResponse,
// SignedKmsResponse, KmsCertificate, KmsKeySet, KmsRequest, SignedKmsRequest)
// and read exactly as the matching reader above reads that root.
using AnnexDDocument = std::variant<KmsResponse, KmsCertificate, KmsKeySet, KmsRequest>;
Result<AnnexDDocument> ParseAnnexDDocument(std::string_view xml);
// The writer matching the document's kind (WriteKmsResponse for a response...).
std::string WriteAnnexDDocument(const AnnexDDocument& document);

}  // namespace mcx::kms

#endif  // MCXTEST_KMS_ANNEX_D_H_
