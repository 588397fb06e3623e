// Speed of the reference crypto core, with the OpenSSL yardsticks measured in
// the same run so the printed ratios do not depend on the machine:
// ECCSI verify against ECDSA-P256 verify, and SAKKE against one 1024-bit
// BN_mod_exp_mont (the dominant cost class of a 1024-bit pairing).
//
//   bazel run -c opt //bench:crypto_bench
//   bazel run -c opt //bench:crypto_bench -- --benchmark_filter=sakke
//
// Unless told otherwise it runs 5 repetitions and reports medians. Two ratio
// tables follow: one from those sequential medians, and one from paired,
// interleaved measurements (the figures to quote: both sides of each ratio
// see the same machine load). docs/performance.md records the results.
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/rand.h>

#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "crypto/eccsi.h"
#include "crypto/fp1024.h"
#include "crypto/guk_id.h"
#include "crypto/sakke.h"
#include "crypto/sakke_curve.h"
#include "crypto/sakke_pairing.h"
#include "crypto/sakke_precompute.h"
#include "crypto/uid.h"

namespace mcx {
namespace {

Bytes RandomBytes(size_t n) {
  Bytes out(n);
  RAND_bytes(out.data(), static_cast<int>(n));
  return out;
}

template <typename T>
T Must(Result<T> r) {
  if (!r.ok()) {
    std::fprintf(stderr, "benchmark setup failed: %s\n", r.error().ToString().c_str());
    std::abort();
  }
  return std::move(r).value();
}

void MustOk(const Status& s) {
  if (!s.ok()) {
    std::fprintf(stderr, "benchmark check failed: %s\n", s.error().ToString().c_str());
    std::abort();
  }
}

// --- OpenSSL yardsticks -----------------------------------------------------

// One 1024-bit modular exponentiation: modulus p of parameter set 1, a
// random base and a full-length random exponent, Montgomery context reused.
class Modexp {
 public:
  Modexp() : ctx_(BN_CTX_new()), p_(BN_new()), base_(BN_new()), exponent_(BN_new()), out_(BN_new()) {
    Bytes p_bytes = sakke::ParamP();
    BN_bin2bn(p_bytes.data(), static_cast<int>(p_bytes.size()), p_);
    mont_ = BN_MONT_CTX_new();
    BN_MONT_CTX_set(mont_, p_, ctx_);
    BN_rand_range(base_, p_);
    BN_rand_range(exponent_, p_);
    BN_set_bit(exponent_, 1023);
  }
  ~Modexp() {
    BN_free(out_);
    BN_free(exponent_);
    BN_free(base_);
    BN_MONT_CTX_free(mont_);
    BN_free(p_);
    BN_CTX_free(ctx_);
  }
  void Run() { BN_mod_exp_mont(out_, base_, exponent_, p_, ctx_, mont_); }

 private:
  BN_CTX* ctx_;
  BIGNUM *p_, *base_, *exponent_, *out_;
  BN_MONT_CTX* mont_;
};

// ECDSA-P256 verification of a signature over a SHA-256 digest, through
// EVP with the context set up once.
class EcdsaVerify {
 public:
  EcdsaVerify() : key_(EVP_EC_gen("P-256")), digest_(RandomBytes(32)) {
    EVP_PKEY_CTX* sign_ctx = EVP_PKEY_CTX_new(key_, nullptr);
    EVP_PKEY_sign_init(sign_ctx);
    size_t sig_len = 0;
    EVP_PKEY_sign(sign_ctx, nullptr, &sig_len, digest_.data(), digest_.size());
    sig_.resize(sig_len);
    EVP_PKEY_sign(sign_ctx, sig_.data(), &sig_len, digest_.data(), digest_.size());
    sig_.resize(sig_len);
    EVP_PKEY_CTX_free(sign_ctx);
    verify_ctx_ = EVP_PKEY_CTX_new(key_, nullptr);
    EVP_PKEY_verify_init(verify_ctx_);
  }
  ~EcdsaVerify() {
    EVP_PKEY_CTX_free(verify_ctx_);
    EVP_PKEY_free(key_);
  }
  bool Run() { return EVP_PKEY_verify(verify_ctx_, sig_.data(), sig_.size(), digest_.data(), digest_.size()) == 1; }

