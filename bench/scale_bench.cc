// The harness at scale: a generated multi-domain regroup with 500 and 5,000
// affiliated members per domain, run by engine::RunTestCase against the
// reference SUT (a separate process, as in `mcxtest run`), and in the same run
// the crypto floor per member: one SAKKE encapsulation and one ECCSI
// signature (what the SUT does for each member) and one SAKKE decapsulation
// and one ECCSI verification (what the harness does), with the APIs the code
// uses (the KMS's Z prepared for both SAKKE sides, the RSK not prepared, as
// the verifier sees a new one for every member, and the KPAK prepared). Targets (docs/performance.md): wall time
// <= 1.3x floor x members / cores, linear growth, peak RSS <= 1 GiB.
//
//   bazel run -c opt //bench:scale_bench
//   bazel run -c opt //bench:scale_bench -- --benchmark_filter='/500/'
//
// Each scale benchmark runs once (2x5,000 takes minutes); the counters hold
// the figures, and a summary table follows.
//
// Suite mode (issue 18.4): BM_Suite runs the whole conformance suite with the
// real `mcxtest run` (bundled reference SUT) with --jobs 1 and --jobs = cores,
// and prints its wall time next to its crypto floor, timed in the same run:
// per GKTP of its report, encapsulate + sign + 2 x (verify + cold
// decapsulate), each operation's mean thread CPU time measured right before
// and right after the suite.
//
//   bazel run -c opt //bench:scale_bench -- --benchmark_filter=Suite
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include "crypto/eccsi.h"
#include "crypto/sakke.h"
#include "crypto/sakke_precompute.h"
#include "harness/engine/engine.h"
#include "harness/scenario/generate.h"
#include "kms/key_store.h"

namespace mcx {
namespace {

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "scale_bench: %s\n", message.c_str());
  std::exit(1);
}

template <typename T>
T Must(Result<T> r) {
  if (!r.ok()) Die(r.error().ToString());
  return std::move(r).value();
}

char** g_argv = nullptr;

// A file of the workspace from the runfiles (bazel run), or next to argv[0].
std::string Runfile(const std::string& path, const char* env_override) {
  const char* env = std::getenv(env_override);
  if (env && *env) return env;
  const char* runfiles = std::getenv("RUNFILES_DIR");
  std::vector<std::string> candidates;
  if (runfiles) candidates.push_back(std::string(runfiles) + "/mcxtest/" + path);
  candidates.push_back(std::string(g_argv[0]) + ".runfiles/mcxtest/" + path);
  for (const auto& c : candidates) {
    std::error_code ec;
    if (std::filesystem::exists(c, ec)) return c;
  }
  Die("cannot find " + path + " in the runfiles (set " + env_override + ")");
}

std::string ReferenceSut() { return Runfile("harness/sut/reference_sut", "MCXTEST_SCALE_SUT"); }

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double Seconds(const timeval& tv) { return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) * 1e-6; }

struct Usage {
  double cpu_seconds;  // user + system
  double max_rss_mib;
};

Usage GetUsage(int who) {
  rusage ru{};
  getrusage(who, &ru);
  return {Seconds(ru.ru_utime) + Seconds(ru.ru_stime), static_cast<double>(ru.ru_maxrss) / 1024.0};
}

// ---------------------------------------------------------------- the floor

struct FloorFixture {
  // Receivers taken in turn: more than PreparedPublicKey follows per key,
  // so no RSK is used often enough to get its lines (each member of a run
  // is a new RSK for the verifier).
  static constexpr int kReceivers = 16;
  std::shared_ptr<const sakke::PreparedPublicKey> z;
  std::unique_ptr<eccsi::PreparedVerifier> verifier;
  kms::KmsPublicParams kms;
  kms::KmsKeySet sender;
  std::vector<kms::KmsKeySet> receivers;
  Bytes message = Bytes(600, 0x5a);  // about the signed part of a GKTP
};

