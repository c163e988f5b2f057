#ifndef STAPEL_PROJECT_INDICATOR_EXPRESSION_H_
#define STAPEL_PROJECT_INDICATOR_EXPRESSION_H_

// Which persons (or households) a count takes in: an expression over the manifest's
// attributes, e.g. "youth_care AND debts", "NOT minor", "atleast(2, youth_care, wmo, debts)",
// "(rent_arrears OR debts) AND NOT social_assistance". Keywords are case-insensitive; AND binds
// tighter than OR; "true" takes in everyone. Attributes are bits of a record's attribute word,
// numbered in the manifest's attribute order.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace stapel {

class IndicatorExpression {
 public:
  // Limits on what Parse accepts (a requester writes expressions): characters, and levels of
  // nesting of parentheses, NOT and atleast.
  static constexpr size_t kMaxLength = 10'000;
  static constexpr int kMaxDepth = 64;

  // Everyone ("true").
  IndicatorExpression();

  // INVALID_ARGUMENT says what is wrong and where (character position), lists the known
  // attributes when a name is not one of them, and names the limit an expression exceeds.
  static absl::StatusOr<IndicatorExpression> Parse(std::string_view text,
                                                   const std::vector<std::string>& attributes);

  bool Matches(uint64_t attribute_bits) const { return Eval(root_, attribute_bits); }
  // The bits the expression looks at.
  uint64_t ReferencedBits() const { return referenced_; }
  // Canonical text, with the attribute names; parses back to the same expression.
  std::string ToString() const;

 private:
  enum class Op { kTrue, kAttribute, kNot, kAnd, kOr, kAtLeast };
  struct Node {
    Op op = Op::kTrue;
    int value = 0;  // the bit of an attribute; n of atleast
    std::vector<int> children;
  };
  friend class ExpressionParser;

  bool Eval(int node, uint64_t bits) const;
  std::string Print(int node, bool in_and) const;

  std::vector<Node> nodes_;
  int root_ = 0;
  uint64_t referenced_ = 0;
  std::vector<std::string> names_;  // attribute name of each bit
};

}  // namespace stapel

#endif  // STAPEL_PROJECT_INDICATOR_EXPRESSION_H_
