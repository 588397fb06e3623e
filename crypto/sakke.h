// SAKKE (RFC 6508) with MIKEY-SAKKE parameter set 1 (RFC 6509 Appendix A):
// the KMS side (master key, RSK issue), RSK validation, encapsulation of a
// shared secret value (SSV) to an identity, and decapsulation.
//
// Identifiers are octet strings (for 3GPP MCX the 32-octet UID) used as
// big-endian integers mod q. Points are 04 || x || y (257 octets).
// Every input is checked (lengths, prefixes, coordinate ranges, the curve
// equation, scalar ranges); failures come back as Errors naming the input.
//
// The free functions are self-contained. For throughput, PreparedPublicKey
// holds one KMS's Z and PreparedReceiver one user's validated RSK; both are
// immutable to their users and may be shared between threads. The tables
// that speed them up (for Z, for [ID]P + Z, an RSK's Miller-loop lines, and
// the process-wide ones for P and g) are built only once a key has been used
// often enough to repay them (crypto/sakke_precompute.h; the break-even
// points, measured, are in docs/performance.md), so preparing a key that is
// used a few times costs next to nothing.
#ifndef MCXTEST_CRYPTO_SAKKE_H_
#define MCXTEST_CRYPTO_SAKKE_H_

#include <cstddef>
#include <memory>

#include "crypto/bytes.h"
#include "crypto/result.h"
#include "crypto/secret.h"

namespace mcx::sakke_internal {
struct PublicKeyState;
struct ReceiverCore;
}  // namespace mcx::sakke_internal

namespace mcx::sakke {

inline constexpr size_t kPointSize = 257, kEncapsulatedSize = 273;
// n = 128 bits for parameter set 1.
inline constexpr size_t kSsvSize = 16;
// Field elements and scalars as fixed-width big-endian octets.
inline constexpr size_t kFieldSize = 128;

// Random KMS master secret z in [2, q-1], 128 octets.
Result<SecretBytes> GenerateMasterSecret();
// Z_T = [z]P. z: 1..128 octets, big-endian, in [2, q-1].
Result<Bytes> PublicKeyFromMaster(ByteSpan z);
// RSK = [(z + ID)^-1]P (RFC 6508 §6.1.1).
Result<SecretBytes> IssueRsk(ByteSpan z, ByteSpan id);
// <[ID]P + Z, RSK> == g (RFC 6508 §6.1.2).
Status ValidateRsk(ByteSpan z_pub, ByteSpan id, ByteSpan rsk);
// R || H (RFC 6508 §6.2.1); deterministic in the SSV (16 octets).
Result<Bytes> Encapsulate(ByteSpan z_pub, ByteSpan id, ByteSpan ssv);
// The SSV, after the step-5 check that R = [r]([ID]P + Z) (§6.2.2).
Result<SecretBytes> Decapsulate(ByteSpan z_pub, ByteSpan id, ByteSpan rsk,
                                ByteSpan encapsulated);

// A KMS public key Z, checked once, for many operations under it.
class PreparedPublicKey {
 public:
  // Checks that Z is on the curve and has order q; builds no table. Keys
  // are shared process-wide: the same Z gives the same object (a bounded
  // cache of the most recently used keys), so every caller's uses count
  // towards the same tables.
  static Result<std::shared_ptr<const PreparedPublicKey>> Create(ByteSpan z_pub);
  ~PreparedPublicKey();

  const Bytes& z_pub() const { return z_pub_; }
  Result<Bytes> Encapsulate(ByteSpan id, ByteSpan ssv) const;
  Status ValidateRsk(ByteSpan id, ByteSpan rsk) const;
  // Decapsulation with the RSK passed each time. An RSK passed often enough
  // gets validated and its Miller-loop lines kept (a few per key), as in
  // PreparedReceiver; the result is the same either way.
  Result<SecretBytes> Decapsulate(ByteSpan id, ByteSpan rsk, ByteSpan encapsulated) const;

  // Builds Z's biggest table now, for a key known to be used many times
  // (and for benchmarks).
  void Precompute() const;

 private:
  friend class PreparedReceiver;
  PreparedPublicKey();
  Bytes z_pub_;
  std::unique_ptr<sakke_internal::PublicKeyState> state_;
};

// One user's decryption key for one key period, ready for many
// decapsulations: the RSK is validated once and its Miller-loop lines kept
// (~350 KB, about one pairing to build). With `recheck_table` a fixed-base
// table for [ID]P + Z, which halves the cost of the step-5 re-check, is
// built once the receiver has been used enough to repay it (4.2 MB).
class PreparedReceiver {
 public:
  static Result<std::unique_ptr<PreparedReceiver>> Create(
      std::shared_ptr<const PreparedPublicKey> kms, ByteSpan id, ByteSpan rsk, bool recheck_table = true);
  ~PreparedReceiver();

  Result<SecretBytes> Decapsulate(ByteSpan encapsulated) const;
  const Bytes& id() const { return id_; }

  // Builds the re-check table now (if `recheck_table`), for benchmarks and
  // receivers known to be used many times.
  void Precompute() const;

 private:
  PreparedReceiver() = default;
  std::shared_ptr<const PreparedPublicKey> kms_;
  Bytes id_;
  std::shared_ptr<const sakke_internal::ReceiverCore> core_;
  bool recheck_table_ = true;
};

// Intermediate values of RFC 6508, exposed for tests, tools and benchmarks.

// HashToIntegerRange(s, q, SHA-256) of §5.1, as 128 octets.
Bytes HashToIntegerRangeQ(ByteSpan s);
// HashToIntegerRange(s, 2^(8 * octets), SHA-256): the SSV mask for an SSV of
// `octets` octets (1..1024).
Result<Bytes> HashToMask(ByteSpan s, size_t octets);
// <A, B> of §3.2 as its 128-octet representative.
Result<Bytes> Pairing(ByteSpan a, ByteSpan b);
// g^r in PF_p (r big-endian, reduced mod q) as its 128-octet representative.
Bytes GeneratorPower(ByteSpan r);

// Parameter set 1 constants, for tests that compare them with RFC 6509.
Bytes ParamP();
Bytes ParamQ();
Bytes ParamBasePoint();  // 04 || Px || Py
Bytes ParamG();

}  // namespace mcx::sakke

#endif  // MCXTEST_CRYPTO_SAKKE_H_
