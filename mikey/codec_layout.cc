// ParseInto with a WireLayout: the recording instantiation of the parsers,
// in a unit of its own (see codec_parse.inc).
#include "mikey/codec.h"
#include "mikey/codec_parse.inc"

namespace mcx::mikey {

Status ParseInto(ByteSpan wire, Message* message, WireLayout* layout) {
  layout->Clear();
  return ParseMessage</*kRecord=*/true>(wire, message, layout);
}

}  // namespace mcx::mikey