 private:
  EVP_PKEY* key_;
  Bytes digest_, sig_;
  EVP_PKEY_CTX* verify_ctx_;
};

void BM_modexp_bn_mod_exp_mont_1024(benchmark::State& state) {
  Modexp modexp;
  for (auto _ : state) modexp.Run();
}
BENCHMARK(BM_modexp_bn_mod_exp_mont_1024)->Unit(benchmark::kMicrosecond);

void BM_ecdsa_p256_verify(benchmark::State& state) {
  EcdsaVerify ecdsa;
  for (auto _ : state) {
    if (!ecdsa.Run()) state.SkipWithError("ECDSA verify failed");
  }
}
BENCHMARK(BM_ecdsa_p256_verify)->Unit(benchmark::kMicrosecond);

// --- ECCSI -------------------------------------------------------------------

struct EccsiFixture {
  eccsi::KmsKeyPair kms;
  Bytes id = RandomBytes(32);
  eccsi::UserKeys user;
  Bytes msg = RandomBytes(700);  // about one MIKEY-SAKKE I_MESSAGE
  Bytes sig;
  EccsiFixture()
      : kms(Must(eccsi::GenerateKmsKeyPair())), user(Must(eccsi::IssueUserKeys(kms.ksak.span(), id))) {
    sig = Must(eccsi::Sign(kms.kpak, id, user.ssk.span(), user.pvt, msg));
  }
};

const EccsiFixture& Eccsi() {
  static const EccsiFixture* f = new EccsiFixture;
  return *f;
}

void BM_eccsi_sign(benchmark::State& state) {
  const EccsiFixture& f = Eccsi();
  for (auto _ : state) {
    benchmark::DoNotOptimize(Must(eccsi::Sign(f.kms.kpak, f.id, f.user.ssk.span(), f.user.pvt, f.msg)));
  }
}
BENCHMARK(BM_eccsi_sign)->Unit(benchmark::kMicrosecond);

void BM_eccsi_verify(benchmark::State& state) {
  const EccsiFixture& f = Eccsi();
  for (auto _ : state) MustOk(eccsi::Verify(f.kms.kpak, f.id, f.msg, f.sig));
}
BENCHMARK(BM_eccsi_verify)->Unit(benchmark::kMicrosecond);

void BM_eccsi_verify_prepared(benchmark::State& state) {
  const EccsiFixture& f = Eccsi();
  eccsi::PreparedVerifier verifier = Must(eccsi::PreparedVerifier::Create(f.kms.kpak));
  for (auto _ : state) MustOk(verifier.Verify(f.id, f.msg, f.sig));
}
BENCHMARK(BM_eccsi_verify_prepared)->Unit(benchmark::kMicrosecond);

// --- SAKKE -------------------------------------------------------------------

// One receiver under the fixture's KMS: identity, RSK and data encapsulated
// to it.
struct SakkeUser {
  Bytes id;
  SecretBytes rsk;
  Bytes ed;
};

struct SakkeFixture {
  // More receivers than PreparedPublicKey follows per key, so cycling
  // through them keeps every decapsulation cold (no RSK reaches the uses
  // that would pay for its lines).
  static constexpr size_t kColdUsers = 16;

