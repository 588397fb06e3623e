#include "crypto/sakke_precompute.h"

#include <array>
#include <atomic>

namespace mcx::sakke_internal {
namespace {

// The rent-or-buy rule with thresholds measured by bench/crypto_bench (its
// "break-even" table; docs/performance.md has the figures, in modexps): a
// tier is built at the first use by which the uses without it (or with the
// tier below) have cost about what building it costs. Two tiers, 4- and
// 8-bit windows, stay within about 1.9x (points) and 1.8x (g) of the best
// choice made in hindsight for any number of uses, and within 3 % of it
// beyond 10,000 uses; one 8-bit tier alone would be up to 5.4x.
//
// Points (P, Z): a use costs 11.1 modexps without a table, 2.0 with a
// 4-bit one (514 KiB, 55 modexps to build: 5.9 uses) and 1.2 with an 8-bit
// one (4.1 MiB, 321 modexps: 405 more uses).
constexpr TableTier kBasePointTiers[] = {{4, 7}, {8, 420}};
constexpr TableTier kPublicKeyTiers[] = {{4, 7}, {8, 420}};
// g: g^r costs 2.7 modexps without a table, 0.56 with a 4-bit one (257 KiB,
// 28 modexps: 12.8 uses), 0.36 with an 8-bit one (2 MiB, 108: 552 more).
constexpr TableTier kGeneratorTiers[] = {{4, 14}, {8, 550}};
// [ID]P + Z: without it the re-check takes P's and Z's tables (2.25
// modexps); its 8-bit table brings that to 1.2 (305 uses). Smaller tables
// save too little to be worth a tier.
constexpr TableTier kReceiverPointTiers[] = {{8, 310}};
// An RSK's lines with the check of the RSK: 32 modexps; they bring a
// decapsulation from 24.5 to 10.1 modexps (2.2 uses).
constexpr TableTier kRskLinesTiers[] = {{0, 3}};

std::array<std::atomic<uint64_t>, kTableKinds> g_built{};

}  // namespace

std::span<const TableTier> TiersFor(TableKind kind) {
  switch (kind) {
    case TableKind::kBasePoint:
      return kBasePointTiers;
    case TableKind::kGenerator:
      return kGeneratorTiers;
    case TableKind::kPublicKey:
      return kPublicKeyTiers;
    case TableKind::kReceiverPoint:
      return kReceiverPointTiers;
    case TableKind::kRskLines:
      return kRskLinesTiers;
  }
  return {};
}

uint64_t TablesBuilt(TableKind kind) { return g_built[static_cast<int>(kind)].load(std::memory_order_relaxed); }

void CountTableBuilt(TableKind kind) { g_built[static_cast<int>(kind)].fetch_add(1, std::memory_order_relaxed); }

LazyPointTable::LazyPointTable(const AffinePoint& base, TableKind kind)
    : base_(base), kind_(kind), tiers_(TiersFor(kind)) {}

std::shared_ptr<const FixedBaseTable> LazyPointTable::Use() const {
  return tiers_.Use([this](int window_bits) {
    CountTableBuilt(kind_);
    return std::make_unique<const FixedBaseTable>(base_, window_bits);
  });
}

void LazyPointTable::BuildBiggest() const {
  tiers_.BuildBiggest([this](int window_bits) {
    CountTableBuilt(kind_);
    return std::make_unique<const FixedBaseTable>(base_, window_bits);
  });
}

namespace {

const LazyPointTable& BasePointTables() {
  static const LazyPointTable* p = new LazyPointTable(BasePoint(), TableKind::kBasePoint);
  return *p;
}

TieredTable<GeneratorTable>& GeneratorTables() {
  static auto* g = new TieredTable<GeneratorTable>(TiersFor(TableKind::kGenerator));
  return *g;
}

std::unique_ptr<const GeneratorTable> BuildGeneratorTable(int window_bits) {
  CountTableBuilt(TableKind::kGenerator);
  return std::make_unique<const GeneratorTable>(window_bits);
}

}  // namespace

void PrecomputeParameterTables() {
  BasePointTables().BuildBiggest();
  GeneratorTables().BuildBiggest(BuildGeneratorTable);
}

std::shared_ptr<const FixedBaseTable> UseBasePointTable() { return BasePointTables().Use(); }

JacobianPoint BasePointMul(const Scalar& k) {
  std::shared_ptr<const FixedBaseTable> table = UseBasePointTable();
  return table ? table->Mul(k) : ScalarMul(BasePoint(), k);
}

Fp2 GeneratorPower(const Scalar& r) {
  std::shared_ptr<const GeneratorTable> table = GeneratorTables().Use(BuildGeneratorTable);
  return table ? table->Power(r) : GeneratorPowerUntabled(r);
}

}  // namespace mcx::sakke_internal
