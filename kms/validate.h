// The cryptographic checks a client applies to what a KMS provisions, kept
// apart from the XML reader so that Annex D parsing needs no crypto.
#ifndef MCXTEST_KMS_VALIDATE_H_
#define MCXTEST_KMS_VALIDATE_H_

#include "crypto/result.h"
#include "kms/annex_d.h"

namespace mcx::kms {

// A certificate: hashed-UID format, parameter set 1 (or absent), non-zero key
// period, KPAK a point on P-256, Z_T a point on the SAKKE curve.
Status ValidateKmsCertificate(const KmsCertificate& certificate);

// A key set against its KMS certificate: same KMS URI, UserID equal to the
// F.2.1 UID of (UserUri, KMS URI, period, offset, KeyPeriodNo), SSK/PVT valid
// under KPAK (RFC 6507 5.1.2), RSK valid under Z_T (RFC 6508 6.1.2). The
// error names the failing element.
Status ValidateKmsKeySet(const KmsKeySet& key_set, const KmsCertificate& certificate);

}  // namespace mcx::kms

#endif  // MCXTEST_KMS_VALIDATE_H_
