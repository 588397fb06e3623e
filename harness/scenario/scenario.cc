#include "harness/scenario/scenario.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <string_view>

#include "crypto/read_file.h"
#include "harness/scenario/yaml_tree.h"

namespace mcx::scenario {
namespace {

// ASCII classes by value: scalars carry arbitrary UTF-8, and <cctype> on a
// negative char is undefined behaviour.
bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiHexDigit(char c) { return IsAsciiDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool IsAsciiAlnum(char c) { return IsAsciiDigit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

// [A-Za-z0-9][A-Za-z0-9._-]*: ids name report files and JUnit cases.
bool IsCaseId(std::string_view id) {
  return !id.empty() && IsAsciiAlnum(id.front()) && std::all_of(id.begin(), id.end(), [](char c) {
           return IsAsciiAlnum(c) || c == '.' || c == '_' || c == '-';
         });
}

// Errors carry "file:line: field: problem" so a vendor can fix their YAML
// without reading our source.
class Loader {
 public:
  explicit Loader(std::string file) : file_(std::move(file)) {}

  Error At(YamlNode node, const std::string& field, const std::string& problem) const {
    std::string where = file_;
    if (node.IsDefined()) where += ":" + std::to_string(node.line() + 1);
    return InvalidArgument(where + ": " + field + ": " + problem);
  }

  // Rejects keys the schema does not know (typos must not pass silently).
  Status CheckKeys(YamlNode map, const std::string& field, std::initializer_list<std::string_view> allowed) const {
    if (!map.IsMapping()) return At(map, field, "expected a mapping");
    for (size_t i = 0; i < map.size(); ++i) {
      std::string_view key = map.KeyAt(i).text();
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        return At(map.KeyAt(i), field.empty() ? std::string(key) : field + "." + std::string(key), "unknown field");
      }
    }
    return Status::Ok();
  }

  Result<std::string> String(YamlNode parent, std::string_view key, const std::string& field, bool required,
                             const std::string& fallback = "") const {
    YamlNode node = parent[key];
    if (!node.IsDefined() || node.IsNull()) {
      if (required) return At(parent, field, "missing required field");
      return fallback;
    }
    if (!node.IsScalar()) return At(node, field, "expected a string");
    return std::string(node.text());
  }

  Result<uint64_t> Unsigned(YamlNode parent, std::string_view key, const std::string& field,
                            uint64_t fallback) const {
    YamlNode node = parent[key];
    if (!node.IsDefined() || node.IsNull()) return fallback;
    if (!node.IsScalar()) return At(node, field, "expected a non-negative integer");
    const std::string s(node.text());
    if (s.empty() || s.size() > 19 || !std::all_of(s.begin(), s.end(), IsAsciiDigit)) {
      return At(node, field, "expected a non-negative integer, got '" + s + "'");
    }
    return std::stoull(s);
  }

  Result<bool> Bool(YamlNode parent, std::string_view key, const std::string& field, bool fallback) const {
    YamlNode node = parent[key];
    if (!node.IsDefined() || node.IsNull()) return fallback;
    if (!node.IsScalar()) return At(node, field, "expected true or false");
    std::string_view s = node.text();
    if (s == "true") return true;
    if (s == "false") return false;
    return At(node, field, "expected true or false, got '" + std::string(s) + "'");
  }

  Result<std::vector<std::string>> StringList(YamlNode parent, std::string_view key, const std::string& field,
                                              bool required) const {
    YamlNode node = parent[key];
    std::vector<std::string> out;
    if (!node.IsDefined() || node.IsNull()) {
      if (required) return At(parent, field, "missing required field");
      return out;
    }
    if (!node.IsSequence()) return At(node, field, "expected a list");
    for (size_t i = 0; i < node.size(); ++i) {
      if (!node[i].IsScalar()) return At(node[i], field + "[" + std::to_string(i) + "]", "expected a string");
      out.emplace_back(node[i].text());
    }
    return out;
  }

  Result<Scenario> Load(YamlNode root) const;

 private:
  Result<Domain> LoadDomain(const std::string& name, YamlNode node) const;
  Result<Group> LoadGroup(size_t index, YamlNode node) const;
  Status Validate(const Scenario& s, YamlNode root) const;

  std::string file_;
};

Result<Domain> Loader::LoadDomain(const std::string& name, YamlNode node) const {
  std::string f = "domains." + name;
  MCX_RETURN_IF_ERROR(CheckKeys(node, f, {"kms_uri", "key_period", "key_period_offset", "gms_uri", "server_uri"}));
  Domain d;
  d.name = name;
  MCX_ASSIGN_OR_RETURN(d.kms_uri, String(node, "kms_uri", f + ".kms_uri", true));
  MCX_ASSIGN_OR_RETURN(d.gms_uri, String(node, "gms_uri", f + ".gms_uri", true));
  MCX_ASSIGN_OR_RETURN(d.server_uri, String(node, "server_uri", f + ".server_uri", false));
  MCX_ASSIGN_OR_RETURN(d.key_period, Unsigned(node, "key_period", f + ".key_period", d.key_period));
  MCX_ASSIGN_OR_RETURN(d.key_period_offset,
                       Unsigned(node, "key_period_offset", f + ".key_period_offset", d.key_period_offset));
  if (d.key_period == 0) return At(node["key_period"], f + ".key_period", "must be greater than 0");
  return d;
}

Result<Group> Loader::LoadGroup(size_t index, YamlNode node) const {
  std::string f = "groups[" + std::to_string(index) + "]";
  MCX_RETURN_IF_ERROR(CheckKeys(node, f, {"id", "domain", "members", "existing_gmk"}));
  Group g;
  MCX_ASSIGN_OR_RETURN(g.id, String(node, "id", f + ".id", true));
  MCX_ASSIGN_OR_RETURN(g.domain, String(node, "domain", f + ".domain", false, "primary"));
  YamlNode existing = node["existing_gmk"];
  if (existing.IsDefined()) {
    MCX_ASSIGN_OR_RETURN(std::string gmk, String(node, "existing_gmk", f + ".existing_gmk", true));
    if (gmk.size() != 32 || !std::all_of(gmk.begin(), gmk.end(), IsAsciiHexDigit)) {
      return At(existing, f + ".existing_gmk", "expected 32 hex digits (a 128-bit GMK)");
    }
    g.existing_gmk_hex = gmk;
  }
  YamlNode members = node["members"];
  if (!members.IsDefined()) return At(node, f + ".members", "missing required field");
  if (!members.IsSequence()) return At(members, f + ".members", "expected a list");
  for (size_t i = 0; i < members.size(); ++i) {
    std::string mf = f + ".members[" + std::to_string(i) + "]";
    YamlNode m = members[i];
    Member member;
    member.domain = g.domain;
    if (m.IsScalar()) {
      member.uri = m.text();  // shorthand: an affiliated member of the group's domain
    } else {
      MCX_RETURN_IF_ERROR(CheckKeys(m, mf, {"uri", "domain", "affiliated"}));
      MCX_ASSIGN_OR_RETURN(member.uri, String(m, "uri", mf + ".uri", true));
      MCX_ASSIGN_OR_RETURN(member.domain, String(m, "domain", mf + ".domain", false, g.domain));
      MCX_ASSIGN_OR_RETURN(member.affiliated, Bool(m, "affiliated", mf + ".affiliated", true));
    }
    if (member.uri.empty()) return At(m, mf + ".uri", "must not be empty");
    g.members.push_back(std::move(member));
  }
  return g;
}

Result<Scenario> Loader::Load(YamlNode root) const {
  MCX_RETURN_IF_ERROR(CheckKeys(root, "", {"id", "title", "spec", "role", "procedure", "domains", "groups",
                                           "regroup", "options", "inject", "expect"}));
  Scenario s;
  s.source_file = file_;
  MCX_ASSIGN_OR_RETURN(s.id, String(root, "id", "id", true));
  if (!IsCaseId(s.id)) {
    return At(root["id"], "id", "must be letters, digits, '.', '_' or '-', got '" + s.id + "'");
  }
  MCX_ASSIGN_OR_RETURN(s.title, String(root, "title", "title", true));
  MCX_ASSIGN_OR_RETURN(s.spec_clauses, StringList(root, "spec", "spec", true));
  if (s.spec_clauses.empty()) return At(root["spec"], "spec", "name at least one spec clause");

  MCX_ASSIGN_OR_RETURN(std::string role, String(root, "role", "role", true));
  auto parsed_role = SutRoleFromName(role);
  if (!parsed_role) return At(root["role"], "role", "unknown role '" + role + "' (primary-gms, partner-gms, ue)");
  s.role = *parsed_role;

  MCX_ASSIGN_OR_RETURN(std::string procedure,
                       String(root, "procedure", "procedure", false, "multi-domain-regroup"));
  if (procedure == "multi-domain-regroup") {
    s.procedure = Procedure::kMultiDomainRegroup;
  } else if (procedure == "single-domain-regroup") {
    s.procedure = Procedure::kSingleDomainRegroup;
  } else if (procedure == "group-creation") {
    s.procedure = Procedure::kGroupCreation;
  } else {
    return At(root["procedure"], "procedure",
              "unknown procedure '" + procedure +
                  "' (multi-domain-regroup, single-domain-regroup, group-creation)");
  }

  YamlNode domains = root["domains"];
  if (!domains.IsDefined()) return At(root, "domains", "missing required field");
  MCX_RETURN_IF_ERROR(CheckKeys(domains, "domains", {"primary", "partner"}));
  for (size_t i = 0; i < domains.size(); ++i) {
    MCX_ASSIGN_OR_RETURN(Domain d, LoadDomain(std::string(domains.KeyAt(i).text()), domains.ValueAt(i)));
    s.domains[d.name] = d;
  }

  YamlNode groups = root["groups"];
  if (!groups.IsDefined()) return At(root, "groups", "missing required field");
  if (!groups.IsSequence() || groups.size() == 0) return At(groups, "groups", "expected a non-empty list");
  for (size_t i = 0; i < groups.size(); ++i) {
    MCX_ASSIGN_OR_RETURN(Group g, LoadGroup(i, groups[i]));
    s.groups.push_back(std::move(g));
  }

  YamlNode regroup = root["regroup"];
  if (regroup.IsDefined()) {
    MCX_RETURN_IF_ERROR(CheckKeys(regroup, "regroup", {"requester", "temporary_group_id", "constituent_groups"}));
    MCX_ASSIGN_OR_RETURN(s.regroup.requester, String(regroup, "requester", "regroup.requester", true));
    MCX_ASSIGN_OR_RETURN(s.regroup.temporary_group_id,
                         String(regroup, "temporary_group_id", "regroup.temporary_group_id", true));
    MCX_ASSIGN_OR_RETURN(s.regroup.constituent_groups,
                         StringList(regroup, "constituent_groups", "regroup.constituent_groups", true));
  }

  YamlNode options = root["options"];
  if (options.IsDefined()) {
    MCX_RETURN_IF_ERROR(CheckKeys(options, "options",
                                  {"identity_hiding", "sp_payload", "key_params", "sakke_to_self", "cs_id",
                                   "start_ntp_seconds", "step_advance_seconds"}));
    Options& o = s.options;
    MCX_ASSIGN_OR_RETURN(o.identity_hiding, Bool(options, "identity_hiding", "options.identity_hiding", false));
    MCX_ASSIGN_OR_RETURN(o.sp_payload, Bool(options, "sp_payload", "options.sp_payload", true));
    MCX_ASSIGN_OR_RETURN(o.sakke_to_self, Bool(options, "sakke_to_self", "options.sakke_to_self", false));
    MCX_ASSIGN_OR_RETURN(std::string kp, String(options, "key_params", "options.key_params", false, "none"));
    if (kp == "none") {
      o.key_params = KeyParamsMode::kNone;
    } else if (kp == "rel15") {
      o.key_params = KeyParamsMode::kRel15;
    } else if (kp == "rel13") {
      o.key_params = KeyParamsMode::kRel13;
    } else {
      return At(options["key_params"], "options.key_params", "expected none, rel15 or rel13, got '" + kp + "'");
    }
    // Options are validated against what the engine can build correctly: a
    // value its own messages would fail on would blame a correct SUT.
    MCX_ASSIGN_OR_RETURN(uint64_t cs_id, Unsigned(options, "cs_id", "options.cs_id", 4));
    if (cs_id != 4 && cs_id != 5) {
      return At(options["cs_id"], "options.cs_id",
                "must be 4 (MCPTT group call) or 5 (MCVideo group call), the group CS-IDs of TS 33.180 E.2 "
                "(HDR.CSMAP), got " + std::to_string(cs_id));
    }
    o.cs_id = static_cast<uint8_t>(cs_id);
    MCX_ASSIGN_OR_RETURN(o.start_ntp_seconds, Unsigned(options, "start_ntp_seconds", "options.start_ntp_seconds", 0));
    if (o.start_ntp_seconds > kMaxNtpSeconds) {
      return At(options["start_ntp_seconds"], "options.start_ntp_seconds",
                "must be at most " + std::to_string(kMaxNtpSeconds) +
                    ": the T payload holds 32-bit NTP seconds, got " + std::to_string(o.start_ntp_seconds));
    }
    MCX_ASSIGN_OR_RETURN(o.step_advance_seconds,
                         Unsigned(options, "step_advance_seconds", "options.step_advance_seconds", 0));
    if (o.step_advance_seconds > kMaxNtpSeconds ||
        (o.start_ntp_seconds != 0 && o.start_ntp_seconds + o.step_advance_seconds > kMaxNtpSeconds)) {
      return At(options["step_advance_seconds"], "options.step_advance_seconds",
                "moves the clock past " + std::to_string(kMaxNtpSeconds) +
                    " NTP seconds, which the T payload cannot hold");
    }
  }

  YamlNode inject = root["inject"];
  if (inject.IsDefined()) {
    MCX_RETURN_IF_ERROR(CheckKeys(inject, "inject", {"mutation", "params"}));
    MCX_ASSIGN_OR_RETURN(s.injection.mutation, String(inject, "mutation", "inject.mutation", false));
    YamlNode params = inject["params"];
    if (params.IsDefined()) {
      if (!params.IsMapping()) return At(params, "inject.params", "expected a mapping");
      for (size_t i = 0; i < params.size(); ++i) {
        std::string key(params.KeyAt(i).text());
        if (!params.ValueAt(i).IsScalar()) return At(params.ValueAt(i), "inject.params." + key, "expected a scalar");
        s.injection.params[key] = params.ValueAt(i).text();
      }
    }
  }

  YamlNode expect = root["expect"];
  if (!expect.IsDefined()) return At(root, "expect", "missing required field");
  MCX_RETURN_IF_ERROR(CheckKeys(expect, "expect", {"outcome", "failing_checks"}));
  MCX_ASSIGN_OR_RETURN(std::string outcome, String(expect, "outcome", "expect.outcome", true));
  if (outcome == "accept") {
    s.expect.outcome = Expectation::Outcome::kAccept;
  } else if (outcome == "reject") {
    s.expect.outcome = Expectation::Outcome::kReject;
  } else {
    return At(expect["outcome"], "expect.outcome", "expected accept or reject, got '" + outcome + "'");
  }
  MCX_ASSIGN_OR_RETURN(s.expect.failing_checks, StringList(expect, "failing_checks", "expect.failing_checks", false));

  MCX_RETURN_IF_ERROR(Validate(s, root));
  return s;
}

Status Loader::Validate(const Scenario& s, YamlNode root) const {
  if (!s.FindDomain("primary")) return At(root["domains"], "domains.primary", "missing required domain");
  bool multi = s.procedure == Procedure::kMultiDomainRegroup;
  if (multi && !s.FindDomain("partner")) {
    return At(root["domains"], "domains.partner", "a multi-domain regroup needs a partner domain");
  }
  if (!multi && s.FindDomain("partner")) {
    return At(root["domains"], "domains.partner", "only a multi-domain regroup has a partner domain");
  }
  if (s.role == SutRole::kPartnerGms && !multi) {
    return At(root["role"], "role", "partner-gms only takes part in a multi-domain regroup");
  }
  std::set<std::string> group_ids;
  for (size_t i = 0; i < s.groups.size(); ++i) {
    const Group& g = s.groups[i];
    std::string f = "groups[" + std::to_string(i) + "]";
    if (!group_ids.insert(g.id).second) return At(root["groups"][i], f + ".id", "duplicate group '" + g.id + "'");
    if (!s.FindDomain(g.domain)) return At(root["groups"][i], f + ".domain", "unknown domain '" + g.domain + "'");
    for (size_t j = 0; j < g.members.size(); ++j) {
      if (!s.FindDomain(g.members[j].domain)) {
        return At(root["groups"][i]["members"][j], f + ".members[" + std::to_string(j) + "].domain",
                  "unknown domain '" + g.members[j].domain + "'");
      }
    }
  }
  bool is_regroup = s.procedure != Procedure::kGroupCreation;
  if (is_regroup) {
    if (s.regroup.temporary_group_id.empty()) return At(root, "regroup", "a regroup needs a regroup section");
    if (s.regroup.constituent_groups.empty()) {
      return At(root["regroup"], "regroup.constituent_groups", "name at least one constituent group");
    }
    for (size_t i = 0; i < s.regroup.constituent_groups.size(); ++i) {
      const std::string& id = s.regroup.constituent_groups[i];
      if (!s.FindGroup(id)) {
        return At(root["regroup"]["constituent_groups"][i],
                  "regroup.constituent_groups[" + std::to_string(i) + "]", "unknown group '" + id + "'");
      }
    }
  } else {
    if (root["regroup"].IsDefined()) return At(root["regroup"], "regroup", "group creation has no regroup section");
    if (s.groups.size() != 1) return At(root["groups"], "groups", "group creation creates exactly one group");
  }
  bool delivers = s.role == SutRole::kUe || s.role == SutRole::kPartnerGms;
  if (!s.injection.mutation.empty() && !delivers) {
    return At(root["inject"], "inject.mutation", "only ue and partner-gms cases receive a message to mutate");
  }
  if (s.expect.outcome == Expectation::Outcome::kReject && !delivers) {
    return At(root["expect"]["outcome"], "expect.outcome", "only ue and partner-gms cases can expect a rejection");
  }
  if (s.AffiliatedMembers().empty() && s.role == SutRole::kUe) {
    return At(root["groups"], "groups", "a ue case needs at least one affiliated member");
  }
  return Status::Ok();
}

}  // namespace

const char* SutRoleName(SutRole role) {
  switch (role) {
    case SutRole::kPrimaryGms: return "primary-gms";
    case SutRole::kPartnerGms: return "partner-gms";
    case SutRole::kUe: return "ue";
  }
  return "?";
}

std::optional<SutRole> SutRoleFromName(const std::string& name) {
  for (SutRole r : {SutRole::kPrimaryGms, SutRole::kPartnerGms, SutRole::kUe}) {
    if (name == SutRoleName(r)) return r;
  }
  return std::nullopt;
}

const char* ProcedureName(Procedure procedure) {
  switch (procedure) {
    case Procedure::kMultiDomainRegroup: return "multi-domain-regroup";
    case Procedure::kSingleDomainRegroup: return "single-domain-regroup";
    case Procedure::kGroupCreation: return "group-creation";
  }
  return "?";
}

const char* KeyParamsModeName(KeyParamsMode mode) {
  switch (mode) {
    case KeyParamsMode::kNone: return "none";
    case KeyParamsMode::kRel15: return "rel15";
    case KeyParamsMode::kRel13: return "rel13";
  }
  return "?";
}

const Domain* Scenario::FindDomain(const std::string& name) const {
  auto it = domains.find(name);
  return it == domains.end() ? nullptr : &it->second;
}

const Group* Scenario::FindGroup(const std::string& group_id) const {
  for (const auto& g : groups) {
    if (g.id == group_id) return &g;
  }
  return nullptr;
}

std::vector<Member> Scenario::AffiliatedMembers() const {
  std::vector<Member> out;
  std::set<std::string> seen;
  auto add_group = [&](const Group& g) {
    for (const auto& m : g.members) {
      if (m.affiliated && seen.insert(m.uri).second) out.push_back(m);
    }
  };
  if (procedure == Procedure::kGroupCreation) {
    for (const auto& g : groups) add_group(g);
  } else {
    for (const auto& id : regroup.constituent_groups) {
      if (const Group* g = FindGroup(id)) add_group(*g);
    }
  }
  return out;
}

Result<Scenario> ParseScenario(const std::string& yaml_text, const std::string& file) {
  YamlProblem problem;
  Result<YamlTree> tree = YamlTree::Parse(yaml_text, &problem);
  if (!tree.ok()) {
    return InvalidArgument(file + ":" + std::to_string(problem.line + 1) + ": invalid YAML: " + problem.message);
  }
  YamlNode root = tree->root();
  if (!root.IsMapping()) return InvalidArgument(file + ": expected a YAML mapping at the top level");
  return Loader(file).Load(root);
}

Result<Scenario> LoadScenarioFile(const std::string& path) {
  MCX_ASSIGN_OR_RETURN(std::string text, ReadFileWithLimit(path, kMaxScenarioFileSize));
  return ParseScenario(text, path);
}

Result<std::vector<Scenario>> LoadScenarios(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<std::string> files;
  const fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status)) {
    return Error(ErrorCode::kNotFound, "cannot read " + path + ": " + (ec ? ec.message() : "No such file or directory"));
  }
  if (fs::is_directory(status)) {
    // Every step takes an error_code: an unreadable subdirectory must be an
    // error, not a std::filesystem_error thrown out of a range-for.
    fs::recursive_directory_iterator it(path, ec);
    for (const fs::recursive_directory_iterator end; !ec && it != end; it.increment(ec)) {
      std::error_code type_ec;
      if (it->path().extension() == ".yaml" && it->is_regular_file(type_ec)) files.push_back(it->path().string());
    }
    if (ec) return Error(ErrorCode::kIo, "cannot read " + path + ": " + ec.message());
    std::sort(files.begin(), files.end());
  } else {
    files.push_back(path);
  }
  std::vector<Scenario> out;
  std::set<std::string> ids;
  for (const auto& f : files) {
    MCX_ASSIGN_OR_RETURN(Scenario s, LoadScenarioFile(f));
    if (!ids.insert(s.id).second) return InvalidArgument(f + ": duplicate test case ID '" + s.id + "'");
    out.push_back(std::move(s));
  }
  std::sort(out.begin(), out.end(), [](const Scenario& a, const Scenario& b) { return a.id < b.id; });
  return out;
}

}  // namespace mcx::scenario