const FloorFixture& Floor() {
  static const FloorFixture* f = [] {
    auto* f = new FloorFixture;
    kms::KeyStore store = kms::KeyStore::InMemory();
    if (Status s = store.CreateDomain({"kms.floor.example", kms::kDefaultUserKeyPeriod, 0, 7}); !s.ok()) {
      Die(s.error().ToString());
    }
    f->kms = Must(store.Kms("kms.floor.example"));
    f->sender = *Must(store.KeySet("kms.floor.example", "sip:gms@floor.example", 1500));
    for (int i = 0; i < FloorFixture::kReceivers; ++i) {
      f->receivers.push_back(
          *Must(store.KeySet("kms.floor.example", "sip:user" + std::to_string(i) + "@floor.example", 1500)));
    }
    f->z = Must(sakke::PreparedPublicKey::Create(f->kms.z_t));
    // A run uses P, g and Z thousands of times, so their biggest tables are
    // built early in it: the floor is the steady state.
    sakke_internal::PrecomputeParameterTables();
    f->z->Precompute();
    f->verifier = std::make_unique<eccsi::PreparedVerifier>(Must(eccsi::PreparedVerifier::Create(f->kms.kpak)));
    return f;
  }();
  return *f;
}

// One member's crypto; returns false if any step failed.
bool FloorOnce(const FloorFixture& f, uint8_t salt) {
  const kms::KmsKeySet& receiver = f.receivers[salt % FloorFixture::kReceivers];
  Bytes ssv(sakke::kSsvSize, salt);
  auto ed = f.z->Encapsulate(receiver.user_id, ssv);
  if (!ed.ok()) return false;
  auto sig = eccsi::Sign(f.kms.kpak, f.sender.user_id, f.sender.user_signing_key.span(), f.sender.user_pub_token,
                         f.message);
  if (!sig.ok()) return false;
  auto back = f.z->Decapsulate(receiver.user_id, receiver.user_decrypt_key.span(), *ed);
  if (!back.ok()) return false;
  return f.verifier->Verify(f.sender.user_id, f.message, *sig).ok();
}

// Mean thread-CPU seconds of one member's crypto over `rounds` rounds: a
// mean, like the CPU totals of the run it is compared with.
double MeasureFloorSeconds(int rounds) {
  const FloorFixture& f = Floor();
  double t0 = ThreadCpuSeconds();
  for (int i = 0; i < rounds; ++i) {
    if (!FloorOnce(f, static_cast<uint8_t>(i))) Die("floor crypto failed");
  }
  return (ThreadCpuSeconds() - t0) / rounds;
}

void BM_CryptoFloorPerMember(benchmark::State& state) {
  const FloorFixture& f = Floor();
  uint8_t i = 0;
  for (auto _ : state) {
    if (!FloorOnce(f, i++)) state.SkipWithError("floor crypto failed");
  }
}
BENCHMARK(BM_CryptoFloorPerMember)->Unit(benchmark::kMillisecond)->MinTime(2.0);

// ---------------------------------------------------------------- the harness

struct ScaleResult {
  std::string role;
  int members_per_domain = 0;
  double wall_s = 0, floor_ms = 0, harness_cpu_s = 0, sut_cpu_s = 0, rss_mib = 0;
  int cores = 0;
  size_t members = 0;
};
std::vector<ScaleResult> g_results;

double WallRatio(const ScaleResult& r) {
  return r.wall_s / (r.floor_ms * 1e-3 * static_cast<double>(r.members) / r.cores);
}
double CpuRatio(const ScaleResult& r) {
  return (r.harness_cpu_s + r.sut_cpu_s) / (r.floor_ms * 1e-3 * static_cast<double>(r.members));
}

