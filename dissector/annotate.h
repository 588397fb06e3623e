// The epan-free core of the "MCX MIKEY-SAKKE" Wireshark plugin: it parses a
// MIKEY-SAKKE I_MESSAGE with //mikey:codec, optionally verifies it with
// GktpVerifier against a key store, and describes the result as a flat list
// of tree items (field, depth, octet range, value) and expert infos. The
// epan glue (packet_mcxmikey.cc) only renders that list, so everything the
// plugin decides can be unit-tested and fuzzed without Wireshark.
//
// It also finds MIKEY-SAKKE messages carried as base64 text: in XML element
// content, in SDP `a=key-mgmt:mikey` lines, and reads the recipient URI of a
// SIP request from its To header.
#ifndef MCXTEST_DISSECTOR_ANNOTATE_H_
#define MCXTEST_DISSECTOR_ANNOTATE_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/bytes.h"
#include "crypto/result.h"
#include "kms/key_store.h"
#include "mikey/gktp_verifier.h"
#include "mikey/message.h"

namespace mcx::dissector {

enum class FieldType : uint8_t { kU8, kU16, kU32, kU40, kBool8, kBytes, kString, kNtpTime };
enum class FieldBase : uint8_t { kNone, kDec, kHex };
// Which name table labels a numeric field's values.
enum class Names : uint8_t {
  kNone,
  kPurpose,
  kPayloadType,
  kDataType,
  kMapType,
  kTsType,
  kIdType,
  kIdrRole,
  kProtType,
  kSakkeParams,
  kSakkeScheme,
  kSignType,
  kExtType,
  kSpParam,
  kPrf,
};

// X(enum, abbrev after "mcxmikey.", display name, type, base, names, mask, blurb)
#define MCX_DISSECTOR_FIELDS(X)                                                                     \
  X(kVersion, "version", "Version", kU8, kDec, kNone, 0, nullptr)                                   \
  X(kDataType, "data_type", "Data type", kU8, kDec, kDataType, 0, nullptr)                          \
  X(kNextPayload, "next_payload", "Next payload", kU8, kDec, kPayloadType, 0, nullptr)              \
  X(kV, "v", "V (verification requested)", kBool8, kNone, kNone, 0x80, nullptr)                     \
  X(kPrfFunc, "prf_func", "PRF function", kU8, kDec, kPrf, 0x7f, nullptr)                           \
  X(kCsbId, "csb_id", "CSB ID", kU32, kHex, kNone, 0, nullptr)                                      \
  X(kPurposeTag, "purpose_tag", "Purpose tag (of CSB ID)", kU8, kDec, kPurpose, 0,                  \
    "Top 4 bits of the key ID (TS 33.180)")                                                         \
  X(kCsCount, "cs_count", "#CS", kU8, kDec, kNone, 0, nullptr)                                      \
  X(kCsMapType, "cs_map_type", "CS ID map type", kU8, kDec, kMapType, 0, nullptr)                   \
  X(kSrtpPolicyNo, "cs.srtp.policy_no", "Policy no", kU8, kDec, kNone, 0, nullptr)                  \
  X(kSrtpSsrc, "cs.srtp.ssrc", "SSRC", kU32, kHex, kNone, 0, nullptr)                               \
  X(kSrtpRoc, "cs.srtp.roc", "ROC", kU32, kDec, kNone, 0, nullptr)                                  \
  X(kCsId, "cs.id", "CS ID", kU8, kDec, kNone, 0, nullptr)                                          \
  X(kCsProtType, "cs.prot_type", "Protocol type", kU8, kDec, kProtType, 0, nullptr)                 \
  X(kCsS, "cs.s", "S (session data)", kBool8, kNone, kNone, 0x80, nullptr)                          \
  X(kCsNumPolicies, "cs.num_policies", "#P", kU8, kDec, kNone, 0x7f, nullptr)                       \
  X(kCsPolicyNo, "cs.policy_no", "Policy no", kU8, kDec, kNone, 0, nullptr)                         \
  X(kCsSessionDataLen, "cs.session_data_len", "Session data length", kU16, kDec, kNone, 0, nullptr) \
  X(kCsSessionData, "cs.session_data", "Session data", kBytes, kNone, kNone, 0, nullptr)            \
  X(kCsSpiLen, "cs.spi_len", "SPI length", kU8, kDec, kNone, 0, nullptr)                            \
  X(kCsSpi, "cs.spi", "SPI", kBytes, kNone, kNone, 0, nullptr)                                      \
  X(kGmkId, "gmk_id", "Key ID (GMK-ID)", kU32, kHex, kNone, 0,                                      \
    "First 4 octets of the SPI (GMK-ID, or CSK-/PCK-ID), or recovered from the GUK-ID")             \
  X(kGukId, "guk_id", "GUK-ID", kU32, kHex, kNone, 0, "Last 4 octets of an 8-octet SPI")            \
  X(kTType, "t.type", "TS type", kU8, kDec, kTsType, 0, nullptr)                                    \
  X(kT, "t", "NTP seconds", kU32, kDec, kNone, 0, nullptr)                                          \
  X(kTDate, "t.date", "Timestamp", kNtpTime, kNone, kNone, 0, nullptr)                              \
  X(kTCounter, "t.counter", "Counter", kU32, kDec, kNone, 0, nullptr)                               \
  X(kRandLen, "rand.len", "RAND length", kU8, kDec, kNone, 0, nullptr)                              \
  X(kRand, "rand", "RAND", kBytes, kNone, kNone, 0, nullptr)                                        \
  X(kIdrRole, "idr.role", "Role", kU8, kDec, kIdrRole, 0, nullptr)                                  \
  X(kIdrIdType, "idr.id_type", "ID type", kU8, kDec, kIdType, 0, nullptr)                           \
  X(kIdrIdLen, "idr.id_len", "ID length", kU16, kDec, kNone, 0, nullptr)                            \
  X(kIdrId, "idr.id", "ID", kBytes, kNone, kNone, 0, nullptr)                                       \
  X(kIdrUri, "idr.uri", "ID (text)", kString, kNone, kNone, 0, nullptr)                             \
  X(kSpPolicyNo, "sp.policy_no", "Policy no", kU8, kDec, kNone, 0, nullptr)                         \
  X(kSpProtType, "sp.prot_type", "Protocol type", kU8, kDec, kProtType, 0, nullptr)                 \
  X(kSpParamsLen, "sp.params_len", "Policy params length", kU16, kDec, kNone, 0, nullptr)           \
  X(kSpParamType, "sp.param.type", "Type", kU8, kDec, kSpParam, 0, nullptr)                         \
  X(kSpParamLen, "sp.param.len", "Length", kU8, kDec, kNone, 0, nullptr)                            \
  X(kSpParamValue, "sp.param.value", "Value", kBytes, kNone, kNone, 0, nullptr)                     \
  X(kSakkeParams, "sakke.params", "SAKKE params", kU8, kDec, kSakkeParams, 0, nullptr)              \
  X(kSakkeIdScheme, "sakke.id_scheme", "ID scheme", kU8, kDec, kSakkeScheme, 0, nullptr)            \
  X(kSakkeLen, "sakke.len", "SAKKE data length", kU16, kDec, kNone, 0, nullptr)                     \
  X(kSakkeData, "sakke.data", "SAKKE data", kBytes, kNone, kNone, 0, nullptr)                       \
  X(kSakkeR, "sakke.r", "R", kBytes, kNone, kNone, 0, nullptr)                                      \
  X(kSakkeH, "sakke.h", "H", kBytes, kNone, kNone, 0, nullptr)                                      \
  X(kSignType, "sign.type", "Signature type", kU16, kDec, kSignType, 0xf000, nullptr)               \
  X(kSignLen, "sign.len", "Signature length", kU16, kDec, kNone, 0x0fff, nullptr)                   \
  X(kSignData, "sign.data", "Signature", kBytes, kNone, kNone, 0, nullptr)                          \
  X(kSignR, "sign.r", "r", kBytes, kNone, kNone, 0, nullptr)                                        \
  X(kSignS, "sign.s", "s", kBytes, kNone, kNone, 0, nullptr)                                        \
  X(kSignPvt, "sign.pvt", "PVT", kBytes, kNone, kNone, 0, nullptr)                                  \
  X(kExtType, "ext.type", "Extension type", kU8, kDec, kExtType, 0, nullptr)                        \
  X(kExtLen, "ext.len", "Extension length", kU16, kDec, kNone, 0, nullptr)                          \
  X(kExtData, "ext.data", "Extension data", kBytes, kNone, kNone, 0, nullptr)                       \
  X(kSelfParams, "self.params", "SAKKE params", kU8, kDec, kSakkeParams, 0, nullptr)                \
  X(kSelfIdScheme, "self.id_scheme", "ID scheme", kU8, kDec, kSakkeScheme, 0, nullptr)              \
  X(kSelfLen, "self.len", "SAKKE data length", kU16, kDec, kNone, 0, nullptr)                       \
  X(kSelfR, "self.r", "R (to the sender)", kBytes, kNone, kNone, 0, nullptr)                        \
  X(kSelfH, "self.h", "H (to the sender)", kBytes, kNone, kNone, 0, nullptr)                        \
  X(kKpForm, "kp.form", "Key parameters form", kString, kNone, kNone, 0, nullptr)                   \
  X(kKpProtMsgType, "kp.prot.msg_type", "Protected payload message type", kU8, kHex, kNone, 0,      \
    nullptr)                                                                                        \
  X(kKpProtDateTime, "kp.prot.date_time", "Date and time", kU40, kDec, kNone, 0, nullptr)           \
  X(kKpProtPayloadId, "kp.prot.payload_id", "Payload ID", kU32, kHex, kNone, 0, nullptr)            \
  X(kKpProtSeq, "kp.prot.seq", "Payload sequence number", kU8, kDec, kNone, 0, nullptr)             \
  X(kKpProtAlgorithm, "kp.prot.algorithm", "Payload algorithm", kU8, kDec, kNone, 0, nullptr)       \
  X(kKpProtIv, "kp.prot.iv", "IV", kBytes, kNone, kNone, 0, nullptr)                                \
  X(kKpProtDppkId, "kp.prot.dppk_id", "DPPK-ID", kU32, kHex, kNone, 0, nullptr)                     \
  X(kKpProtIei, "kp.prot.iei", "Payload IEI", kU8, kHex, kNone, 0, nullptr)                         \
  X(kKpProtLen, "kp.prot.len", "Payload length", kU16, kDec, kNone, 0, nullptr)                     \
  X(kKpProtCiphertext, "kp.prot.ciphertext", "Encrypted key parameters (with GCM tag)", kBytes,     \
    kNone, kNone, 0, nullptr)                                                                       \
  X(kKpKeyType, "kp.key_type", "Key type", kU8, kDec, kPurpose, 0,                                  \
    "TS 33.180 E.6.11 (the Rel-13 clear form sends key type + 1)")                                  \
  X(kKpStatus, "kp.status", "Status", kU32, kHex, kNone, 0, "bit 0 valid, bit 1 shared")           \
  X(kKpActivation, "kp.activation", "Activation time", kU40, kDec, kNone, 0, nullptr)              \
  X(kKpExpiry, "kp.expiry", "Expiry time", kU40, kDec, kNone, 0, nullptr)                          \
  X(kKpText, "kp.text", "Text", kString, kNone, kNone, 0, nullptr)                                 \
  X(kKpGroupCount, "kp.group_count", "Number of group IDs", kU8, kDec, kNone, 0, nullptr)          \
  X(kKpGroupIei, "kp.group.iei", "Group ID IEI", kU8, kHex, kNone, 0, nullptr)                     \
  X(kKpGroupId, "kp.group.id", "Group ID", kString, kNone, kNone, 0, nullptr)                      \
  X(kPayloadData, "data", "Data", kBytes, kNone, kNone, 0, nullptr)                                \
  X(kVerifyRecipient, "verify.recipient", "Verified for recipient", kString, kNone, kNone, 0,      \
    nullptr)                                                                                        \
  X(kVerifySender, "verify.sender", "Sender", kString, kNone, kNone, 0, nullptr)                   \
  X(kVerifyAccepted, "verify.accepted", "Accepted by a conforming receiver", kString, kNone, kNone, \
    0, nullptr)                                                                                     \
  X(kSignStatus, "sign.status", "Signature status", kString, kNone, kNone, 0,                      \
    "valid, invalid, untrusted or unverified (no key store)")                                       \
  X(kGmk, "gmk", "GMK (secret)", kBytes, kNone, kNone, 0, "Only with mcxmikey.show_secrets")       \
  X(kEmbeddedIn, "embedded", "Carried as base64 in", kString, kNone, kNone, 0, nullptr)         \
  X(kTraceStep, "trace.step", "X-MCX-Step", kString, kNone, kNone, 0,                              \
    "SIP header of mcxtest traces: the procedure step")                                             \
  X(kTraceProducedBy, "trace.produced_by", "X-MCX-Produced-By", kString, kNone, kNone, 0,          \
    "SIP header of mcxtest traces: sut or harness")

enum class Field : uint16_t {
#define MCX_ENUM(e, ...) e,
  MCX_DISSECTOR_FIELDS(MCX_ENUM)
#undef MCX_ENUM
  kCount,
  kLabel,  // a subtree heading, no field of its own
  kCheck,  // mcxmikey.check.<id>; Item::check names the catalogue entry
};
inline constexpr size_t kFieldCount = static_cast<size_t>(Field::kCount);

struct FieldDef {
  const char* abbrev;  // after "mcxmikey."
  const char* name;
  FieldType type;
  FieldBase base;
  Names names;
  uint64_t mask;
  const char* blurb;
};
const FieldDef& Def(Field f);

// The `mcxmikey.check.<id>` suffix of a catalogue check ID ("SIGN.VALID" ->
// "sign.valid").
std::string CheckFieldSuffix(std::string_view check_id);

// One tree item. kWire items take their value from the message octets at
// [offset, offset + length); kValue items carry the value (generated by the
// plugin: verification results, decrypted key parameters).
struct Item {
  enum class Source : uint8_t { kWire, kValue };
  Field field = Field::kLabel;
  Source source = Source::kWire;
  int depth = 0;  // 0: directly under the protocol item
  uint32_t offset = 0;
  uint32_t length = 0;
  uint64_t number = 0;
  std::string text;  // kString value, or the heading of a kLabel
  Bytes bytes;       // kBytes value
  std::string display;  // replaces the shown value when not empty
  int check = -1;       // index into checks::Catalogue() for Field::kCheck
};

#define MCX_DISSECTOR_EXPERTS(X)                                                                  \
  X(kMalformed, "malformed", "MIKEY message does not parse")                                      \
  X(kVBitOnGmk, "v_bit_on_gmk", "V bit set on a GMK message")                                     \
  X(kTNotNtpUtc, "t_not_ntp_utc", "T payload is not NTP-UTC")                                     \
  X(kBadSignature, "bad_signature", "ECCSI signature does not verify")                            \
  X(kUntrustedSigner, "untrusted_signer", "Signer's KMS is not trusted")                          \
  X(kGukIdMismatch, "guk_id_mismatch", "CSB-ID is not the recipient's GUK-ID")                    \
  X(kPurposeNotGmk, "purpose_not_gmk", "Purpose tag is not GMK")                                  \
  X(kSakkeUndecryptable, "sakke_undecryptable", "SAKKE payload cannot be decapsulated")           \
  X(kCheckFailed, "check_failed", "A TS 33.180 receiver check failed")                            \
  X(kCheckNotEvaluated, "check_not_evaluated", "A receiver check was not evaluated: an earlier one failed") \
  X(kNotVerified, "not_verified", "Message not verified")

enum class ExpertId : uint8_t {
#define MCX_ENUM(e, ...) e,
  MCX_DISSECTOR_EXPERTS(MCX_ENUM)
#undef MCX_ENUM
  kCount,
};
inline constexpr size_t kExpertCount = static_cast<size_t>(ExpertId::kCount);

struct ExpertDef {
  const char* abbrev;  // after "mcxmikey."
  const char* summary;
};
const ExpertDef& Def(ExpertId e);

struct Expert {
  ExpertId id = ExpertId::kMalformed;
  int item = -1;  // index into Annotation::items; -1: the protocol item
  std::string message;
};

struct Annotation {
  bool parsed = false;
  std::string error;  // the parser's error when !parsed
  std::string info;   // the Info column
  std::vector<Item> items;
  std::vector<Expert> experts;

