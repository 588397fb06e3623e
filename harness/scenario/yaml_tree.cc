#include "harness/scenario/yaml_tree.h"

#include <yaml.h>

#include <algorithm>
#include <cstdio>
#include <utility>

namespace mcx::scenario {
namespace {

constexpr char kNoAnchors[] = "anchors and aliases are not supported in test cases";

bool IsNullText(std::string_view s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

// libyaml reports reader errors (bad UTF-8, control characters) by byte
// offset only; its marks lag behind the reader's look-ahead.
size_t LineOfOffset(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  size_t line = 0;
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n' || (text[i] == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n'))) ++line;
  }
  return line;
}

YamlProblem LibyamlProblem(const yaml_parser_t& parser, std::string_view text) {
  YamlProblem p;
  p.message = parser.problem != nullptr ? parser.problem : "malformed YAML";
  switch (parser.error) {
    case YAML_MEMORY_ERROR:
      p.message = "out of memory";
      p.line = parser.mark.line;
      break;
    case YAML_READER_ERROR:
      if (parser.problem_value != -1) {
        char value[24];
        std::snprintf(value, sizeof value, " (0x%02X)", static_cast<unsigned>(parser.problem_value));
        p.message += value;
      }
      p.line = LineOfOffset(text, parser.problem_offset);
      break;
    default:  // scanner and parser errors carry marks
      if (parser.context != nullptr) {
        p.message += " (" + std::string(parser.context) + " on line " +
                     std::to_string(parser.context_mark.line + 1) + ")";
      }
      p.line = parser.problem_mark.line;
      break;
  }
  return p;
}

struct ParserGuard {
  yaml_parser_t* parser;
  ~ParserGuard() { yaml_parser_delete(parser); }
};

struct EventGuard {
  yaml_event_t* event;
  ~EventGuard() { yaml_event_delete(event); }
};

}  // namespace

class YamlTreeBuilder {
 public:
  // libyaml mis-indents a document after a UTF-8 BOM once the encoding is
  // fixed, so the BOM goes here; fixing the encoding keeps UTF-16 out.
  YamlTreeBuilder(YamlTree& tree, std::string_view text)
      : tree_(tree), text_(text.substr(text.starts_with("\xEF\xBB\xBF") ? 3 : 0)) {}

