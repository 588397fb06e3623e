// Malformed I_MESSAGEs: each case is a published message (or a small built
// one) with one defect, and asserts which payload the error names and at
// which offset. Offsets come from parsing the intact message, never from
// retyped numbers.
#include <gtest/gtest.h>

#include "mikey/codec.h"
#include "mikey/test_messages.h"

namespace mcx::mikey {
namespace {

struct Case {
  std::string name;
  Bytes input;
  std::string label;   // the error must start with this ("SAKKE payload")
  size_t offset;       // the error's offset
  std::string detail;  // a substring of the error message
};

std::ostream& operator<<(std::ostream& os, const Case& c) { return os << c.name; }

// Positions in a parsed published message.
struct Layout {
  Bytes wire;
  Message message;

  explicit Layout(const std::string& kind) : wire(testing::StreamwideMessage(kind).wire) {
    auto parsed = Parse(wire);
    if (!parsed.ok()) {
      ADD_FAILURE() << kind << ": " << parsed.error().ToString();
      return;
    }
    message = *parsed;
  }

  // Offset of the `nth` payload of `type`.
  size_t At(PayloadType type, int nth = 0) const {
    for (const Payload& p : message.payloads) {
      if (p.type() == type && nth-- == 0) return p.offset;
    }
    ADD_FAILURE() << "no payload of type " << static_cast<int>(type);
    return 0;
  }

