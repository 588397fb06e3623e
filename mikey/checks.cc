#include "mikey/checks.h"

#include <cstdio>
#include <cstdlib>

namespace mcx::checks {

const char* RequirementName(Requirement r) { return r == Requirement::kMust ? "MUST" : "SHOULD"; }

const char* CheckStatusName(CheckStatus s) {
  switch (s) {
    case CheckStatus::kPass: return "pass";
    case CheckStatus::kFail: return "fail";
    case CheckStatus::kNotApplicable: return "n/a";
  }
  return "?";
}

const std::vector<CheckInfo>& Catalogue() {
  using R = Requirement;
  static const std::vector<CheckInfo> kCatalogue = {
      // Per-message checks (mikey/gktp_verifier).
      {"MIKEY.PARSE", "RFC 3830 6; TS 33.180 E.1", R::kMust,
       "The I_MESSAGE parses strictly: known payloads, consistent lengths, SIGN last, no trailing octets."},
      {"HDR.VERSION", "RFC 3830 6.1", R::kMust, "HDR version is 1."},
      {"HDR.DATATYPE", "RFC 6509 4.1; TS 33.180 E.2", R::kMust, "HDR data type is 26 (SAKKE message)."},
      {"HDR.VBIT", "TS 33.180 E.2", R::kMust, "V bit is 0: a group key transport asks for no verification message."},
      {"HDR.PRF", "RFC 6043 6.1; TS 33.180 E.2", R::kMust, "PRF function is 1 (PRF-HMAC-SHA-256)."},
      {"HDR.CSMAP", "RFC 6043 6.1.1; TS 33.180 E.2", R::kMust,
       "CS ID map is GENERIC-ID (type 2) with one SRTP crypto session (CS-ID 4 MCPTT or 5 MCVideo), or empty (type 1, #CS 0)."},
      {"HDR.SPI", "TS 33.180 E.2", R::kMust,
       "With a GENERIC-ID map the SPI is 8 octets GMK-ID || GUK-ID, and the GUK-ID equals the CSB-ID."},
      {"T.TYPE", "TS 33.180 E.3; RFC 3830 6.6", R::kMust, "T payload present, TS type 0 (NTP-UTC)."},
      {"T.WINDOW", "RFC 3830 5.4; TS 33.180 5.3", R::kMust,
       "T lies within the allowed clock skew of the receiver's time, in a key period the receiver holds keys for."},
      {"RAND.LENGTH", "RFC 3830 6.11; TS 33.180 E.2", R::kMust, "RAND payload present with at least 16 octets."},
      {"IDR.PRESENT", "RFC 6509 4.4; TS 33.180 E.2, E.7", R::kMust,
       "Exactly one IDRi (role 1 or 8), IDRr (role 2 or 9), IDRkmsi (6) and IDRkmsr (7)."},
      {"IDR.SENDER", "TS 33.180 E.2, E.7", R::kMust,
       "IDRi names the expected sender (URI, or its UID for the key period of T)."},
      {"IDR.RECIPIENT", "TS 33.180 E.2, E.7", R::kMust,
       "IDRr names the receiver (URI, or its UID for the key period of T)."},
      {"IDR.KMS", "TS 33.180 E.2", R::kMust,
       "IDRkmsi is the sender's KMS URI and IDRkmsr the receiver's KMS URI."},
      {"SP.PROFILE", "TS 33.180 E.2, Table E.2-1", R::kMust,
       "If an SP payload is present, its SRTP parameters match the default group security profile."},
      {"SAKKE.PARAMS", "RFC 6509 4.2; TS 33.180 E.2", R::kMust,
       "SAKKE payload: parameter set 1, ID scheme 2 (3GPP MCX hashed UID), 273 octets of data."},
      {"SAKKE.DECAP", "RFC 6508 6.2.2", R::kMust,
       "The SAKKE data decapsulates with the receiver's RSK for the key period of T (R on the curve, step-5 re-check)."},
      {"SIGN.TYPE", "RFC 6509 4.3; TS 33.180 E.2", R::kMust, "SIGN payload last, S type 2 (ECCSI), 129 octets."},
      {"SIGN.VALID", "RFC 6507 5.2.2; RFC 6509 4.3", R::kMust,
       "The ECCSI signature over every octet up to the signature value verifies for the sender's UID under the sender's KMS."},
      {"SIGN.TRUST", "TS 33.180 5.3", R::kMust,
       "The signer's KMS is the receiver's own KMS or an external KMS the receiver's domain trusts."},
      {"KEYID.PURPOSE", "TS 33.180 E.2", R::kMust, "The purpose tag (top 4 bits) of the key ID and of the CSB-ID is 0 (GMK)."},
      {"GUKID.DERIVATION", "TS 33.180 5.2.3, F.1.3", R::kMust,
       "The CSB-ID is the GUK-ID derived from the GMK-ID and the receiver's URI."},
      {"KEYPARAMS.DECRYPT", "TS 33.180 E.6, 8.5.4", R::kMust,
       "A protected key-parameters extension decrypts under the DPCK of the carried key (AES-128-GCM tag valid)."},
      {"KEYPARAMS.TYPE", "TS 33.180 E.6.11", R::kMust, "Key parameters name the key type GMK."},
      {"KEYPARAMS.STATUS", "TS 33.180 E.6.9", R::kMust, "Key parameters status marks the key valid (not revoked)."},
      {"KEYPARAMS.TIMES", "TS 33.180 E.6.6, E.6.7", R::kMust,
       "The receiver's time lies between the activation time and the expiry time."},
      {"KEYPARAMS.GROUPS", "TS 33.180 E.6.8", R::kMust, "Key parameters name the (temporary) group the key is for."},
      {"EXT6.SELF", "TS 33.180 E.5", R::kMust,
       "A SAKKE-to-self extension is a well-formed SAKKE payload encapsulated to the sender."},
      // Flow checks over a whole run (harness).
      {"FLOW.SAME_GMK", "TS 33.180 7.3.3.3 steps 11, 14", R::kMust,
       "Every recipient in both domains ends with the same GMK and GMK-ID."},
      {"FLOW.NEW_GMK", "TS 33.180 7.3.3.3 step 6", R::kMust, "The GMK is new: not the key of any constituent group."},
      {"FLOW.COVERAGE", "TS 33.180 7.3.3.3 steps 11, 14", R::kMust,
       "Exactly one GKTP per affiliated member, none to anyone else."},
      {"FLOW.SIGNER", "TS 33.180 7.3.3.3 steps 7, 11, 14", R::kMust,
       "The primary GMS signs steps 7/8 and 14; the partner GMS signs step 11."},
      {"FLOW.PARTNER_KEYING", "TS 33.180 7.3.3.3 steps 7, 8", R::kMust,
       "Step 7 is encrypted to the partner GMS identity with a GUK-ID from the partner GMS URI."},
      {"FLOW.ORDER", "TS 33.180 7.3.3.3; TS 23.280 10.2.4.2", R::kMust,
       "Steps happen in procedure order, with the step numbers the procedure assigns."},
      {"UE.ACCEPT", "TS 33.180 5.7, 7.4", R::kMust,
       "The UE accepts every valid GKTP and reports the right GMK-ID and SRTP master key and salt."},
      {"UE.REJECT", "TS 33.180 5.7", R::kMust, "The UE rejects every invalid GKTP."},
      {"PARTNER.REJECT", "TS 33.180 7.3.3.3 step 11", R::kMust,
       "The partner GMS rejects an invalid step-7 payload and sends nothing."},
      {"SUT.RESPONSE", "mcxtest shim protocol", R::kMust,
       "The implementation answers every request in time with a well-formed answer."},
  };
  return kCatalogue;
}

const CheckInfo* FindCheck(std::string_view id) {
  for (const auto& c : Catalogue()) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

CheckResult& CheckList::Add(std::string_view id, CheckStatus status, std::string detail) {
  const CheckInfo* info = FindCheck(id);
  if (info == nullptr) {
    std::fprintf(stderr, "internal error: check '%.*s' is not in the catalogue\n", static_cast<int>(id.size()),
                 id.data());
    std::abort();
  }
  CheckResult r;
  r.id = std::string(info->id);
  r.clause = std::string(info->clause);
  r.requirement = info->requirement;
  r.status = status;
  r.detail = std::move(detail);
  results_.push_back(std::move(r));
  return results_.back();
}

CheckResult& CheckList::Pass(std::string_view id, std::string detail) {
  return Add(id, CheckStatus::kPass, std::move(detail));
}

CheckResult& CheckList::Fail(std::string_view id, std::string detail, std::string expected, std::string actual) {
  CheckResult& r = Add(id, CheckStatus::kFail, std::move(detail));
  r.expected = std::move(expected);
  r.actual = std::move(actual);
  return r;
}

CheckResult& CheckList::NotApplicable(std::string_view id, std::string detail) {
  return Add(id, CheckStatus::kNotApplicable, std::move(detail));
}

CheckResult& CheckList::Expect(bool ok, std::string_view id, std::string detail, std::string expected,
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
