// Speed of the MIKEY codec on the published 701-octet GMK I_MESSAGE
// (Streamwide v5 "Test 1"): parse (into a fresh and into a reused Message),
// serialize, rejection, the inspection model, and the full GKTP verification
// (every check, ECCSI verify and SAKKE decapsulation) with the published key
// material. Parsing with a WireLayout (the dissector's path) is measured next
// to plain parsing.
// Throughput is reported as bytes/s of message; the parse target is
// >= 500 MB/s (docs/performance.md).
//
//   bazel run -c opt //bench:mikey_bench
//   bazel run -c opt //bench:mikey_bench -- --benchmark_filter=Parse
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include "crypto/secret.h"
#include "kms/key_store.h"
#include "mikey/codec.h"
#include "mikey/gktp_verifier.h"
#include "mikey/inspect.h"

namespace mcx::mikey {
namespace {

constexpr char kVectorPath[] = "testdata/vectors/interop_streamwide_v5.json";

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "mikey_bench: %s\n", message.c_str());
  std::exit(1);
}

// The vector file from the runfiles (bazel run starts in the runfiles
// tree; a direct start of the binary finds it next to argv[0]).
std::string ReadVectorFile(const char* argv0) {
  std::string candidates[] = {
      std::string(std::getenv("RUNFILES_DIR") ? std::getenv("RUNFILES_DIR") : "") + "/mcxtest/" +
          kVectorPath,
      std::string(argv0) + ".runfiles/mcxtest/" + kVectorPath,
      kVectorPath,
  };
  for (const std::string& path : candidates) {
    std::ifstream in(path, std::ios::binary);
    if (in) return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  Die(std::string("cannot find ") + kVectorPath);
}

Bytes& GmkMessage() {
  static Bytes wire;
  return wire;
}

// The published KMS certificate and user key sets, for verification.
kms::KeyStore& VectorKeyStore() {
  static kms::KeyStore store = kms::KeyStore::InMemory();
  return store;
}

struct GmkParties {
  std::string initiator;
  std::string responder;
};
GmkParties& GmkMessageParties() {
  static GmkParties parties;
  return parties;
}

Bytes HexOrDie(const nlohmann::json& object, const char* key) {
  Result<Bytes> b = FromHex(object.value(key, ""));
  if (!b.ok()) Die(std::string(key) + ": " + b.error().ToString());
  return *b;
}

void LoadKeyStore(const nlohmann::json& vectors) {
  const nlohmann::json& k = vectors["kms"];
  kms::KmsCertificate cert;
  cert.kms_uri = k.value("kms_uri", "");
  cert.user_key_period = k.value("user_key_period", uint64_t{0});
  cert.user_key_offset = k.value("user_key_offset", uint64_t{0});
  cert.pub_enc_key = HexOrDie(k, "Z");
  cert.pub_auth_key = HexOrDie(k, "KPAK");
  if (Status s = VectorKeyStore().ImportCertificate(cert); !s.ok()) Die(s.error().ToString());
  for (const nlohmann::json& u : vectors["users"]) {
    kms::KmsKeySet ks;
    ks.kms_uri = cert.kms_uri;
    ks.user_uri = u.value("uri", "");
    ks.user_id = HexOrDie(u, "uid");
    ks.key_period_no = u.value("key_period_no", uint64_t{0});
    ks.user_decrypt_key = SecretBytes(HexOrDie(u, "rsk"));
    ks.user_signing_key = SecretBytes(HexOrDie(u, "ssk"));
    ks.user_pub_token = HexOrDie(u, "pvt");
    if (Status s = VectorKeyStore().ImportKeySet(ks); !s.ok()) Die(s.error().ToString());
  }
}

void LoadGmkMessage(const char* argv0) {
  nlohmann::json vectors = nlohmann::json::parse(ReadVectorFile(argv0), nullptr, false);
  if (vectors.is_discarded()) Die("vector file is not JSON");
  LoadKeyStore(vectors);
  for (const nlohmann::json& m : vectors["messages"]) {
    if (m.value("kind", "") != "GMK") continue;
    Result<Bytes> wire = FromBase64(m.value("i_message_b64", ""));
    if (!wire.ok()) Die(wire.error().ToString());
    GmkMessage() = *wire;
    GmkMessageParties() = {m.value("initiator", ""), m.value("responder", "")};
    return;
  }
  Die("no GMK message in the vectors");
}

Message ParseOrDie(const Bytes& wire) {
  Result<Message> m = Parse(wire);
  if (!m.ok()) Die(m.error().ToString());
  return *m;
}

void BM_ParseGmk(benchmark::State& state) {
  const Bytes& wire = GmkMessage();
  for (auto _ : state) {
    Result<Message> m = Parse(wire);
    benchmark::DoNotOptimize(m);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * wire.size()));
}
BENCHMARK(BM_ParseGmk);

