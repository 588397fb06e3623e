// ValidateKmsCertificate's SAKKE half: Z_T is checked (on the curve, order
// q) without building a fixed-base table (issue 18: validating a KMS
// certificate used to build and discard a 4.2 MB table).
#include "kms/validate.h"

#include <gtest/gtest.h>

#include "crypto/eccsi.h"
#include "crypto/sakke.h"
#include "crypto/sakke_precompute.h"

namespace mcx::kms {
namespace {

using sakke_internal::TableKind;
using sakke_internal::TablesBuilt;

KmsCertificate FreshCertificate() {
  KmsCertificate c;
  c.kms_uri = "kms.validate.example";
  c.user_key_period = 2592000;
  c.pub_auth_key = eccsi::GenerateKmsKeyPair().value().kpak;
  SecretBytes z = sakke::GenerateMasterSecret().value();
  c.pub_enc_key = sakke::PublicKeyFromMaster(z.span()).value();
  return c;
}

TEST(ValidateKmsCertificateTest, ChecksZWithoutBuildingATable) {
  KmsCertificate c = FreshCertificate();
  const uint64_t before = TablesBuilt(TableKind::kPublicKey);
  for (int i = 0; i < 3; ++i) {
    Status s = ValidateKmsCertificate(c);
    EXPECT_TRUE(s.ok()) << s.error().ToString();
  }
  EXPECT_EQ(TablesBuilt(TableKind::kPublicKey), before);
}

TEST(ValidateKmsCertificateTest, RefusesAZOffTheCurve) {
  KmsCertificate c = FreshCertificate();
  c.pub_enc_key.back() ^= 1;
  Status s = ValidateKmsCertificate(c);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message().find("PubEncKey"), std::string::npos) << s.error().message();
}

}  // namespace
}  // namespace mcx::kms
