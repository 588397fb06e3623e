// The Wireshark plugin's dissection path without Wireshark
// (dissector/annotate.h): whatever a capture holds reaches the annotator as
// raw octets (UDP/TCP heuristics, Decode As) or as a SIP/HTTP body searched
// for base64 MIKEY-SAKKE (XML elements, SDP a=key-mgmt) and a To header.
// Invariants: no crash, and every annotation renders: wire items lie inside
// the octets, depths nest, expert infos point at existing items, found
// messages lie inside the body and say whether they parse.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "dissector/annotate.h"

namespace {

void CheckRenderable(mcx::ByteSpan wire, const mcx::dissector::Annotation& a) {
  using mcx::dissector::Field;
  using mcx::dissector::Item;
  int previous_depth = -1;
  for (const Item& it : a.items) {
    if (it.depth < 0 || it.depth > previous_depth + 1) std::abort();
    previous_depth = it.depth;
    if (it.source == Item::Source::kWire &&
        (it.offset > wire.size() || it.length > wire.size() - it.offset)) {
      std::abort();
    }
    if (it.field == Field::kCheck && it.check < 0) std::abort();
  }
  for (const auto& e : a.experts) {
    if (e.item >= static_cast<int>(a.items.size())) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mcx::ByteSpan input(data, size);
  mcx::dissector::Annotation a;
  mcx::dissector::Annotate(input, {}, &a);
  CheckRenderable(input, a);
  // Annotate's parse and the SDP/XML search's IsMikeySakke must agree on raw
  // octets with the MIKEY-SAKKE prefix (one extra parse only for those).
  if (input.size() >= 2 && input[0] == 1 && input[1] == 26 && a.parsed != mcx::dissector::IsMikeySakke(input)) {
    std::abort();
  }

  std::string_view body(reinterpret_cast<const char*>(data), size);
  const auto embedded = mcx::dissector::FindEmbedded(body);
  if (embedded.empty()) return 0;
  mcx::dissector::AnnotateOptions options;
  if (auto to = mcx::dissector::SipToUri(body)) options.recipient_hint = *to;
  for (const auto& found : embedded) {
    if (found.offset > size || found.length > size - found.offset) std::abort();
    mcx::dissector::Annotate(found.wire, options, &a);
    if (a.parsed != found.parses) std::abort();  // FindEmbedded's parse agrees
    CheckRenderable(found.wire, a);
  }
  return 0;
}
