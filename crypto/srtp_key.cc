#include "crypto/srtp_key.h"

#include <algorithm>

#include "crypto/kdf.h"

namespace mcx {
namespace {

constexpr size_t kPrfKeyChunkSize = 32;  // 256-bit inkey chunks (RFC 3830 4.1.2)

// P(s, label, m) of RFC 3830 4.1.2, XORed into `out` (m * 32 octets).
void XorPrfChunkOutput(ByteSpan s, ByteSpan label, Bytes& out) {
  Sha256Digest a = HmacSha256(s, {label});  // A_1 = HMAC(s, A_0 = label)
  for (size_t offset = 0; offset < out.size(); offset += kSha256Size) {
    Sha256Digest block = HmacSha256(s, {a, label});
    for (size_t i = 0; i < kSha256Size; ++i) out[offset + i] ^= block[i];
    SecureZero(block.data(), block.size());
    a = HmacSha256(s, {a});
  }
  SecureZero(a.data(), a.size());
}

Bytes Label(uint32_t constant, uint8_t cs_id, uint32_t csb_id, ByteSpan rand) {
  Bytes label = FixedBigEndian(constant, 4);
  label.push_back(cs_id);
  Bytes csb = FixedBigEndian(csb_id, 4);
  label.insert(label.end(), csb.begin(), csb.end());
  label.insert(label.end(), rand.begin(), rand.end());
  return label;
}

}  // namespace

Result<SecretBytes> MikeyPrfHmacSha256(ByteSpan inkey, ByteSpan label, size_t out_size) {
  if (inkey.empty()) return InvalidArgument("PRF key is empty");
  if (out_size == 0) return InvalidArgument("PRF output length is 0");
  size_t blocks = (out_size + kSha256Size - 1) / kSha256Size;
  Bytes out(blocks * kSha256Size, 0);
  for (size_t offset = 0; offset < inkey.size(); offset += kPrfKeyChunkSize) {
    XorPrfChunkOutput(inkey.subspan(offset, std::min(kPrfKeyChunkSize, inkey.size() - offset)), label, out);
  }
  SecretBytes result(ByteSpan(out.data(), out_size));
  SecureZero(out.data(), out.size());
  return result;
}

Result<SrtpKeys> SrtpKeysFromGmk(ByteSpan gmk, uint32_t gmk_id, uint8_t cs_id, uint32_t csb_id,
                                 ByteSpan rand) {
  if (gmk.empty()) return InvalidArgument("GMK is empty");
  if (rand.empty()) return InvalidArgument("RAND is empty");
  SrtpKeys keys;
  MCX_ASSIGN_OR_RETURN(
      keys.master_key,
      MikeyPrfHmacSha256(gmk, Label(kMikeyTekConstant, cs_id, csb_id, rand), kSrtpMasterKeySize));
  MCX_ASSIGN_OR_RETURN(
      keys.master_salt,
      MikeyPrfHmacSha256(gmk, Label(kMikeySaltConstant, cs_id, csb_id, rand), kSrtpMasterSaltSize));
  keys.mki = FixedBigEndian(gmk_id, 4);
  Bytes guk = FixedBigEndian(csb_id, 4);
  keys.mki.insert(keys.mki.end(), guk.begin(), guk.end());
  return keys;
}

}  // namespace mcx