// The same message parsed again and again into one Message, whose buffers
// are recycled: the steady state of a verifier, dissector or fuzzer loop.
void BM_ParseGmkIntoReusedMessage(benchmark::State& state) {
  const Bytes& wire = GmkMessage();
  Message message;
  for (auto _ : state) {
    Status status = ParseInto(wire, &message);
    benchmark::DoNotOptimize(status);
    benchmark::DoNotOptimize(message);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * wire.size()));
}
BENCHMARK(BM_ParseGmkIntoReusedMessage);

// The same, also recording where every field sits (what the Wireshark
// plugin renders from); plain parsing compiles the recording out.
void BM_ParseGmkWithLayout(benchmark::State& state) {
  const Bytes& wire = GmkMessage();
  Message message;
  WireLayout layout;
  for (auto _ : state) {
    Status status = ParseInto(wire, &message, &layout);
    benchmark::DoNotOptimize(status);
    benchmark::DoNotOptimize(layout);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * wire.size()));
}
BENCHMARK(BM_ParseGmkWithLayout);

void BM_SerializeGmk(benchmark::State& state) {
  const Bytes& wire = GmkMessage();
  Message message = ParseOrDie(wire);
  for (auto _ : state) {
    Result<Bytes> out = Serialize(message);
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * wire.size()));
}
BENCHMARK(BM_SerializeGmk);

// A rejected message (truncated inside the signature) costs a full walk
// plus the error text: what a fuzzer or a hostile peer pays per input.
void BM_RejectTruncatedGmk(benchmark::State& state) {
  Bytes wire = GmkMessage();
  wire.pop_back();
  for (auto _ : state) {
    Result<Message> m = Parse(wire);
    benchmark::DoNotOptimize(m);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * wire.size()));
}
BENCHMARK(BM_RejectTruncatedGmk);

void BM_InspectJsonGmk(benchmark::State& state) {
  const Bytes& wire = GmkMessage();
  Message message = ParseOrDie(wire);
  for (auto _ : state) {
    std::string json = InspectJson(message).dump();
    benchmark::DoNotOptimize(json);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * wire.size()));
}
BENCHMARK(BM_InspectJsonGmk);

// Everything a recipient does with a GKTP: parse, every check, ECCSI verify
// and SAKKE decapsulation. The verifier keeps the prepared KMS keys across
// messages (as the harness does); the recipient's own RSK is prepared per
// message. Dominated by the pairing of the decapsulation, see
// docs/performance.md for the crypto alone.
void BM_VerifyGmk(benchmark::State& state) {
  const Bytes& wire = GmkMessage();
  GktpVerifier verifier(VectorKeyStore());
  VerifyOptions options;
  options.recipient_uri = GmkMessageParties().responder;
  options.expected_sender_uri = GmkMessageParties().initiator;
  if (!verifier.Verify(wire, options).accepted()) Die("the published GMK message does not verify");
  for (auto _ : state) {
    GktpVerification v = verifier.Verify(wire, options);
    benchmark::DoNotOptimize(v);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_VerifyGmk)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace mcx::mikey

int main(int argc, char** argv) {
  mcx::mikey::LoadGmkMessage(argv[0]);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
