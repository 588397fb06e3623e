// The check IDs the fault and defect tables (mikey/gktp_faults.def,
// harness/reference/*_defects.def) name, spelt as the enumerators of the
// typed check registry (issue 20.2) will be. Until that registry lands these
// are the catalogue's text IDs; then this header goes, and the tables' rows
// stay as they are.
#ifndef MCXTEST_MIKEY_CHECK_ID_NAMES_H_
#define MCXTEST_MIKEY_CHECK_ID_NAMES_H_

#include <string_view>

namespace mcx::check_ids {

inline constexpr std::string_view kMikeyParse = "MIKEY.PARSE";
inline constexpr std::string_view kHdrVersion = "HDR.VERSION";
inline constexpr std::string_view kHdrDataType = "HDR.DATATYPE";
inline constexpr std::string_view kHdrVBit = "HDR.VBIT";
inline constexpr std::string_view kHdrPrf = "HDR.PRF";
inline constexpr std::string_view kHdrCsMap = "HDR.CSMAP";
inline constexpr std::string_view kHdrSpi = "HDR.SPI";
inline constexpr std::string_view kTType = "T.TYPE";
inline constexpr std::string_view kTWindow = "T.WINDOW";
inline constexpr std::string_view kRandLength = "RAND.LENGTH";
inline constexpr std::string_view kIdrPresent = "IDR.PRESENT";
inline constexpr std::string_view kIdrSender = "IDR.SENDER";
inline constexpr std::string_view kIdrRecipient = "IDR.RECIPIENT";
inline constexpr std::string_view kIdrKms = "IDR.KMS";
inline constexpr std::string_view kSpProfile = "SP.PROFILE";
inline constexpr std::string_view kSakkeParams = "SAKKE.PARAMS";
inline constexpr std::string_view kSakkeDecap = "SAKKE.DECAP";
inline constexpr std::string_view kSignType = "SIGN.TYPE";
inline constexpr std::string_view kSignValid = "SIGN.VALID";
inline constexpr std::string_view kSignTrust = "SIGN.TRUST";
inline constexpr std::string_view kKeyIdPurpose = "KEYID.PURPOSE";
inline constexpr std::string_view kGukIdDerivation = "GUKID.DERIVATION";
inline constexpr std::string_view kKeyParamsDecrypt = "KEYPARAMS.DECRYPT";
inline constexpr std::string_view kKeyParamsType = "KEYPARAMS.TYPE";
inline constexpr std::string_view kKeyParamsStatus = "KEYPARAMS.STATUS";
inline constexpr std::string_view kKeyParamsTimes = "KEYPARAMS.TIMES";
inline constexpr std::string_view kKeyParamsGroups = "KEYPARAMS.GROUPS";
inline constexpr std::string_view kExt6Self = "EXT6.SELF";
inline constexpr std::string_view kFlowSameGmk = "FLOW.SAME_GMK";
inline constexpr std::string_view kFlowNewGmk = "FLOW.NEW_GMK";
inline constexpr std::string_view kFlowCoverage = "FLOW.COVERAGE";
inline constexpr std::string_view kFlowSigner = "FLOW.SIGNER";
inline constexpr std::string_view kFlowPartnerKeying = "FLOW.PARTNER_KEYING";
inline constexpr std::string_view kFlowOrder = "FLOW.ORDER";
inline constexpr std::string_view kUeAccept = "UE.ACCEPT";
inline constexpr std::string_view kUeReject = "UE.REJECT";
inline constexpr std::string_view kPartnerReject = "PARTNER.REJECT";
inline constexpr std::string_view kSutResponse = "SUT.RESPONSE";

}  // namespace mcx::check_ids

#endif  // MCXTEST_MIKEY_CHECK_ID_NAMES_H_
