// A small read-only YAML document model for test-case files, built from
// libyaml's event parser. Test cases only need mappings, sequences and
// scalars; a narrower model than a general YAML library is what lets the
// loader be strict and fast (a tree is a handful of allocations, not one
// per node, which is what the fuzzer's throughput depends on).
//
// Semantics:
// - One document per input. An empty input is an empty document whose root
//   is null. A second document is an error.
// - Node kinds: null, scalar, sequence, mapping. A plain (unquoted) scalar
//   "", "~", "null", "Null" or "NULL" is null (YAML 1.2 core schema); a
//   quoted "null" is a scalar. Every other scalar is text: the loader, not
//   this model, decides what "true" or "42" mean.
// - Tags are ignored: a node is what its syntax makes it.
// - Mapping keys must be scalars (null keys count, by their text) and be
//   unique; entries keep document order.
// - Looking up a missing key or an out-of-range item gives an undefined
//   node, distinct from a null one, so callers can tell "field absent" from
//   "present but empty".
// - Refused, with the problem and its line: anchors and aliases (test cases
//   have no use for them, and refusing them rules out "billion laughs"
//   expansion), non-scalar keys, duplicate keys, nesting deeper than
//   kMaxYamlDepth, more than one document, and anything libyaml rejects
//   (syntax errors, invalid UTF-8, control characters).
// - Input must be UTF-8 (a leading BOM is allowed); UTF-16 and UTF-32 are
//   refused as invalid UTF-8.
#ifndef MCXTEST_HARNESS_SCENARIO_YAML_TREE_H_
#define MCXTEST_HARNESS_SCENARIO_YAML_TREE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/result.h"

namespace mcx::scenario {

// Test cases nest four levels; the limit only has to stop hostile input.
inline constexpr size_t kMaxYamlDepth = 64;

class YamlTree;

// A handle on one node of a YamlTree (or an undefined node). Cheap to copy;
// valid while its tree is alive and not moved.
class YamlNode {
 public:
  enum class Kind : uint8_t { kUndefined, kNull, kScalar, kSequence, kMapping };

  YamlNode() = default;  // undefined

  Kind kind() const;
  bool IsDefined() const { return kind() != Kind::kUndefined; }
  bool IsNull() const { return kind() == Kind::kNull; }
  bool IsScalar() const { return kind() == Kind::kScalar; }
  bool IsSequence() const { return kind() == Kind::kSequence; }
  bool IsMapping() const { return kind() == Kind::kMapping; }

  // 0-based line the node starts on; -1 for an undefined node.
  int64_t line() const;
  // A scalar's or null's text (escapes resolved); empty for anything else.
  std::string_view text() const;
  // Whether a scalar or null was written without quotes.
  bool plain() const;

  // Items of a sequence, entries of a mapping, 0 for anything else.
  size_t size() const;
  // The i-th item of a sequence; undefined when out of range or not a sequence.
  YamlNode operator[](size_t i) const;
  // The value for `key` in a mapping; undefined when absent or not a mapping.
  YamlNode operator[](std::string_view key) const;
  // The i-th entry of a mapping, in document order; undefined when out of range.
  YamlNode KeyAt(size_t i) const;
  YamlNode ValueAt(size_t i) const;

 private:
  friend class YamlTree;
  YamlNode(const YamlTree* tree, size_t index) : tree_(tree), index_(index) {}

  const YamlTree* tree_ = nullptr;
  size_t index_ = 0;
};

// Where and why parsing failed.
struct YamlProblem {
  std::string message;
  size_t line = 0;  // 0-based
};

class YamlTree {
 public:
  // Parses one document. The error (code kParse) reads "line N: problem";
  // when `problem` is not null it also receives the parts separately.
  static Result<YamlTree> Parse(std::string_view text, YamlProblem* problem = nullptr);

  YamlNode root() const { return YamlNode(this, 0); }
  size_t node_count() const { return nodes_.size(); }

 private:
  friend class YamlNode;
  friend class YamlTreeBuilder;

  struct Node {
    YamlNode::Kind kind;
    bool plain;
    size_t line;
    // Scalars and nulls: a range of text_. Containers: a range of children_
    // (mappings hold key, value, key, value, ...).
    size_t begin;
    size_t size;
  };

  std::vector<Node> nodes_;  // nodes_[0] is the root
  std::vector<size_t> children_;
  std::string text_;  // every scalar's text, back to back
};

}  // namespace mcx::scenario

#endif  // MCXTEST_HARNESS_SCENARIO_YAML_TREE_H_
