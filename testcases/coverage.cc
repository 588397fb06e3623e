#include "testcases/coverage.h"

#include "harness/reference/reference.h"

namespace mcx::testcases {

const std::vector<NotMutationTested>& NotMutationTestedChecks() {
  // Each reason says why no reference defect trips the check and where the
  // check is proven to fire instead. "Negative cases" are the suite's cases
  // whose expect.failing_checks name the check: the engine errors such a case
  // unless the harness's own verification fails it.
  static const std::vector<NotMutationTested> kTable = {
      {"MIKEY.PARSE",
       "The reference roles serialise through the MIKEY codec, which cannot emit broken framing, so no defect "
       "produces an unparseable GKTP. Proven to fire by the negative cases (truncated SIGN, trailing octets, a "
       "payload after SIGN) and by mikey/gktp_test.cc FaultTest; a UE that parsed them leniently fails "
       "UE.REJECT there."},
      {"HDR.VERSION",
       "MIKEY has a single version (RFC 3830); no realistic GMS bug changes it. Proven to fire by "
       "mikey/gktp_test.cc FaultTest (version-not-1)."},
      {"HDR.DATATYPE",
       "The data type is fixed by the message kind: a message with another type is not a SAKKE key transport at "
       "all. Proven to fire by mikey/gktp_test.cc FaultTest (data-type-not-sakke)."},
      {"HDR.PRF",
       "MIKEY-SAKKE defines only PRF-HMAC-SHA-256; no realistic GMS bug changes it. Proven to fire by "
       "mikey/gktp_test.cc FaultTest (prf-unknown)."},
      {"HDR.CSMAP",
       "The CS-ID comes from the scenario (cs_id), not from the implementation's choice; the suite runs CS-ID 4 "
       "and 5 in valid cases. Proven to fire by mikey/gktp_test.cc FaultTest (cs-id-unknown)."},
      {"HDR.SPI",
       "A GMS computes the SPI's GUK-ID and the CSB-ID from the same value, so GUK-ID defects show as "
       "GUKID.DERIVATION and KEYID.PURPOSE (killed by guk-id-mismatch, guk-id-without-purpose-tag). Proven "
       "to fire by mikey/gktp_test.cc FaultTest (spi-without-guk-id)."},
      {"T.WINDOW",
       "The harness hands every GMS the clock it must use, so a sender's T is in range unless its key period is "
       "wrong, which stale-key-period kills through IDR.RECIPIENT and SAKKE.DECAP. Proven to fire by UE-021 "
       "(t-outside-window: T a day beyond the window, same key period) and mikey/gktp_test.cc FaultTest; a UE "
       "that never compares T with its clock is the receiver defect ue-ignores-t-window, which UE-021 kills "
       "through UE.REJECT (UE-036 puts T in another key period, which such a UE still rejects for lack of keys)."},
      {"SIGN.TYPE",
       "ECCSI is the only signature type of MIKEY-SAKKE and the 129-octet layout is fixed; an implementation "
       "that got it wrong would fail SIGN.VALID first (killed by sign-whole-message). Proven to fire by "
       "mikey/gktp_test.cc FaultTest (sign-type-unknown)."},
      {"SIGN.TRUST",
       "Trust is the receiver's decision; a sending GMS signs with its own provisioned keys and cannot get it "
       "wrong. The receivers are mutation-tested: the untrusted-kms negative cases sign as the real GMS under a "
       "KMS whose certificate the receiver holds but revoked, so ue-ignores-signer-trust fails UE.REJECT and "
       "partner-accepts-bad-signature fails PARTNER.REJECT there."},
      {"KEYPARAMS.STATUS",
       "No reference GMS defect marks a new key revoked. The receivers are mutation-tested: ue-ignores-revoked "
       "is killed (UE.REJECT) by the key-params-revoked negative cases, which also prove the check fires."},
      {"KEYPARAMS.TIMES",
       "No reference GMS defect sends activation or expiry times that exclude the present. The receivers are "
       "mutation-tested: ue-ignores-key-times is killed (UE.REJECT) by the key-params-expired and "
       "key-params-not-yet-active negative cases, which also prove the check fires."},
      {"KEYPARAMS.GROUPS",
       "No reference GMS defect names the wrong group in the key parameters. Proven to fire by "
       "mikey/gktp_test.cc UnexpectedGroupFailsKeyParamsGroups."},
      {"EXT6.SELF",
       "SAKKE-to-self is optional and only the sender can decapsulate it, so no receiver-visible behaviour "
       "depends on it and no reference defect corrupts it. Proven to fire by mikey/gktp_test.cc FaultTest "
       "(self-encrypted-to-other)."},
      {"SUT.RESPONSE",
       "A shim-protocol failure, not a security defect: the reference SUT speaks the protocol with every "
       "defect. Proven to fire by the fault-injecting shims of harness/engine/engine_test.cc (hang, crash, "
       "garbage)."},
  };
  return kTable;
}

const NotMutationTested* FindNotMutationTested(std::string_view check_id) {
  for (const auto& entry : NotMutationTestedChecks()) {
    if (entry.check_id == check_id) return &entry;
  }
  return nullptr;
}

std::vector<std::string_view> DefectsKilling(std::string_view check_id) {
  std::vector<std::string_view> out;
  for (const auto& defect : reference::Defects()) {
    for (const auto& id : defect.caught_by) {
      if (id == check_id) {
        out.push_back(defect.name);
        break;
      }
    }
  }
  return out;
}

}  // namespace mcx::testcases
