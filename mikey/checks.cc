#include "mikey/checks.h"


namespace mcx::checks {

const char* RequirementName(Requirement r) { return r == Requirement::kMust ? "MUST" : "SHOULD"; }

const char* CheckStatusName(CheckStatus s) {
  switch (s) {
    case CheckStatus::kPass: return "pass";
    case CheckStatus::kFail: return "fail";
    case CheckStatus::kNotApplicable: return "n/a";
    case CheckStatus::kNotEvaluated: return "not-evaluated";
  }
  return "?";
}

std::optional<CheckStatus> CheckStatusFromName(std::string_view name) {
  for (CheckStatus s : kAllCheckStatuses) {
    if (name == CheckStatusName(s)) return s;
  }
  return std::nullopt;
}

const std::vector<CheckInfo>& Catalogue() {
  using enum Requirement;
  using enum CheckScope;
  static const std::vector<CheckInfo> kCatalogue = {
#define MCX_CHECK(e, id, clause, requirement, scope, summary, expert) \
  {CheckId::e, id, clause, requirement, scope, summary, expert},
#include "mikey/checks.def"
  };
  return kCatalogue;
}

const CheckInfo& Info(CheckId id) { return Catalogue()[static_cast<size_t>(id)]; }

const CheckInfo* FindCheck(std::string_view id) {
  for (const auto& c : Catalogue()) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

CheckResult& CheckList::Add(CheckId id, CheckStatus status, std::string detail) {
  const CheckInfo& info = Info(id);
  CheckResult r;
  r.id = std::string(info.id);
  r.clause = std::string(info.clause);
  r.requirement = info.requirement;
  r.status = status;
  r.detail = std::move(detail);
  results_.push_back(std::move(r));
  return results_.back();
}

CheckResult& CheckList::Pass(CheckId id, std::string detail) {
  return Add(id, CheckStatus::kPass, std::move(detail));
}

CheckResult& CheckList::Fail(CheckId id, std::string detail, std::string expected, std::string actual) {
  CheckResult& r = Add(id, CheckStatus::kFail, std::move(detail));
  r.expected = std::move(expected);
  r.actual = std::move(actual);
  return r;
}

CheckResult& CheckList::NotApplicable(CheckId id, std::string detail) {
  return Add(id, CheckStatus::kNotApplicable, std::move(detail));
}

CheckResult& CheckList::Blocked(CheckId id, std::initializer_list<CheckId> blockers, std::string detail,
                                std::string expected, std::string actual) {
  for (CheckId blocker : blockers) {
    const CheckResult* b = Find(blocker);
    if (b == nullptr) continue;
    std::string root;
    if (b->failed()) root = b->id;
    if (b->not_evaluated()) root = b->blocked_by;
    if (root.empty()) continue;
    CheckResult& r = Add(id, CheckStatus::kNotEvaluated, std::move(detail));
    r.blocked_by = std::move(root);
    return r;
  }
  return Fail(id, std::move(detail), std::move(expected), std::move(actual));
}

CheckResult& CheckList::Expect(bool ok, CheckId id, std::string detail, std::string expected,
                               std::string actual) {
  if (ok) return Pass(id, std::move(detail));
  return Fail(id, std::move(detail), std::move(expected), std::move(actual));
}

const CheckResult* CheckList::Find(std::string_view id) const {
  for (const auto& r : results_) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

bool CheckList::AnyMustFailed() const {
  for (const auto& r : results_) {
    if (r.failed_must()) return true;
  }
  return false;
}

std::vector<std::string> CheckList::FailedIds() const {
  std::vector<std::string> out;
  for (const auto& r : results_) {
    if (r.failed()) out.push_back(r.id);
  }
  return out;
}

}  // namespace mcx::checks
