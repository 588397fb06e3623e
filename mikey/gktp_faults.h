// The one vocabulary of message faults (mikey/gktp_faults.def): each named
// way a GKTP can be wrong, what it does to the message and which checks a
// receiver must then fail. The harness injects them, the reference GMS's
// defects emit them and the builder test proves each one.
#ifndef MCXTEST_MIKEY_GKTP_FAULTS_H_
#define MCXTEST_MIKEY_GKTP_FAULTS_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "crypto/bytes.h"
#include "crypto/result.h"
#include "kms/key_lookup.h"
#include "mikey/checks.h"
#include "mikey/gktp_builder.h"

namespace mcx::mikey {

enum class GktpFaultId : uint8_t {
#define MCX_GKTP_FAULT(e, ...) e,
#include "mikey/gktp_faults.def"
};

// Who uses a fault (bits of GktpFault::uses; none: the builder test only).
inline constexpr uint8_t kBuilderTest = 0;
inline constexpr uint8_t kInjected = 1 << 0;   // the harness injects it (inject.mutation)
inline constexpr uint8_t kGmsDefect = 1 << 1;  // reference_sut --defect NAME, role primary-gms

// What a message must carry for the fault to exist in it.
enum class FaultNeeds : uint8_t {
  kNothing,
  kKeyParams,           // key parameters: Rel-15 ones when the case has none
  kProtectedKeyParams,  // key parameters, AES-GCM protected in the faulty message
};

// What the faults that reach beyond the message need to know.
struct FaultContext {
  const kms::KeyLookup& keys;   // the builder's: KMS parameters, key periods, signing keys
  std::string rogue_kms_uri;    // a KMS the receiver does not trust (untrusted-kms)
  std::string other_kms_uri;    // the other MC domain's KMS (wrong-kmsi, wrong-kmsr); may be empty
  uint64_t t_window_seconds = 300;  // the receiver's acceptance window for T (t-outside-window)
};

// Before building: changes what is built.
using SpecFault = void (*)(GktpSpec& spec, const FaultContext& context);
// After building: changes the octets (re-signing where the description says).
using WireFault = Result<Bytes> (*)(Bytes wire, const GktpSpec& spec, const FaultContext& context);

struct GktpFault {
  GktpFaultId id;
  std::string_view name;
  std::string_view description;
  uint8_t uses;
  FaultNeeds needs;
  // Catalogue IDs ("HDR.VBIT") the recipient's verification fails.
  std::span<const std::string_view> expected_checks;
  SpecFault spec;  // or null
  WireFault wire;  // or null

  bool injected() const { return (uses & kInjected) != 0; }
  bool gms_defect() const { return (uses & kGmsDefect) != 0; }
};

// Every fault, in the order of gktp_faults.def.
std::span<const GktpFault> GktpFaults();
const GktpFault& Fault(GktpFaultId id);
const GktpFault* FindGktpFault(std::string_view name);

// Builds `spec` with `faults` in it: every spec change, the build, every
// wire change, each in the order given. The caller meets their needs
// beforehand.
Result<Bytes> BuildWithFaults(const GktpBuilder& builder, GktpSpec spec, std::span<const GktpFault* const> faults,
                              const FaultContext& context);
inline Result<Bytes> BuildWithFault(const GktpBuilder& builder, GktpSpec spec, const GktpFault& fault,
                                    const FaultContext& context) {
  const GktpFault* one[] = {&fault};
  return BuildWithFaults(builder, std::move(spec), one, context);
}

}  // namespace mcx::mikey

#endif  // MCXTEST_MIKEY_GKTP_FAULTS_H_
