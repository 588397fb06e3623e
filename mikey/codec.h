// Parsing and serializing MIKEY I_MESSAGEs (RFC 3830, RFC 6043, RFC 6509 as
// profiled by TS 33.180 Annex E).
//
// Parse is strict and total: any input either yields a Message that
// Serialize turns back into exactly the same octets, or an Error with code
// kParse, the absolute offset, and a message naming payload and field, e.g.
// "SAKKE payload: SAKKE data length 300 overruns the message (12 octet(s)
// left) (at offset 412)". Unknown payload types, a payload or any octet after
// SIGN, octets after the last payload, lengths that overrun, and CS ID maps
// that disagree with #CS are all errors.
#ifndef MCXTEST_MIKEY_CODEC_H_
#define MCXTEST_MIKEY_CODEC_H_

#include <cstddef>
#include <string_view>

#include "crypto/bytes.h"
#include "crypto/result.h"
#include "mikey/message.h"
#include "mikey/wire_layout.h"

namespace mcx::mikey {

Result<Message> Parse(ByteSpan wire);

// Parse into an existing Message, recycling the payloads and buffers it
// already holds: parsing a stream of similar messages into one Message
// allocates nothing once it has warmed up. On error `*message` is valid
// but unspecified.
Status ParseInto(ByteSpan wire, Message* message);

// The same, also recording in `*layout` (cleared first) where every field
// sits: what a dissector shows. On error the layout still covers every
// field read before the failure (see wire_layout.h).
Status ParseInto(ByteSpan wire, Message* message, WireLayout* layout);

// Recomputes every derived field (next payload, lengths, #CS). Fails when a
// field does not fit its wire width (e.g. a 300-octet RAND), when a GENERAL
// EXTENSION's content does not match its type, or when a payload other
// than the last one is a SIGN.
Result<Bytes> Serialize(const Message& message);

// How the first octet of a Key Parameters content encodes the key type.
enum class KeyTypeCoding {
  kStandard,       // TS 33.180 E.6.11 (GMK 0, PCK 1, CSK 2, ...)
  kLegacyPlusOne,  // deployed Rel-13 clear form: key type + 1
};

// The Key Parameters content of TS 33.180 Table E.6.1-1, e.g. a decrypted
// protected payload. `base_offset` is added to error offsets.
Result<KeyParameters> ParseKeyParameters(ByteSpan content,
                                         KeyTypeCoding coding = KeyTypeCoding::kStandard,
                                         size_t base_offset = 0);
Result<Bytes> SerializeKeyParameters(const KeyParameters& params,
                                     KeyTypeCoding coding = KeyTypeCoding::kStandard);

// The error-message label of a payload type ("SAKKE payload", "HDR" for the
// header is not a payload type); empty for codes the codec does not parse.
std::string_view PayloadLabel(uint8_t payload_type);

}  // namespace mcx::mikey

#endif  // MCXTEST_MIKEY_CODEC_H_
