#include "crypto/sakke_precompute.h"

#include <array>
#include <atomic>

namespace mcx::sakke_internal {
namespace {

// The rent-or-buy rule with thresholds measured by bench/crypto_bench (its
// "break-even" table; docs/performance.md has the figures): a tier is built
// at the first use by which the uses without it (or with the tier below)
// have cost about what building it costs. Two tiers, 4- and 8-bit windows,
// stay within about 1.6x (points) and 1.7x (g) of the best choice made in
// hindsight for any number of uses; one 8-bit tier alone would be up to
// 4.4x, and bigger tables would save little more per use.
//
// Points (P, Z): 4-bit table (514 KiB, 54 modexps to build) after 7 uses,
// 8-bit (4.1 MiB, 322 modexps) after 260; a use costs 11.1 modexps without
// a table, 2.8 with the 4-bit one, 1.6 with the 8-bit one.
constexpr TableTier kBasePointTiers[] = {{4, 7}, {8, 260}};
constexpr TableTier kPublicKeyTiers[] = {{4, 7}, {8, 260}};
// g: 4-bit table (257 KiB, 28 modexps) after 13 uses, 8-bit (2 MiB, 108
// modexps) after 506; g^r costs 2.75, 0.55 and 0.34 modexps.
constexpr TableTier kGeneratorTiers[] = {{4, 13}, {8, 506}};
// [ID]P + Z: the re-check without it uses P's and Z's tables, so its
// table saves about one table multiplication per decapsulation.
constexpr TableTier kReceiverPointTiers[] = {{8, 200}};
// An RSK's lines with the check of the RSK: 33 modexps; they bring a
// decapsulation from 26.5 to 11.4 modexps (2.2 uses).
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
