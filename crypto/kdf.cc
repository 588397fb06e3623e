#include "crypto/kdf.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <cstdio>
#include <cstdlib>
#include <memory>

#include "crypto/openssl_ptr.h"

namespace mcx {
namespace {

// Fetched once: implicit fetching by name on every call costs more than
// hashing the short inputs used here.
const EVP_MD* Sha256Md() {
  static const EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}


[[noreturn]] void AbortOnOpenSslFailure(const char* what) {
  // Hashing in-memory data only fails on allocation failure or a broken
  // OpenSSL installation; neither is reachable from input data.
  std::fprintf(stderr, "mcxtest: fatal: OpenSSL %s failed\n", what);
  std::abort();
}

// An HMAC context with SHA-256 already selected; each call duplicates it, so
// the digest is looked up once per process rather than once per MAC. Only
// read after construction, so sharing it between threads is safe.
const EVP_MAC_CTX* HmacSha256Template() {
  static EVP_MAC_CTX* const tmpl = [] {
    EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    EVP_MAC_CTX* ctx = mac ? EVP_MAC_CTX_new(mac) : nullptr;
    EVP_MAC_free(mac);  // the context keeps its own reference
    char digest_name[] = "SHA256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
                           OSSL_PARAM_construct_end()};
    if (ctx == nullptr || EVP_MAC_CTX_set_params(ctx, params) != 1) {
      AbortOnOpenSslFailure("HMAC-SHA-256 setup");
    }
    return ctx;
  }();
  return tmpl;
}

}  // namespace

Sha256Digest Sha256(std::initializer_list<ByteSpan> parts) {
  ossl::UniquePtr<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestInit_ex(ctx.get(), Sha256Md(), nullptr) != 1) {
    AbortOnOpenSslFailure("SHA-256 init");
  }
  for (ByteSpan part : parts) {
    if (EVP_DigestUpdate(ctx.get(), part.data(), part.size()) != 1) {
      AbortOnOpenSslFailure("SHA-256 update");
    }
  }
  Sha256Digest digest;
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx.get(), digest.data(), &len) != 1 || len != digest.size()) {
    AbortOnOpenSslFailure("SHA-256 final");
  }
  return digest;
}

Sha256Digest HmacSha256(ByteSpan key, std::initializer_list<ByteSpan> parts) {
  ossl::UniquePtr<EVP_MAC_CTX> ctx(EVP_MAC_CTX_dup(HmacSha256Template()));
  // A NULL key would mean "keep the previous key", which a fresh context lacks;
  // an empty key needs a non-NULL pointer of length 0.
  static const uint8_t kNoKey = 0;
  const uint8_t* key_data = key.empty() ? &kNoKey : key.data();
  if (!ctx || EVP_MAC_init(ctx.get(), key_data, key.size(), nullptr) != 1) {
    AbortOnOpenSslFailure("HMAC-SHA-256 init");
  }
  for (ByteSpan part : parts) {
    if (EVP_MAC_update(ctx.get(), part.data(), part.size()) != 1) {
      AbortOnOpenSslFailure("HMAC-SHA-256 update");
    }
  }
  Sha256Digest mac;
  size_t len = 0;
  if (EVP_MAC_final(ctx.get(), mac.data(), &len, mac.size()) != 1 || len != mac.size()) {
    AbortOnOpenSslFailure("HMAC-SHA-256 final");
  }
  return mac;
}

Result<Bytes> KdfInputString(uint8_t fc, const std::vector<Bytes>& params) {
  size_t total = 1;
  for (const Bytes& p : params) total += p.size() + 2;
  Bytes s;
  s.reserve(total);
  s.push_back(fc);
  for (size_t i = 0; i < params.size(); ++i) {
    const Bytes& p = params[i];
    if (p.size() > 0xffff) {
      return InvalidArgument("KDF parameter P" + std::to_string(i) + " has " + std::to_string(p.size()) +
                             " octets; at most 65535 fit its length field");
    }
    s.insert(s.end(), p.begin(), p.end());
    s.push_back(static_cast<uint8_t>(p.size() >> 8));
    s.push_back(static_cast<uint8_t>(p.size() & 0xff));
  }
  return s;
}

Result<SecretBytes> Kdf(ByteSpan key, uint8_t fc, const std::vector<Bytes>& params) {
  MCX_ASSIGN_OR_RETURN(Bytes s, KdfInputString(fc, params));
  Sha256Digest mac = HmacSha256(key, {s});
  SecretBytes out(ByteSpan(mac.data(), mac.size()));
  SecureZero(mac.data(), mac.size());
  return out;
}

SecretBytes Last128Bits(const SecretBytes& kdf_output) {
  ByteSpan all = kdf_output.span();
  return SecretBytes(all.size() <= 16 ? all : all.subspan(all.size() - 16));
}

}  // namespace mcx
