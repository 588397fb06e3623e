// The MIKEY object model: one struct per payload of RFC 3830 / RFC 6043 /
// RFC 6509 as TS 33.180 uses them. Every field that occupies octets on the
// wire is kept here (or is derivable: lengths, counts and next-payload
// fields are recomputed on serialization), so Serialize(Parse(x)) == x.
#ifndef MCXTEST_MIKEY_MESSAGE_H_
#define MCXTEST_MIKEY_MESSAGE_H_

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "crypto/bytes.h"

namespace mcx::mikey {

// Next-payload codes (RFC 3830 6.1 Table 6.1.c, RFC 6043, RFC 6509). Only the
// payloads the codec understands are listed; anything else is rejected.
enum class PayloadType : uint8_t {
  kLast = 0,
  kKemac = 1,
  kSign = 4,
  kT = 5,
  kId = 6,
  kV = 9,
  kSp = 10,
  kRand = 11,
  kErr = 12,
  kIdr = 14,
  kGeneralExt = 21,
  kSakke = 26,
};

inline constexpr uint8_t kMikeyVersion = 1;
inline constexpr uint8_t kDataTypeSakkeMessage = 26;  // RFC 6509
inline constexpr uint8_t kPrfHmacSha256 = 1;          // RFC 6043 "MIKEY-2"

// ---------------------------------------------------------------- HDR

enum class CsIdMapType : uint8_t {
  kSrtpId = 0,     // RFC 3830 6.1.1
  kEmpty = 1,      // no map info; #CS 0 (TS 33.180: default policy)
  kGenericId = 2,  // RFC 6043 6.1.1
};

struct SrtpIdEntry {
  uint8_t policy_no = 0;
  uint32_t ssrc = 0;
  uint32_t roc = 0;
};
struct SrtpIdMap {
  std::vector<SrtpIdEntry> entries;
};

struct EmptyMap {};

// One crypto session of a GENERIC-ID map (RFC 6043 6.1.1).
struct GenericIdEntry {
  uint8_t cs_id = 0;
  uint8_t prot_type = 0;  // 0 = SRTP
  bool s_flag = false;    // session data carries ROC/SEQ
  std::vector<uint8_t> policy_numbers;  // #P of them, 7 bits of count
  Bytes session_data;
  Bytes spi;

  // TS 33.180 E.2: the SPI of a GMK message is GMK-ID || GUK-ID; of a CSK or
  // PCK message, the key ID alone. The key ID is the first 4 octets of a 4-
  // or 8-octet SPI; the GUK-ID the last 4 of an 8-octet SPI.
  std::optional<uint32_t> SpiKeyId() const;
  std::optional<uint32_t> SpiGukId() const;
};
struct GenericIdMap {
  std::vector<GenericIdEntry> entries;
};

using CsIdMap = std::variant<SrtpIdMap, EmptyMap, GenericIdMap>;

// The common header (RFC 3830 6.1). Its next-payload field and #CS are
// derived: the type of payloads[0] and the number of map entries.
struct CommonHeader {
  uint8_t version = kMikeyVersion;
  uint8_t data_type = kDataTypeSakkeMessage;
  bool v_flag = false;
  uint8_t prf_func = kPrfHmacSha256;  // 7 bits
  uint32_t csb_id = 0;
  CsIdMap cs_id_map = EmptyMap{};

  CsIdMapType map_type() const { return static_cast<CsIdMapType>(cs_id_map.index()); }
  size_t cs_count() const;
};

// ---------------------------------------------------------------- payloads

enum class TsType : uint8_t {
  kNtpUtc = 0,   // 64 bits
  kNtp = 1,      // 64 bits
  kCounter = 2,  // 32 bits
};

// T (RFC 3830 6.6).
struct TimestampPayload {
  static constexpr PayloadType kType = PayloadType::kT;
  TsType ts_type = TsType::kNtpUtc;
  uint64_t value = 0;  // NTP: seconds in the high 32 bits
};

// RAND (RFC 3830 6.11): 1-octet length.
struct RandPayload {
  static constexpr PayloadType kType = PayloadType::kRand;
  Bytes rand;
};

// ID types shared by ID and IDR (RFC 3830 6.7, RFC 6043 6.6).
inline constexpr uint8_t kIdTypeNai = 0;
inline constexpr uint8_t kIdTypeUri = 1;
inline constexpr uint8_t kIdTypeByteString = 2;

// ID (RFC 3830 6.7).
struct IdPayload {
  static constexpr PayloadType kType = PayloadType::kId;
  uint8_t id_type = kIdTypeUri;
  Bytes id;
};

// IDR roles (RFC 6043 6.6, RFC 6509 4.4, TS 33.180 E.7).
enum class IdRole : uint8_t {
  kIdri = 1,
  kIdrr = 2,
  kIdrkms = 3,
  kIdrpsk = 4,
  kIdrapp = 5,
  kIdrkmsi = 6,
  kIdrkmsr = 7,
  kIdruidi = 8,  // hashed initiator (identity hiding)
  kIdruidr = 9,  // hashed responder (identity hiding)
};

// IDR (RFC 6043 6.6). The role is kept as an octet: unassigned roles parse.
struct IdrPayload {
  static constexpr PayloadType kType = PayloadType::kIdr;
  uint8_t role = 0;
  uint8_t id_type = kIdTypeUri;
  Bytes id;
};

// The value of an SP policy parameter. Its length field is one octet, so it
// never exceeds 255 octets and is stored inline: parsing an SP payload does
// not allocate per parameter (the default group policy has nine).
class PolicyValue {
 public:
  static constexpr size_t kMaxSize = 255;