  SecretBytes z;
  Bytes z_pub;
  std::shared_ptr<const sakke::PreparedPublicKey> kms;
  Bytes id = RandomBytes(32);  // a UID
  SecretBytes rsk;
  Bytes ssv = RandomBytes(sakke::kSsvSize);
  Bytes ed;
  std::unique_ptr<sakke::PreparedReceiver> receiver;
  std::unique_ptr<sakke::PreparedReceiver> receiver_lines_only;
  std::vector<SakkeUser> cold_users;
  mutable size_t next_cold = 0;
  SakkeFixture()
      : z(Must(sakke::GenerateMasterSecret())),
        z_pub(Must(sakke::PublicKeyFromMaster(z.span()))),
        kms(Must(sakke::PreparedPublicKey::Create(z_pub))),
        rsk(Must(sakke::IssueRsk(z.span(), id))) {
    // The steady state of a long run: every table that pays in the end.
    sakke_internal::PrecomputeParameterTables();
    kms->Precompute();
    ed = Must(kms->Encapsulate(id, ssv));
    receiver = Must(sakke::PreparedReceiver::Create(kms, id, rsk.span()));
    receiver->Precompute();
    receiver_lines_only = Must(sakke::PreparedReceiver::Create(kms, id, rsk.span(), /*recheck_table=*/false));
    for (size_t i = 0; i < kColdUsers; ++i) {
      SakkeUser u{RandomBytes(32), {}, {}};
      u.rsk = Must(sakke::IssueRsk(z.span(), u.id));
      u.ed = Must(kms->Encapsulate(u.id, ssv));
      cold_users.push_back(std::move(u));
    }
  }
  // PreparedPublicKey::Decapsulate with an RSK it has not seen lately.
  SecretBytes DecapsulateCold() const {
    const SakkeUser& u = cold_users[next_cold++ % cold_users.size()];
    return Must(kms->Decapsulate(u.id, u.rsk.span(), u.ed));
  }
};

const SakkeFixture& Sakke() {
  static const SakkeFixture* f = new SakkeFixture;
  return *f;
}

// Encapsulation with the KMS's Z prepared (fixed-base tables for P and Z),
// a fresh SSV every time.
void BM_sakke_encap(benchmark::State& state) {
  const SakkeFixture& f = Sakke();
  Bytes ssv = f.ssv;
  for (auto _ : state) {
    ssv[0]++;
    benchmark::DoNotOptimize(Must(f.kms->Encapsulate(f.id, ssv)));
  }
}
BENCHMARK(BM_sakke_encap)->Unit(benchmark::kMicrosecond);

// The free function: Z decoded per call, [r]([b]P + Z) by a variable-base
// multiplication.
void BM_sakke_encap_unprepared(benchmark::State& state) {
  const SakkeFixture& f = Sakke();
  Bytes ssv = f.ssv;
  for (auto _ : state) {
    ssv[0]++;
    benchmark::DoNotOptimize(Must(sakke::Encapsulate(f.z_pub, f.id, ssv)));
  }
}
BENCHMARK(BM_sakke_encap_unprepared)->Unit(benchmark::kMicrosecond);

// A fresh RSK (full Miller loop) with the domain's Z prepared.
void BM_sakke_decap_cold(benchmark::State& state) {
  const SakkeFixture& f = Sakke();
  for (auto _ : state) benchmark::DoNotOptimize(f.DecapsulateCold());
}
BENCHMARK(BM_sakke_decap_cold)->Unit(benchmark::kMicrosecond);

// The RSK's Miller-loop lines and a table for [ID]P + Z precomputed
// (PreparedReceiver).
void BM_sakke_decap_warm(benchmark::State& state) {
  const SakkeFixture& f = Sakke();
  for (auto _ : state) benchmark::DoNotOptimize(Must(f.receiver->Decapsulate(f.ed)));
}
BENCHMARK(BM_sakke_decap_warm)->Unit(benchmark::kMicrosecond);

// Only the lines precomputed; the re-check uses the tables for P and Z.
void BM_sakke_decap_warm_lines_only(benchmark::State& state) {
  const SakkeFixture& f = Sakke();
  for (auto _ : state) benchmark::DoNotOptimize(Must(f.receiver_lines_only->Decapsulate(f.ed)));
}
BENCHMARK(BM_sakke_decap_warm_lines_only)->Unit(benchmark::kMicrosecond);

// The free function: nothing prepared but the parameter set's own tables.
void BM_sakke_decap_unprepared(benchmark::State& state) {
  const SakkeFixture& f = Sakke();
  for (auto _ : state) {
    benchmark::DoNotOptimize(Must(sakke::Decapsulate(f.z_pub, f.id, f.rsk.span(), f.ed)));
  }
}
BENCHMARK(BM_sakke_decap_unprepared)->Unit(benchmark::kMicrosecond);

void BM_sakke_rsk_validate(benchmark::State& state) {
  const SakkeFixture& f = Sakke();
  for (auto _ : state) MustOk(sakke::ValidateRsk(f.z_pub, f.id, f.rsk.span()));
}
BENCHMARK(BM_sakke_rsk_validate)->Unit(benchmark::kMicrosecond);

// Line precomputation plus the RSK check done with the new lines (without
// the re-check table).
void BM_sakke_receiver_prepare(benchmark::State& state) {
  const SakkeFixture& f = Sakke();
  for (auto _ : state) {
    benchmark::DoNotOptimize(Must(sakke::PreparedReceiver::Create(f.kms, f.id, f.rsk.span(), false)));
  }
}
BENCHMARK(BM_sakke_receiver_prepare)->Unit(benchmark::kMicrosecond);

void BM_sakke_pairing(benchmark::State& state) {
  using namespace sakke_internal;  // NOLINT
  const AffinePoint& p = BasePoint();
  fp1024::Fp w;
  for (auto _ : state) {
    Pairing(p, p, &w);
    benchmark::DoNotOptimize(w);
  }
}
BENCHMARK(BM_sakke_pairing)->Unit(benchmark::kMicrosecond);

void BM_sakke_kms_issue_rsk(benchmark::State& state) {
  const SakkeFixture& f = Sakke();
  for (auto _ : state) benchmark::DoNotOptimize(Must(sakke::IssueRsk(f.z.span(), f.id)));
}
BENCHMARK(BM_sakke_kms_issue_rsk)->Unit(benchmark::kMicrosecond);

void BM_fp1024_mul(benchmark::State& state) {
  fp1024::Fp a = fp1024::FromUint(3), b = fp1024::FromUint(5);
  for (auto _ : state) {
    fp1024::Mul(a, a, b);
    benchmark::DoNotOptimize(a);
  }
}
BENCHMARK(BM_fp1024_mul)->Unit(benchmark::kNanosecond);

void BM_fp1024_sqr(benchmark::State& state) {
  fp1024::Fp a = fp1024::FromUint(3);
  for (auto _ : state) {
    fp1024::Sqr(a, a);
    benchmark::DoNotOptimize(a);
  }
}
BENCHMARK(BM_fp1024_sqr)->Unit(benchmark::kNanosecond);

// The F_p^2 steps of a Miller loop (independent iterations, as in the loop).
void BM_fp2_sqr(benchmark::State& state) {
  fp1024::Fp2 x{fp1024::FromUint(3), fp1024::FromUint(5)};
  for (auto _ : state) {
    fp1024::Fp2Sqr(x, x);
    benchmark::DoNotOptimize(x);
  }
}
BENCHMARK(BM_fp2_sqr)->Unit(benchmark::kNanosecond);

void BM_fp2_mul_line(benchmark::State& state) {
  fp1024::Fp2 x{fp1024::FromUint(3), fp1024::FromUint(5)};
  fp1024::Fp c = fp1024::FromUint(7), d = fp1024::FromUint(11);
  for (auto _ : state) {
    fp1024::Fp2MulLine(x, x, c, d);
    benchmark::DoNotOptimize(x);
  }
}
BENCHMARK(BM_fp2_mul_line)->Unit(benchmark::kNanosecond);

void BM_fp1024_inv(benchmark::State& state) {
  fp1024::Fp a = fp1024::FromUint(3);
  for (auto _ : state) {
    fp1024::Inv(a, a);
    benchmark::DoNotOptimize(a);
  }
}
BENCHMARK(BM_fp1024_inv)->Unit(benchmark::kMicrosecond);

// --- UID and GUK-ID --------------------------------------------------------

void BM_uid(benchmark::State& state) {
  UidParams params{"sip:alice@example.org", "kms.example.org", 2592000, 0, 1500};
  for (auto _ : state) benchmark::DoNotOptimize(MikeySakkeUid(params));
}
BENCHMARK(BM_uid)->Unit(benchmark::kMicrosecond);

void BM_guk_id(benchmark::State& state) {
  Bytes gmk = RandomBytes(16);
  for (auto _ : state) benchmark::DoNotOptimize(Must(GukIdFromGmkId(gmk, 0x0123abcd, "sip:alice@example.org")));
}
BENCHMARK(BM_guk_id)->Unit(benchmark::kMicrosecond);

// --- ratios ------------------------------------------------------------------

// Keeps each benchmark's CPU time (the median when repetitions are on) so
// the ratio table can be printed after the run. CPU rather than wall time:
// on a shared machine it is the steadier measure of the work done.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      if (run.error_occurred) continue;
      std::string name = run.run_name.function_name;
      bool is_median = run.run_type == Run::RT_Aggregate && run.aggregate_name == "median";
      if (run.run_type == Run::RT_Iteration && !times_.count(name)) {
        times_[name] = ToMicros(run);
      } else if (is_median) {
        times_[name] = ToMicros(run);
      }
    }
    ConsoleReporter::ReportRuns(runs);
  }

  void PrintRatios() const {
    std::printf("\nSequential ratios of the medians above (CPU time; sensitive to load changing during the run):\n");
    std::printf("  %-44s %9s %8s %10s\n", "measure", "ratio", "target", "acceptable");
    Ratio("ECCSI verify / ECDSA-P256 verify", "BM_eccsi_verify", "BM_ecdsa_p256_verify", 2.0);
    Ratio("ECCSI verify (prepared) / ECDSA verify", "BM_eccsi_verify_prepared", "BM_ecdsa_p256_verify", 2.0);
    Ratio("SAKKE encapsulate / modexp", "BM_sakke_encap", kModexp, 4.5);
    Ratio("SAKKE decapsulate cold / modexp", "BM_sakke_decap_cold", kModexp, 24.0);
    Ratio("SAKKE decapsulate warm / modexp", "BM_sakke_decap_warm", kModexp, 12.0);
    Ratio("SAKKE decapsulate warm, lines only / modexp", "BM_sakke_decap_warm_lines_only", kModexp, 0);
    Ratio("SAKKE encapsulate (unprepared Z) / modexp", "BM_sakke_encap_unprepared", kModexp, 0);
    Ratio("SAKKE decapsulate (nothing prepared) / modexp", "BM_sakke_decap_unprepared", kModexp, 0);
    Ratio("SAKKE RSK validation / modexp", "BM_sakke_rsk_validate", kModexp, 0);
    Ratio("SAKKE pairing / modexp", "BM_sakke_pairing", kModexp, 0);
    Ratio("modexp / fp1024 mul (field mults per modexp)", kModexp, "BM_fp1024_mul", 0);
  }

 private:
  static constexpr const char* kModexp = "BM_modexp_bn_mod_exp_mont_1024";

  static double ToMicros(const Run& run) {
    return run.GetAdjustedCPUTime() * 1e6 / benchmark::GetTimeUnitMultiplier(run.time_unit);
  }

  // A target of 0 prints the ratio for information only.
  void Ratio(const char* label, const std::string& num, const std::string& den, double target) const {
    auto n = times_.find(num), d = times_.find(den);
    if (n == times_.end() || d == times_.end() || d->second <= 0) return;
    double ratio = n->second / d->second;
    if (target > 0) {
      const char* verdict = ratio <= target ? "target met" : ratio <= 3 * target ? "acceptable" : "TOO SLOW";
      std::printf("  %-44s %8.2fx %7.1fx %9.1fx  %s\n", label, ratio, target, 3 * target, verdict);
    } else {
      std::printf("  %-44s %8.2fx\n", label, ratio);
    }
  }

  std::map<std::string, double> times_;
};