  // Fills the tree, or returns false with problem_ set.
  bool Run() {
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) return Fail("out of memory", 0);
    ParserGuard parser_guard{&parser};
    yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text_.data()), text_.size());
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
    tree_.text_.reserve(text_.size());
    size_t documents = 0;
    for (;;) {
      yaml_event_t event;
      if (!yaml_parser_parse(&parser, &event)) {
        problem_ = LibyamlProblem(parser, text_);
        return false;
      }
      EventGuard event_guard{&event};
      const size_t line = event.start_mark.line;
      switch (event.type) {
        case YAML_STREAM_END_EVENT:
          if (tree_.nodes_.empty()) tree_.nodes_.push_back({YamlNode::Kind::kNull, true, 0, 0, 0});
          return true;
        case YAML_DOCUMENT_START_EVENT:
          if (++documents > 1) return Fail("more than one YAML document (a test case is one document)", line);
          break;
        case YAML_ALIAS_EVENT:
          return Fail(kNoAnchors, line);
        case YAML_SCALAR_EVENT: {
          if (event.data.scalar.anchor != nullptr) return Fail(kNoAnchors, line);
          std::string_view value(reinterpret_cast<const char*>(event.data.scalar.value), event.data.scalar.length);
          bool plain = event.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
          auto kind = plain && IsNullText(value) ? YamlNode::Kind::kNull : YamlNode::Kind::kScalar;
          size_t index = tree_.nodes_.size();
          tree_.nodes_.push_back({kind, plain, line, tree_.text_.size(), value.size()});
          tree_.text_.append(value);
          Attach(index);
          break;
        }
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT: {
          bool mapping = event.type == YAML_MAPPING_START_EVENT;
          const yaml_char_t* anchor = mapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor;
          if (anchor != nullptr) return Fail(kNoAnchors, line);
          if (ExpectingKey()) return Fail("mapping keys must be scalars", line);
          if (stack_.size() >= kMaxYamlDepth) {
            return Fail("nesting deeper than " + std::to_string(kMaxYamlDepth) + " levels", line);
          }
          stack_.push_back({tree_.nodes_.size(), pending_.size()});
          tree_.nodes_.push_back(
              {mapping ? YamlNode::Kind::kMapping : YamlNode::Kind::kSequence, false, line, 0, 0});
          break;
        }
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT: {
          Frame frame = stack_.back();
          stack_.pop_back();
          YamlTree::Node& node = tree_.nodes_[frame.node];
          node.begin = tree_.children_.size();
          node.size = pending_.size() - frame.pending_begin;
          tree_.children_.insert(tree_.children_.end(), pending_.begin() + frame.pending_begin, pending_.end());
          pending_.resize(frame.pending_begin);
          if (node.kind == YamlNode::Kind::kMapping && !CheckUniqueKeys(frame.node)) return false;
          Attach(frame.node);
          break;
        }
        default:  // stream start, document end
          break;
      }
    }
  }

  const YamlProblem& problem() const { return problem_; }

 private:
  struct Frame {
    size_t node;
    size_t pending_begin;  // where this container's children start in pending_
  };

  bool Fail(std::string message, size_t line) {
    problem_ = {std::move(message), line};
    return false;
  }

  bool ExpectingKey() const {
    return !stack_.empty() && tree_.nodes_[stack_.back().node].kind == YamlNode::Kind::kMapping &&
           (pending_.size() - stack_.back().pending_begin) % 2 == 0;
  }

  // The root is node 0 by construction; everything else waits in pending_
  // until its container ends and its children can be stored contiguously.
  void Attach(size_t index) {
    if (!stack_.empty()) pending_.push_back(index);
  }

  std::string_view TextOf(size_t index) const {
    const YamlTree::Node& n = tree_.nodes_[index];
    return std::string_view(tree_.text_).substr(n.begin, n.size);
  }

  // Reports the first key (in document order) that repeats an earlier one.
  bool CheckUniqueKeys(size_t mapping) {
    const YamlTree::Node& node = tree_.nodes_[mapping];
    const size_t entries = node.size / 2;
    auto key = [&](size_t i) { return tree_.children_[node.begin + 2 * i]; };
    size_t repeat = 0;
    bool found = false;
    if (entries <= 16) {  // test cases: a pairwise scan allocates nothing
      for (size_t i = 1; i < entries && !found; ++i) {
        for (size_t j = 0; j < i && !found; ++j) {
          if (TextOf(key(i)) == TextOf(key(j))) {
            repeat = key(i);
            found = true;
          }
        }
      }
    } else {  // hostile input with thousands of keys must not go quadratic
      keys_.clear();
      for (size_t i = 0; i < entries; ++i) keys_.push_back(key(i));
      std::sort(keys_.begin(), keys_.end(), [&](size_t a, size_t b) {
        std::string_view ta = TextOf(a), tb = TextOf(b);
        return ta != tb ? ta < tb : a < b;
      });
      for (size_t i = 1; i < keys_.size(); ++i) {
        // Node indices grow in document order: keys_[i] is the later copy.
        if (TextOf(keys_[i]) == TextOf(keys_[i - 1]) && (!found || keys_[i] < repeat)) {
          repeat = keys_[i];
          found = true;
        }
      }
    }
    if (!found) return true;
    return Fail("duplicate key '" + std::string(TextOf(repeat)) + "'", tree_.nodes_[repeat].line);
  }

  YamlTree& tree_;
  std::string_view text_;
  std::vector<Frame> stack_;
  std::vector<size_t> pending_;
  std::vector<size_t> keys_;
  YamlProblem problem_;
};

Result<YamlTree> YamlTree::Parse(std::string_view text, YamlProblem* problem) {
  YamlTree tree;
  YamlTreeBuilder builder(tree, text);
  if (builder.Run()) return tree;
  if (problem != nullptr) *problem = builder.problem();
  return Error(ErrorCode::kParse,
               "line " + std::to_string(builder.problem().line + 1) + ": " + builder.problem().message);
}

YamlNode::Kind YamlNode::kind() const { return tree_ == nullptr ? Kind::kUndefined : tree_->nodes_[index_].kind; }

int64_t YamlNode::line() const {
  return tree_ == nullptr ? -1 : static_cast<int64_t>(tree_->nodes_[index_].line);
}

std::string_view YamlNode::text() const {
  if (!IsScalar() && !IsNull()) return {};
  const YamlTree::Node& n = tree_->nodes_[index_];
  return std::string_view(tree_->text_).substr(n.begin, n.size);
}

bool YamlNode::plain() const { return (IsScalar() || IsNull()) && tree_->nodes_[index_].plain; }

size_t YamlNode::size() const {
  if (IsSequence()) return tree_->nodes_[index_].size;
  if (IsMapping()) return tree_->nodes_[index_].size / 2;
  return 0;
}

YamlNode YamlNode::operator[](size_t i) const {
  if (!IsSequence() || i >= size()) return {};
  return YamlNode(tree_, tree_->children_[tree_->nodes_[index_].begin + i]);
}

YamlNode YamlNode::operator[](std::string_view key) const {
  for (size_t i = 0, n = size(); IsMapping() && i < n; ++i) {
    if (KeyAt(i).text() == key) return ValueAt(i);
  }
  return {};
}

YamlNode YamlNode::KeyAt(size_t i) const {
  if (!IsMapping() || i >= size()) return {};
  return YamlNode(tree_, tree_->children_[tree_->nodes_[index_].begin + 2 * i]);
}

YamlNode YamlNode::ValueAt(size_t i) const {
  if (!IsMapping() || i >= size()) return {};
  return YamlNode(tree_, tree_->children_[tree_->nodes_[index_].begin + 2 * i + 1]);
}

}  // namespace mcx::scenario
