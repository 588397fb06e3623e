#include "mikey/wire_layout.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "mikey/codec.h"
#include "mikey/test_every_payload.h"
#include "mikey/test_messages.h"

namespace mcx::mikey {
namespace {

using testing::BuildEveryPayloadKind;
using testing::StreamwideMessages;
using testing::VectorMessage;
using W = WireField;

bool IsGroup(W f) {
  switch (f) {
#define MCX_WIRE_GROUP(e, name) case W::e:
#include "mikey/wire_fields.def"
    return true;
    default:
      return false;
  }
}

Bytes Octets(ByteSpan wire, const WireSpan& s) {
  ByteSpan octets = wire.subspan(s.offset, s.length);
  return Bytes(octets.begin(), octets.end());
}

uint64_t Number(ByteSpan wire, const WireSpan& s) {
  uint64_t v = 0;
  for (uint8_t octet : Octets(wire, s)) v = v << 8 | octet;
  return v;
}

std::string Names(const std::vector<WireSpan>& spans) {
  std::string out;
  for (const WireSpan& s : spans) out += std::string(WireFieldName(s.field)) + "; ";
  return out;
}

// The spans of the payload group at `index` (0 = first payload), group
// included.
std::vector<WireSpan> PayloadSpans(const WireLayout& layout, size_t index) {
  std::vector<WireSpan> out;
  size_t seen = 0;
  for (const WireSpan& s : layout.spans()) {
    if (s.depth == 0) {
      if (!out.empty()) break;
      if (s.field == W::kPayload && seen++ == index) out.push_back(s);
      continue;
    }
    if (!out.empty()) out.push_back(s);
  }
  return out;
}

std::vector<W> Fields(const std::vector<WireSpan>& spans) {
  std::vector<W> out;
  for (const WireSpan& s : spans) out.push_back(s.field);
  return out;
}

// Structural facts every layout of a message that parsed must show.
void ExpectWellFormedLayout(ByteSpan wire, const Message& m, const WireLayout& layout) {
  const std::vector<WireSpan>& spans = layout.spans();
  ASSERT_FALSE(spans.empty());
  EXPECT_EQ(layout.parsed_end(), wire.size());
  // Every span inside the message; every span inside its enclosing group.
  std::vector<const WireSpan*> open;
  for (const WireSpan& s : spans) {
    EXPECT_LE(s.end(), wire.size()) << WireFieldName(s.field);
    while (!open.empty() && open.back()->depth >= s.depth) open.pop_back();
    EXPECT_EQ(s.depth, open.size()) << WireFieldName(s.field);
    if (!open.empty()) {
      EXPECT_GE(s.offset, open.back()->offset) << WireFieldName(s.field);
      EXPECT_LE(s.end(), open.back()->end()) << WireFieldName(s.field);
    }
    if (IsGroup(s.field)) open.push_back(&s);
  }
  // The innermost spans (those holding no other span) tile the message:
  // every octet was consumed by exactly one field.
  size_t cursor = 0;
  for (size_t i = 0; i < spans.size(); ++i) {
    const WireSpan& s = spans[i];
    const bool holds_next = i + 1 < spans.size() && spans[i + 1].offset < s.end() &&
                            spans[i + 1].offset >= s.offset && !(s.length == 0);
    if (IsGroup(s.field) || holds_next) continue;
    EXPECT_EQ(s.offset, cursor) << WireFieldName(s.field) << " in " << Names(spans);
    cursor = s.end();
  }
  EXPECT_EQ(cursor, wire.size());
  // A length field says how long the data right after it is.
  for (size_t i = 0; i + 1 < spans.size(); ++i) {
    if (spans[i].field == W::kExtLength) {
      EXPECT_EQ(spans[i + 1].field, W::kExtData);
      EXPECT_EQ(Number(wire, spans[i]), spans[i + 1].length);
    }
    const std::string_view name = WireFieldName(spans[i].field);
    if (name.size() < 7 || name.substr(name.size() - 7) != " length") continue;
    if (spans[i].field == W::kSignTypeLength) continue;  // 4 + 12 bits
    EXPECT_EQ(WireFieldName(spans[i + 1].field), name.substr(0, name.size() - 7));
    EXPECT_EQ(spans[i + 1].offset, spans[i].end());
    EXPECT_EQ(Number(wire, spans[i]), spans[i + 1].length) << name;
  }
  // Payload groups are the payloads of the parsed message.
  size_t payload = 0;
  for (const WireSpan& s : spans) {
    if (s.field == W::kHdr) {
      EXPECT_EQ(s.offset, 0u);
      EXPECT_EQ(s.length, m.hdr_length);
    }
    if (s.field != W::kPayload) continue;
    ASSERT_LT(payload, m.payloads.size());
    const Payload& p = m.payloads[payload++];
    EXPECT_EQ(s.offset, p.offset);
    EXPECT_EQ(s.length, p.length);
    EXPECT_EQ(s.payload_type, static_cast<uint8_t>(p.type()));
  }
  EXPECT_EQ(payload, m.payloads.size());
}

TEST(WireLayoutTest, StreamwideMessagesHaveWellFormedLayouts) {
  for (const VectorMessage& v : StreamwideMessages()) {
    SCOPED_TRACE(v.kind);
    Message m;
    WireLayout layout;
    ASSERT_TRUE(ParseInto(v.wire, &m, &layout).ok());
    ExpectWellFormedLayout(v.wire, m, layout);
    // Values at the recorded offsets are the parsed values.
    for (const WireSpan& s : layout.spans()) {
      if (s.field == W::kCsbId) {
        EXPECT_EQ(Number(v.wire, s), m.hdr.csb_id);
      }
      if (s.field == W::kRand) {
        EXPECT_EQ(Octets(v.wire, s), m.Find<RandPayload>()->rand);
      }
      if (s.field == W::kSignature) {
        EXPECT_EQ(Octets(v.wire, s), m.Find<SignPayload>()->signature);
        EXPECT_EQ(s.offset, m.signed_length);  // the signature covers what precedes it
      }
      if (s.field == W::kSakkeData && s.depth == 1) {
        EXPECT_EQ(Octets(v.wire, s), m.Find<SakkePayload>()->data);
      }
    }
  }
}

TEST(WireLayoutTest, EveryPayloadTypeRecordsItsFieldsInWireOrder) {
  const Message built = BuildEveryPayloadKind();
  auto wire = Serialize(built);
  ASSERT_TRUE(wire.ok()) << wire.error().ToString();
  Message m;
  WireLayout layout;
  ASSERT_TRUE(ParseInto(*wire, &m, &layout).ok());
  ExpectWellFormedLayout(*wire, m, layout);

  std::vector<W> hdr;
  for (const WireSpan& s : layout.spans()) {
    if (s.field == W::kPayload) break;
    hdr.push_back(s.field);
  }
  EXPECT_EQ(hdr, (std::vector<W>{W::kHdr, W::kVersion, W::kDataType, W::kNextPayload, W::kVPrf,
                                 W::kCsbId, W::kCsCount, W::kCsIdMapType, W::kGenericIdEntry,
                                 W::kGenericCsId, W::kGenericProtType, W::kGenericSP,
                                 W::kGenericPolicyNumbers, W::kGenericSessionDataLength,
                                 W::kGenericSessionData, W::kGenericSpiLength, W::kGenericSpi}));

  const std::vector<std::vector<W>> expected = {
      // T (COUNTER), RAND, ID, IDR
      {W::kPayload, W::kNextPayload, W::kTsType, W::kTsValue},
      {W::kPayload, W::kNextPayload, W::kRandLength, W::kRand},
      {W::kPayload, W::kNextPayload, W::kIdType, W::kIdDataLength, W::kIdData},
      {W::kPayload, W::kNextPayload, W::kIdRole, W::kIdType, W::kIdDataLength, W::kIdData},
      // SP with three parameters
      {W::kPayload, W::kNextPayload, W::kSpPolicyNo, W::kSpProtType, W::kSpParamsLength,
       W::kSpParams, W::kSpParam, W::kSpParamType, W::kSpParamValueLength, W::kSpParamValue,
       W::kSpParam, W::kSpParamType, W::kSpParamValueLength, W::kSpParamValue, W::kSpParam,
       W::kSpParamType, W::kSpParamValueLength, W::kSpParamValue},
      // KEMAC, V, ERR, SAKKE
      {W::kPayload, W::kNextPayload, W::kEncrAlg, W::kEncrDataLength, W::kEncrData, W::kMacAlg,
       W::kMac},
      {W::kPayload, W::kNextPayload, W::kMacAlg, W::kMac},
      {W::kPayload, W::kNextPayload, W::kErrorNo, W::kErrReserved},
      {W::kPayload, W::kNextPayload, W::kSakkeParams, W::kSakkeIdScheme, W::kSakkeDataLength,
       W::kSakkeData},
      // Extensions 6, 7 clear, 7 protected, opaque
      {W::kPayload, W::kNextPayload, W::kExtType, W::kExtLength, W::kExtData, W::kSakkeToSelf,
       W::kSakkeParams, W::kSakkeIdScheme, W::kSakkeDataLength, W::kSakkeData},
      {W::kPayload, W::kNextPayload, W::kExtType, W::kExtLength, W::kExtData,
       W::kClearKeyParameters, W::kKeyType, W::kKeyStatus, W::kActivationTime, W::kExpiryTime,
       W::kKeyTextLength, W::kKeyText, W::kGroupIdsLength, W::kGroupIds, W::kGroupIdCount,
       W::kGroupIdIei, W::kGroupIdLength, W::kGroupId, W::kGroupIdIei, W::kGroupIdLength,
       W::kGroupId},
      {W::kPayload, W::kNextPayload, W::kExtType, W::kExtLength, W::kExtData,
       W::kProtectedPayload, W::kProtMessageType, W::kProtDateTime, W::kProtPayloadId,
       W::kProtSequenceNumber, W::kProtAlgorithm, W::kProtIv, W::kProtDppkId,
       W::kProtPayloadIei, W::kProtCiphertextLength, W::kProtCiphertext},
      {W::kPayload, W::kNextPayload, W::kExtType, W::kExtLength, W::kExtData},
      // SIGN: no next-payload field
      {W::kPayload, W::kSignTypeLength, W::kSignature},
  };
  ASSERT_EQ(expected.size(), m.payloads.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    SCOPED_TRACE("payload " + std::to_string(i));
    const std::vector<WireSpan> spans = PayloadSpans(layout, i);
    EXPECT_EQ(Fields(spans), expected[i]) << Names(spans);
  }

  // Values read back from the recorded offsets.
  for (const WireSpan& s : layout.spans()) {
    switch (s.field) {
      case W::kGenericSpi: EXPECT_EQ(Number(*wire, s), 0x0102030405060708u); break;
      case W::kTsValue: EXPECT_EQ(Number(*wire, s), 0xcafef00du); break;
      case W::kErrReserved: EXPECT_EQ(Number(*wire, s), 0xabcdu); break;
      case W::kKeyText: EXPECT_EQ(Octets(*wire, s), ToBytes("temporary group")); break;
      case W::kExpiryTime: EXPECT_EQ(Number(*wire, s), 0xff00000001u); break;
      case W::kProtDateTime: EXPECT_EQ(Number(*wire, s), 77u); break;
      case W::kProtIv: EXPECT_EQ(Octets(*wire, s), Bytes(16, 0x66)); break;
      case W::kSignature: EXPECT_EQ(Octets(*wire, s), Bytes(256, 0x88)); break;
      default: break;
    }
  }
}

TEST(WireLayoutTest, SrtpIdMapAndNtpTimestamp) {
  Message built;
  built.hdr.csb_id = 0x20000001;
  built.hdr.cs_id_map = SrtpIdMap{{{1, 0xdeadbeef, 7}, {2, 0x01020304, 9}}};
  built.payloads.push_back({TimestampPayload{TsType::kNtpUtc, 0x0102030405060708}});
  auto wire = Serialize(built);
  ASSERT_TRUE(wire.ok());
  Message m;
  WireLayout layout;
  ASSERT_TRUE(ParseInto(*wire, &m, &layout).ok());
  ExpectWellFormedLayout(*wire, m, layout);
  std::vector<uint64_t> ssrcs;
  for (const WireSpan& s : layout.spans()) {
    if (s.field == W::kSrtpSsrc) ssrcs.push_back(Number(*wire, s));
    if (s.field == W::kSrtpIdEntry) {
      EXPECT_EQ(s.length, 9u);
    }
    if (s.field == W::kTsValue) {
      EXPECT_EQ(s.length, 8u);
      EXPECT_EQ(Number(*wire, s), 0x0102030405060708u);
    }
  }
  EXPECT_EQ(ssrcs, (std::vector<uint64_t>{0xdeadbeef, 0x01020304}));
}

// Every prefix of a message fails to parse; its layout is the start of the
// whole message's layout, cut where parsing stopped: the same fields at the
// same offsets, groups ending no later than the cut.
void ExpectPrefixLayouts(ByteSpan wire) {
  Message m;
  WireLayout full;
  ASSERT_TRUE(ParseInto(wire, &m, &full).ok());
  for (size_t cut = 0; cut < wire.size(); ++cut) {
    SCOPED_TRACE("cut at " + std::to_string(cut));
    ByteSpan prefix = wire.first(cut);
    Message plain;
    const Status without = ParseInto(prefix, &plain);
    WireLayout layout;
    const Status with = ParseInto(prefix, &m, &layout);
    ASSERT_FALSE(with.ok());
    ASSERT_FALSE(without.ok());
    EXPECT_EQ(with.error().ToString(), without.error().ToString());
    ASSERT_LE(layout.spans().size(), full.spans().size());
    EXPECT_LE(layout.parsed_end(), cut);
    for (size_t i = 0; i < layout.spans().size(); ++i) {
      const WireSpan& got = layout.spans()[i];
      const WireSpan& whole = full.spans()[i];
      ASSERT_EQ(got.field, whole.field) << i;
      EXPECT_EQ(got.offset, whole.offset);
      EXPECT_EQ(got.depth, whole.depth);
      EXPECT_EQ(got.payload_type, whole.payload_type);
      EXPECT_LE(got.end(), layout.parsed_end());
      if (IsGroup(got.field)) {
        EXPECT_LE(got.length, whole.length);
      } else {
        EXPECT_EQ(got.length, whole.length);
      }
    }
    // Parsing stops at the first field that does not fit: the next span of
    // the whole layout does not end inside the prefix, or needed a length
    // that is cut off (a content region read as one).
    if (layout.spans().size() < full.spans().size()) {
      const WireSpan& next = full.spans()[layout.spans().size()];
      if (!IsGroup(next.field)) {
        EXPECT_GT(next.end(), cut) << WireFieldName(next.field);
      }
    }
  }
}

TEST(WireLayoutTest, TruncatedMessagesKeepTheLayoutUpToWhereParsingStopped) {
  for (const VectorMessage& v : StreamwideMessages()) {
    SCOPED_TRACE(v.kind);
    ExpectPrefixLayouts(v.wire);
  }
  auto every = Serialize(BuildEveryPayloadKind());
  ASSERT_TRUE(every.ok());
  ExpectPrefixLayouts(*every);
}

TEST(WireLayoutTest, OctetsAfterTheSignatureAreLeftOutOfTheLayout) {
  const VectorMessage gmk = testing::StreamwideMessage("GMK");
  Bytes wire = gmk.wire;
  wire.push_back(0);
  Message m;
  WireLayout layout;
  Status status = ParseInto(wire, &m, &layout);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().offset(), gmk.wire.size());
  EXPECT_EQ(layout.parsed_end(), gmk.wire.size());
  EXPECT_EQ(layout.spans().back().field, W::kSignature);
}

TEST(WireLayoutTest, OverrunIsBlamedOnTheRecordedLengthField) {
  Message built;
  built.payloads.push_back({RandPayload{Bytes(16, 0x11)}});
  auto wire = Serialize(built);
  ASSERT_TRUE(wire.ok());
  wire->pop_back();
  Message m;
  WireLayout layout;
  Status status = ParseInto(*wire, &m, &layout);
  ASSERT_FALSE(status.ok());
  const WireSpan& last = layout.spans().back();
  EXPECT_EQ(last.field, W::kRandLength);
  EXPECT_EQ(status.error().offset(), last.offset);
  // The RAND payload group ends after its length field: what was parsed.
  const WireSpan payload = PayloadSpans(layout, 0).front();
  EXPECT_EQ(payload.end(), last.end());
}

TEST(WireLayoutTest, ParseIntoClearsThePreviousLayout) {
  const VectorMessage gmk = testing::StreamwideMessage("GMK");
  Message m;
  WireLayout layout;
  ASSERT_TRUE(ParseInto(gmk.wire, &m, &layout).ok());
  const size_t spans = layout.spans().size();
  ASSERT_TRUE(ParseInto(gmk.wire, &m, &layout).ok());
  EXPECT_EQ(layout.spans().size(), spans);
}

}  // namespace
}  // namespace mcx::mikey