// Args: members per domain, role (0 primary-gms, 1 partner-gms).
void BM_ScaleRegroup(benchmark::State& state) {
  scenario::LargeRegroupSpec spec;
  spec.members_per_domain = static_cast<int>(state.range(0));
  spec.role = state.range(1) == 0 ? scenario::SutRole::kPrimaryGms : scenario::SutRole::kPartnerGms;
  spec.id = "SCALE-" + std::to_string(spec.members_per_domain);
  scenario::Scenario s = Must(scenario::LargeRegroupScenario(spec));

  ScaleResult r;
  r.role = scenario::SutRoleName(spec.role);
  r.members_per_domain = spec.members_per_domain;
  r.cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  // The members keyed in this run: both domains for primary-gms (the harness
  // plays the partner GMS), the partner domain for partner-gms.
  r.members = static_cast<size_t>(spec.members_per_domain) * (spec.role == scenario::SutRole::kPrimaryGms ? 2 : 1);
  // The floor right before and right after the run, under the same load
  // (on a shared machine it moves by tens of percent).
  double floor_before_ms = MeasureFloorSeconds(50) * 1e3;

  engine::EngineOptions o;
  o.sut_command = ReferenceSut();
  o.timeout = std::chrono::seconds(1800);
  o.jobs = r.cores;
  for (auto _ : state) {
    Usage self0 = GetUsage(RUSAGE_SELF), child0 = GetUsage(RUSAGE_CHILDREN);
    auto t0 = std::chrono::steady_clock::now();
    engine::TestCaseResult result = engine::RunTestCase(s, o);
    r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    Usage self1 = GetUsage(RUSAGE_SELF), child1 = GetUsage(RUSAGE_CHILDREN);
    r.harness_cpu_s = self1.cpu_seconds - self0.cpu_seconds;
    r.sut_cpu_s = child1.cpu_seconds - child0.cpu_seconds;
    r.rss_mib = self1.max_rss_mib;
    if (result.verdict != engine::Verdict::kPassed) {
      state.SkipWithError(("verdict " + std::string(engine::VerdictName(result.verdict)) + ": " + result.summary)
                              .substr(0, 300)
                              .c_str());
      return;
    }
    if (result.messages.size() < r.members) {
      state.SkipWithError("fewer messages than members");
      return;
    }
  }
  double floor_after_ms = MeasureFloorSeconds(50) * 1e3;
  r.floor_ms = (floor_before_ms + floor_after_ms) / 2;
  state.counters["floor_before_ms"] = floor_before_ms;
  state.counters["floor_after_ms"] = floor_after_ms;
  state.counters["members"] = static_cast<double>(r.members);
  state.counters["members_per_s"] = static_cast<double>(r.members) / r.wall_s;
  state.counters["floor_ms"] = r.floor_ms;
  state.counters["cores"] = r.cores;
  state.counters["ratio_wall"] = WallRatio(r);
  state.counters["ratio_cpu"] = CpuRatio(r);
  state.counters["harness_cpu_s"] = r.harness_cpu_s;
  state.counters["sut_cpu_s"] = r.sut_cpu_s;
  // The harness process's peak (ru_maxrss). The SUT's is not reported: the
  // children's ru_maxrss counts the harness's pages shared at fork time.
  state.counters["peak_rss_MiB"] = r.rss_mib;
  g_results.push_back(r);
}
BENCHMARK(BM_ScaleRegroup)
    ->ArgNames({"members_per_domain", "role"})
    ->Args({500, 0})
    ->Args({5000, 0})
    ->Args({500, 1})
    ->Args({5000, 1})
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kSecond);


// ---------------------------------------------------------------- the suite

// Mean thread-CPU seconds of each operation of the suite's floor.
struct OpSeconds {
  double encapsulate = 0, sign = 0, verify = 0, decapsulate_cold = 0;
  // What one GKTP costs at the least: the sender encapsulates and signs;
  // both verifications of it (the SUT's or harness's peer and the harness)
  // check the signature and decapsulate with an RSK seen for the first time.
  double PerGktp() const { return encapsulate + sign + 2 * (verify + decapsulate_cold); }
};

OpSeconds MeasureOps(int rounds) {
  const FloorFixture& f = Floor();
  OpSeconds s;
  std::vector<Bytes> eds;
  std::vector<Bytes> sigs;
  Bytes message = f.message;
  double t0 = ThreadCpuSeconds();
  for (int i = 0; i < rounds; ++i) {
    const kms::KmsKeySet& receiver = f.receivers[i % FloorFixture::kReceivers];
    eds.push_back(Must(f.z->Encapsulate(receiver.user_id, Bytes(sakke::kSsvSize, static_cast<uint8_t>(i)))));
  }
  double t1 = ThreadCpuSeconds();
  for (int i = 0; i < rounds; ++i) {
    message[0] = static_cast<uint8_t>(i);
    sigs.push_back(Must(eccsi::Sign(f.kms.kpak, f.sender.user_id, f.sender.user_signing_key.span(),
                                    f.sender.user_pub_token, message)));
  }
  double t2 = ThreadCpuSeconds();
  for (int i = 0; i < rounds; ++i) {
    message[0] = static_cast<uint8_t>(i);
    if (!f.verifier->Verify(f.sender.user_id, message, sigs[i]).ok()) Die("floor verification failed");
  }
  double t3 = ThreadCpuSeconds();
  for (int i = 0; i < rounds; ++i) {
    const kms::KmsKeySet& receiver = f.receivers[i % FloorFixture::kReceivers];
    if (!f.z->Decapsulate(receiver.user_id, receiver.user_decrypt_key.span(), eds[i]).ok()) {
      Die("floor decapsulation failed");
    }
  }
  double t4 = ThreadCpuSeconds();
  s.encapsulate = (t1 - t0) / rounds;
  s.sign = (t2 - t1) / rounds;
  s.verify = (t3 - t2) / rounds;
  s.decapsulate_cold = (t4 - t3) / rounds;
  return s;
}