// --- paired ratios -------------------------------------------------------------

// Ratios from interleaved measurement: each round times a batch of the
// yardstick and a batch of the operation back to back (order alternating)
// in thread CPU time, and the median of the per-round ratios is reported.
// Unlike the sequential benchmarks above, both sides see the same machine
// load, which matters on a shared machine.
double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double PairedRatio(const std::function<void()>& op, int op_batch, const std::function<void()>& base,
                   int base_batch, int rounds) {
  auto time_batch = [](const std::function<void()>& f, int n) {
    double start = ThreadCpuSeconds();
    for (int i = 0; i < n; ++i) f();
    return (ThreadCpuSeconds() - start) / n;
  };
  op();
  base();
  std::vector<double> ratios;
  for (int r = 0; r < rounds; ++r) {
    double op_time, base_time;
    if (r % 2 == 0) {
      base_time = time_batch(base, base_batch);
      op_time = time_batch(op, op_batch);
    } else {
      op_time = time_batch(op, op_batch);
      base_time = time_batch(base, base_batch);
    }
    ratios.push_back(op_time / base_time);
  }
  std::sort(ratios.begin(), ratios.end());
  return ratios[ratios.size() / 2];
}

void PrintPairedRatios(int rounds) {
  Modexp modexp;
  EcdsaVerify ecdsa;
  const EccsiFixture& e = Eccsi();
  const SakkeFixture& s = Sakke();
  eccsi::PreparedVerifier verifier = Must(eccsi::PreparedVerifier::Create(e.kms.kpak));
  Bytes ssv = s.ssv;
  auto run_modexp = [&modexp] { modexp.Run(); };
  auto run_ecdsa = [&ecdsa] {
    if (!ecdsa.Run()) std::abort();
  };
  struct Row {
    const char* label;
    std::function<void()> op;
    int op_batch;
    bool against_ecdsa;
    int base_batch;
    double target;
  };
  const std::vector<Row> rows = {
      {"ECCSI verify / ECDSA-P256 verify", [&] { MustOk(eccsi::Verify(e.kms.kpak, e.id, e.msg, e.sig)); }, 10,
       true, 10, 2.0},
      {"ECCSI verify (prepared) / ECDSA verify", [&] { MustOk(verifier.Verify(e.id, e.msg, e.sig)); }, 10, true,
       10, 2.0},
      {"SAKKE encapsulate / modexp",
       [&] {
         ssv[0]++;
         benchmark::DoNotOptimize(Must(s.kms->Encapsulate(s.id, ssv)));
       },
       2, false, 6, 4.5},
      {"SAKKE decapsulate cold / modexp",
       [&] { benchmark::DoNotOptimize(s.DecapsulateCold()); }, 1, false, 20,
       24.0},
      {"SAKKE decapsulate warm / modexp", [&] { benchmark::DoNotOptimize(Must(s.receiver->Decapsulate(s.ed))); },
       1, false, 8, 12.0},
      {"SAKKE decapsulate warm, lines only / modexp",
       [&] { benchmark::DoNotOptimize(Must(s.receiver_lines_only->Decapsulate(s.ed))); }, 1, false, 10, 0},
      {"SAKKE encapsulate (unprepared Z) / modexp",
       [&] {
         ssv[0]++;
         benchmark::DoNotOptimize(Must(sakke::Encapsulate(s.z_pub, s.id, ssv)));
       },
       1, false, 10, 0},
      {"SAKKE decapsulate (nothing prepared) / modexp",
       [&] { benchmark::DoNotOptimize(Must(sakke::Decapsulate(s.z_pub, s.id, s.rsk.span(), s.ed))); }, 1, false,
       25, 0},
      {"SAKKE RSK validation / modexp", [&] { MustOk(sakke::ValidateRsk(s.z_pub, s.id, s.rsk.span())); }, 1,
       false, 20, 0},
  };
  std::printf("\nPaired ratios (interleaved, thread CPU time, median of %d rounds):\n", rounds);
  std::printf("  %-44s %9s %8s %10s\n", "measure", "ratio", "target", "acceptable");
  for (const Row& row : rows) {
    double ratio = PairedRatio(row.op, row.op_batch, row.against_ecdsa ? std::function<void()>(run_ecdsa)
                                                                        : std::function<void()>(run_modexp),
                               row.base_batch, rounds);
    if (row.target > 0) {
      const char* verdict =
          ratio <= row.target ? "target met" : ratio <= 3 * row.target ? "acceptable" : "TOO SLOW";
      std::printf("  %-44s %8.2fx %7.1fx %9.1fx  %s\n", row.label, ratio, row.target, 3 * row.target, verdict);
    } else {
      std::printf("  %-44s %8.2fx\n", row.label, ratio);
    }
    std::fflush(stdout);
  }
}

