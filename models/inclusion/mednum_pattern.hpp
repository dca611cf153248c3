// The MedNum schema's field patterns, matched without <regex>: a small exact matcher of the
// regular-expression subset the schema uses (ECMAScript syntax, full match, byte by byte as
// std::regex on std::string): literals and escaped punctuation, `.`, `\d`, bracket classes with
// ranges, `^` and `$`, groups `(...)` and `(?:...)`, alternation `|`, and the quantifiers `+`,
// `*`, `?`, `{m}`, `{m,}` and `{m,n}`. A pattern outside that subset is refused when compiled
// (std::invalid_argument), so a new schema cannot slip past unchecked.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace govsim::inclusion {

class FieldPattern {
 public:
  explicit FieldPattern(std::string_view pattern);
  ~FieldPattern();
  FieldPattern(FieldPattern&&) noexcept;
  FieldPattern& operator=(FieldPattern&&) noexcept;
  // True when the whole of `text` matches (std::regex_match semantics).
  bool full_match(std::string_view text) const;

  struct Node;

 private:
  std::unique_ptr<Node> root_;
};

}  // namespace govsim::inclusion
