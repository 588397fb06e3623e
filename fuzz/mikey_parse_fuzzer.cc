// The I_MESSAGE parser sees whatever a SUT sends. Invariant: anything it
// accepts re-serializes to exactly the same octets.
#include <cstdint>
#include <cstdlib>

#include "mikey/codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mcx::ByteSpan input(data, size);
  auto message = mcx::mikey::Parse(input);
  if (!message.ok()) return 0;
  auto wire = mcx::mikey::Serialize(*message);
  if (!wire.ok() || *wire != mcx::Bytes(input.begin(), input.end())) std::abort();
  return 0;
}
