// A small exact matcher for the MedNum schema's field patterns
// (models/inclusion/mednum_pattern.hpp).
//
// The pattern is parsed into a tree; matching computes, for a set of start offsets, the set of
// offsets where each node can end (every path at once, as a full-match regex search must), so
// its cost is polynomial in the text length and it never recurses on the text.
#include "models/inclusion/mednum_pattern.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <vector>

namespace govsim::inclusion {

struct FieldPattern::Node {
  enum class Kind { Bytes, Start, End, Sequence, Alternatives, Repeat } kind = Kind::Sequence;
  std::vector<bool> accepts;  // Bytes: the byte values it matches (256 entries)
  std::vector<Node> items;    // Sequence, Alternatives; Repeat: the one repeated item
  std::size_t min = 0, max = 0;
};

namespace {

using Node = FieldPattern::Node;
constexpr std::size_t kUnbounded = std::numeric_limits<std::size_t>::max();

class Parser {
 public:
  explicit Parser(std::string_view p) : p_(p) {}
  Node parse() {
    Node n = alternatives();
    if (i_ != p_.size()) fail("unbalanced ')'");
    return n;
  }

 private:
  [[noreturn]] void fail(const std::string& why) const {
    throw std::invalid_argument("unsupported pattern '" + std::string(p_) + "' at offset " +
                                std::to_string(i_) + ": " + why);
  }
  bool more() const { return i_ < p_.size(); }
  char peek() const { return p_[i_]; }

  Node alternatives() {
    Node alt;
    alt.kind = Node::Kind::Alternatives;
    alt.items.push_back(sequence());
    while (more() && peek() == '|') {
      ++i_;
      alt.items.push_back(sequence());
    }
    return alt.items.size() == 1 ? std::move(alt.items.front()) : alt;
  }

  Node sequence() {
    Node seq;
    seq.kind = Node::Kind::Sequence;
    while (more() && peek() != '|' && peek() != ')') seq.items.push_back(quantified());
    return seq;
  }

  Node quantified() {
    Node atom_node = atom();
    if (!more()) return atom_node;
    std::size_t lo = 0, hi = 0;
    const char c = peek();
    if (c == '+' || c == '*' || c == '?') {
      ++i_;
      lo = c == '+' ? 1 : 0;
      hi = c == '?' ? 1 : kUnbounded;
    } else if (c == '{') {
      ++i_;
      lo = number();
      hi = lo;
      if (more() && peek() == ',') {
        ++i_;
        hi = more() && peek() == '}' ? kUnbounded : number();
      }
      if (!more() || peek() != '}' || hi < lo) fail("a quantifier {m}, {m,} or {m,n}");
      ++i_;
    } else {
      return atom_node;
    }
    if (more() && (peek() == '?' || peek() == '+' || peek() == '*' || peek() == '{'))
      fail("lazy or stacked quantifiers");
    if (atom_node.kind == Node::Kind::Start || atom_node.kind == Node::Kind::End)
      fail("a quantified anchor");
    Node rep;
    rep.kind = Node::Kind::Repeat;
    rep.min = lo;
    rep.max = hi;
    rep.items.push_back(std::move(atom_node));
    return rep;
  }

  std::size_t number() {
    std::size_t v = 0, digits = 0;
    while (more() && peek() >= '0' && peek() <= '9') {
      v = v * 10 + static_cast<std::size_t>(peek() - '0');
      ++i_;
      if (++digits > 6) fail("a repetition count below 10^6");
    }
    if (digits == 0) fail("a repetition count");
    return v;
  }

  static Node bytes() {
    Node n;
    n.kind = Node::Kind::Bytes;
    n.accepts.assign(256, false);
    return n;
  }
  static Node byte(unsigned char c) {
    Node n = bytes();
    n.accepts[c] = true;
    return n;
  }
  static void digits(Node& n) {
    for (int c = '0'; c <= '9'; ++c) n.accepts[static_cast<std::size_t>(c)] = true;
  }
  // An escaped character outside a class or inside one: \d, or escaped punctuation.
  void escape(Node& n) {
    if (!more()) fail("a character after '\\'");
    const char c = peek();
    ++i_;
    if (c == 'd') {
      digits(n);
      return;
    }
    const std::string_view punctuation = "\\^$.|?*+()[]{}/-";
    if (punctuation.find(c) == std::string_view::npos) fail(std::string("the escape \\") + c);
    n.accepts[static_cast<unsigned char>(c)] = true;
  }

