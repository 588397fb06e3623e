// The crypto-aware mutator must get past the signature (else it is no
// better than byte mutation), must actually change messages, and must be
// deterministic in its seed (libFuzzer replays mutations by seed).
#include "fuzz/gktp_mutator.h"

#include <cstdio>
#include <set>

#include <gtest/gtest.h>

#include "fuzz/fuzz_world.h"
#include "mikey/codec.h"
#include "mikey/gktp_builder.h"
#include "mikey/gktp_verifier.h"

namespace mcx::fuzz {
namespace {

class GktpMutatorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    mikey::GktpBuilder builder(World().signing);
    seeds_ = new std::vector<Bytes>;
    for (const auto& spec : SeedSpecs()) {
      auto built = builder.Build(spec);
      ASSERT_TRUE(built.ok()) << built.error().ToString();
      seeds_->push_back(built->wire);
    }
  }
  static void TearDownTestSuite() {
    delete seeds_;
    seeds_ = nullptr;
  }
  static std::vector<Bytes>* seeds_;
};
std::vector<Bytes>* GktpMutatorTest::seeds_ = nullptr;

mikey::GktpVerification Verify(ByteSpan wire) {
  static const mikey::GktpVerifier verifier(World().verifying);
  return verifier.Verify(wire, World().Options());
}

TEST_F(GktpMutatorTest, SeedsAreAcceptedOrFailOnlyByDesign) {
  // The seed messages are the starting points: the in-period police ones are
  // accepted outright, so mutations start from a passing verdict.
  auto v = Verify((*seeds_)[0]);
  EXPECT_TRUE(v.accepted());
  EXPECT_EQ(v.checks.Find("SIGN.VALID")->status, checks::CheckStatus::kPass);
}

TEST_F(GktpMutatorTest, MostMutantsStillCarryAValidSignature) {
  GktpMutator mutator(World());
  int produced = 0, signed_ok = 0, changed = 0, past_sign_failing_later = 0;
  uint64_t seed = 1;
  for (const Bytes& input : *seeds_) {
    for (int i = 0; i < 25; ++i, ++seed) {
      auto out = mutator.Mutate(input, seed);
      if (!out) continue;
      ++produced;
      if (*out != input) ++changed;
      auto v = Verify(*out);
      if (v.checks.Find("SIGN.VALID")->status == checks::CheckStatus::kPass) {
        ++signed_ok;
        if (!v.accepted()) ++past_sign_failing_later;
      }
    }
  }
  std::printf("mutants: %d, changed: %d, SIGN.VALID pass: %d, of which rejected later: %d\n", produced, changed,
              signed_ok, past_sign_failing_later);
  ASSERT_GT(produced, 0);
  // A decodable input almost always yields an output.
  EXPECT_GE(produced, static_cast<int>(seeds_->size()) * 25 * 9 / 10);
  EXPECT_GE(changed, produced * 9 / 10);
  // Byte mutation gets essentially 0% past SIGN.VALID; the mutator must
  // get the majority there.
  EXPECT_GE(signed_ok, produced * 6 / 10) << signed_ok << " of " << produced;
  // And some of those must then fail a later check: that is the point.
  EXPECT_GT(past_sign_failing_later, produced / 5);
}

TEST_F(GktpMutatorTest, DeterministicForASeed) {
  GktpMutator mutator(World());
  GktpMutator other(World());
  std::set<Bytes> distinct;
  for (uint64_t seed = 100; seed < 120; ++seed) {
    auto a = mutator.Mutate((*seeds_)[0], seed);
    auto b = other.Mutate((*seeds_)[0], seed);
    ASSERT_EQ(a.has_value(), b.has_value()) << seed;
    if (a) {
      EXPECT_EQ(*a, *b) << seed;
      distinct.insert(*a);
    }
  }
  EXPECT_GE(distinct.size(), 15u);  // seeds lead to different mutants
}

TEST_F(GktpMutatorTest, UndecodableInputIsLeftToByteMutation) {
  GktpMutator mutator(World());
  Bytes truncated((*seeds_)[0].begin(), (*seeds_)[0].end() - 1);
  EXPECT_FALSE(mutator.Mutate(truncated, 7).has_value());
  EXPECT_FALSE(mutator.Mutate(ToBytes("not mikey"), 7).has_value());
}

TEST_F(GktpMutatorTest, MutantsStayParseableMostOfTheTime) {
  // Mutants that no longer parse would only exercise MIKEY.PARSE; the
  // mutator changes fields, it does not break the framing.
  GktpMutator mutator(World());
  int parsed = 0, total = 0;
  for (uint64_t seed = 500; seed < 600; ++seed) {
    auto out = mutator.Mutate((*seeds_)[seed % seeds_->size()], seed);
    if (!out) continue;
    ++total;
    parsed += mikey::Parse(*out).ok() ? 1 : 0;
  }
  ASSERT_GT(total, 0);
  EXPECT_GE(parsed, total * 9 / 10);
}

}  // namespace
}  // namespace mcx::fuzz
