#include "dissector/annotate.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <set>
#include <utility>

#include "crypto/guk_id.h"
#include "mikey/checks.h"
#include "mikey/codec.h"
#include "mikey/names.h"
#include "mikey/wire_layout.h"

namespace mcx::dissector {
namespace {

using mikey::Message;
using mikey::Payload;

constexpr size_t kSakkeRSize = 257;  // 0x04 || x || y for parameter set 1
constexpr size_t kSakkeHSize = 16;
// The shortest base64 text worth decoding: a MIKEY-SAKKE message is
// hundreds of octets, so short element contents are not even tried.
constexpr size_t kMinBase64Length = 16;
// Verification results kept per KeyContext before the cache starts over.
constexpr size_t kMaxCachedVerifications = 512;
// Recipients tried when nothing names the receiver of a hidden IDRr.
constexpr size_t kMaxCandidateRecipients = 16;

constexpr FieldDef kFieldDefs[] = {
#define MCX_DEF(e, abbrev, name, type, base, names, mask, blurb) \
  {abbrev, name, FieldType::type, FieldBase::base, Names::names, mask, blurb},
    MCX_DISSECTOR_FIELDS(MCX_DEF)
#undef MCX_DEF
};
static_assert(sizeof(kFieldDefs) / sizeof(kFieldDefs[0]) == kFieldCount);

constexpr ExpertDef kExpertDefs[] = {
#define MCX_DEF(e, abbrev, summary) {abbrev, summary},
    MCX_DISSECTOR_EXPERTS(MCX_DEF)
#undef MCX_DEF
};
static_assert(sizeof(kExpertDefs) / sizeof(kExpertDefs[0]) == kExpertCount);

bool Printable(ByteSpan b) {
  return std::all_of(b.begin(), b.end(), [](uint8_t c) { return c >= 0x20 && c < 0x7f; });
}

std::string PrintableOrHex(ByteSpan b) {
  return Printable(b) ? std::string(b.begin(), b.end()) : ToHex(b);
}

using mikey::WireField;
using mikey::WireSpan;

// Walks the spans the codec recorded for one region (the HDR, one payload)
// with a single cursor, in wire order, as Wireshark dissectors do: every
// octet range shown comes from where the parser read it, never from layout
// arithmetic repeated here.
class SpanCursor {
 public:
  SpanCursor(const WireSpan* begin, const WireSpan* end) : next_(begin), end_(end) {}

  // The next recorded span of `field`. After a successful parse every field
  // the message's content implies was recorded; an empty span at offset 0
  // (shown as nothing) keeps a mismatch from reading out of bounds.
  WireSpan Take(WireField field) {
    for (const WireSpan* s = next_; s != end_; ++s) {
      if (s->field == field) {
        next_ = s + 1;
        return *s;
      }
    }
    return WireSpan{field};
  }

 private:
  const WireSpan* next_;
  const WireSpan* end_;
};

// The spans of `layout` split into its top-level regions (HDR first, then
// one per payload), each starting with its group span.
std::vector<SpanCursor> Regions(const mikey::WireLayout& layout) {
  std::vector<SpanCursor> out;
  const std::vector<WireSpan>& spans = layout.spans();
  const WireSpan* begin = spans.data();
  const WireSpan* end = spans.data() + spans.size();
  for (const WireSpan* s = begin; s != end;) {
    const WireSpan* region_end = s + 1;
    while (region_end != end && region_end->depth > 0) ++region_end;
    out.emplace_back(s, region_end);
    s = region_end;
  }
  return out;
}

class Builder {
 public:
  explicit Builder(Annotation* a) : a_(a) {}

  int Wire(Field f, int depth, size_t offset, size_t length) {
    Item& it = Add(f, depth, offset, length);
    it.source = Item::Source::kWire;
    return Last();
  }
  int Wire(Field f, int depth, const WireSpan& s) { return Wire(f, depth, s.offset, s.length); }
  int Label(int depth, size_t offset, size_t length, std::string heading) {
    Item& it = Add(Field::kLabel, depth, offset, length);
    it.text = std::move(heading);
    return Last();
  }
  int Number(Field f, int depth, size_t offset, size_t length, uint64_t value,
             std::string display = "") {
    Item& it = Add(f, depth, offset, length);
    it.source = Item::Source::kValue;
    it.number = value;
    it.display = std::move(display);
    return Last();
  }
  int Text(Field f, int depth, size_t offset, size_t length, std::string value,
           std::string display = "") {
    Item& it = Add(f, depth, offset, length);
    it.source = Item::Source::kValue;
    it.text = std::move(value);
    it.display = std::move(display);
    return Last();
  }
  int Blob(Field f, int depth, size_t offset, size_t length, ByteSpan value) {
    Item& it = Add(f, depth, offset, length);
    it.source = Item::Source::kValue;
    it.bytes.assign(value.begin(), value.end());
    return Last();
  }
  int Check(int depth, int catalogue_index, std::string status, std::string display) {
    Item& it = Add(Field::kCheck, depth, 0, 0);
    it.source = Item::Source::kValue;
    it.check = catalogue_index;
    it.text = std::move(status);
    it.display = std::move(display);
    return Last();
  }
  void Flag(ExpertId id, int item, std::string message) {
    a_->experts.push_back({id, item, std::move(message)});
  }

