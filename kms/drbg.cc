#include "kms/drbg.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/obj_mac.h>
#include <openssl/rand.h>

#include <memory>

#include "crypto/openssl_ptr.h"

namespace mcx::kms {
namespace {

constexpr char kDomainKeyLabel[] = "mcxtest-kms-drbg-v1";

using ossl::BnCtxPtr;
using ossl::BnPtr;

SecretBytes Hmac(ByteSpan key, ByteSpan data) {
  Bytes mac(EVP_MAX_MD_SIZE);
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), data.data(), data.size(), mac.data(), &mac_len);
  mac.resize(mac_len);
  return SecretBytes(std::move(mac));
}

// (wide mod (order - 1)) + 1, big-endian in len(order) octets.
Result<SecretBytes> ReduceIntoRange(ByteSpan wide, ByteSpan order) {
  BnPtr value(BN_bin2bn(wide.data(), static_cast<int>(wide.size()), nullptr));
  BnPtr modulus(BN_bin2bn(order.data(), static_cast<int>(order.size()), nullptr));
  BnCtxPtr ctx(BN_CTX_new());
  if (!value || !modulus || !ctx) return Error(ErrorCode::kInternal, "DRBG: out of memory");
  if (BN_num_bits(modulus.get()) < 2) return InvalidArgument("DRBG: order must be at least 2");
  BN_set_flags(value.get(), BN_FLG_CONSTTIME);
  if (!BN_sub_word(modulus.get(), 1) || !BN_mod(value.get(), value.get(), modulus.get(), ctx.get()) ||
      !BN_add_word(value.get(), 1)) {
    return Error(ErrorCode::kInternal, "DRBG: big-number arithmetic failed");
  }
  Bytes out(order.size());
  if (BN_bn2binpad(value.get(), out.data(), static_cast<int>(out.size())) < 0) {
    return Error(ErrorCode::kInternal, "DRBG: scalar does not fit");
  }
  return SecretBytes(std::move(out));
}

}  // namespace

SecretBytes DrbgDomainKey(uint64_t seed, std::string_view kms_uri) {
  Bytes data = FixedBigEndian(seed, 8);
  data.insert(data.end(), kms_uri.begin(), kms_uri.end());
  SecretBytes key = Hmac(AsSpan(kDomainKeyLabel), data);
  SecureZero(data.data(), data.size());
  return key;
}

SecretBytes DrbgOctets(ByteSpan domain_key, ByteSpan label, size_t size) {
  Bytes out;
  out.reserve(size + 32);
  Bytes input(label.begin(), label.end());
  input.push_back(0x00);
  const size_t counter_at = input.size();
  input.resize(counter_at + 4);
  for (uint32_t i = 1; out.size() < size; ++i) {
    Bytes counter = FixedBigEndian(i, 4);
    std::copy(counter.begin(), counter.end(), input.begin() + static_cast<long>(counter_at));
    SecretBytes block = Hmac(domain_key, input);
    out.insert(out.end(), block.span().begin(), block.span().end());
  }
  SecretBytes result(ByteSpan(out).first(size));
  SecureZero(out.data(), out.size());
  return result;
}

Result<SecretBytes> DrbgScalar(ByteSpan domain_key, ByteSpan label, ByteSpan order) {
  SecretBytes wide = DrbgOctets(domain_key, label, order.size() + 16);
  return ReduceIntoRange(wide.span(), order);
}

Result<SecretBytes> RandomScalar(ByteSpan order) {
  Bytes wide(order.size() + 16);
  if (RAND_priv_bytes(wide.data(), static_cast<int>(wide.size())) != 1) {
    return Error(ErrorCode::kInternal, "OpenSSL random generator failed");
  }
  SecretBytes secret_wide(std::move(wide));
  return ReduceIntoRange(secret_wide.span(), order);
}

const Bytes& P256Order() {
  static const Bytes order = [] {
    Bytes out;
    EC_GROUP* group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
    if (group != nullptr) {
      const BIGNUM* n = EC_GROUP_get0_order(group);
      out.resize(static_cast<size_t>(BN_num_bytes(n)));
      BN_bn2bin(n, out.data());
      EC_GROUP_free(group);
    }
    return out;
  }();
  return order;
}

}  // namespace mcx::kms
