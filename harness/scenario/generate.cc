#include "harness/scenario/generate.h"

#include <cstdio>

namespace mcx::scenario {
namespace {

std::string MemberUri(int n, const char* domain) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "sip:u%05d@%s", n, domain);
  return buf;
}

void AppendGroup(std::string& out, const char* id, const char* domain_name, const char* domain, const LargeRegroupSpec& spec) {
  out += "  - id: \"";
  out += id;
  out += "\"\n    domain: ";
  out += domain_name;
  out += "\n    members:\n";
  for (int i = 1; i <= spec.members_per_domain; ++i) out += "      - \"" + MemberUri(i, domain) + "\"\n";
  for (int i = 1; i <= spec.non_affiliated_per_domain; ++i) {
    out += "      - {uri: \"" + MemberUri(spec.members_per_domain + i, domain) + "\", affiliated: false}\n";
  }
}

}  // namespace

std::string LargeRegroupYaml(const LargeRegroupSpec& spec) {
  std::string out;
  // About 40 octets per member line.
  out.reserve(1024 + 48 * 2 * static_cast<size_t>(spec.members_per_domain + spec.non_affiliated_per_domain));
  out += "id: " + spec.id + "\n";
  out += "title: multi-domain regroup of " + std::to_string(spec.members_per_domain) +
         " affiliated members per domain\n";
  out += "spec: [\"TS 33.180 7.3.3.3\", \"TS 23.280 10.2.4.2\"]\n";
  out += std::string("role: ") + SutRoleName(spec.role) + "\n";
  out += "procedure: multi-domain-regroup\n";
  out += "domains:\n";
  out += "  primary: {kms_uri: kms.police.example, gms_uri: \"sip:gms@police.example\"}\n";
  out += "  partner: {kms_uri: kms.fire.example, gms_uri: \"sip:gms@fire.example\"}\n";
  out += "groups:\n";
  AppendGroup(out, "sip:police-all@police.example", "primary", "police.example", spec);
  AppendGroup(out, "sip:fire-all@fire.example", "partner", "fire.example", spec);
  out += "regroup:\n";
  out += "  requester: \"" + MemberUri(1, "police.example") + "\"\n";
  out += "  temporary_group_id: \"sip:temp-scale@police.example\"\n";
  out += "  constituent_groups: [\"sip:police-all@police.example\", \"sip:fire-all@fire.example\"]\n";
  out += "options: {key_params: rel15}\n";
  out += "expect:\n  outcome: accept\n";
  return out;
}

Result<Scenario> LargeRegroupScenario(const LargeRegroupSpec& spec) {
  if (spec.members_per_domain < 1 || spec.members_per_domain > 99999 || spec.non_affiliated_per_domain < 0 ||
      spec.members_per_domain + spec.non_affiliated_per_domain > 99999) {
    return InvalidArgument("members_per_domain must be 1..99999 (with the non-affiliated ones)");
  }
  return ParseScenario(LargeRegroupYaml(spec), "<generated " + spec.id + ">");
}

}  // namespace mcx::scenario
