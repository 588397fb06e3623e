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
// keeps a fixed-base table for one KMS's Z (the dominant cost of an
// encapsulation) and PreparedReceiver keeps a validated RSK's Miller-loop
// lines (the dominant cost of a decapsulation). Both are immutable after
// creation and may be shared between threads.
#ifndef MCXTEST_CRYPTO_SAKKE_H_
#define MCXTEST_CRYPTO_SAKKE_H_

#include <cstddef>
#include <memory>

#include "crypto/bytes.h"
#include "crypto/result.h"
#include "crypto/secret.h"

namespace mcx::sakke_internal {
class FixedBaseTable;
class PreparedLines;
struct AffinePoint;
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

// A KMS public key Z with its fixed-base table (4.2 MB, ~0.1 s to build).
class PreparedPublicKey {
 public:
  // Checks that Z is on the curve and has order q.
  static Result<std::shared_ptr<const PreparedPublicKey>> Create(ByteSpan z_pub);
  ~PreparedPublicKey();

  const Bytes& z_pub() const { return z_pub_; }
  Result<Bytes> Encapsulate(ByteSpan id, ByteSpan ssv) const;
  Status ValidateRsk(ByteSpan id, ByteSpan rsk) const;
  // Decapsulation for an RSK used once (no line precomputation).
  Result<SecretBytes> Decapsulate(ByteSpan id, ByteSpan rsk, ByteSpan encapsulated) const;

  // Internal: the table and point, for PreparedReceiver.
  const sakke_internal::FixedBaseTable& table() const { return *table_; }

 private:
  PreparedPublicKey() = default;
  Bytes z_pub_;
  std::unique_ptr<sakke_internal::FixedBaseTable> table_;
};

// One user's decryption key for one key period, ready for many
// decapsulations: the RSK is validated once and its Miller-loop lines kept
// (~350 KB, about one pairing to build). With `recheck_table` it also keeps
// a fixed-base table for [ID]P + Z (4.2 MB, ~0.1 s), which halves the
// cost of the step-5 re-check.
class PreparedReceiver {
 public:
  static Result<std::unique_ptr<PreparedReceiver>> Create(
      std::shared_ptr<const PreparedPublicKey> kms, ByteSpan id, ByteSpan rsk, bool recheck_table = true);
  ~PreparedReceiver();

  Result<SecretBytes> Decapsulate(ByteSpan encapsulated) const;
  const Bytes& id() const { return id_; }

 private:
  PreparedReceiver() = default;
  std::shared_ptr<const PreparedPublicKey> kms_;
  Bytes id_;
  std::unique_ptr<sakke_internal::PreparedLines> lines_;
  std::unique_ptr<sakke_internal::FixedBaseTable> q_b_table_;
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
