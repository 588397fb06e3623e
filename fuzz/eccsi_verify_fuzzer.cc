// ECCSI verification (RFC 6507 5.2.2) of arbitrary signatures and messages
// against a fixed KPAK and signer identity (the fuzz world's police GMS).
// The input is signature (first 129 octets, or all of a shorter input)
// then message. The one-shot and the prepared verifier are two code paths
// over the same arithmetic: they must agree on every input.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "crypto/eccsi.h"
#include "fuzz/fuzz_world.h"

namespace {

struct Signer {
  mcx::Bytes kpak;
  mcx::Bytes id;
  mcx::eccsi::PreparedVerifier verifier;
};

const Signer& TheSigner() {
  static const Signer* signer = [] {
    const auto& w = mcx::fuzz::World();
    auto kms = w.verifying.Kms(w.gms.kms_uri);
    auto period = w.verifying.KeyPeriodNo(w.gms.kms_uri, mcx::fuzz::kNow);
    if (!kms.ok() || !period.ok()) std::abort();
    auto keys = w.verifying.KeySet(w.gms.kms_uri, w.gms.uri, *period);
    auto verifier = mcx::eccsi::PreparedVerifier::Create(kms->kpak);
    if (!keys.ok() || !verifier.ok()) std::abort();
    return new Signer{kms->kpak, (*keys)->user_id, *verifier};
  }();
  return *signer;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)TheSigner();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Signer& s = TheSigner();
  size_t sig_size = std::min(size, mcx::eccsi::kSignatureSize);
  mcx::ByteSpan signature(data, sig_size);
  mcx::ByteSpan message(data + sig_size, size - sig_size);
  mcx::Status once = mcx::eccsi::Verify(s.kpak, s.id, message, signature);
  mcx::Status prepared = s.verifier.Verify(s.id, message, signature);
  if (once.ok() != prepared.ok()) {
    std::fprintf(stderr, "eccsi::Verify %s, PreparedVerifier::Verify %s\n", once.ok() ? "accepts" : "rejects",
                 prepared.ok() ? "accepts" : "rejects");
    std::abort();
  }
  return 0;
}
