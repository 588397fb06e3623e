// SAKKE decapsulation (RFC 6508 6.2.2) of arbitrary encapsulated data for a
// fixed receiver (the fuzz world's alice). Three code paths share the
// arithmetic: the one-shot function, PreparedPublicKey and
// PreparedReceiver (precomputed Miller-loop lines and re-check table); they
// must agree on every input, and whatever decapsulates has passed the
// step-5 re-check, so it must re-encapsulate to the same octets.
// A 16-octet input is taken as an SSV instead and must survive a round trip.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "crypto/sakke.h"
#include "fuzz/fuzz_world.h"

namespace {

struct Receiver {
  mcx::Bytes z;
  mcx::Bytes id;
  mcx::SecretBytes rsk;
  std::shared_ptr<const mcx::sakke::PreparedPublicKey> kms;
  std::unique_ptr<mcx::sakke::PreparedReceiver> prepared;
};

const Receiver& TheReceiver() {
  static const Receiver* receiver = [] {
    const auto& w = mcx::fuzz::World();
    auto kms = w.verifying.Kms(w.alice.kms_uri);
    auto period = w.verifying.KeyPeriodNo(w.alice.kms_uri, mcx::fuzz::kNow);
    if (!kms.ok() || !period.ok()) std::abort();
    auto keys = w.verifying.KeySet(w.alice.kms_uri, w.alice.uri, *period);
    if (!keys.ok()) std::abort();
    auto* r = new Receiver{kms->z_t, (*keys)->user_id, (*keys)->user_decrypt_key, nullptr, nullptr};
    auto prepared_kms = mcx::sakke::PreparedPublicKey::Create(r->z);
    if (!prepared_kms.ok()) std::abort();
    r->kms = *prepared_kms;
    auto prepared = mcx::sakke::PreparedReceiver::Create(r->kms, r->id, r->rsk.span());
    if (!prepared.ok()) std::abort();
    r->prepared = std::move(prepared).value();
    return r;
  }();
  return *receiver;
}

void Check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "sakke_decap_fuzzer: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)TheReceiver();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Receiver& r = TheReceiver();
  mcx::ByteSpan input(data, size);
  if (size == mcx::sakke::kSsvSize) {
    auto encapsulated = r.kms->Encapsulate(r.id, input);
    Check(encapsulated.ok(), "encapsulation of an SSV failed");
    auto ssv = r.prepared->Decapsulate(*encapsulated);
    Check(ssv.ok() && ssv->size() == size && std::equal(input.begin(), input.end(), ssv->data()),
          "SSV round trip failed");
    return 0;
  }
  auto once = mcx::sakke::Decapsulate(r.z, r.id, r.rsk.span(), input);
  auto with_kms = r.kms->Decapsulate(r.id, r.rsk.span(), input);
  auto prepared = r.prepared->Decapsulate(input);
  Check(once.ok() == with_kms.ok() && once.ok() == prepared.ok(), "decapsulation paths disagree on acceptance");
  if (!once.ok()) return 0;
  Check(*once == *with_kms && *once == *prepared, "decapsulation paths disagree on the SSV");
  auto again = r.kms->Encapsulate(r.id, once->span());
  Check(again.ok() && *again == mcx::Bytes(input.begin(), input.end()),
        "accepted data is not the encapsulation of its SSV");
  return 0;
}