  Node atom() {
    const char c = peek();
    ++i_;
    switch (c) {
      case '^': {
        Node n;
        n.kind = Node::Kind::Start;
        return n;
      }
      case '$': {
        Node n;
        n.kind = Node::Kind::End;
        return n;
      }
      case '.': {  // any byte but the line terminators (ECMAScript, std::regex on char)
        Node n = bytes();
        n.accepts.assign(256, true);
        n.accepts['\n'] = n.accepts['\r'] = false;
        return n;
      }
      case '\\': {
        Node n = bytes();
        escape(n);
        return n;
      }
      case '[':
        return bracket();
      case '(': {
        if (more() && peek() == '?') {
          if (i_ + 1 < p_.size() && p_[i_ + 1] == ':')
            i_ += 2;
          else
            fail("only the group (?:...) among the (?...) forms");
        }
        Node inner = alternatives();
        if (!more() || peek() != ')') fail("a closing ')'");
        ++i_;
        return inner;
      }
      case '*':
      case '+':
      case '?':
      case '{':
      case '}':
      case ']':
      case ')':
        --i_;
        fail("a character to match");
      default:
        return byte(static_cast<unsigned char>(c));
    }
  }

  Node bracket() {
    Node n = bytes();
    if (more() && peek() == '^') fail("negated classes [^...]");
    while (more() && peek() != ']') {
      if (peek() == '[') fail("nested classes [[...]]");
      int lo = static_cast<unsigned char>(peek());
      ++i_;
      if (lo == '\\') {
        Node one = bytes();
        escape(one);
        if (one.accepts['0'] && one.accepts['9']) {  // \d
          digits(n);
          continue;
        }
        lo = static_cast<unsigned char>(p_[i_ - 1]);
      }
      if (i_ + 1 < p_.size() && peek() == '-' && p_[i_ + 1] != ']') {
        ++i_;
        if (peek() == '\\') fail("an escaped range end");
        const int hi = static_cast<unsigned char>(peek());
        ++i_;
        if (hi < lo) fail("a range in order");
        for (int c = lo; c <= hi; ++c) n.accepts[static_cast<std::size_t>(c)] = true;
      } else {
        n.accepts[static_cast<std::size_t>(lo)] = true;
      }
    }
    if (!more()) fail("a closing ']'");
    if (std::find(n.accepts.begin(), n.accepts.end(), true) == n.accepts.end())
      fail("a non-empty class");
    ++i_;
    return n;
  }

  std::string_view p_;
  std::size_t i_ = 0;
};

// Offsets where `n` can end when started at any offset in `from` (from[k]: offset k is a start).
std::vector<bool> ends(const Node& n, std::string_view t, const std::vector<bool>& from) {
  const std::size_t size = t.size();
  std::vector<bool> out(size + 1, false);
  switch (n.kind) {
    case Node::Kind::Bytes:
      for (std::size_t k = 0; k < size; ++k)
        if (from[k] && n.accepts[static_cast<unsigned char>(t[k])]) out[k + 1] = true;
      return out;
    case Node::Kind::Start:
      out[0] = from[0];
      return out;
    case Node::Kind::End:
      out[size] = from[size];
      return out;
    case Node::Kind::Sequence: {
      std::vector<bool> at = from;
      for (const Node& item : n.items) at = ends(item, t, at);
      return at;
    }
    case Node::Kind::Alternatives:
      for (const Node& item : n.items) {
        const std::vector<bool> e = ends(item, t, from);
        for (std::size_t k = 0; k <= size; ++k) out[k] = out[k] || e[k];
      }
      return out;
    case Node::Kind::Repeat: {
      // Offsets after exactly `count` repetitions, from the minimum on less those already
      // reached (their continuations are already counted): at most size + 1 rounds.
      std::vector<bool> at = from;
      for (std::size_t count = 0;; ++count) {
        if (count >= n.min) {
          bool any = false;
          for (std::size_t k = 0; k <= size; ++k) {
            if (at[k] && out[k]) at[k] = false;
            if (at[k]) out[k] = any = true;
          }
          if (!any || count == n.max) break;
        }
        at = ends(n.items.front(), t, at);
      }
      return out;
    }
  }
  return out;
}

}  // namespace

FieldPattern::FieldPattern(std::string_view pattern)
    : root_(std::make_unique<Node>(Parser(pattern).parse())) {}
FieldPattern::~FieldPattern() = default;
FieldPattern::FieldPattern(FieldPattern&&) noexcept = default;
FieldPattern& FieldPattern::operator=(FieldPattern&&) noexcept = default;

bool FieldPattern::full_match(std::string_view text) const {
  std::vector<bool> from(text.size() + 1, false);
  from[0] = true;
  return ends(*root_, text, from)[text.size()];
}

}  // namespace govsim::inclusion