 private:
  Item& Add(Field f, int depth, size_t offset, size_t length) {
    Item& it = a_->items.emplace_back();
    it.field = f;
    it.depth = depth;
    it.offset = static_cast<uint32_t>(offset);
    it.length = static_cast<uint32_t>(length);
    return it;
  }
  int Last() const { return static_cast<int>(a_->items.size()) - 1; }

  Annotation* a_;
};

void AddGenericIdMap(Builder& b, const mikey::GenericIdMap& map, SpanCursor& c) {
  for (const mikey::GenericIdEntry& e : map.entries) {
    const WireSpan entry = c.Take(WireField::kGenericIdEntry);
    b.Label(1, entry.offset, entry.length, "Crypto session " + std::to_string(e.cs_id));
    b.Wire(Field::kCsId, 2, c.Take(WireField::kGenericCsId));
    b.Wire(Field::kCsProtType, 2, c.Take(WireField::kGenericProtType));
    const WireSpan s_count = c.Take(WireField::kGenericSP);
    b.Wire(Field::kCsS, 2, s_count);
    b.Wire(Field::kCsNumPolicies, 2, s_count);
    // One item per policy number (one octet each).
    const WireSpan policies = c.Take(WireField::kGenericPolicyNumbers);
    for (size_t i = 0; i < policies.length; ++i) {
      b.Wire(Field::kCsPolicyNo, 2, policies.offset + i, 1);
    }
    b.Wire(Field::kCsSessionDataLen, 2, c.Take(WireField::kGenericSessionDataLength));
    const WireSpan session_data = c.Take(WireField::kGenericSessionData);
    if (session_data.length > 0) b.Wire(Field::kCsSessionData, 2, session_data);
    b.Wire(Field::kCsSpiLen, 2, c.Take(WireField::kGenericSpiLength));
    const WireSpan spi = c.Take(WireField::kGenericSpi);
    if (spi.length > 0) {
      b.Wire(Field::kCsSpi, 2, spi);
      // TS 33.180 E.2: SPI = key ID (GMK-ID for a GMK) || GUK-ID.
      if (e.SpiKeyId().has_value()) b.Wire(Field::kGmkId, 2, spi.offset, 4);
      if (e.SpiGukId().has_value()) b.Wire(Field::kGukId, 2, spi.offset + 4, 4);
    }
  }
}

void AddHeader(Builder& b, const Message& msg, SpanCursor& c) {
  const WireSpan hdr = c.Take(WireField::kHdr);
  b.Label(0, hdr.offset, hdr.length, "Common header (HDR)");
  b.Wire(Field::kVersion, 1, c.Take(WireField::kVersion));
  b.Wire(Field::kDataType, 1, c.Take(WireField::kDataType));
  b.Wire(Field::kNextPayload, 1, c.Take(WireField::kNextPayload));
  const WireSpan v_prf = c.Take(WireField::kVPrf);
  const int v_item = b.Wire(Field::kV, 1, v_prf);
  b.Wire(Field::kPrfFunc, 1, v_prf);
  const WireSpan csb_id = c.Take(WireField::kCsbId);
  b.Wire(Field::kCsbId, 1, csb_id);
  const uint8_t purpose = PurposeTagOf(msg.hdr.csb_id);
  b.Number(Field::kPurposeTag, 1, csb_id.offset, 1, purpose);
  if (msg.hdr.v_flag && purpose == static_cast<uint8_t>(KeyPurpose::kGmk)) {
    // TS 33.180 E.2: a GMK is pushed without a verification message.
    b.Flag(ExpertId::kVBitOnGmk, v_item, "V bit set on a GMK message (TS 33.180 requires V = 0)");
  }
  b.Wire(Field::kCsCount, 1, c.Take(WireField::kCsCount));
  b.Wire(Field::kCsMapType, 1, c.Take(WireField::kCsIdMapType));
  if (const auto* srtp = std::get_if<mikey::SrtpIdMap>(&msg.hdr.cs_id_map)) {
    for (size_t i = 0; i < srtp->entries.size(); ++i) {
      const WireSpan entry = c.Take(WireField::kSrtpIdEntry);
      b.Label(1, entry.offset, entry.length, "Crypto session " + std::to_string(i + 1));
      b.Wire(Field::kSrtpPolicyNo, 2, c.Take(WireField::kSrtpPolicyNo));
      b.Wire(Field::kSrtpSsrc, 2, c.Take(WireField::kSrtpSsrc));
      b.Wire(Field::kSrtpRoc, 2, c.Take(WireField::kSrtpRoc));
    }
  } else if (const auto* generic = std::get_if<mikey::GenericIdMap>(&msg.hdr.cs_id_map)) {
    AddGenericIdMap(b, *generic, c);
  }
}

// Key Parameters fields (Table E.6.1-1) as values; `offset`/`length` is
// where they come from (the clear content, or the ciphertext they were
// decrypted from).
void AddKeyParamValues(Builder& b, int depth, size_t offset, size_t length,
                       const mikey::KeyParameters& kp) {
  b.Number(Field::kKpKeyType, depth, offset, length, kp.key_type);
  b.Number(Field::kKpStatus, depth, offset, length, kp.status);
  b.Number(Field::kKpActivation, depth, offset, length, kp.activation_time);
  b.Number(Field::kKpExpiry, depth, offset, length, kp.expiry_time);
  b.Text(Field::kKpText, depth, offset, length, kp.text);
  if (kp.group_ids) {
    b.Number(Field::kKpGroupCount, depth, offset, length, kp.group_ids->size());
    for (const mikey::GroupIdTlv& id : *kp.group_ids) {
      b.Number(Field::kKpGroupIei, depth, offset, length, id.iei);
      b.Text(Field::kKpGroupId, depth, offset, length, PrintableOrHex(id.value));
    }
  }
}

// A length field and the octets it counts, as one range.
size_t SpanEnd(const WireSpan& first, const WireSpan& last) { return last.end() - first.offset; }

// The Rel-13 clear form, field by field on the wire.
void AddClearKeyParams(Builder& b, int depth, const mikey::KeyParameters& kp, SpanCursor& c) {
  // The first octet carries key type + 1 (deployed Rel-13 senders).
  const WireSpan key_type = c.Take(WireField::kKeyType);
  b.Number(Field::kKpKeyType, depth, key_type.offset, key_type.length, kp.key_type,
           std::string(KeyPurposeName(kp.key_type)) + " (" + std::to_string(kp.key_type) +
               "; sent as key type + 1)");
  b.Wire(Field::kKpStatus, depth, c.Take(WireField::kKeyStatus));
  b.Wire(Field::kKpActivation, depth, c.Take(WireField::kActivationTime));
  b.Wire(Field::kKpExpiry, depth, c.Take(WireField::kExpiryTime));
  const WireSpan text_length = c.Take(WireField::kKeyTextLength);
  b.Text(Field::kKpText, depth, text_length.offset,
         SpanEnd(text_length, c.Take(WireField::kKeyText)), kp.text);
  if (!kp.group_ids) return;
  b.Wire(Field::kKpGroupCount, depth, c.Take(WireField::kGroupIdCount));
  for (const mikey::GroupIdTlv& id : *kp.group_ids) {
    b.Wire(Field::kKpGroupIei, depth, c.Take(WireField::kGroupIdIei));
    const WireSpan id_length = c.Take(WireField::kGroupIdLength);
    b.Text(Field::kKpGroupId, depth, id_length.offset,
           SpanEnd(id_length, c.Take(WireField::kGroupId)), PrintableOrHex(id.value));
  }
}

void AddProtectedKeyParams(Builder& b, int depth, const mikey::KeyParameters* decrypted,
                           SpanCursor& c) {
  b.Wire(Field::kKpProtMsgType, depth, c.Take(WireField::kProtMessageType));
  b.Wire(Field::kKpProtDateTime, depth, c.Take(WireField::kProtDateTime));
  b.Wire(Field::kKpProtPayloadId, depth, c.Take(WireField::kProtPayloadId));
  b.Wire(Field::kKpProtSeq, depth, c.Take(WireField::kProtSequenceNumber));
  b.Wire(Field::kKpProtAlgorithm, depth, c.Take(WireField::kProtAlgorithm));
  b.Wire(Field::kKpProtIv, depth, c.Take(WireField::kProtIv));
  b.Wire(Field::kKpProtDppkId, depth, c.Take(WireField::kProtDppkId));
  b.Wire(Field::kKpProtIei, depth, c.Take(WireField::kProtPayloadIei));
  b.Wire(Field::kKpProtLen, depth, c.Take(WireField::kProtCiphertextLength));
  const WireSpan ct = c.Take(WireField::kProtCiphertext);
  b.Wire(Field::kKpProtCiphertext, depth, ct);
  if (decrypted != nullptr) {
    b.Label(depth, ct.offset, ct.length, "Decrypted key parameters (key store)");
    AddKeyParamValues(b, depth + 1, ct.offset, ct.length, *decrypted);
  }
}

void AddSakkeBody(Builder& b, int depth, bool self, SpanCursor& c) {
  b.Wire(self ? Field::kSelfParams : Field::kSakkeParams, depth, c.Take(WireField::kSakkeParams));
  b.Wire(self ? Field::kSelfIdScheme : Field::kSakkeIdScheme, depth,
         c.Take(WireField::kSakkeIdScheme));
  b.Wire(self ? Field::kSelfLen : Field::kSakkeLen, depth, c.Take(WireField::kSakkeDataLength));
  const WireSpan data = c.Take(WireField::kSakkeData);
  if (!self && data.length > 0) b.Wire(Field::kSakkeData, depth, data);
  // RFC 6509 4.2: the SAKKE data is R (an uncompressed point) || H.
  if (data.length == kSakkeRSize + kSakkeHSize) {
    b.Wire(self ? Field::kSelfR : Field::kSakkeR, depth, data.offset, kSakkeRSize);
    b.Wire(self ? Field::kSelfH : Field::kSakkeH, depth, data.offset + kSakkeRSize, kSakkeHSize);
  }
}

void AddTimestamp(Builder& b, const mikey::TimestampPayload& t, SpanCursor& c) {
  const int type_item = b.Wire(Field::kTType, 1, c.Take(WireField::kTsType));
  const WireSpan value = c.Take(WireField::kTsValue);
  if (t.ts_type == mikey::TsType::kCounter) {
    b.Wire(Field::kTCounter, 1, value);
  } else {
    // NTP: the seconds are the first 4 of the 8 octets.
    b.Wire(Field::kT, 1, value.offset, 4);
    b.Wire(Field::kTDate, 1, value);
  }
  if (t.ts_type != mikey::TsType::kNtpUtc) {
    const uint8_t type = static_cast<uint8_t>(t.ts_type);
    b.Flag(ExpertId::kTNotNtpUtc, type_item,
           "T is TS type " + std::to_string(type) + " (" + std::string(mikey::TsTypeName(type)) +
               "); TS 33.180 E.3 requires NTP-UTC");
  }
}

void AddSp(Builder& b, const mikey::SpPayload& sp, SpanCursor& c) {
  b.Wire(Field::kSpPolicyNo, 1, c.Take(WireField::kSpPolicyNo));
  b.Wire(Field::kSpProtType, 1, c.Take(WireField::kSpProtType));
  b.Wire(Field::kSpParamsLen, 1, c.Take(WireField::kSpParamsLength));
  for (const mikey::PolicyParam& param : sp.params) {
    const WireSpan group = c.Take(WireField::kSpParam);
    std::string_view name = mikey::SrtpPolicyParamName(param.type);
    b.Label(1, group.offset, group.length,
            "Policy param " + std::to_string(param.type) + " (" + std::string(name) + ")");
    b.Wire(Field::kSpParamType, 2, c.Take(WireField::kSpParamType));
    b.Wire(Field::kSpParamLen, 2, c.Take(WireField::kSpParamValueLength));
    const WireSpan value = c.Take(WireField::kSpParamValue);
    if (value.length > 0) b.Wire(Field::kSpParamValue, 2, value);
  }
}

void AddSign(Builder& b, const mikey::SignPayload& sign, SpanCursor& c) {
  // SIGN has no next-payload octet: S type (4 bits) and length (12 bits).
  const WireSpan type_length = c.Take(WireField::kSignTypeLength);
  b.Wire(Field::kSignType, 1, type_length);
  b.Wire(Field::kSignLen, 1, type_length);
  const WireSpan sig = c.Take(WireField::kSignature);
  if (sign.Eccsi().has_value()) {
    // RFC 6507: signature = r || s || PVT.
    b.Wire(Field::kSignR, 1, sig.offset, mikey::kEccsiPartSize);
    b.Wire(Field::kSignS, 1, sig.offset + mikey::kEccsiPartSize, mikey::kEccsiPartSize);
    b.Wire(Field::kSignPvt, 1, sig.offset + 2 * mikey::kEccsiPartSize, mikey::kEccsiPvtSize);
  } else if (sig.length > 0) {
    b.Wire(Field::kSignData, 1, sig);
  }
}

void AddGeneralExt(Builder& b, const mikey::GeneralExtPayload& ext,
                   const mikey::GktpVerification* v, SpanCursor& c) {
  b.Wire(Field::kExtType, 1, c.Take(WireField::kExtType));
  b.Wire(Field::kExtLen, 1, c.Take(WireField::kExtLength));
  const WireSpan data = c.Take(WireField::kExtData);
  if (data.length > 0) b.Wire(Field::kExtData, 1, data);
  if (std::holds_alternative<mikey::SakkePayload>(ext.content)) {
    b.Label(1, data.offset, data.length, "SAKKE-to-self (the GMK for the sender)");
    AddSakkeBody(b, 2, /*self=*/true, c);
  } else if (std::holds_alternative<mikey::ProtectedPayload>(ext.content)) {
    b.Label(1, data.offset, data.length, "Key parameters (protected payload, Rel-15+)");
    b.Text(Field::kKpForm, 2, data.offset, 1, "protected");
    const mikey::KeyParameters* kp =
        v != nullptr && v->key_params.has_value() ? &*v->key_params : nullptr;
    AddProtectedKeyParams(b, 2, kp, c);
  } else if (const auto* clear = std::get_if<mikey::ClearKeyParameters>(&ext.content)) {
    b.Label(1, data.offset, data.length, "Key parameters (clear, Rel-13)");
    b.Text(Field::kKpForm, 2, data.offset, 1, "clear");
    AddClearKeyParams(b, 2, clear->params, c);
  }
}

// One payload: `c` walks its region, starting at the payload's group span.
void AddPayload(Builder& b, const Payload& p, const mikey::GktpVerification* v, SpanCursor& c) {
  const WireSpan group = c.Take(WireField::kPayload);
  const uint8_t type = static_cast<uint8_t>(p.type());
  b.Label(0, group.offset, group.length, std::string(mikey::PayloadTypeName(type)) + " payload");
  if (const auto* sign = p.As<mikey::SignPayload>()) {
    AddSign(b, *sign, c);
    return;
  }
  const WireSpan next = c.Take(WireField::kNextPayload);
  b.Wire(Field::kNextPayload, 1, next);
  if (const auto* t = p.As<mikey::TimestampPayload>()) {
    AddTimestamp(b, *t, c);
  } else if (p.As<mikey::RandPayload>() != nullptr) {
    b.Wire(Field::kRandLen, 1, c.Take(WireField::kRandLength));
    const WireSpan rand = c.Take(WireField::kRand);
    if (rand.length > 0) b.Wire(Field::kRand, 1, rand);
  } else if (const auto* idr = p.As<mikey::IdrPayload>()) {
    b.Wire(Field::kIdrRole, 1, c.Take(WireField::kIdRole));
    b.Wire(Field::kIdrIdType, 1, c.Take(WireField::kIdType));
    b.Wire(Field::kIdrIdLen, 1, c.Take(WireField::kIdDataLength));
    const WireSpan id = c.Take(WireField::kIdData);
    if (id.length > 0) {
      b.Wire(Field::kIdrId, 1, id);
      // Hashed identities (IDRuidi/IDRuidr) travel with ID type URI too.
      if (Printable(idr->id)) b.Wire(Field::kIdrUri, 1, id);
    }
  } else if (const auto* sp = p.As<mikey::SpPayload>()) {
    AddSp(b, *sp, c);
  } else if (p.As<mikey::SakkePayload>() != nullptr) {
    AddSakkeBody(b, 1, /*self=*/false, c);
  } else if (const auto* ext = p.As<mikey::GeneralExtPayload>()) {
    AddGeneralExt(b, *ext, v, c);
  } else if (group.end() > next.end()) {
    // KEMAC, ID, V, ERR: shown whole.
    b.Wire(Field::kPayloadData, 1, next.end(), group.end() - next.end());
  }
}

// The checks with an expert info of their own (filterable by name in
// Wireshark); every other failed check is a check_failed.
ExpertId ExpertForCheck(checks::CheckId id) {
  switch (id) {
    case checks::CheckId::kSignValid: return ExpertId::kBadSignature;
    case checks::CheckId::kSignTrust: return ExpertId::kUntrustedSigner;
    case checks::CheckId::kGukIdDerivation: return ExpertId::kGukIdMismatch;
    case checks::CheckId::kKeyIdPurpose: return ExpertId::kPurposeNotGmk;
    case checks::CheckId::kSakkeDecap: return ExpertId::kSakkeUndecryptable;
    case checks::CheckId::kTType: return ExpertId::kTNotNtpUtc;
    case checks::CheckId::kHdrVBit: return ExpertId::kVBitOnGmk;
    default: return ExpertId::kCheckFailed;
  }
}

int CatalogueIndex(std::string_view id) {
  const auto& cat = checks::Catalogue();
  for (size_t i = 0; i < cat.size(); ++i) {
    if (cat[i].id == id) return static_cast<int>(i);
  }
  return -1;
}

std::string SignStatus(const checks::CheckList& c) {
  const checks::CheckResult* valid = c.Find("SIGN.VALID");
  const checks::CheckResult* trust = c.Find("SIGN.TRUST");
  if (valid == nullptr || valid->status == checks::CheckStatus::kNotApplicable || valid->not_evaluated()) {
    return "unverified";
  }
  if (valid->failed()) return "invalid";
  if (trust != nullptr && trust->failed()) return "untrusted";
  return "valid";
}

// Which recipient to verify for: IDRr when it names one, else the hint,
// else the first stored identity whose UID IDRr carries.
std::shared_ptr<const mikey::GktpVerification> VerifyForSomeone(ByteSpan wire, const Message& msg,
                                                                const AnnotateOptions& o,
                                                                std::string* recipient) {
  const mikey::IdrPayload* idrr = msg.FindIdr(mikey::IdRole::kIdrr);
  if (idrr != nullptr && !idrr->id.empty() && Printable(idrr->id)) {
    *recipient = std::string(idrr->id.begin(), idrr->id.end());
    return o.keys->Verify(wire, *recipient);
  }
  if (!o.recipient_hint.empty()) {
    *recipient = o.recipient_hint;
    return o.keys->Verify(wire, *recipient);
  }
  size_t tried = 0;
  for (const std::string& candidate : o.keys->KnownIdentities()) {
    if (++tried > kMaxCandidateRecipients) break;
    auto v = o.keys->Verify(wire, candidate);
    const checks::CheckResult* r = v->checks.Find("IDR.RECIPIENT");
    if (r != nullptr && r->status == checks::CheckStatus::kPass) {
      *recipient = candidate;
      return v;
    }
  }
  return nullptr;
}

void AddVerification(Builder& b, ByteSpan wire, const Message& msg, const WireSpan& csb_id,
                     const AnnotateOptions& o, const mikey::GktpVerification& v,
                     const std::string& recipient, std::set<ExpertId>* raised) {
  b.Label(0, 0, wire.size(), "Verification with the key store (TS 33.180 receiver checks)");
  b.Text(Field::kVerifyRecipient, 1, 0, 0, recipient);
  if (v.sender_uri) b.Text(Field::kVerifySender, 1, 0, 0, *v.sender_uri);
  b.Text(Field::kVerifyAccepted, 1, 0, 0, v.accepted() ? "yes" : "no");
  b.Text(Field::kSignStatus, 1, 0, 0, SignStatus(v.checks));
  // The GMK-ID is only generated when the SPI does not carry it already.
  bool spi_has_key_id = false;
  if (const auto* g = std::get_if<mikey::GenericIdMap>(&msg.hdr.cs_id_map)) {
    for (const auto& e : g->entries) spi_has_key_id = spi_has_key_id || e.SpiKeyId().has_value();
  }
  if (v.gmk_id && !spi_has_key_id) {
    // Shown over the CSB-ID, the GUK-ID it was recovered from.
    b.Number(Field::kGmkId, 1, csb_id.offset, csb_id.length, *v.gmk_id,
             "0x" + HexU32(*v.gmk_id) + " (recovered from the GUK-ID)");
  }
  if (v.gmk && o.show_secrets) b.Blob(Field::kGmk, 1, 0, 0, v.gmk->span());
  b.Label(1, 0, 0, "Checks");
  for (const checks::CheckResult& r : v.checks.results()) {
    const int index = CatalogueIndex(r.id);
    if (index < 0) continue;
    std::string display = checks::CheckStatusName(r.status);
    if (r.not_evaluated()) display += " (" + r.blocked_by + " failed)";
    if (!r.detail.empty()) display += ": " + r.detail;
    const int item = b.Check(2, index, checks::CheckStatusName(r.status), display);
    if (r.not_evaluated()) {
      // A note, so a filter on the check's own expert (bad_signature, ...)
      // does not match a message whose fault lies elsewhere.
      b.Flag(ExpertId::kCheckNotEvaluated, item, r.id + " not evaluated: " + r.blocked_by + " failed");
      continue;
    }
    if (!r.failed()) continue;
    const checks::CheckInfo& info = checks::Catalogue()[static_cast<size_t>(index)];
    ExpertId id = ExpertForCheck(info.check);
    if (id != ExpertId::kCheckFailed && !raised->insert(id).second) continue;
    // The registry's expert text says what is wrong in Wireshark's words;
    // the check ID and detail say where to look.
    std::string message = (info.expert != nullptr ? std::string(info.expert) : r.id + " failed") + " [" + r.id +
                          "]: " + r.detail;
    if (!r.expected.empty() || !r.actual.empty()) {
      message += " (expected " + r.expected + ", got " + r.actual + ")";
    }
    b.Flag(id, item, message);
  }
}

bool IsBase64Char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '+' || c == '/' || c == '=';
}
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool StartsMikeySakke(ByteSpan wire) {
  return wire.size() >= 2 && wire[0] == mikey::kMikeyVersion &&
         wire[1] == mikey::kDataTypeSakkeMessage;
}

// Base64 text that decodes to a MIKEY-SAKKE message, parsing or not.
std::optional<Embedded> DecodeMikey(std::string_view text, size_t offset, std::string where) {
  auto decoded = FromBase64(text);
  if (!decoded.ok() || !StartsMikeySakke(*decoded)) return std::nullopt;
  Embedded e{offset, text.size(), std::move(where), std::move(decoded).value()};
  e.parses = IsMikeySakke(e.wire);
  return e;
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

void FindInSdp(std::string_view body, std::vector<Embedded>* out) {
  static constexpr std::string_view kAttr = "a=key-mgmt:";
  for (size_t at = body.find(kAttr); at != std::string_view::npos; at = body.find(kAttr, at + 1)) {
    size_t i = at + kAttr.size();
    while (i < body.size() && body[i] == ' ') ++i;
    if (body.size() - i < 5 || !EqualsNoCase(body.substr(i, 5), "mikey")) continue;
    i += 5;
    if (i >= body.size() || body[i] != ' ') continue;
    while (i < body.size() && body[i] == ' ') ++i;
    size_t end = i;
    while (end < body.size() && IsBase64Char(body[end])) ++end;
    if (end - i < kMinBase64Length) continue;
    if (auto found = DecodeMikey(body.substr(i, end - i), i, "SDP a=key-mgmt:mikey")) {
      out->push_back(std::move(*found));
    }
  }
}

void FindInXml(std::string_view body, std::vector<Embedded>* out) {
  size_t gt = body.find('>');
  while (gt != std::string_view::npos) {
    const size_t lt = body.find('<', gt + 1);
    const size_t end = lt == std::string_view::npos ? body.size() : lt;
    size_t first = gt + 1;
    size_t last = end;
    while (first < last && IsSpace(body[first])) ++first;
    while (last > first && IsSpace(body[last - 1])) --last;
    std::string_view text = body.substr(first, last - first);
    const bool candidate =
        lt != std::string_view::npos && text.size() >= kMinBase64Length &&
        std::all_of(text.begin(), text.end(), [](char c) { return IsBase64Char(c) || IsSpace(c); });
    if (candidate) {
      // The element: the name after the '<' that this '>' closes.
      const size_t open = body.rfind('<', gt);
      std::string name;
      for (size_t i = open + 1; open != std::string_view::npos && i < gt; ++i) {
        const char c = body[i];
        if (IsSpace(c) || c == '/' || c == '>') break;
        name.push_back(c);
      }
      if (auto found = DecodeMikey(text, first, "XML element <" + name + ">")) {
        out->push_back(std::move(*found));
      }
    }
    if (lt == std::string_view::npos) break;
    gt = body.find('>', lt);
  }
}

}  // namespace

const FieldDef& Def(Field f) { return kFieldDefs[static_cast<size_t>(f)]; }
const ExpertDef& Def(ExpertId e) { return kExpertDefs[static_cast<size_t>(e)]; }

std::string CheckFieldSuffix(std::string_view check_id) {
  std::string out;
  for (char c : check_id) {
    out.push_back(std::isalnum(static_cast<unsigned char>(c)) != 0
                      ? static_cast<char>(std::tolower(static_cast<unsigned char>(c)))
                      : (c == '.' ? '.' : '_'));
  }
  return out;
}

void Annotation::Clear() {
  parsed = false;
  error.clear();
  info.clear();
  items.clear();
  experts.clear();
}

std::vector<const Item*> Annotation::Find(Field f) const {
  std::vector<const Item*> out;
  for (const Item& it : items) {
    if (it.field == f) out.push_back(&it);
  }
  return out;
}

bool Annotation::HasExpert(ExpertId id) const {
  return std::any_of(experts.begin(), experts.end(), [id](const Expert& e) { return e.id == id; });
}

Result<std::unique_ptr<KeyContext>> KeyContext::Load(const std::string& path) {
  MCX_ASSIGN_OR_RETURN(kms::KeyStore store, kms::KeyStore::Load(path));
  return std::make_unique<KeyContext>(std::move(store));
}

KeyContext::KeyContext(kms::KeyStore store)
    : store_(std::move(store)), verifier_(store_), identities_(store_.Identities()) {}

std::shared_ptr<const mikey::GktpVerification> KeyContext::Verify(
    ByteSpan wire, const std::string& recipient) const {
  std::string key(wire.begin(), wire.end());
  key.push_back('\0');
  key += recipient;
  auto it = cache_.find(key);
  if (it != cache_.end()) return it->second;
  mikey::VerifyOptions options;
  options.recipient_uri = recipient;
  auto v = std::make_shared<const mikey::GktpVerification>(verifier_.Verify(wire, options));
  if (cache_.size() >= kMaxCachedVerifications) cache_.clear();
  cache_.emplace(std::move(key), v);
  return v;
}

bool IsMikeySakke(ByteSpan wire) {
  if (!StartsMikeySakke(wire)) return false;
  // Bodies are scanned for candidates in bulk; reusing one Message per thread
  // keeps the test to the parse itself, without rebuilding every payload.
  thread_local Message scratch;
  return mikey::ParseInto(wire, &scratch).ok();
}

void Annotate(ByteSpan wire, const AnnotateOptions& options, Annotation* out) {
  out->Clear();
  Builder b(out);
  // The layout is where the codec read each field: the tree is drawn from
  // it (one cursor per region), not from offsets recomputed here.
  mikey::Message msg;
  mikey::WireLayout layout;
  Status parsed = mikey::ParseInto(wire, &msg, &layout);
  if (!parsed.ok()) {
    out->error = parsed.error().ToString();
    out->info = "Malformed MIKEY-SAKKE: " + out->error;
    b.Flag(ExpertId::kMalformed, -1, "MIKEY message does not parse: " + out->error);
    if (!wire.empty()) b.Wire(Field::kPayloadData, 0, 0, wire.size());
    return;
  }
  out->parsed = true;

  std::shared_ptr<const mikey::GktpVerification> v;
  std::string recipient;
  if (options.keys != nullptr) v = VerifyForSomeone(wire, msg, options, &recipient);

  // A parsed message's layout has one region for the HDR, then one per
  // payload; resize only guards the indexing below.
  std::vector<SpanCursor> regions = Regions(layout);
  regions.resize(1 + msg.payloads.size(), SpanCursor(nullptr, nullptr));
  const WireSpan csb_id = SpanCursor(regions[0]).Take(WireField::kCsbId);
  AddHeader(b, msg, regions[0]);
  for (size_t i = 0; i < msg.payloads.size(); ++i) {
    AddPayload(b, msg.payloads[i], v.get(), regions[1 + i]);
  }

  std::set<ExpertId> raised;
  for (const Expert& e : out->experts) raised.insert(e.id);
  const uint8_t purpose = PurposeTagOf(msg.hdr.csb_id);
  out->info = "MIKEY-SAKKE I_MESSAGE CSB-ID 0x" + HexU32(msg.hdr.csb_id) + " (" +
              KeyPurposeName(purpose) + ")";
  if (options.keys == nullptr) {
    b.Text(Field::kSignStatus, 0, 0, 0, "unverified", "unverified (no key store)");
  } else if (v == nullptr) {
    const int item = b.Text(Field::kSignStatus, 0, 0, 0, "unverified",
                            "unverified (recipient unknown)");
    b.Flag(ExpertId::kNotVerified, item,
           "Not verified: IDRr hides the recipient and neither a SIP To header nor a stored key "
           "set names it");
  } else {
    AddVerification(b, wire, msg, csb_id, options, *v, recipient, &raised);
    out->info += v->accepted() ? " [verified]" : " [REJECTED]";
  }
}

std::vector<Embedded> FindEmbedded(std::string_view body) {
  std::vector<Embedded> out;
  FindInSdp(body, &out);
  FindInXml(body, &out);
  std::sort(out.begin(), out.end(),
            [](const Embedded& a, const Embedded& b) { return a.offset < b.offset; });
  out.erase(std::unique(out.begin(), out.end(),
                        [](const Embedded& a, const Embedded& b) { return a.offset == b.offset; }),
            out.end());
  return out;
}

std::optional<std::string> SipToUri(std::string_view message) {
  size_t line = 0;
  while (line < message.size()) {
    size_t eol = message.find('\n', line);
    if (eol == std::string_view::npos) eol = message.size();
    std::string_view l = message.substr(line, eol - line);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    const size_t colon = l.find(':');
    if (colon != std::string_view::npos) {
      std::string_view name = l.substr(0, colon);
      while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
      if (EqualsNoCase(name, "To") || EqualsNoCase(name, "t")) {
        std::string_view value = l.substr(colon + 1);
        const size_t open = value.find('<');
        if (open != std::string_view::npos) {
          const size_t close = value.find('>', open);
          if (close == std::string_view::npos) return std::nullopt;
          value = value.substr(open + 1, close - open - 1);
        } else {
          value = value.substr(0, value.find(';'));
        }
        while (!value.empty() && IsSpace(value.front())) value.remove_prefix(1);
        while (!value.empty() && IsSpace(value.back())) value.remove_suffix(1);
        if (value.empty()) return std::nullopt;
        return std::string(value);
      }
    }
    line = eol + 1;
  }
  return std::nullopt;
}

}  // namespace mcx::dissector
