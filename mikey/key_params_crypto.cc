#include "mikey/key_params_crypto.h"

#include <memory>
#include <string>

#include <openssl/evp.h>

#include "crypto/kdf.h"
#include "crypto/openssl_ptr.h"
#include "mikey/codec.h"

namespace mcx::mikey {
namespace {

using CipherCtx = ossl::UniquePtr<EVP_CIPHER_CTX>;

Status CheckAlgorithm(const ProtectedPayload& payload) {
  if (payload.algorithm == kAlgorithmAes128Gcm) return Status::Ok();
  return CryptoError("protected payload algorithm " + std::to_string(payload.algorithm) +
                     " is not AES-128-GCM (" + std::to_string(kAlgorithmAes128Gcm) + ")");
}

// Sets up AES-128-GCM with the protected payload's 16-octet IV (not the
// usual 12) and feeds the associated data.
Result<CipherCtx> StartGcm(bool encrypt, const SecretBytes& dpck, const ProtectedPayload& payload) {
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return Error(ErrorCode::kInternal, "EVP_CIPHER_CTX_new failed");
  int (*init)(EVP_CIPHER_CTX*, const EVP_CIPHER*, ENGINE*, const unsigned char*,
              const unsigned char*) = encrypt ? EVP_EncryptInit_ex : EVP_DecryptInit_ex;
  int (*update)(EVP_CIPHER_CTX*, unsigned char*, int*, const unsigned char*, int) =
      encrypt ? EVP_EncryptUpdate : EVP_DecryptUpdate;
  Bytes aad = payload.AssociatedData();
  int ignored = 0;
  if (init(ctx.get(), EVP_aes_128_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kProtectedPayloadIvSize, nullptr) != 1 ||
      init(ctx.get(), nullptr, nullptr, dpck.data(), payload.iv.data()) != 1 ||
      update(ctx.get(), nullptr, &ignored, aad.data(), static_cast<int>(aad.size())) != 1) {
    return Error(ErrorCode::kInternal, "AES-128-GCM setup failed");
  }
  return ctx;
}

}  // namespace

Result<SecretBytes> DeriveDpck(ByteSpan key, uint32_t dppk_id) {
  MCX_ASSIGN_OR_RETURN(SecretBytes full, Kdf(key, kFcDpck, {FixedBigEndian(dppk_id, 4)}));
  return Last128Bits(full);
}

Result<Bytes> DecryptProtectedPayload(const ProtectedPayload& payload, ByteSpan key) {
  MCX_RETURN_IF_ERROR(CheckAlgorithm(payload));
  if (payload.ciphertext.size() < kGcmTagSize) {
    return CryptoError("protected payload is shorter than the AES-GCM tag");
  }
  MCX_ASSIGN_OR_RETURN(SecretBytes dpck, DeriveDpck(key, payload.dppk_id));
  MCX_ASSIGN_OR_RETURN(CipherCtx ctx, StartGcm(false, dpck, payload));

  size_t body_size = payload.ciphertext.size() - kGcmTagSize;
  Bytes plaintext(body_size);
  Bytes tag(payload.ciphertext.end() - kGcmTagSize, payload.ciphertext.end());
  int written = 0;
  int final_written = 0;
  if (EVP_DecryptUpdate(ctx.get(), plaintext.data(), &written, payload.ciphertext.data(),
                        static_cast<int>(body_size)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kGcmTagSize, tag.data()) != 1) {
    return Error(ErrorCode::kInternal, "AES-128-GCM decryption failed");
  }
  if (EVP_DecryptFinal_ex(ctx.get(), plaintext.data() + written, &final_written) != 1) {
    return CryptoError("key parameters: AES-GCM tag does not verify (wrong key or tampered payload)");
  }
  return plaintext;
}

Result<KeyParameters> DecryptKeyParameters(const ProtectedPayload& payload, ByteSpan key) {
  MCX_ASSIGN_OR_RETURN(Bytes plaintext, DecryptProtectedPayload(payload, key));
  return ParseKeyParameters(plaintext);
}

Result<ProtectedPayload> EncryptKeyParameters(const KeyParameters& params, ByteSpan key,
                                              ProtectedPayload header) {
  MCX_RETURN_IF_ERROR(CheckAlgorithm(header));
  MCX_ASSIGN_OR_RETURN(Bytes plaintext, SerializeKeyParameters(params));
  MCX_ASSIGN_OR_RETURN(SecretBytes dpck, DeriveDpck(key, header.dppk_id));
  MCX_ASSIGN_OR_RETURN(CipherCtx ctx, StartGcm(true, dpck, header));

  Bytes out(plaintext.size() + kGcmTagSize);
  int written = 0;
  int final_written = 0;
  if (EVP_EncryptUpdate(ctx.get(), out.data(), &written, plaintext.data(),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), out.data() + written, &final_written) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kGcmTagSize,
                          out.data() + plaintext.size()) != 1) {
    return Error(ErrorCode::kInternal, "AES-128-GCM encryption failed");
  }
  header.ciphertext = std::move(out);
  return header;
}

}  // namespace mcx::mikey