// --- break-even of precomputation ---------------------------------------------

// How many uses repay each table (crypto/sakke_precompute.cc's tiers come
// from this): per round, the build and the per-use costs with and without
// the table are timed back to back with a modexp (thread CPU time), and the
// median per-round figures are printed, in modexps so runs compare.
struct TimedMedian {
  std::vector<double> samples;
  void Add(double v) { samples.push_back(v); }
  double Median() {
    std::sort(samples.begin(), samples.end());
    return samples.empty() ? 0 : samples[samples.size() / 2];
  }
};

template <typename F>
double SecondsPer(F&& f, int n) {
  double start = ThreadCpuSeconds();
  for (int i = 0; i < n; ++i) f(i);
  return (ThreadCpuSeconds() - start) / n;
}

void PrintBreakEven(int rounds) {
  using namespace sakke_internal;  // NOLINT
  const SakkeFixture& s = Sakke();
  Modexp modexp;
  const AffinePoint z = Must(DecodePoint(s.z_pub, "Z"));
  std::vector<Scalar> scalars;
  for (int i = 0; i < 8; ++i) scalars.push_back(ScalarFromBytesModQ(RandomBytes(128)));
  constexpr int kMinW = 3, kMaxW = 8;
  TimedMedian var_mul, var_pow, lines_build, cold, warm_lines, z_route;
  std::map<int, TimedMedian> build, mul, gbuild, gpow;
  // Break-even points, per round, so load changes cancel out.
  std::map<int, TimedMedian> point_first, point_next, gen_first, gen_next, q_b_even;
  TimedMedian lines_even;
  auto modexp_time = [&] { return SecondsPer([&](int) { modexp.Run(); }, 4); };
  auto scalar = [&](int i) -> const Scalar& { return scalars[static_cast<size_t>(i) % scalars.size()]; };
  // The re-check without a table for [ID]P + Z: [rb]P + [r]Z from P's and
  // Z's 8-bit tables, summed in one tree.
  const FixedBaseTable p_table(BasePoint(), 8), z_table(z, 8);
  auto re_check_with_z = [&](int i) {
    std::vector<AffinePoint> terms;
    p_table.AppendTerms(scalar(i), terms);
    z_table.AppendTerms(scalar(i + 1), terms);
    benchmark::DoNotOptimize(SumAffine(terms));
  };
  for (int r = 0; r < rounds; ++r) {
    double m = modexp_time();
    double v = SecondsPer([&](int i) { benchmark::DoNotOptimize(ScalarMul(z, scalar(i))); }, 4) / m;
    double gv = SecondsPer([&](int i) { benchmark::DoNotOptimize(GeneratorPowerUntabled(scalar(i))); }, 8) / m;
    var_mul.Add(v);
    var_pow.Add(gv);
    std::map<int, double> b, u, gb, gu;
    for (int w = kMinW; w <= kMaxW; ++w) {
      m = modexp_time();
      std::unique_ptr<FixedBaseTable> table;
      b[w] = SecondsPer([&](int) { table = std::make_unique<FixedBaseTable>(z, w); }, 1) / m;
      u[w] = SecondsPer([&](int i) { benchmark::DoNotOptimize(table->Mul(scalar(i))); }, 8) / m;
      std::unique_ptr<GeneratorTable> gtable;
      gb[w] = SecondsPer([&](int) { gtable = std::make_unique<GeneratorTable>(w); }, 1) / m;
      gu[w] = SecondsPer([&](int i) { benchmark::DoNotOptimize(gtable->Power(scalar(i))); }, 16) / m;
      build[w].Add(b[w]);
      mul[w].Add(u[w]);
      gbuild[w].Add(gb[w]);
      gpow[w].Add(gu[w]);
      point_first[w].Add(b[w] / (v - u[w]));
      gen_first[w].Add(gb[w] / (gv - gu[w]));
    }
    for (int w = kMinW; w < kMaxW; ++w) {
      for (int w2 = w + 1; w2 <= kMaxW; ++w2) {
        point_next[w * 16 + w2].Add(b[w2] / (u[w] - u[w2]));
        gen_next[w * 16 + w2].Add(gb[w2] / (gu[w] - gu[w2]));
      }
    }
    m = modexp_time();
    double lb = SecondsPer([&](int) {
                  benchmark::DoNotOptimize(Must(sakke::PreparedReceiver::Create(s.kms, s.id, s.rsk.span(), false)));
                }, 1) / m;
    double c = SecondsPer([&](int) { benchmark::DoNotOptimize(s.DecapsulateCold()); }, 2) / m;
    double wl = SecondsPer([&](int) { benchmark::DoNotOptimize(Must(s.receiver_lines_only->Decapsulate(s.ed))); }, 2) / m;
    double zr = SecondsPer(re_check_with_z, 8) / m;
    lines_build.Add(lb);
    cold.Add(c);
    warm_lines.Add(wl);
    z_route.Add(zr);
    lines_even.Add(lb / (c - wl));
    for (int w = kMinW; w <= kMaxW; ++w) q_b_even[w].Add(b[w] / (zr - u[w]));
  }
  std::printf("\nBreak-even of precomputation (thread CPU, median of %d rounds; costs in modexps;\n"
              "uses = build cost / saving per use, the rent-or-buy threshold):\n", rounds);
  std::printf("  variable-base [k]Q (wNAF-5): %.2f;  g^r without a table: %.2f\n", var_mul.Median(),
              var_pow.Median());
  std::printf("  %-3s %11s %9s %9s %12s %11s %9s %9s %12s\n", "w", "point build", "[k]Q", "KiB", "uses vs none",
              "g build", "g^r", "KiB", "uses vs none");
  for (int w = kMinW; w <= kMaxW; ++w) {
    size_t points = static_cast<size_t>((1025 + w - 1) / w) << (w - 1);
    std::printf("  %-3d %11.1f %9.3f %9zu %12.1f %11.1f %9.3f %9zu %12.1f\n", w, build[w].Median(), mul[w].Median(),
                points * sizeof(AffinePoint) / 1024, point_first[w].Median(), gbuild[w].Median(), gpow[w].Median(),
                points * sizeof(fp1024::Fp) / 1024, gen_first[w].Median());
  }
  std::printf("  next tier (uses of the smaller table that repay the bigger one):\n");
  for (int w = kMinW; w < kMaxW; ++w) {
    for (int w2 = w + 1; w2 <= kMaxW; ++w2) {
      std::printf("    w=%d -> w=%d: points %8.1f   g %8.1f\n", w, w2, point_next[w * 16 + w2].Median(),
                  gen_next[w * 16 + w2].Median());
    }
  }
  std::printf("  RSK lines: build + check %.1f, decapsulation cold %.2f, with lines %.2f: %.1f uses\n",
              lines_build.Median(), cold.Median(), warm_lines.Median(), lines_even.Median());
  std::printf("  [ID]P + Z table (the re-check with P's and Z's w=%d tables instead: %.2f):", kMaxW,
              z_route.Median());
  for (int w = kMinW; w <= kMaxW; ++w) std::printf("  w=%d %.0f", w, q_b_even[w].Median());
  std::printf(" uses\n");
  std::printf("  tiers in crypto/sakke_precompute.cc (window bits after uses):\n");
  const std::pair<const char*, TableKind> kinds[] = {{"P", TableKind::kBasePoint},
                                                     {"Z", TableKind::kPublicKey},
                                                     {"g", TableKind::kGenerator},
                                                     {"[ID]P + Z", TableKind::kReceiverPoint},
                                                     {"RSK lines", TableKind::kRskLines}};
  for (const auto& [name, kind] : kinds) {
    std::printf("    %-10s", name);
    for (const TableTier& t : TiersFor(kind)) {
      if (t.window_bits > 0) {
        std::printf("  w=%d after %llu", t.window_bits, static_cast<unsigned long long>(t.after_uses));
      } else {
        std::printf("  after %llu", static_cast<unsigned long long>(t.after_uses));
      }
    }
    std::printf("\n");
  }
  std::fflush(stdout);
}

}  // namespace
}  // namespace mcx

