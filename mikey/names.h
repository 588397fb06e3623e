// Human names of the registered values in MIKEY fields (IANA "MIKEY Payload
// Name Spaces", RFC 6509, TS 33.180), for inspection output and dissectors.
// Each returns an empty view for values that have no registered name.
#ifndef MCXTEST_MIKEY_NAMES_H_
#define MCXTEST_MIKEY_NAMES_H_

#include <cstdint>
#include <string_view>

namespace mcx::mikey {

std::string_view PayloadTypeName(uint8_t type);      // "SAKKE", "IDR", ...
std::string_view DataTypeName(uint8_t data_type);     // "SAKKE msg"
std::string_view PrfFuncName(uint8_t prf_func);       // "MIKEY-2 (PRF-HMAC-SHA-256)"
std::string_view CsIdMapTypeName(uint8_t map_type);   // "GENERIC-ID"
std::string_view ProtTypeName(uint8_t prot_type);     // "SRTP"
std::string_view TsTypeName(uint8_t ts_type);         // "NTP-UTC"
std::string_view IdTypeName(uint8_t id_type);         // "URI"
std::string_view IdRoleName(uint8_t role);            // "IDRkmsi"
std::string_view SrtpPolicyParamName(uint8_t type);   // "Encryption algorithm"
// The meaning of a policy parameter's value where the parameter is an
// enumeration (encryption/authentication algorithm, PRF, on/off flags).
std::string_view SrtpPolicyValueName(uint8_t type, uint8_t value);
std::string_view SakkeParamsName(uint8_t params);     // "Parameter Set 1"
std::string_view SakkeIdSchemeName(uint8_t scheme);   // "3GPP MCX hashed UID"
std::string_view SignTypeName(uint8_t s_type);        // "ECCSI"
std::string_view KemacEncrAlgName(uint8_t alg);
std::string_view MacAlgName(uint8_t alg);
std::string_view ErrorNoName(uint8_t error_no);
std::string_view ExtensionTypeName(uint8_t ext_type);  // "SAKKE-to-self"
// TS 33.180 purpose tag (top 4 bits of a key ID) and E.6.11 key type share
// one numbering: GMK 0, PCK 1, CSK 2, SPK 3, MKFC 4, MSCCK 5, MuSiK 6.
std::string_view KeyPurposeName(uint8_t purpose);

inline uint8_t PurposeTag(uint32_t key_id) { return static_cast<uint8_t>(key_id >> 28); }

}  // namespace mcx::mikey

#endif  // MCXTEST_MIKEY_NAMES_H_
