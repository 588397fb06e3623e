#include "harness/reference/defects.h"

#include <algorithm>
#include <span>

namespace mcx::reference {
namespace {

using enum checks::CheckId;
using enum DefectRole;

struct ReceiverRow {
  ReceiverDefect id;
  std::string_view name;
  DefectRole role;
  std::string_view description;
  std::span<const std::string_view> skipped;
};

struct BehaviourRow {
  BehaviourDefect id;
  std::string_view name;
  DefectRole role;
  std::string_view description;
  std::span<const std::string_view> caught_by;
};

#define MCX_RECEIVER_DEFECT(e, name, role, description, ...) \
  constexpr checks::CheckId e##SkippedIds[] = {__VA_ARGS__};  \
  constexpr auto e##Skipped = checks::CheckIdNames(e##SkippedIds);
#include "harness/reference/receiver_defects.def"

constexpr ReceiverRow kReceiverDefects[] = {
#define MCX_RECEIVER_DEFECT(e, name, role, description, ...) \
  {ReceiverDefect::e, name, role, description, e##Skipped},
#include "harness/reference/receiver_defects.def"
};

#define MCX_BEHAVIOUR_DEFECT(e, name, role, description, ...) \
  constexpr checks::CheckId e##CaughtByIds[] = {__VA_ARGS__};  \
  constexpr auto e##CaughtBy = checks::CheckIdNames(e##CaughtByIds);
#include "harness/reference/behaviour_defects.def"

constexpr BehaviourRow kBehaviourDefects[] = {
#define MCX_BEHAVIOUR_DEFECT(e, name, role, description, ...) \
  {BehaviourDefect::e, name, role, description, e##CaughtBy},
#include "harness/reference/behaviour_defects.def"
};

// A receiver that skips a check accepts what it should refuse: the suite
// sees the acceptance.
std::string_view CaughtByForReceiver(DefectRole role) { return checks::CheckIdName(role == kUe ? kUeReject : kPartnerReject); }

std::vector<DefectInfo> AllDefects() {
  std::vector<DefectInfo> out;
  for (DefectRole role : {kPrimaryGms, kPartnerGms, kUe}) {
    std::string_view role_name = DefectRoleName(role);
    if (role == kPrimaryGms) {
      for (const mikey::GktpFault& f : mikey::GktpFaults()) {
        if (!f.gms_defect()) continue;
        out.push_back({f.name, role_name, f.description, {f.expected_checks.begin(), f.expected_checks.end()}});
      }
    }
    for (const ReceiverRow& r : kReceiverDefects) {
      if (r.role == role) out.push_back({r.name, role_name, r.description, {CaughtByForReceiver(role)}});
    }
    for (const BehaviourRow& b : kBehaviourDefects) {
      if (b.role == role) out.push_back({b.name, role_name, b.description, {b.caught_by.begin(), b.caught_by.end()}});
    }
  }
  return out;
}

}  // namespace

std::string_view DefectRoleName(DefectRole role) {
  switch (role) {
    case kPrimaryGms: return "primary-gms";
    case kPartnerGms: return "partner-gms";
    case kUe: return "ue";
  }
  return "?";
}

const std::vector<DefectInfo>& Defects() {
  static const std::vector<DefectInfo> kDefects = AllDefects();
  return kDefects;
}

const DefectInfo* FindDefect(std::string_view name) {
  for (const auto& d : Defects()) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

DefectSet::DefectSet(const std::set<std::string>& names) {
  for (const mikey::GktpFault& f : mikey::GktpFaults()) {
    if (f.gms_defect() && names.count(std::string(f.name))) message_faults_.push_back(&f);
  }
  for (const ReceiverRow& r : kReceiverDefects) {
    if (names.count(std::string(r.name))) receiver_.set(static_cast<size_t>(r.id));
  }
  for (const BehaviourRow& b : kBehaviourDefects) {
    if (names.count(std::string(b.name))) behaviour_.set(static_cast<size_t>(b.id));
  }
}

bool DefectSet::Skips(std::string_view check_id, DefectRole role) const {
  for (const ReceiverRow& r : kReceiverDefects) {
    if (r.role != role || !receiver_[static_cast<size_t>(r.id)]) continue;
    if (std::find(r.skipped.begin(), r.skipped.end(), check_id) != r.skipped.end()) return true;
  }
  return false;
}

}  // namespace mcx::reference
