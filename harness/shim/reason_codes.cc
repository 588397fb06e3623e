#include "harness/shim/reason_codes.h"

#include "harness/shim/excerpt.h"
#include "mikey/checks.h"

namespace mcx::shim {
namespace {

std::vector<std::string_view> Names(std::initializer_list<checks::CheckId> ids) {
  std::vector<std::string_view> out;
  for (checks::CheckId id : ids) out.push_back(checks::CheckIdName(id));
  return out;
}

}  // namespace

std::span<const ReasonCategory> ReasonCategories() {
  using enum checks::CheckId;
  static const std::vector<ReasonCategory> kCategories = {
#define MCX_REASON_CATEGORY(e, name, meaning, ...) {name, meaning, Names({__VA_ARGS__})},
#include "harness/shim/reason_codes.def"
  };
  return kCategories;
}

Result<ReasonCode> ParseReasonCode(std::string_view code) {
  std::string names;
  for (const ReasonCategory& category : ReasonCategories()) {
    names += (names.empty() ? "" : ", ") + std::string(category.name);
    if (code == category.name) {
      return ReasonCode{std::string(code), true, {category.checks.begin(), category.checks.end()}};
    }
    for (std::string_view check : category.checks) {
      if (code == check) return ReasonCode{std::string(code), false, {std::string(check)}};
    }
  }
  return Error(ErrorCode::kParse, "unknown reason_code '" + Excerpt(std::string(code), 40) +
                                      "': expected a per-message check ID of docs/checks.md (e.g. SIGN.VALID) or "
                                      "one of the categories " +
                                      names);
}

}  // namespace mcx::shim
