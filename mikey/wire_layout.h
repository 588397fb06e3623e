// Where each field of a parsed MIKEY message sits on the wire, as the codec
// consumed it: ParseInto(wire, &message, &layout) records one WireSpan per
// field read, and one per group (HDR, crypto session entry, payload, policy
// parameter, extension content) around the fields it holds. A dissector
// walks the spans with one cursor instead of re-deriving the layout.
//
// When parsing fails the layout holds every field read before the failure
// and each group open at that point ends where parsing stopped, so the
// well-formed prefix of a malformed message can still be shown.
#ifndef MCXTEST_MIKEY_WIRE_LAYOUT_H_
#define MCXTEST_MIKEY_WIRE_LAYOUT_H_

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace mcx::mikey {

enum class WireField : uint8_t {
#define MCX_WIRE_FIELD(e, name) e,
#include "mikey/wire_fields.def"
  kCount,
};

// The field's name as parse errors spell it ("CSB ID", "SAKKE data length").
std::string_view WireFieldName(WireField field);

struct WireSpan {
  WireField field;
  // Groups nest: HDR and payloads are at depth 0, their fields at 1.
  uint8_t depth = 0;
  // For a WireField::kPayload group, the payload type (PayloadType);
  // otherwise 0.
  uint8_t payload_type = 0;
  size_t offset = 0;
  size_t length = 0;

  size_t end() const { return offset + length; }
};

class WireLayout {
 public:
  // Spans in wire order, each group before the fields it holds.
  const std::vector<WireSpan>& spans() const { return spans_; }
  // Where parsing stopped: the end of the last field read (0 when none was).
  size_t parsed_end() const { return parsed_end_; }

  void Clear() {
    spans_.clear();
    depth_ = 0;
    parsed_end_ = 0;
  }

  // For the codec's FieldReader.
  void Add(WireField field, size_t offset, size_t length) {
    spans_.push_back({field, depth_, 0, offset, length});
    if (offset + length > parsed_end_) parsed_end_ = offset + length;
  }
  size_t Open(WireField group, size_t offset, uint8_t payload_type) {
    spans_.push_back({group, depth_++, payload_type, offset, 0});
    return spans_.size() - 1;
  }
  // Groups close in the reverse order they opened.
  void Close(size_t index, size_t end) {
    --depth_;
    spans_[index].length = end - spans_[index].offset;
  }

 private:
  std::vector<WireSpan> spans_;
  uint8_t depth_ = 0;
  size_t parsed_end_ = 0;
};

}  // namespace mcx::mikey

#endif  // MCXTEST_MIKEY_WIRE_LAYOUT_H_
