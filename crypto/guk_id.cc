#include "crypto/guk_id.h"

#include "crypto/kdf.h"
#include "crypto/secret.h"

namespace mcx {
namespace {

// XOR is its own inverse, so deriving and recovering are the same operation.
Result<uint32_t> ApplyUserSalt(ByteSpan gmk, uint32_t key_id, std::string_view receiver_uri) {
  MCX_ASSIGN_OR_RETURN(uint32_t salt, UserSalt(gmk, receiver_uri));
  return (key_id & kPurposeTagMask) | ((key_id ^ salt) & kKeyIdValueMask);
}

}  // namespace

const char* KeyPurposeName(uint8_t tag) {
  switch (static_cast<KeyPurpose>(tag)) {
    case KeyPurpose::kGmk:
      return "GMK";
    case KeyPurpose::kPck:
      return "PCK";
    case KeyPurpose::kCsk:
      return "CSK";
    case KeyPurpose::kSpk:
      return "SPK";
    case KeyPurpose::kMkfc:
      return "MKFC";
    case KeyPurpose::kMscck:
      return "MSCCK";
    case KeyPurpose::kMusik:
      return "MuSiK";
  }
  return "unknown";
}

uint8_t PurposeTagOf(uint32_t key_id) { return static_cast<uint8_t>(key_id >> 28); }

Result<uint32_t> UserSalt(ByteSpan gmk, std::string_view receiver_uri) {
  if (gmk.empty()) return InvalidArgument("GMK is empty");
  MCX_ASSIGN_OR_RETURN(SecretBytes kdf_out, Kdf(gmk, kUserSaltFc, {ToBytes(receiver_uri)}));
  ByteSpan out = kdf_out.span();
  // The 28 least significant bits of the 256-bit output are in its last 4 octets.
  if (out.size() != 32) return CryptoError("KDF output is not 256 bits");
  uint32_t last_word = BigEndianU32(out.subspan<28, 4>());
  return last_word & kKeyIdValueMask;
}

Result<uint32_t> GukIdFromGmkId(ByteSpan gmk, uint32_t gmk_id, std::string_view receiver_uri) {
  return ApplyUserSalt(gmk, gmk_id, receiver_uri);
}

Result<uint32_t> GmkIdFromGukId(ByteSpan gmk, uint32_t guk_id, std::string_view receiver_uri) {
  return ApplyUserSalt(gmk, guk_id, receiver_uri);
}

}  // namespace mcx
