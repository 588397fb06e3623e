#include "mikey/wire_layout.h"

#include <iterator>

namespace mcx::mikey {
namespace {

constexpr std::string_view kNames[] = {
#define MCX_WIRE_FIELD(e, name) name,
#include "mikey/wire_fields.def"
};
static_assert(std::size(kNames) == static_cast<size_t>(WireField::kCount));

}  // namespace

std::string_view WireFieldName(WireField field) {
  const size_t i = static_cast<size_t>(field);
  return i < std::size(kNames) ? kNames[i] : std::string_view();
}

}  // namespace mcx::mikey
