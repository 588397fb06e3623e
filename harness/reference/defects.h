// The defects the reference implementation can play, each one realistic bug
// of one role: the message faults a GMS puts in what it sends
// (mikey/gktp_faults.def, uses kGmsDefect), the checks a receiver skips
// (receiver_defects.def) and what a role does wrong beyond its messages
// (behaviour_defects.def). `reference_sut --defect NAME` plays them; the
// mutation test requires the suite to catch every one.
#ifndef MCXTEST_HARNESS_REFERENCE_DEFECTS_H_
#define MCXTEST_HARNESS_REFERENCE_DEFECTS_H_

#include <bitset>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "mikey/gktp_faults.h"

namespace mcx::reference {

enum class DefectRole : uint8_t { kPrimaryGms, kPartnerGms, kUe };
std::string_view DefectRoleName(DefectRole role);  // "primary-gms", "partner-gms", "ue"

enum class ReceiverDefect : uint8_t {
#define MCX_RECEIVER_DEFECT(e, ...) e,
#include "harness/reference/receiver_defects.def"
  kCount
};

enum class BehaviourDefect : uint8_t {
#define MCX_BEHAVIOUR_DEFECT(e, ...) e,
#include "harness/reference/behaviour_defects.def"
  kCount
};

struct DefectInfo {
  std::string_view name;
  std::string_view role;  // primary-gms, partner-gms or ue
  std::string_view description;
  // The check IDs a correct suite reports failed when this defect is present.
  std::vector<std::string_view> caught_by;
};

// By role (primary GMS, partner GMS, UE), each role's message faults,
// receiver defects and behaviour defects in the order of their tables.
const std::vector<DefectInfo>& Defects();
const DefectInfo* FindDefect(std::string_view name);

// The defects one instance of the reference implementation plays.
class DefectSet {
 public:
  DefectSet() = default;
  // Names of Defects(); any other name is ignored.
  explicit DefectSet(const std::set<std::string>& names);

  bool Has(BehaviourDefect defect) const { return behaviour_[static_cast<size_t>(defect)]; }
  // Whether this instance, playing `role`, skips the check `check_id`
  // ("SIGN.VALID") when verifying.
  bool Skips(std::string_view check_id, DefectRole role) const;
  // What this instance, as a GMS, gets wrong in every GKTP it sends.
  const std::vector<const mikey::GktpFault*>& message_faults() const { return message_faults_; }

 private:
  std::vector<const mikey::GktpFault*> message_faults_;
  std::bitset<static_cast<size_t>(ReceiverDefect::kCount)> receiver_;
  std::bitset<static_cast<size_t>(BehaviourDefect::kCount)> behaviour_;
};

}  // namespace mcx::reference

#endif  // MCXTEST_HARNESS_REFERENCE_DEFECTS_H_