OpSeconds Mean(const OpSeconds& a, const OpSeconds& b) {
  return {(a.encapsulate + b.encapsulate) / 2, (a.sign + b.sign) / 2, (a.verify + b.verify) / 2,
          (a.decapsulate_cold + b.decapsulate_cold) / 2};
}

struct SuiteResult {
  int jobs = 0, cores = 0, exit_code = 0;
  size_t cases = 0, gktps = 0;
  double wall_s = 0, cpu_s = 0, median_case_s = 0, median_ue_case_s = 0;
  OpSeconds ops;
  double FloorSeconds() const { return ops.PerGktp() * static_cast<double>(gktps); }
  // The floor spread over the cores the run may use.
  double WallRatio() const { return wall_s / (FloorSeconds() / std::min(jobs, cores)); }
  double CpuRatio() const { return cpu_s / FloorSeconds(); }
};
std::vector<SuiteResult> g_suite_results;

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Runs argv, waiting for it; returns its exit code (-1: did not run).
int RunProcess(const std::vector<std::string>& argv, const std::string& output) {
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    FILE* out = std::freopen(output.c_str(), "w", stdout);
    if (out) dup2(STDOUT_FILENO, STDERR_FILENO);
    execv(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// Arg: --jobs (0: one per core).
void BM_Suite(benchmark::State& state) {
  SuiteResult r;
  r.cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  r.jobs = state.range(0) > 0 ? static_cast<int>(state.range(0)) : r.cores;
  const std::string mcxtest = Runfile("harness/mcxtest", "MCXTEST_SUITE_BINARY");
  const std::string suite = Runfile("testcases", "MCXTEST_SUITE_DIR");
  const std::string dir = std::filesystem::temp_directory_path() / ("mcxtest-suite-bench-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string json = dir + "/report.json";
  OpSeconds before = MeasureOps(20);
  for (auto _ : state) {
    Usage child0 = GetUsage(RUSAGE_CHILDREN);
    auto t0 = std::chrono::steady_clock::now();
    r.exit_code = RunProcess({mcxtest, "run", "--jobs", std::to_string(r.jobs), "--report-dir", dir, suite},
                             dir + "/console.txt");
    r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    // mcxtest reaps its SUT processes, so their CPU time is in its own.
    r.cpu_s = GetUsage(RUSAGE_CHILDREN).cpu_seconds - child0.cpu_seconds;
  }
  OpSeconds after = MeasureOps(20);
  r.ops = Mean(before, after);
  if (r.exit_code != 0) {
    state.SkipWithError(("mcxtest run exited " + std::to_string(r.exit_code) + ", see " + dir).c_str());
    return;
  }
  std::ifstream in(json);
  nlohmann::json report = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!report.is_object() || !report["cases"].is_array()) {
    state.SkipWithError(("cannot read " + json).c_str());
    return;
  }
  std::vector<double> case_seconds, ue_case_seconds;
  for (const auto& c : report["cases"]) {
    ++r.cases;
    if (c.contains("seconds") && c["seconds"].is_number()) {
      case_seconds.push_back(c["seconds"].get<double>());
      // Issue 18's per-case target is for a UE case (one GKTP delivered).
      if (c.value("role", "") == "ue") ue_case_seconds.push_back(c["seconds"].get<double>());
    }
    if (!c.contains("messages") || !c["messages"].is_array()) continue;
    for (const auto& m : c["messages"]) {
      if (m.value("kind", "") == "gktp") ++r.gktps;
    }
  }
  r.median_case_s = Median(case_seconds);
  r.median_ue_case_s = Median(ue_case_seconds);
  std::filesystem::remove_all(dir);
  state.counters["jobs"] = r.jobs;
  state.counters["cases"] = static_cast<double>(r.cases);
  state.counters["gktps"] = static_cast<double>(r.gktps);
  state.counters["floor_s"] = r.FloorSeconds();
  state.counters["ratio_wall"] = r.WallRatio();
  state.counters["ratio_cpu"] = r.CpuRatio();
  state.counters["median_ue_case_s"] = r.median_ue_case_s;
  g_suite_results.push_back(r);
}
BENCHMARK(BM_Suite)->ArgName("jobs")->Arg(1)->Arg(0)->Iterations(1)->UseRealTime()->Unit(benchmark::kSecond);

void PrintSuiteSummary() {
  if (g_suite_results.empty()) return;
  std::printf(
      "\nWhole suite, `mcxtest run` against the reference SUT (floor = GKTPs x (encapsulate + sign + 2 x (verify + "
      "cold decapsulate)); wall x = wall / (floor / min(jobs, cores)); cpu x = mcxtest + SUT CPU / floor):\n");
  std::printf("  %4s %5s %6s %8s %9s %9s %9s %8s %8s %8s  %s\n", "jobs", "cases", "GKTPs", "wall s", "median s",
              "median UE", "floor s", "wall x", "CPU s", "cpu x", "per GKTP: encap + sign + 2 x (verify + cold decap), ms");
  for (const auto& r : g_suite_results) {
    std::printf("  %4d %5zu %6zu %8.2f %9.3f %9.3f %9.3f %8.2f %8.2f %8.2f  %.2f + %.3f + 2 x (%.3f + %.2f) = %.2f\n",
                r.jobs, r.cases, r.gktps, r.wall_s, r.median_case_s, r.median_ue_case_s, r.FloorSeconds(), r.WallRatio(),
                r.cpu_s, r.CpuRatio(),
                r.ops.encapsulate * 1e3, r.ops.sign * 1e3, r.ops.verify * 1e3, r.ops.decapsulate_cold * 1e3,
                r.ops.PerGktp() * 1e3);
  }
}

void PrintSummary() {
  if (g_results.empty()) return;
  std::printf(
      "\nHarness at scale (wall ratio = wall / (floor x members / cores); cpu ratio = (harness + SUT CPU) / "
      "(floor x members)):\n");
  std::printf("  %-12s %8s %8s %9s %9s %8s %8s %6s %8s %8s\n", "role", "members", "wall s", "members/s",
              "floor ms", "wall x", "cpu x", "cores", "CPU s", "RSS MiB");
  for (const auto& r : g_results) {
    std::printf("  %-12s %8zu %8.1f %9.1f %9.2f %8.2f %8.2f %6d %8.1f %8.0f\n", r.role.c_str(), r.members, r.wall_s,
                static_cast<double>(r.members) / r.wall_s, r.floor_ms, WallRatio(r), CpuRatio(r), r.cores,
                r.harness_cpu_s + r.sut_cpu_s, r.rss_mib);
  }
  // Growth: time per member at the largest size over the smallest, per role.
  std::map<std::string, std::pair<const ScaleResult*, const ScaleResult*>> span;
  for (const auto& r : g_results) {
    auto& [lo, hi] = span[r.role];
    if (!lo || r.members < lo->members) lo = &r;
    if (!hi || r.members > hi->members) hi = &r;
  }
  for (const auto& [role, lohi] : span) {
    const auto& [lo, hi] = lohi;
    if (lo == hi) continue;
    auto per = [](const ScaleResult* r, double s) { return s / static_cast<double>(r->members) * 1e3; };
    double wall_lo = per(lo, lo->wall_s), wall_hi = per(hi, hi->wall_s);
    double cpu_lo = per(lo, lo->harness_cpu_s + lo->sut_cpu_s), cpu_hi = per(hi, hi->harness_cpu_s + hi->sut_cpu_s);
    std::printf(
        "  %s, per member from %zu to %zu members: wall %.2f -> %.2f ms (x%.2f), CPU %.2f -> %.2f ms (x%.2f); "
        "1.00 is linear\n",
        role.c_str(), lo->members, hi->members, wall_lo, wall_hi, wall_hi / wall_lo, cpu_lo, cpu_hi, cpu_hi / cpu_lo);
  }
}

}  // namespace
}  // namespace mcx

int main(int argc, char** argv) {
  mcx::g_argv = argv;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  mcx::PrintSummary();
  mcx::PrintSuiteSummary();
  benchmark::Shutdown();
  return 0;
}
