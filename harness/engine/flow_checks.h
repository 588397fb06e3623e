// Flow checks: what a GMS under test did across the whole run (which steps,
// who got a key, signed by whom, with which key), as opposed to the checks of
// one message. Internal to the engine; each adds one result to `flow`.
#ifndef MCXTEST_HARNESS_ENGINE_FLOW_CHECKS_H_
#define MCXTEST_HARNESS_ENGINE_FLOW_CHECKS_H_

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "crypto/bytes.h"
#include "harness/engine/verify_batch.h"
#include "harness/scenario/scenario.h"
#include "harness/shim/answers.h"
#include "harness/shim/requests.h"
#include "mikey/checks.h"

namespace mcx::engine {

// FLOW.COVERAGE: `msgs` went to exactly `expected` (a multiset: each once).
void CheckKeyedSet(checks::CheckList& flow, const std::vector<Verified>& msgs,
                   const std::multiset<std::string>& expected, const std::string& what);
// FLOW.SAME_GMK: every message carries one GMK and GMK-ID (`reference_key`'s
// when given).
void CheckSameKey(checks::CheckList& flow, const std::vector<const Verified*>& msgs,
                  const std::optional<std::pair<Bytes, uint32_t>>& reference_key);
// FLOW.SIGNER: every message is validly signed by `signer`.
void CheckSigner(checks::CheckList& flow, const std::vector<Verified>& msgs, const std::string& signer);

// FLOW.ORDER of a primary GMS: step 14 only, or (multi-domain) 7 then 14.
void CheckPrimaryOrder(checks::CheckList& flow, const std::vector<shim::SentGktp>& gktps, bool multi_domain);
// FLOW.PARTNER_KEYING: one step-7 GKTP, to the partner GMS, keyed to its
// identity; not applicable without a partner domain.
void CheckPartnerKeying(checks::CheckList& flow, const std::vector<Verified>& sent,
                        const std::optional<shim::Party>& partner_gms, bool multi_domain);
// FLOW.NEW_GMK: no recipient got a constituent group's current key.
void CheckNewGmk(checks::CheckList& flow, scenario::Procedure procedure,
                 const std::vector<shim::ConstituentGroup>& constituents, const std::vector<const Verified*>& all);

}  // namespace mcx::engine

#endif  // MCXTEST_HARNESS_ENGINE_FLOW_CHECKS_H_