  PolicyValue() = default;
  PolicyValue(std::initializer_list<uint8_t> octets) { assign(ByteSpan(octets.begin(), octets.size())); }
  explicit PolicyValue(ByteSpan octets) { assign(octets); }
  // Copies only the octets in use: the rest of the buffer is never read.
  PolicyValue(const PolicyValue& other) : size_(other.size_), too_long_(other.too_long_) {
    std::copy_n(other.data_.begin(), size_, data_.begin());
  }
  PolicyValue& operator=(const PolicyValue& other) {
    size_ = other.size_;
    too_long_ = other.too_long_;
    std::copy_n(other.data_.begin(), size_, data_.begin());
    return *this;
  }

  // Keeps at most kMaxSize octets; a longer value is remembered as too long
  // (and refused by the serializer) rather than silently cut.
  void assign(ByteSpan octets) {
    too_long_ = octets.size() > kMaxSize;
    size_ = static_cast<uint8_t>(too_long_ ? kMaxSize : octets.size());
    std::copy_n(octets.begin(), size_, data_.begin());
  }
  bool too_long() const { return too_long_; }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const uint8_t* data() const { return data_.data(); }
  const uint8_t* begin() const { return data_.data(); }
  const uint8_t* end() const { return data_.data() + size_; }
  uint8_t operator[](size_t i) const { return data_[i]; }
  ByteSpan span() const { return ByteSpan(data_.data(), size_); }
  operator ByteSpan() const { return span(); }  // NOLINT: a value is octets

  friend bool operator==(const PolicyValue& a, const PolicyValue& b) {
    return a.too_long_ == b.too_long_ && std::equal(a.begin(), a.end(), b.begin(), b.end());
  }
  friend bool operator==(const PolicyValue& a, const Bytes& b) {
    return !a.too_long_ && std::equal(a.begin(), a.end(), b.begin(), b.end());
  }

 private:
  std::array<uint8_t, kMaxSize> data_;  // only [0, size_) is ever written or read
  uint8_t size_ = 0;
  bool too_long_ = false;
};

// One type/length/value policy parameter of an SP payload.
struct PolicyParam {
  uint8_t type = 0;
  PolicyValue value;
};

// SP (RFC 3830 6.10).
struct SpPayload {
  static constexpr PayloadType kType = PayloadType::kSp;
  uint8_t policy_no = 0;
  uint8_t prot_type = 0;  // 0 = SRTP
  std::vector<PolicyParam> params;
};

// SAKKE (RFC 6509 4.2); also the body of a SAKKE-to-self extension.
struct SakkePayload {
  static constexpr PayloadType kType = PayloadType::kSakke;
  uint8_t params = 1;     // parameter set 1
  uint8_t id_scheme = 2;  // 2: 3GPP MCX hashed UID
  Bytes data;             // R || H, 273 octets for parameter set 1
};

inline constexpr uint8_t kSignTypeEccsi = 2;
inline constexpr size_t kEccsiPartSize = 32;
inline constexpr size_t kEccsiPvtSize = 65;
inline constexpr size_t kEccsiSignatureSize = 2 * kEccsiPartSize + kEccsiPvtSize;

// An ECCSI signature r || s || PVT (RFC 6507 5.2.1), viewing SignPayload's
// octets.
struct EccsiSignature {
  ByteSpan r;
  ByteSpan s;
  ByteSpan pvt;
};

// SIGN (RFC 3830 6.5): 4-bit S type, 12-bit length; always the last payload
// (it has no next-payload field).
struct SignPayload {
  static constexpr PayloadType kType = PayloadType::kSign;
  uint8_t s_type = kSignTypeEccsi;
  Bytes signature;

