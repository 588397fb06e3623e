// The requests of the shim protocol (docs/shim-protocol.md) as C++ values,
// with their JSON forms: ToJson() is what the harness sends (without "type"
// and "id", which ShimClient adds), the *FromJson() readers are what a shim
// (the reference SUT) reads, strictly: errors name the field.
#ifndef MCXTEST_HARNESS_SHIM_REQUESTS_H_
#define MCXTEST_HARNESS_SHIM_REQUESTS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "crypto/bytes.h"
#include "crypto/json_fields.h"
#include "crypto/result.h"

namespace mcx::shim {

inline constexpr int kShimProtocolVersion = 1;

struct Party {
  std::string uri;
  std::string kms_uri;
};

struct GktpOptions {
  bool identity_hiding = false;
  bool sp_payload = true;
  std::string key_params = "none";  // none | rel15 | rel13
  bool sakke_to_self = false;
  uint8_t cs_id = 4;
};

// Always first. A probe of the SUT before a run sends only a test case name.
struct HelloRequest {
  int protocol = kShimProtocolVersion;
  std::optional<uint64_t> seed;
  std::optional<uint64_t> clock_ntp_seconds;
  std::string test_case;
  std::optional<std::string> role;  // primary-gms, partner-gms or ue
};

// Identity key material as a KMS would deliver it (Annex D XML documents).
struct ProvisionedIdentity {
  std::string uri;
  std::string kms_uri;
  std::string init_xml;
  std::string keyprov_xml;
  std::string certcache_xml;
};

struct ProvisionRequest {
  std::vector<ProvisionedIdentity> identities;
};

struct GroupMember {
  std::string uri;
  std::string kms_uri;  // the member's home domain
  bool affiliated = true;
};

struct ConstituentGroup {
  std::string id;
  std::string domain;
  std::vector<GroupMember> members;
  std::optional<Bytes> gmk;  // the group's current key, which must not be reused
  std::optional<uint32_t> gmk_id;
};

struct RegroupRequest {
  std::string procedure = "multi-domain-regroup";
  std::string requester;
  std::string temporary_group_id;
  Party primary_gms;
  std::optional<Party> partner;
  // With every member and whether it is affiliated: the GMS keys the
  // affiliated members of its own domain only (the partner GMS keys its own).
  std::vector<ConstituentGroup> constituent_groups;
  std::map<int, uint64_t> step_clock;  // step -> NTP seconds for T
  GktpOptions options;
};

struct RegroupNotification {
  Party primary_gms;
  Party partner_gms;  // the receiver itself
  std::string temporary_group_id;
  Bytes gktp;
  std::vector<Party> affiliated_members;  // of the partner domain
  uint64_t clock_ntp_seconds = 0;
  GktpOptions options;
};

struct DeliverRequest {
  Party ue;
  std::string sender;
  Bytes gktp;
  uint64_t clock_ntp_seconds = 0;
  uint8_t srtp_cs_id = 4;
  Bytes srtp_rand;
};

nlohmann::json ToJson(const HelloRequest& r);
nlohmann::json ToJson(const ProvisionRequest& r);
nlohmann::json ToJson(const RegroupRequest& r);
nlohmann::json ToJson(const RegroupNotification& r);
nlohmann::json ToJson(const DeliverRequest& r);

Result<HelloRequest> HelloRequestFromJson(const nlohmann::json& j);
Result<ProvisionRequest> ProvisionFromJson(const nlohmann::json& j);
Result<RegroupRequest> RegroupRequestFromJson(const nlohmann::json& j);
Result<RegroupNotification> RegroupNotificationFromJson(const nlohmann::json& j);
Result<DeliverRequest> DeliverRequestFromJson(const nlohmann::json& j);

// A request's or answer's MIKEY message field: base64 of at least one octet
// (the readers of both sides share it).
Result<Bytes> MikeyMessage(const JsonFields& fields, const std::string& key);

}  // namespace mcx::shim

#endif  // MCXTEST_HARNESS_SHIM_REQUESTS_H_