  Bytes Prefix(size_t n) const { return Bytes(wire.begin(), wire.begin() + n); }
  Bytes With(size_t at, uint8_t value) const {
    Bytes out = wire;
    out.at(at) = value;
    return out;
  }
  Bytes Plus(size_t at, int delta) const { return With(at, static_cast<uint8_t>(wire.at(at) + delta)); }
};

std::string Label(PayloadType type) { return std::string(PayloadLabel(static_cast<uint8_t>(type))); }

// Where the published GMK message's payloads start, and its length.
struct Offsets {
  size_t n, t, rand, idr0, idr1, sp, sakke, ext, sign;
};

Offsets GmkOffsets(const Layout& gmk) {
  return {gmk.wire.size(),
          gmk.At(PayloadType::kT),
          gmk.At(PayloadType::kRand),
          gmk.At(PayloadType::kIdr, 0),
          gmk.At(PayloadType::kIdr, 1),
          gmk.At(PayloadType::kSp),
          gmk.At(PayloadType::kSakke),
          gmk.At(PayloadType::kGeneralExt),
          gmk.At(PayloadType::kSign)};
}

constexpr char kExt7[] = "GENERAL EXTENSION payload (key parameters)";
// GMK HDR: #CS at 8, map type at 9, GENERIC-ID SPI length at 16.
constexpr size_t kCsCount = 8, kMapType = 9, kSpiLength = 16;

// The common header.
void AddHeaderCases(const Layout& gmk, std::vector<Case>& cases) {
  [[maybe_unused]] const auto [n, t, rand, idr0, idr1, sp, sakke, ext, sign] = GmkOffsets(gmk);
  cases.push_back({"Empty", {}, "HDR", 0, "version"});
  cases.push_back({"Version2", gmk.With(0, 2), "HDR", 0, "version 2"});
  cases.push_back({"TruncatedInCsbId", gmk.Prefix(6), "HDR", 4, "CSB ID"});
  cases.push_back({"UnknownMapType", gmk.With(kMapType, 3), "HDR", kMapType, "CS ID map type 3"});
  cases.push_back({"EmptyMapWithOneSession", gmk.With(kMapType, 1), "HDR", kCsCount, "#CS 1"});
  {
    Layout pck("PCK");
    cases.push_back({"PckCsCountMismatch", pck.With(kCsCount, 1), "HDR", kCsCount, "empty map"});
  }
  {
    // #CS 3 with two SRTP-ID entries: the T payload becomes the third entry,
    // and the RAND payload's next-payload octet is read as a TS type.
    Layout legacy("GMK-legacy");
    cases.push_back({"SrtpIdCsCountMismatch", legacy.With(kCsCount, 3), Label(PayloadType::kT),
                     legacy.At(PayloadType::kRand), "TS type"});
  }
  cases.push_back({"SpiLengthPlus1", gmk.Plus(kSpiLength, 1), Label(PayloadType::kT), t + 2, "TS type"});
  cases.push_back({"SpiLengthMinus1", gmk.Plus(kSpiLength, -1), Label(PayloadType::kT), t, "TS type 11"});
  cases.push_back({"HdrNextPayloadUnknown", gmk.With(2, 99), "HDR", 2, "next payload 99"});
}

// Truncation at every payload boundary and inside fields.
void AddTruncationCases(const Layout& gmk, std::vector<Case>& cases) {
  [[maybe_unused]] const auto [n, t, rand, idr0, idr1, sp, sakke, ext, sign] = GmkOffsets(gmk);
  for (const Payload& p : gmk.message.payloads) {
    std::string label = Label(p.type());
    std::string name = "TruncatedBefore" + std::to_string(p.offset);
    cases.push_back({name, gmk.Prefix(p.offset), label, p.offset, "ends inside"});
  }
  // ---- truncation inside fields
  cases.push_back({"TruncatedInTimestamp", gmk.Prefix(t + 5), Label(PayloadType::kT), t + 2, "TS value"});
  cases.push_back({"TruncatedInRand", gmk.Prefix(rand + 5), Label(PayloadType::kRand), rand + 1,
                   "RAND length 16 overruns"});
  cases.push_back({"TruncatedInIdrData", gmk.Prefix(idr0 + 10), Label(PayloadType::kIdr), idr0 + 3,
                   "ID data length"});
  cases.push_back({"TruncatedInSakkeData", gmk.Prefix(sakke + 100), Label(PayloadType::kSakke), sakke + 3,
                   "SAKKE data length 273 overruns"});
  cases.push_back({"TruncatedInExtension", gmk.Prefix(ext + 20), Label(PayloadType::kGeneralExt), ext + 2,
                   "extension data length"});
  cases.push_back({"TruncatedInSignHeader", gmk.Prefix(sign + 1), Label(PayloadType::kSign), sign,
                   "S type/signature length"});
  cases.push_back({"TruncatedInSignature", gmk.Prefix(n - 1), Label(PayloadType::kSign), sign,
                   "signature length 129 overruns"});
}

// Length fields one too long / too short.
void AddLengthCases(const Layout& gmk, std::vector<Case>& cases) {
  [[maybe_unused]] const auto [n, t, rand, idr0, idr1, sp, sakke, ext, sign] = GmkOffsets(gmk);
  // RAND +1 swallows the IDR's next-payload octet; the shifted IDR then
  // reads part of its UID as a length.
  cases.push_back({"RandLengthPlus1", gmk.Plus(rand + 1, 1), Label(PayloadType::kIdr), idr0 + 4,
                   "ID data length"});
  {
    Bytes input = gmk.Plus(rand + 1, -1);
    input.at(idr0 - 1) = 0xfe;  // the octet now read as the IDR's next payload
    cases.push_back({"RandLengthMinus1", input, Label(PayloadType::kIdr), idr0 - 1, "next payload 254"});
  }
  cases.push_back({"IdrLengthPlus1", gmk.Plus(idr0 + 4, 1), Label(PayloadType::kIdr), idr1 + 4,
                   "ID data length"});
  {
    Bytes input = gmk.Plus(idr0 + 4, -1);
    input.at(idr1 - 1) = 0xfe;
    cases.push_back({"IdrLengthMinus1", input, Label(PayloadType::kIdr), idr1 - 1, "next payload 254"});
  }
  cases.push_back({"SpParamLengthPlus1", gmk.Plus(sp + 4, 1), Label(PayloadType::kSp), sakke + 1,
                   "policy param value length"});
  cases.push_back({"SpParamLengthMinus1", gmk.Plus(sp + 4, -1), Label(PayloadType::kSp), sakke - 2,
                   "policy param value length 1 overruns the policy parameters"});
  cases.push_back({"SakkeLengthPlus1", gmk.Plus(sakke + 4, 1), Label(PayloadType::kGeneralExt), ext + 3,
                   "extension data length"});
  cases.push_back({"SakkeLengthMinus1", gmk.Plus(sakke + 4, -1), Label(PayloadType::kGeneralExt), ext + 1,
                   "extension data length"});
  cases.push_back({"ExtensionLengthPlus1", gmk.Plus(ext + 3, 1), kExt7, sign,
                   "unexpected octet(s) after the protected payload"});
  // Protected payload: 32 octets of AAD, the payload IEI, then its length.
  const size_t inner_length = ext + 4 + kProtectedPayloadAadSize + 1;
  cases.push_back({"ExtensionLengthMinus1", gmk.Plus(ext + 3, -1), kExt7, inner_length,
                   "overruns the extension data"});
  cases.push_back({"ProtectedPayloadLengthPlus1", gmk.Plus(inner_length + 1, 1), kExt7, inner_length,
                   "payload length"});
  cases.push_back({"ProtectedPayloadLengthMinus1", gmk.Plus(inner_length + 1, -1), kExt7, sign - 1,
                   "unexpected octet(s) after the protected payload"});
  cases.push_back({"SignatureLengthPlus1", gmk.Plus(sign + 1, 1), Label(PayloadType::kSign), sign,
                   "signature length 130 overruns"});
  cases.push_back({"SignatureLengthMinus1", gmk.Plus(sign + 1, -1), Label(PayloadType::kSign), n - 1,
                   "SIGN must be the last payload"});
}

// The next-payload chain, payload order, trailing octets.
void AddChainCases(const Layout& gmk, std::vector<Case>& cases) {
  [[maybe_unused]] const auto [n, t, rand, idr0, idr1, sp, sakke, ext, sign] = GmkOffsets(gmk);
  cases.push_back({"NextPayloadUnsupportedPke", gmk.With(t, 2), Label(PayloadType::kT), t, "(PKE)"});
  cases.push_back({"NextPayloadUnknown", gmk.With(sp, 200), Label(PayloadType::kSp), sp, "next payload 200"});
  {
    // SAKKE -> SIGN -> GENERAL EXTENSION.
    Bytes input = gmk.Prefix(ext);
    input.at(sakke) = static_cast<uint8_t>(PayloadType::kSign);
    input.insert(input.end(), gmk.wire.begin() + sign, gmk.wire.end());
    Bytes extension(gmk.wire.begin() + ext, gmk.wire.begin() + sign);
    extension[0] = 0;
    input.insert(input.end(), extension.begin(), extension.end());
    cases.push_back({"PayloadAfterSign", input, Label(PayloadType::kSign), ext + (n - sign),
                     "SIGN must be the last payload"});
  }
  {
    Bytes input = gmk.wire;
    input.push_back(0);
    cases.push_back({"TrailingOctetAfterSign", input, Label(PayloadType::kSign), n, "1 octet(s) follow"});
  }
  {
    Bytes input = gmk.Prefix(sign);
    input.at(ext) = 0;  // the extension is now the last payload
    input.push_back(0);
    cases.push_back({"TrailingOctetAfterLastPayload", input, Label(PayloadType::kGeneralExt), sign,
                     "next payload is 0 (last) but 1 octet(s) follow"});
  }
}

// Field values that leave the layout undefined.
void AddFieldValueCases(const Layout& gmk, std::vector<Case>& cases) {
  [[maybe_unused]] const auto [n, t, rand, idr0, idr1, sp, sakke, ext, sign] = GmkOffsets(gmk);
  cases.push_back({"UnknownTsType", gmk.With(t + 1, 7), Label(PayloadType::kT), t + 1, "TS type 7"});
  cases.push_back({"SakkeToSelfWithExtraOctets", gmk.With(ext + 1, kExtTypeSakkeToSelf),
                   "GENERAL EXTENSION payload (SAKKE-to-self)", ext + 8, "after the SAKKE data"});
  {
    Layout legacy("GMK-legacy");
    size_t legacy_ext = legacy.At(PayloadType::kGeneralExt);
    cases.push_back({"LegacyKeyTypeZero", legacy.With(legacy_ext + 4, 0), kExt7, legacy_ext + 4,
                     "key type octet 0"});
  }
  {
    Message m;
    m.payloads.push_back({KemacPayload{1, Bytes(4, 0xaa), 0, {}}});
    Bytes input = *Serialize(m);
    // HDR 10, then next, encr alg, length(2), 4 octets of data: MAC alg at 18.
    input.at(18) = 9;
    cases.push_back({"KemacUnknownMacAlg", input, Label(PayloadType::kKemac), 18, "MAC alg 9"});
  }
  {
    Message m;
    ProtectedPayload p;
    p.ciphertext = Bytes(kGcmTagSize, 0);
    m.payloads.push_back({GeneralExtPayload{kExtTypeKeyParameters, p}});
    Bytes input = *Serialize(m);
    // HDR 10; extension length at 12; inner payload length at 10 + 4 + 33.
    input.pop_back();
    input.at(13) -= 1;
    input.at(48) -= 1;
    cases.push_back({"ProtectedPayloadShorterThanTag", input, kExt7, 47, "shorter than the 16-octet"});
  }
  {
    Message m;
    m.payloads.push_back({ErrPayload{12, 0}});
    Bytes input = *Serialize(m);
    input.pop_back();
    cases.push_back({"TruncatedErrReserved", input, Label(PayloadType::kErr), 12, "reserved"});
  }
}

std::vector<Case> BuildCases() {
  std::vector<Case> cases;
  const Layout gmk("GMK");
  for (auto add : {AddHeaderCases, AddTruncationCases, AddLengthCases, AddChainCases, AddFieldValueCases}) {
    add(gmk, cases);
  }
  return cases;
}

class MalformedTest : public ::testing::TestWithParam<Case> {};

TEST_P(MalformedTest, IsRejectedNamingPayloadAndOffset) {
  const Case& c = GetParam();
  auto parsed = Parse(c.input);
  ASSERT_FALSE(parsed.ok()) << "accepted: " << ToHex(c.input);
  const Error& e = parsed.error();
  EXPECT_EQ(e.code(), ErrorCode::kParse);
  EXPECT_EQ(e.message().rfind(c.label + ":", 0), 0u) << e.ToString();
  ASSERT_TRUE(e.offset().has_value()) << e.ToString();
  EXPECT_EQ(*e.offset(), c.offset) << e.ToString();
  EXPECT_NE(e.message().find(c.detail), std::string::npos) << e.ToString();
  EXPECT_LE(*e.offset(), c.input.size());
  EXPECT_NE(e.ToString().find("(at offset " + std::to_string(c.offset) + ")"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Streamwide, MalformedTest, ::testing::ValuesIn(BuildCases()),
                         [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

TEST(MalformedCountTest, AtLeastThirtyDistinctCases) { EXPECT_GE(BuildCases().size(), 30u); }

}  // namespace
}  // namespace mcx::mikey
