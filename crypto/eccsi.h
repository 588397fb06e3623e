// ECCSI signatures (RFC 6507) over NIST P-256 with SHA-256, as MIKEY-SAKKE
// uses them to sign every key transport message.
//
// Encodings: points are uncompressed (04 || x || y, 65 octets), scalars and
// hashes 32 octets big-endian, a signature r || s || PVT (129 octets).
// Scalars the caller supplies (KSAK, v, j, SSK) may be 1 to 32 octets
// big-endian and must lie in [1, q-1]. Every function is thread-safe.
#ifndef MCXTEST_CRYPTO_ECCSI_H_
#define MCXTEST_CRYPTO_ECCSI_H_

#include <memory>
#include <optional>

#include "crypto/bytes.h"
#include "crypto/result.h"
#include "crypto/secret.h"

namespace mcx::eccsi {

inline constexpr size_t kPointSize = 65, kScalarSize = 32, kSignatureSize = 129;

struct KmsKeyPair {
  SecretBytes ksak;  // KMS Secret Authentication Key, 32 octets
  Bytes kpak;        // KMS Public Authentication Key [KSAK]G, 65 octets
};

// KPAK = [KSAK]G. Rejects an empty, longer than 32 octets, zero or >= q KSAK.
Result<Bytes> KpakFromKsak(ByteSpan ksak);
// A fresh random KSAK and its KPAK.
Result<KmsKeyPair> GenerateKmsKeyPair();

struct UserKeys {
  SecretBytes ssk;  // Secret Signing Key, 32 octets
  Bytes pvt;        // Public Validation Token [v]G, 65 octets
  Bytes hs;         // HS = hash(G || KPAK || ID || PVT), 32 octets
};

// RFC 6507 5.1.1: the KMS issues SSK and PVT for `id`. `v` is random unless
// supplied (then it must give a non-zero SSK). The result is validated with
// ValidateUserKeys before it is returned.
Result<UserKeys> IssueUserKeys(ByteSpan ksak, ByteSpan id, std::optional<ByteSpan> v = std::nullopt);

// RFC 6507 5.1.2: PVT is a valid point and KPAK == [SSK]G - [HS]PVT.
Status ValidateUserKeys(ByteSpan kpak, ByteSpan id, ByteSpan ssk, ByteSpan pvt);

// HS = SHA-256(G || KPAK || ID || PVT) and HE = SHA-256(HS || r || M), the
// hashes of RFC 6507, exactly as Issue, Sign and Verify compute them; the
// inputs are hashed as given, without checks.
Bytes ComputeHs(ByteSpan kpak, ByteSpan id, ByteSpan pvt);
Bytes ComputeHe(ByteSpan hs, ByteSpan r, ByteSpan msg);

// RFC 6507 5.2.1: signature r || s || PVT over `msg`. `j` is random unless
// supplied (then it must give r in [1, q-1] and HE + r*SSK != 0 mod q).
// SSK and PVT are not checked against each other, so a test can produce
// deliberately wrong signatures; validate them once with ValidateUserKeys.
Result<Bytes> Sign(ByteSpan kpak, ByteSpan id, ByteSpan ssk, ByteSpan pvt, ByteSpan msg,
                   std::optional<ByteSpan> j = std::nullopt);

// RFC 6507 5.2.2. Rejects a signature of the wrong length, r or s equal to 0
// or >= q, a PVT that is not a point on the curve, and a signature that does
// not verify; the error message names what failed. (RFC 6507 lets r be any
// x-coordinate below p; r >= q happens with probability about 2^-128, and
// Sign never produces it.)
Status Verify(ByteSpan kpak, ByteSpan id, ByteSpan msg, ByteSpan signature);

// A KPAK decoded and checked once, for verifying many signatures of one KMS
// domain. Cheap to copy; safe to share between threads.
class PreparedVerifier {
 public:
  static Result<PreparedVerifier> Create(ByteSpan kpak);
  Status Verify(ByteSpan id, ByteSpan msg, ByteSpan signature) const;
  const Bytes& kpak() const;

  struct State;  // opaque; defined in eccsi.cc

 private:
  explicit PreparedVerifier(std::shared_ptr<const State> state) : state_(std::move(state)) {}
  std::shared_ptr<const State> state_;
};

}  // namespace mcx::eccsi

#endif  // MCXTEST_CRYPTO_ECCSI_H_
