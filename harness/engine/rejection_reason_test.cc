#include "harness/engine/rejection_reason.h"

#include <gtest/gtest.h>

namespace mcx::engine {
namespace {

using checks::CheckStatus;

checks::CheckResult Check(const std::string& id, CheckStatus status) {
  checks::CheckResult r;
  r.id = id;
  r.status = status;
  return r;
}

shim::ReasonCode Code(const std::string& code) {
  auto parsed = shim::ParseReasonCode(code);
  EXPECT_TRUE(parsed.ok()) << code;
  return parsed.ok() ? *parsed : shim::ReasonCode{};
}

// A message with a bad signature whose decapsulation was never reached.
const std::vector<checks::CheckResult> kBadSignature = {
    Check("MIKEY.PARSE", CheckStatus::kPass), Check("T.TYPE", CheckStatus::kPass),
    Check("T.WINDOW", CheckStatus::kPass),    Check("SIGN.VALID", CheckStatus::kFail),
    Check("SIGN.TRUST", CheckStatus::kPass),  Check("KEYPARAMS.TYPE", CheckStatus::kNotApplicable),
};

TEST(RejectionReasonTest, AFailedCheckConfirmsTheRejection) {
  ReasonJudgement j = JudgeRejectionReason(Code("SIGN.VALID"), kBadSignature, {"SIGN.VALID"});
  EXPECT_EQ(j.verdict, ReasonVerdict::kConfirmed);
  EXPECT_EQ(j.text, "rejected for SIGN.VALID, expected SIGN.VALID");
  j = JudgeRejectionReason(Code("signature"), kBadSignature, {"SIGN.VALID"});
  EXPECT_EQ(j.verdict, ReasonVerdict::kConfirmed);
  EXPECT_EQ(j.text, "rejected for signature (SIGN.VALID), expected SIGN.VALID");
}

TEST(RejectionReasonTest, ACheckThatPassedMakesItAWrongReason) {
  ReasonJudgement j = JudgeRejectionReason(Code("T.WINDOW"), kBadSignature, {"SIGN.VALID"});
  EXPECT_EQ(j.verdict, ReasonVerdict::kWrong);
  EXPECT_EQ(j.text,
            "rejected for T.WINDOW, expected SIGN.VALID: a fault the message does not have (T.WINDOW passes in the "
            "harness's verification)");
  // A category all of whose checks pass or do not apply.
  j = JudgeRejectionReason(Code("time"), kBadSignature, {"SIGN.VALID"});
  EXPECT_EQ(j.verdict, ReasonVerdict::kWrong);
  j = JudgeRejectionReason(Code("trust"), kBadSignature, {});
  EXPECT_EQ(j.verdict, ReasonVerdict::kWrong);
  EXPECT_EQ(j.text.rfind("rejected for trust: a fault", 0), 0u) << j.text;
}

TEST(RejectionReasonTest, ChecksTheHarnessCouldNotEvaluateLeaveItUnconfirmed) {
  // SAKKE.DECAP and KEYPARAMS.DECRYPT never ran on this message.
  ReasonJudgement j = JudgeRejectionReason(Code("decrypt"), kBadSignature, {"SIGN.VALID"});
  EXPECT_EQ(j.verdict, ReasonVerdict::kUnconfirmed);
  EXPECT_NE(j.text.find("unconfirmed: the harness could not evaluate SAKKE.DECAP, KEYPARAMS.DECRYPT"),
            std::string::npos)
      << j.text;
  // A category with one failed check is confirmed even if others were not evaluated.
  std::vector<checks::CheckResult> partly = kBadSignature;
  partly.push_back(Check("KEYPARAMS.STATUS", CheckStatus::kFail));
  EXPECT_EQ(JudgeRejectionReason(Code("key-params"), partly, {}).verdict, ReasonVerdict::kConfirmed);
}

TEST(RejectionReasonTest, ACheckAnEarlierFailureBlockedLeavesItUnconfirmed) {
  // SAKKE decapsulation failed, so the GUK-ID could not be derived.
  checks::CheckResult guk = Check("GUKID.DERIVATION", CheckStatus::kNotEvaluated);
  guk.blocked_by = "SAKKE.DECAP";
  const std::vector<checks::CheckResult> no_gmk = {Check("SAKKE.DECAP", CheckStatus::kFail), guk};
  ReasonJudgement j = JudgeRejectionReason(Code("GUKID.DERIVATION"), no_gmk, {"SAKKE.DECAP"});
  EXPECT_EQ(j.verdict, ReasonVerdict::kUnconfirmed) << j.text;
  EXPECT_NE(j.text.find("could not evaluate GUKID.DERIVATION"), std::string::npos) << j.text;
  EXPECT_EQ(JudgeRejectionReason(Code("key-id"), no_gmk, {"SAKKE.DECAP"}).verdict, ReasonVerdict::kUnconfirmed);
}

TEST(CheckRejectionTest, FailsTheFlowCheckOnlyForAWrongReason) {
  checks::CheckList flow;
  CheckRejection(flow, checks::CheckId::kUeReject, "bad signature", "", kBadSignature, {"SIGN.VALID"});
  CheckRejection(flow, checks::CheckId::kUeReject, "bad signature", "SIGN.VALID", kBadSignature, {"SIGN.VALID"});
  CheckRejection(flow, checks::CheckId::kUeReject, "no key", "decrypt", kBadSignature, {"SIGN.VALID"});
  CheckRejection(flow, checks::CheckId::kPartnerReject, "too old", "T.WINDOW", kBadSignature, {"SIGN.VALID"});
  const auto& r = flow.results();
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].status, CheckStatus::kPass);
  EXPECT_EQ(r[0].detail, "rejected: bad signature") << "no reason_code: judged as before";
  EXPECT_EQ(r[1].status, CheckStatus::kPass);
  EXPECT_EQ(r[1].detail, "rejected for SIGN.VALID, expected SIGN.VALID; the SUT said: bad signature");
  EXPECT_EQ(r[2].status, CheckStatus::kPass) << "unconfirmed is not failed";
  EXPECT_NE(r[2].detail.find("unconfirmed"), std::string::npos);
  EXPECT_EQ(r[3].id, "PARTNER.REJECT");
  EXPECT_EQ(r[3].status, CheckStatus::kFail);
  EXPECT_EQ(r[3].expected, "rejected for SIGN.VALID");
  EXPECT_EQ(r[3].actual, "rejected for T.WINDOW");
  EXPECT_NE(r[3].detail.find("a fault the message does not have"), std::string::npos) << r[3].detail;
}

}  // namespace
}  // namespace mcx::engine
