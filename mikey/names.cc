#include "mikey/names.h"

namespace mcx::mikey {

std::string_view PayloadTypeName(uint8_t type) {
  switch (type) {
    case 0: return "Last payload";
    case 1: return "KEMAC";
    case 2: return "PKE";
    case 3: return "DH";
    case 4: return "SIGN";
    case 5: return "T";
    case 6: return "ID";
    case 7: return "CERT";
    case 8: return "CHASH";
    case 9: return "V";
    case 10: return "SP";
    case 11: return "RAND";
    case 12: return "ERR";
    case 14: return "IDR";
    case 20: return "Key data";
    case 21: return "GENERAL EXTENSION";
    case 26: return "SAKKE";
    default: return "";
  }
}

std::string_view DataTypeName(uint8_t data_type) {
  switch (data_type) {
    case 0: return "Pre-shared";
    case 1: return "PSK ver msg";
    case 2: return "Public key";
    case 3: return "PK ver msg";
    case 4: return "D-H init";
    case 5: return "D-H resp";
    case 6: return "Error";
    case 7: return "DHHMAC init";
    case 8: return "DHHMAC resp";
    case 9: return "RSA-R I_MSG";
    case 10: return "RSA-R R_MSG";
    case 26: return "SAKKE msg";
    default: return "";
  }
}

std::string_view PrfFuncName(uint8_t prf_func) {
  switch (prf_func) {
    case 0: return "MIKEY-1 (PRF-HMAC-SHA-1)";
    case 1: return "MIKEY-2 (PRF-HMAC-SHA-256)";
    default: return "";
  }
}

std::string_view CsIdMapTypeName(uint8_t map_type) {
  switch (map_type) {
    case 0: return "SRTP-ID";
    case 1: return "Empty map";
    case 2: return "GENERIC-ID";
    default: return "";
  }
}

std::string_view ProtTypeName(uint8_t prot_type) { return prot_type == 0 ? "SRTP" : ""; }

std::string_view TsTypeName(uint8_t ts_type) {
  switch (ts_type) {
    case 0: return "NTP-UTC";
    case 1: return "NTP";
    case 2: return "COUNTER";
    default: return "";
  }
}

std::string_view IdTypeName(uint8_t id_type) {
  switch (id_type) {
    case 0: return "NAI";
    case 1: return "URI";
    case 2: return "Byte string";
    default: return "";
  }
}

std::string_view IdRoleName(uint8_t role) {
  switch (role) {
    case 1: return "IDRi";
    case 2: return "IDRr";
    case 3: return "IDRkms";
    case 4: return "IDRpsk";
    case 5: return "IDRapp";
    case 6: return "IDRkmsi";
    case 7: return "IDRkmsr";
    case 8: return "IDRuidi";
    case 9: return "IDRuidr";
    default: return "";
  }
}

std::string_view SrtpPolicyParamName(uint8_t type) {
  switch (type) {
    case 0: return "Encryption algorithm";
    case 1: return "Session Encr. key length";
    case 2: return "Authentication algorithm";
    case 3: return "Session Auth. key length";
    case 4: return "Session Salt key length";
    case 5: return "SRTP Pseudo Random Function";
    case 6: return "Key derivation rate";
    case 7: return "SRTP encryption off/on";
    case 8: return "SRTCP encryption off/on";
    case 9: return "Sender's FEC order";
    case 10: return "SRTP authentication off/on";
    case 11: return "Authentication tag length";
    case 12: return "SRTP prefix length";
    case 13: return "ROC transmission rate";
    case 18: return "SRTP Authentication tag length";
    case 19: return "SRTCP Authentication tag length";
    case 20: return "AEAD authentication tag length";
    default: return "";
  }
}

std::string_view SrtpPolicyValueName(uint8_t type, uint8_t value) {
  switch (type) {
    case 0:
      switch (value) {
        case 0: return "NULL";
        case 1: return "AES-CM";
        case 2: return "AES-F8";
        case 6: return "AES-GCM";
        default: return "";
      }
    case 2:
      switch (value) {
        case 0: return "NULL";
        case 1: return "HMAC-SHA-1";
        case 2: return "RCCm1";
        case 3: return "RCCm2";
        case 4: return "RCCm3";
        default: return "";
      }
    case 5: return value == 0 ? "AES-CM" : "";
    case 7:
    case 8:
    case 10: return value == 0 ? "off" : value == 1 ? "on" : "";
    case 9: return value == 0 ? "FEC-SRTP" : "";
    default: return "";
  }
}

std::string_view SakkeParamsName(uint8_t params) { return params == 1 ? "Parameter Set 1" : ""; }

std::string_view SakkeIdSchemeName(uint8_t scheme) {
  switch (scheme) {
    case 1: return "tel URI with monthly keys";
    case 2: return "3GPP MCX hashed UID";
    default: return "";
  }
}

std::string_view SignTypeName(uint8_t s_type) {
  switch (s_type) {
    case 0: return "RSA/PKCS#1/1.5";
    case 1: return "RSA/PSS";
    case 2: return "ECCSI";
    default: return "";
  }
}

std::string_view KemacEncrAlgName(uint8_t alg) {
  switch (alg) {
    case 0: return "NULL";
    case 1: return "AES-CM-128";
    case 2: return "AES-KW-128";
    default: return "";
  }
}

std::string_view MacAlgName(uint8_t alg) {
  switch (alg) {
    case 0: return "NULL";
    case 1: return "HMAC-SHA-1-160";
    case 2: return "HMAC-SHA-256-256";
    default: return "";
  }
}

std::string_view ErrorNoName(uint8_t error_no) {
  switch (error_no) {
    case 0: return "Auth failure";
    case 1: return "Invalid TS";
    case 2: return "Invalid PRF";
    case 3: return "Invalid MAC";
    case 4: return "Invalid EA";
    case 5: return "Invalid HA";
    case 6: return "Invalid DH";
    case 7: return "Invalid ID";
    case 8: return "Invalid Cert";
    case 9: return "Invalid SP";
    case 10: return "Invalid SPpar";
    case 11: return "Invalid DT";
    case 12: return "Unspecified error";
    default: return "";
  }
}

std::string_view ExtensionTypeName(uint8_t ext_type) {
  switch (ext_type) {
    case 0: return "Vendor ID";
    case 1: return "SDP IDs";
    case 6: return "SAKKE-to-self";
    case 7: return "3GPP key parameters";
    default: return "";
  }
}

std::string_view KeyPurposeName(uint8_t purpose) {
  switch (purpose) {
    case 0: return "GMK";
    case 1: return "PCK";
    case 2: return "CSK";
    case 3: return "SPK";
    case 4: return "MKFC";
    case 5: return "MSCCK";
    case 6: return "MuSiK";
    default: return "";
  }
}

}  // namespace mcx::mikey
