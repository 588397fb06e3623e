// The structure-aware mutator of the gktp_verify target. Byte mutation of a
// signed message almost never survives SIGN.VALID, so the verifier's later
// checks (SAKKE, key identifiers, key parameters, SAKKE-to-self) would stay
// unexplored. This mutator decodes the message with the MIKEY codec,
// changes one to three fields the way a faulty or hostile sender would,
// keeps the crypto consistent where the field allows it (new GMK: new
// SAKKE data, GUK-ID, SPI and key-parameters encryption) and re-signs the
// result with the fuzz world's keys.
//
// It is plain C++ (no libFuzzer dependency) so a g++ unit test can check
// that its outputs mostly pass SIGN.VALID and that it is deterministic.
#ifndef MCXTEST_FUZZ_GKTP_MUTATOR_H_
#define MCXTEST_FUZZ_GKTP_MUTATOR_H_

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "crypto/bytes.h"
#include "crypto/sakke.h"
#include "fuzz/fuzz_world.h"

namespace mcx::fuzz {

class GktpMutator {
 public:
  explicit GktpMutator(const FuzzWorld& world);

  // A mutated, re-encoded (and usually re-signed) message; nullopt when
  // `input` does not decode as a MIKEY message (the caller then falls back
  // to byte mutation). Deterministic in (input, seed).
  std::optional<Bytes> Mutate(ByteSpan input, uint64_t seed) const;

 private:
  const FuzzWorld& world_;
  std::map<std::string, std::shared_ptr<const sakke::PreparedPublicKey>> kms_keys_;
  // GMKs already decapsulated, by (key period, SAKKE data): libFuzzer
  // mutates the same corpus entries over and over, and a decapsulation
  // costs as much as the rest of a mutation together.
  mutable std::mutex mu_;
  mutable std::map<Bytes, SecretBytes> gmk_cache_;
};

}  // namespace mcx::fuzz

#endif  // MCXTEST_FUZZ_GKTP_MUTATOR_H_
