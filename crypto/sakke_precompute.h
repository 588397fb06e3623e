// When SAKKE's precomputation pays, and the lazily built tables that follow
// that rule: fixed-base tables for the base point P and the pairing value g
// (process-wide), for a KMS's Z (PreparedPublicKey), for a receiver's
// [ID]P + Z (PreparedReceiver), and an RSK's Miller-loop lines.
//
// Every table is bought per TableTier: none until its uses would have paid
// for a small one, a big one once they would have paid for that. The
// thresholds are measured by bench/crypto_bench ("break-even" table) and
// recorded in docs/performance.md; results never depend on which tables
// exist, only the time does.
//
// Internal to the SAKKE implementation (crypto/sakke*.cc), its tests and
// benchmarks.
#ifndef MCXTEST_CRYPTO_SAKKE_PRECOMPUTE_H_
#define MCXTEST_CRYPTO_SAKKE_PRECOMPUTE_H_

#include <cstdint>
#include <memory>
#include <span>

#include "crypto/sakke_curve.h"
#include "crypto/sakke_pairing.h"
#include "crypto/tiered_table.h"

namespace mcx::sakke_internal {

enum class TableKind {
  kBasePoint,      // P, process-wide
  kGenerator,      // g = <P, P>, process-wide
  kPublicKey,      // a KMS's Z
  kReceiverPoint,  // [ID]P + Z of one receiver
  kRskLines,       // one RSK's Miller-loop lines (PreparedPublicKey::Decapsulate)
};
inline constexpr int kTableKinds = 5;

// The policy: when to build which table for each kind.
std::span<const TableTier> TiersFor(TableKind kind);

// Tables built in this process so far, by kind (for tests and benchmarks).
uint64_t TablesBuilt(TableKind kind);
void CountTableBuilt(TableKind kind);

// Builds the biggest tables for P and g now (benchmarks measure the steady
// state of a long run with them).
void PrecomputeParameterTables();

// [k]P, with P's table once it pays.
JacobianPoint BasePointMul(const Scalar& k);
// Counts a use of P's tables and returns the table for it (nullptr: none
// has paid yet), for callers that sum P's terms with another table's.
std::shared_ptr<const FixedBaseTable> UseBasePointTable();
// g^r in PF_p (a representative of the class), with g's table once it pays.
Fp2 GeneratorPower(const Scalar& r);

// A point used as a fixed base, with its tables bought per TiersFor(kind).
// Thread-safe; the tables are shared by every copy of the shared_ptr.
class LazyPointTable {
 public:
  LazyPointTable(const AffinePoint& base, TableKind kind);

  // Counts one use and returns the table for it (nullptr: none has paid
  // yet, so the caller takes its route without one).
  std::shared_ptr<const FixedBaseTable> Use() const;
  // Builds the biggest tier now (for benchmarks and tests).
  void BuildBiggest() const;
  // The biggest table built so far, without counting a use.
  std::shared_ptr<const FixedBaseTable> Current() const { return tiers_.Current(); }
  const AffinePoint& base() const { return base_; }

 private:
  AffinePoint base_;
  TableKind kind_;
  mutable TieredTable<FixedBaseTable> tiers_;
};

}  // namespace mcx::sakke_internal

#endif  // MCXTEST_CRYPTO_SAKKE_PRECOMPUTE_H_
