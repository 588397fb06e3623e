// Per-check verdict counts of the gktp_verify fuzz target over a corpus:
// how many inputs got past the signature and which later checks they
// reached. docs/fuzzing.md compares the corpora that libFuzzer grew with
// and without the crypto-aware mutator with it.
//
//   bazel run //fuzz:verdict_stats -- DIR...
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>

#include "fuzz/fuzz_world.h"
#include "mikey/gktp_verifier.h"

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  const auto& world = mcx::fuzz::World();
  mcx::mikey::GktpVerifier verifier(world.verifying);
  struct Counts {
    int pass = 0, fail = 0, na = 0, ne = 0;
  };
  std::map<std::string, Counts> by_check;
  int inputs = 0, accepted = 0;
  for (int i = 1; i < argc; ++i) {
    for (const auto& entry : fs::recursive_directory_iterator(argv[i])) {
      if (!entry.is_regular_file()) continue;
      std::ifstream in(entry.path(), std::ios::binary);
      mcx::Bytes wire((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      auto v = verifier.Verify(wire, world.Options());
      ++inputs;
      accepted += v.accepted() ? 1 : 0;
      for (const auto& r : v.checks.results()) {
        Counts& c = by_check[r.id];
        (r.status == mcx::checks::CheckStatus::kPass ? c.pass
         : r.status == mcx::checks::CheckStatus::kFail ? c.fail
         : r.not_evaluated()                            ? c.ne
                                                       : c.na)++;
      }
    }
  }
  std::printf("inputs %d, accepted %d\n%-20s %6s %6s %6s %6s\n", inputs, accepted, "check", "pass", "fail", "n/a",
              "n/e");
  for (const auto& [id, c] : by_check) {
    std::printf("%-20s %6d %6d %6d %6d\n", id.c_str(), c.pass, c.fail, c.na, c.ne);
  }
  return 0;
}
