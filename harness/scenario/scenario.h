// A conformance scenario: the MC domains, groups and regroup request of one
// test case, which role the implementation under test plays, and what must
// happen. Loaded from YAML (schema: docs/testcases.md).
#ifndef MCXTEST_HARNESS_SCENARIO_SCENARIO_H_
#define MCXTEST_HARNESS_SCENARIO_SCENARIO_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "crypto/result.h"

namespace mcx::scenario {

enum class SutRole { kPrimaryGms, kPartnerGms, kUe };
const char* SutRoleName(SutRole role);  // "primary-gms", "partner-gms", "ue"
std::optional<SutRole> SutRoleFromName(const std::string& name);

// TS 33.180 7.3.3.3 (with a partner GMS), 7.3.3.2 and 7.3.2 (one domain).
enum class Procedure { kMultiDomainRegroup, kSingleDomainRegroup, kGroupCreation };
const char* ProcedureName(Procedure procedure);

enum class KeyParamsMode { kNone, kRel15, kRel13 };
const char* KeyParamsModeName(KeyParamsMode mode);

struct Domain {
  std::string name;  // "primary" or "partner"
  std::string kms_uri;
  uint64_t key_period = 2592000;
  uint64_t key_period_offset = 0;
  std::string gms_uri;
  std::string server_uri;
};

struct Member {
  std::string uri;
  std::string domain;  // home domain; defaults to the group's domain
  bool affiliated = true;
};

struct Group {
  std::string id;
  std::string domain;
  std::vector<Member> members;
  // A constituent group's own GMK; the temporary group's key must differ.
  std::optional<std::string> existing_gmk_hex;
};

struct Regroup {
  std::string requester;
  std::string temporary_group_id;
  std::vector<std::string> constituent_groups;
};

// The T payload carries NTP seconds in 32 bits (era 0, until 2036).
inline constexpr uint64_t kMaxNtpSeconds = 0xffffffffu;

struct Options {
  bool identity_hiding = false;
  bool sp_payload = true;
  KeyParamsMode key_params = KeyParamsMode::kNone;
  bool sakke_to_self = false;
  uint8_t cs_id = 4;  // MCPTT group call; 5 MCVideo
  uint64_t start_ntp_seconds = 0;  // 0: derived from the run's clock; <= kMaxNtpSeconds
  // Seconds the clock moves between the key-distribution steps; lets a test
  // put a key-period boundary between step 7 and step 14.
  uint64_t step_advance_seconds = 0;
};

// What the harness does to the message it hands a SUT in `ue` and
// `partner-gms` cases (e.g. "tamper-signature"); empty: deliver it intact.
struct Injection {
  std::string mutation;
  std::map<std::string, std::string> params;
};

struct Expectation {
  enum class Outcome { kAccept, kReject };
  Outcome outcome = Outcome::kAccept;
  std::vector<std::string> failing_checks;  // check IDs that must fail (negative cases)
};

struct Scenario {
  std::string id;
  std::string title;
  std::vector<std::string> spec_clauses;
  SutRole role = SutRole::kPrimaryGms;
  Procedure procedure = Procedure::kMultiDomainRegroup;
  std::map<std::string, Domain> domains;
  std::vector<Group> groups;
  Regroup regroup;
  Options options;
  Injection injection;
  Expectation expect;
  std::string source_file;

  const Domain* FindDomain(const std::string& name) const;
  const Group* FindGroup(const std::string& id) const;
  // Affiliated members of the constituent groups (deduplicated, in file order).
  std::vector<Member> AffiliatedMembers() const;
};

// Test cases are a few kilobytes; a larger file is refused before parsing.
inline constexpr size_t kMaxScenarioFileSize = size_t{1} << 20;

// Parses YAML text; `file` is used in error messages ("file:line: field: problem").
Result<Scenario> ParseScenario(const std::string& yaml_text, const std::string& file);
Result<Scenario> LoadScenarioFile(const std::string& path);
// All *.yaml files under `path` (a file or directory), sorted by ID.
Result<std::vector<Scenario>> LoadScenarios(const std::string& path);

}  // namespace mcx::scenario

#endif  // MCXTEST_HARNESS_SCENARIO_SCENARIO_H_
