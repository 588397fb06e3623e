// Why a shim rejected a message, in a form the harness can check: the
// optional "reason_code" of a rejection (docs/shim-protocol.md) is either a
// per-message check ID of docs/checks.md ("SIGN.TRUST") or a coarse
// category of them ("trust"), all listed in reason_codes.def.
#ifndef MCXTEST_HARNESS_SHIM_REASON_CODES_H_
#define MCXTEST_HARNESS_SHIM_REASON_CODES_H_

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/result.h"

namespace mcx::shim {

struct ReasonCategory {
  std::string_view name;     // "trust"
  std::string_view meaning;  // for docs and error messages
  std::vector<std::string_view> checks;
};

// Every category, in the order of reason_codes.def.
std::span<const ReasonCategory> ReasonCategories();

// A reason code a shim sent, with the checks it names: one for a check ID,
// the category's for a category.
struct ReasonCode {
  std::string code;
  bool is_category = false;
  std::vector<std::string> checks;
};

// Accepts exactly a per-message check ID or a category name; anything else
// (a flow check, a typo, another case) is an error naming what is allowed.
Result<ReasonCode> ParseReasonCode(std::string_view code);

}  // namespace mcx::shim

#endif  // MCXTEST_HARNESS_SHIM_REASON_CODES_H_
