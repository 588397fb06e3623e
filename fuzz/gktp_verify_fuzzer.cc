// Parse plus full GKTP verification against the fixed fuzz world: whatever
// arrives, the verifier must reach a verdict on every check and never
// crash. A message it accepts must really carry a key.
//
// The custom mutator (gktp_mutator.h) decodes, mutates and re-signs, so
// inputs get past SIGN.VALID into the SAKKE, key-ID and key-parameter
// checks. MCX_FUZZ_PLAIN_MUTATOR=1 switches it off (libFuzzer's own byte
// mutation only), for the comparison in docs/fuzzing.md.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <set>
#include <string>

#include "fuzz/fuzz_world.h"
#include "fuzz/gktp_mutator.h"
#include "mikey/codec.h"
#include "mikey/gktp_verifier.h"

extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size) __attribute__((weak));

namespace {

using mcx::fuzz::World;

const mcx::mikey::GktpVerifier& Verifier() {
  static const auto* verifier = new mcx::mikey::GktpVerifier(World().verifying);
  return *verifier;
}

std::set<std::string> IdsOf(const mcx::checks::CheckList& checks) {
  std::set<std::string> ids;
  for (const auto& r : checks.results()) {
    if (!ids.insert(r.id).second) {
      std::fprintf(stderr, "check %s reported twice\n", r.id.c_str());
      std::abort();
    }
  }
  return ids;
}

// The checks every verdict must cover: those the verifier reports for a
// message that does not even parse.
const std::set<std::string>& AllIds() {
  static const auto* ids = new std::set<std::string>(IdsOf(Verifier().Verify({}, World().Options()).checks));
  return *ids;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)AllIds();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mcx::ByteSpan wire(data, size);
  auto v = Verifier().Verify(wire, World().Options());
  if (IdsOf(v.checks) != AllIds()) {
    std::fprintf(stderr, "verdict does not cover every check exactly once\n");
    std::abort();
  }
  if (v.accepted()) {
    // Accepted means parsed, signed and decapsulated: a 16-octet GMK and a
    // message that re-serializes to the octets that were signed.
    if (!v.message || !v.gmk || v.gmk->size() != 16) std::abort();
    if (v.checks.Find("SIGN.VALID")->status != mcx::checks::CheckStatus::kPass) std::abort();
    auto again = mcx::mikey::Serialize(*v.message);
    if (!again.ok() || *again != mcx::Bytes(wire.begin(), wire.end())) std::abort();
  }
  return 0;
}

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size, unsigned int seed) {
  static const bool plain = std::getenv("MCX_FUZZ_PLAIN_MUTATOR") != nullptr;
  // One mutation in four stays byte-level: the codec's error paths are
  // reached from valid messages that way, and such inputs are cheap (they
  // mostly stop at MIKEY.PARSE), while every structural mutant costs a full
  // verification. With one in eight, a 15-minute run covered fewer codec
  // edges than plain byte mutation (docs/fuzzing.md).
  if (plain || seed % 4 == 0) return LLVMFuzzerMutate(data, size, max_size);
  static const auto* mutator = new mcx::fuzz::GktpMutator(World());
  auto out = mutator->Mutate(mcx::ByteSpan(data, size), seed);
  if (!out || out->size() > max_size) return LLVMFuzzerMutate(data, size, max_size);
  std::memcpy(data, out->data(), out->size());
  return out->size();
}
