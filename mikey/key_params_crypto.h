// The cryptography of the Rel-15+ key-parameters extension (TS 33.180 E.6,
// 8.5.4): an MCData protected payload, AES-128-GCM under the DPCK derived
// from the key the I_MESSAGE carries (GMK, PCK, CSK, ...), with the first 32
// octets of the protected payload as associated data.
#ifndef MCXTEST_MIKEY_KEY_PARAMS_CRYPTO_H_
#define MCXTEST_MIKEY_KEY_PARAMS_CRYPTO_H_

#include <cstdint>

#include "crypto/bytes.h"
#include "crypto/result.h"
#include "crypto/secret.h"
#include "mikey/message.h"

namespace mcx::mikey {

inline constexpr uint8_t kFcDpck = 0x53;
inline constexpr uint8_t kAlgorithmAes128Gcm = 1;

// DPCK = last 16 octets of KDF(key, FC 0x53, P0 = DPPK-ID as 4 octets).
Result<SecretBytes> DeriveDpck(ByteSpan key, uint32_t dppk_id);

// The decrypted Key Parameters content. Errors: kCrypto when the algorithm
// is not AES-128-GCM or the tag does not verify (wrong key, tampering).
Result<Bytes> DecryptProtectedPayload(const ProtectedPayload& payload, ByteSpan key);

// Decrypts and parses (TS 33.180 Table E.6.1-1, standard key type coding).
Result<KeyParameters> DecryptKeyParameters(const ProtectedPayload& payload, ByteSpan key);

// `header` with its ciphertext replaced by the encryption of `params` under
// the DPCK of `key` for header.dppk_id, using header.iv and the associated
// data that header's fields make up.
Result<ProtectedPayload> EncryptKeyParameters(const KeyParameters& params, ByteSpan key,
                                              ProtectedPayload header);

}  // namespace mcx::mikey

#endif  // MCXTEST_MIKEY_KEY_PARAMS_CRYPTO_H_
