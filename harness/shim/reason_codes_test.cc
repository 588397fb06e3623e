#include "harness/shim/reason_codes.h"

#include <map>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "mikey/checks.h"

namespace mcx::shim {
namespace {

// The checks the GKTP verifier reports per message: every catalogued check
// but the flow checks the engine judges over a whole case.
bool IsFlowCheck(std::string_view id) {
  for (std::string_view family : {"FLOW.", "UE.", "PARTNER.", "SUT."}) {
    if (id.substr(0, family.size()) == family) return true;
  }
  return false;
}

TEST(ReasonCodesTest, EveryPerMessageCheckIsInExactlyOneCategory) {
  std::map<std::string, std::string> category_of;
  for (const ReasonCategory& category : ReasonCategories()) {
    EXPECT_FALSE(category.checks.empty()) << category.name;
    for (std::string_view check : category.checks) {
      EXPECT_FALSE(IsFlowCheck(check)) << check << " is judged over a case, no message can be rejected for it";
      auto [it, inserted] = category_of.emplace(std::string(check), std::string(category.name));
      EXPECT_TRUE(inserted) << check << " is in both " << it->second << " and " << category.name;
    }
  }
  for (const auto& info : checks::Catalogue()) {
    std::string id(info.id);
    if (IsFlowCheck(id)) continue;
    EXPECT_EQ(category_of.count(id), 1u) << id << " belongs to no reason category";
    category_of.erase(id);
  }
  for (const auto& [check, category] : category_of) ADD_FAILURE() << check << " (" << category << ") is not catalogued";
}

TEST(ReasonCodesTest, ParsesCheckIdsAndCategoriesOnly) {
  auto check = ParseReasonCode("SIGN.TRUST");
  ASSERT_TRUE(check.ok());
  EXPECT_FALSE(check->is_category);
  EXPECT_EQ(check->checks, std::vector<std::string>{"SIGN.TRUST"});
  auto category = ParseReasonCode("key-params");
  ASSERT_TRUE(category.ok());
  EXPECT_TRUE(category->is_category);
  EXPECT_EQ(category->checks,
            (std::vector<std::string>{"KEYPARAMS.TYPE", "KEYPARAMS.STATUS", "KEYPARAMS.TIMES", "KEYPARAMS.GROUPS"}));
  auto flow = ParseReasonCode("FLOW.SAME_GMK");
  ASSERT_FALSE(flow.ok());
  EXPECT_NE(flow.error().message().find("unknown reason_code 'FLOW.SAME_GMK'"), std::string::npos);
  auto hostile = ParseReasonCode(std::string("\x1b[31m", 5) + std::string(200, 'A'));
  ASSERT_FALSE(hostile.ok());
  EXPECT_EQ(hostile.error().message().find('\x1b'), std::string::npos) << "echoed printable only";
  EXPECT_LT(hostile.error().message().size(), 400u);
}

}  // namespace
}  // namespace mcx::shim
