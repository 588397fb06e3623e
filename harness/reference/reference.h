// The reference implementation of all three roles (primary GMS, partner GMS,
// UE), built on the reference crypto core and GKTP codec. The harness plays
// every role the SUT does not with it, and //harness/sut:reference_sut wraps
// it as a shim. Defects turn it into a realistic broken implementation, one
// bug each: the mutation test proves the suite catches every one.
#ifndef MCXTEST_HARNESS_REFERENCE_REFERENCE_H_
#define MCXTEST_HARNESS_REFERENCE_REFERENCE_H_

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/result.h"
#include "harness/reference/defects.h"
#include "harness/shim/answers.h"
#include "harness/shim/requests.h"
#include "kms/key_store.h"
#include "mikey/gktp_builder.h"
#include "mikey/gktp_verifier.h"

namespace mcx::reference {

class ReferenceImplementation {
 public:
  // `store` holds the key material of the identities this instance plays
  // (and the public parameters of every KMS it may talk to).
  // `defects`: names of Defects() this instance plays (harness/reference/defects.h).
  ReferenceImplementation(const kms::KeyStore& store, const std::set<std::string>& defects,
                          std::optional<uint64_t> seed);

  // primary GMS: steps 6, 7/8 and 14.
  Result<std::vector<shim::SentGktp>> HandleRegroupRequest(const shim::RegroupRequest& request);
  // partner GMS: steps 7-11.
  Result<shim::PartnerAnswer> HandleRegroupNotification(const shim::RegroupNotification& notification);
  // UE: accept or reject one GKTP.
  Result<shim::DeliverAnswer> HandleDeliver(const shim::DeliverRequest& request);

 private:
  bool Has(BehaviourDefect defect) const { return defects_.Has(defect); }
  Result<SecretBytes> NewGmk(const std::string& label);
  Result<uint32_t> NewGmkId(const std::string& label);

  const kms::KeyStore& store_;
  DefectSet defects_;
  std::optional<uint64_t> seed_;
  uint64_t counter_ = 0;
  mikey::GktpBuilder builder_;
  mikey::GktpVerifier verifier_;
};

// The GKTP a correct GMS sends: key parameters (when asked for) name the
// group and mark the key valid and shared.
mikey::GktpSpec MakeGktpSpec(const shim::Party& sender, const shim::Party& recipient, const SecretBytes& gmk,
                             uint32_t gmk_id, uint64_t ntp_seconds, const shim::GktpOptions& options,
                             const std::string& group_id);

// A key store holding what a real client gets from its KMS: its own KMS
// certificate, its key sets and the external KMS certificates it trusts.
Result<kms::KeyStore> StoreFromProvisioning(const std::vector<shim::ProvisionedIdentity>& identities);

}  // namespace mcx::reference

#endif  // MCXTEST_HARNESS_REFERENCE_REFERENCE_H_