  // The r/s/PVT split when this is a 129-octet ECCSI signature.
  std::optional<EccsiSignature> Eccsi() const;
};

// KEMAC (RFC 3830 6.2); the MAC length follows from the MAC algorithm.
struct KemacPayload {
  static constexpr PayloadType kType = PayloadType::kKemac;
  uint8_t encr_alg = 0;
  Bytes encr_data;
  uint8_t mac_alg = 0;
  Bytes mac;
};

// V (RFC 3830 6.9).
struct VPayload {
  static constexpr PayloadType kType = PayloadType::kV;
  uint8_t mac_alg = 0;
  Bytes mac;
};

// ERR (RFC 3830 6.12).
struct ErrPayload {
  static constexpr PayloadType kType = PayloadType::kErr;
  uint8_t error_no = 0;
  uint16_t reserved = 0;  // kept so odd senders round-trip
};

// ------------------------------------------------- 3GPP key parameters

// One TLV-E group identity (TS 24.379 Annex I: 1-octet IEI, 2-octet length).
struct GroupIdTlv {
  uint8_t iei = 0;
  Bytes value;
};

// Key Parameters payload content (TS 33.180 Table E.6.1-1).
struct KeyParameters {
  uint8_t key_type = 0;            // E.6.11: GMK 0, PCK 1, CSK 2, ...
  uint32_t status = 0;             // E.6.9: bit 0 valid, bit 1 shared
  uint64_t activation_time = 0;    // 5 octets
  uint64_t expiry_time = 0;        // 5 octets
  std::string text;                // LV-E, UTF-8
  // Group IDs (LV-E: number of IDs, then the TLV-E IDs). Optional: absent
  // when the content ends after the text.
  std::optional<std::vector<GroupIdTlv>> group_ids;
};

inline constexpr uint32_t kKeyStatusValid = 1u << 0;
inline constexpr uint32_t kKeyStatusShared = 1u << 1;

inline constexpr uint8_t kProtectedPayloadType = 0x43;  // encrypted (0x40) | type 3
inline constexpr size_t kProtectedPayloadIvSize = 16;
inline constexpr size_t kProtectedPayloadAadSize = 32;
inline constexpr size_t kGcmTagSize = 16;

// The MCData protected payload (TS 33.180 8.5.4) carrying encrypted key
// parameters in a Rel-15+ type-7 extension. The AES-GCM associated data is
// everything up to and including the DPPK-ID (32 octets); the encrypted
// Key Parameters content travels in a TLV-E 'Payload' element.
struct ProtectedPayload {
  uint8_t message_type = kProtectedPayloadType;
  uint64_t date_time = 0;  // 5 octets
  uint32_t payload_id = 0;
  uint8_t sequence_number = 0;
  uint8_t algorithm = 1;  // AES-128-GCM
  std::array<uint8_t, kProtectedPayloadIvSize> iv{};
  uint32_t dppk_id = 0;  // = HDR CSB-ID
  uint8_t payload_iei = 0;
  Bytes ciphertext;  // encrypted content || 16-octet GCM tag

  Bytes AssociatedData() const;
};

// The Rel-13 form: the Key Parameters content in clear. Deployed senders
// (Streamwide before their fix) put key type + 1 in the first octet;
// `params.key_type` holds the real key type.
struct ClearKeyParameters {
  KeyParameters params;
};

inline constexpr uint8_t kExtTypeSakkeToSelf = 6;
inline constexpr uint8_t kExtTypeKeyParameters = 7;

// GENERAL EXTENSION (RFC 3830 6.15). The content alternative follows the
// type: SAKKE-to-self (6), key parameters (7, protected or clear), opaque
// octets for any other type.
struct GeneralExtPayload {
  static constexpr PayloadType kType = PayloadType::kGeneralExt;
  uint8_t type = 0;
  std::variant<Bytes, SakkePayload, ProtectedPayload, ClearKeyParameters> content;
};

// ---------------------------------------------------------------- message

using PayloadBody = std::variant<KemacPayload, SignPayload, TimestampPayload, IdPayload, VPayload,
                                 SpPayload, RandPayload, ErrPayload, IdrPayload, GeneralExtPayload,
                                 SakkePayload>;

struct Payload {
  PayloadBody body;
  // Where the payload sits in the message it was parsed from (whole payload,
  // next-payload field included). Zero for payloads built in code.
  size_t offset = 0;
  size_t length = 0;

  PayloadType type() const;
  template <typename T>
  const T* As() const { return std::get_if<T>(&body); }
};

struct Message {
  CommonHeader hdr;
  std::vector<Payload> payloads;

  // Set by Parse: the HDR's size, and the number of leading octets the
  // SIGN signature covers (through the SIGN type/length header) when a
  // SIGN payload is present.
  size_t hdr_length = 0;
  std::optional<size_t> signed_length;

  // First payload of kind T, or nullptr.
  template <typename T>
  const T* Find() const {
    for (const Payload& p : payloads) {
      if (const T* body = p.As<T>()) return body;
    }
    return nullptr;
  }
  // First IDR payload with this role, or nullptr.
  const IdrPayload* FindIdr(IdRole role) const;
  // First general extension of this type, or nullptr.
  const GeneralExtPayload* FindExtension(uint8_t ext_type) const;
};

}  // namespace mcx::mikey

#endif  // MCXTEST_MIKEY_MESSAGE_H_