  void Clear();
  // The items of a field, in order (for tests).
  std::vector<const Item*> Find(Field f) const;
  bool HasExpert(ExpertId id) const;
};

// A key store loaded for verification (the mcxmikey.keystore preference).
class KeyContext {
 public:
  static Result<std::unique_ptr<KeyContext>> Load(const std::string& path);
  explicit KeyContext(kms::KeyStore store);
  KeyContext(const KeyContext&) = delete;
  KeyContext& operator=(const KeyContext&) = delete;

  // Verifies for `recipient`; results are cached per (message, recipient)
  // because Wireshark dissects a packet several times.
  std::shared_ptr<const mikey::GktpVerification> Verify(ByteSpan wire,
                                                       const std::string& recipient) const;
  // Identities the store holds key sets of: recipients to try when IDRr
  // hides the receiver behind a UID and nothing else names it.
  const std::vector<std::string>& KnownIdentities() const { return identities_; }

 private:
  kms::KeyStore store_;
  mikey::GktpVerifier verifier_;
  std::vector<std::string> identities_;
  mutable std::map<std::string, std::shared_ptr<const mikey::GktpVerification>> cache_;
};

struct AnnotateOptions {
  const KeyContext* keys = nullptr;  // verify when set
  // The recipient named around the message (SIP To), used when IDRr is a UID.
  std::string recipient_hint;
  bool show_secrets = false;
};

// Fills `out` for the octets `wire`. Never fails: a message that does not
// parse gets the malformed expert info and the parser's error.
void Annotate(ByteSpan wire, const AnnotateOptions& options, Annotation* out);

// True when `wire` starts 01 1a and parses completely: the heuristics'
// test, so other traffic is left alone.
bool IsMikeySakke(ByteSpan wire);

// A MIKEY-SAKKE message found as base64 text in a body.
struct Embedded {
  size_t offset = 0;  // of the base64 text in the body
  size_t length = 0;
  std::string where;  // "XML element <name>" / "SDP a=key-mgmt"
  Bytes wire;         // decoded; starts 01 1a (MIKEY version 1, SAKKE)
  bool parses = false;  // IsMikeySakke(wire): false for a malformed message
};
// Base64 MIKEY-SAKKE messages in XML element content and SDP
// `a=key-mgmt:mikey` attributes of `body`, in body order. A text counts
// when it decodes to octets starting 01 1a, whether or not they parse, so
// a malformed message in a body (a truncated SIGN, trailing octets) is shown
// with the malformed expert info instead of being left out.
std::vector<Embedded> FindEmbedded(std::string_view body);

// The URI of a SIP request's To header (`To:` or compact `t:`) in `message`,
// without display name, angle brackets or parameters.
std::optional<std::string> SipToUri(std::string_view message);

}  // namespace mcx::dissector

#endif  // MCXTEST_DISSECTOR_ANNOTATE_H_
