// Owning pointers for OpenSSL objects, in the manner of bssl::UniquePtr: one
// place says how each type is freed, so no file writes its own deleter and
// secret-bearing types are always cleared before they are freed.
#ifndef MCXTEST_CRYPTO_OPENSSL_PTR_H_
#define MCXTEST_CRYPTO_OPENSSL_PTR_H_

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include <memory>

namespace mcx::ossl {

template <typename T>
struct Deleter;  // Specialized below for each type used; others do not compile.

#define MCX_OSSL_DELETER(type, free_function)          \
  template <>                                          \
  struct Deleter<type> {                               \
    void operator()(type* p) const { free_function(p); } \
  };

// BIGNUMs and points hold private keys, SAKKE randomness and masks: clear them.
MCX_OSSL_DELETER(BIGNUM, BN_clear_free)
MCX_OSSL_DELETER(EC_POINT, EC_POINT_clear_free)
MCX_OSSL_DELETER(BN_CTX, BN_CTX_free)
// The EVP contexts clear their own key schedules when freed.
MCX_OSSL_DELETER(EVP_MD_CTX, EVP_MD_CTX_free)
MCX_OSSL_DELETER(EVP_MAC_CTX, EVP_MAC_CTX_free)
MCX_OSSL_DELETER(EVP_CIPHER_CTX, EVP_CIPHER_CTX_free)

#undef MCX_OSSL_DELETER

template <typename T>
using UniquePtr = std::unique_ptr<T, Deleter<T>>;

using BnPtr = UniquePtr<BIGNUM>;
using BnCtxPtr = UniquePtr<BN_CTX>;
using EcPointPtr = UniquePtr<EC_POINT>;

}  // namespace mcx::ossl

#endif  // MCXTEST_CRYPTO_OPENSSL_PTR_H_