int main(int argc, char** argv) {
  // Own flags: --paired_rounds=N (default 21; 0 skips the paired table),
  // --break_even_rounds=N (default 11; 0 skips the break-even table).
  int paired_rounds = 21;
  int break_even_rounds = 11;
  std::vector<char*> args = {argv[0]};
  bool repetitions_given = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--paired_rounds=", 16) == 0) {
      paired_rounds = std::atoi(argv[i] + 16);
      continue;
    }
    if (std::strncmp(argv[i], "--break_even_rounds=", 20) == 0) {
      break_even_rounds = std::atoi(argv[i] + 20);
      continue;
    }
    if (std::strncmp(argv[i], "--benchmark_repetitions", 23) == 0) repetitions_given = true;
    args.push_back(argv[i]);
  }
  static char kRepetitions[] = "--benchmark_repetitions=5";
  static char kAggregatesOnly[] = "--benchmark_report_aggregates_only=true";
  if (!repetitions_given) {
    args.insert(args.begin() + 1, kAggregatesOnly);
    args.insert(args.begin() + 1, kRepetitions);
  }
  int n = static_cast<int>(args.size());
  benchmark::Initialize(&n, args.data());
  if (benchmark::ReportUnrecognizedArguments(n, args.data())) return 1;
  std::printf("fp1024 arithmetic: %s\n",
              mcx::fp1024::UsingAdxAssembly() ? "x86-64 MULX/ADX assembly" : "portable C");
  mcx::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.PrintRatios();
  if (paired_rounds > 0) mcx::PrintPairedRatios(paired_rounds);
  if (break_even_rounds > 0) mcx::PrintBreakEven(break_even_rounds);
  benchmark::Shutdown();
  return 0;
}
