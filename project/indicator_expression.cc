#include "project/indicator_expression.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace stapel {

// Recursive descent over:  or := and ("OR" and)* ;  and := unary ("AND" unary)* ;
// unary := "NOT" unary | "(" or ")" | "atleast" "(" n "," or ("," or)* ")" | "true" | name
class ExpressionParser {
 public:
  ExpressionParser(std::string_view text, const std::vector<std::string>& attributes,
                   IndicatorExpression* out)
      : text_(text), attributes_(attributes), out_(out) {}

  absl::Status Run() {
    if (attributes_.size() > 64) return absl::InvalidArgumentError("more than 64 attributes");
    if (text_.size() > IndicatorExpression::kMaxLength) {
      return absl::InvalidArgumentError(
          fmt::format("an expression of {} characters is longer than the limit of {}; split it "
                      "into several measures",
                      text_.size(), IndicatorExpression::kMaxLength));
    }
    out_->nodes_.clear();
    out_->names_ = attributes_;
    Next();
    auto root = Or();
    if (!root.ok()) return root.status();
    if (!token_.empty()) return Error(fmt::format("unexpected '{}'", token_));
    out_->root_ = *root;
    return absl::OkStatus();
  }

 private:
  using Node = IndicatorExpression::Node;
  using Op = IndicatorExpression::Op;

  absl::Status Error(std::string_view what) const {
    const std::string shown =
        text_.size() <= 120 ? std::string(text_) : std::string(text_.substr(0, 100)) + "…";
    return absl::InvalidArgumentError(
        fmt::format("expression '{}': {} at character {}", shown, what, token_start_ + 1));
  }

  static bool IsNameChar(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
  }

  void Next() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    token_start_ = pos_;
    if (pos_ >= text_.size()) {
      token_ = {};
    } else if (IsNameChar(text_[pos_])) {
      size_t end = pos_;
      while (end < text_.size() && IsNameChar(text_[end])) ++end;
      token_ = text_.substr(pos_, end - pos_);
      pos_ = end;
    } else {
      token_ = text_.substr(pos_++, 1);
    }
  }

  bool IsKeyword(std::string_view keyword) const {
    return token_.size() == keyword.size() &&
           std::equal(token_.begin(), token_.end(), keyword.begin(), [](char a, char b) {
             return std::tolower(static_cast<unsigned char>(a)) == b;
           });
  }

  int Add(Node node) {
    out_->nodes_.push_back(std::move(node));
    return static_cast<int>(out_->nodes_.size()) - 1;
  }

  absl::StatusOr<int> Chain(Op op, std::string_view keyword,
                            absl::StatusOr<int> (ExpressionParser::*operand)()) {
    auto first = (this->*operand)();
    if (!first.ok() || !IsKeyword(keyword)) return first;
    Node node{op, 0, {*first}};
    while (IsKeyword(keyword)) {
      Next();
      auto more = (this->*operand)();
      if (!more.ok()) return more;
      node.children.push_back(*more);
    }
    return Add(std::move(node));
  }

  absl::StatusOr<int> Or() { return Chain(Op::kOr, "or", &ExpressionParser::And); }
  absl::StatusOr<int> And() { return Chain(Op::kAnd, "and", &ExpressionParser::Unary); }

  absl::Status Expect(std::string_view what) {
    if (token_ != what) {
      return Error(token_.empty() ? fmt::format("expected '{}' but the text ends", what)
                                  : fmt::format("expected '{}' instead of '{}'", what, token_));
    }
    Next();
    return absl::OkStatus();
  }

  // Entered by every NOT, "(" and atleast: the parser, evaluation and printing recurse once
  // per level, so the nesting is bounded (a request must not exhaust the hub's stack).
  absl::Status Deeper() {
    if (++depth_ > IndicatorExpression::kMaxDepth) {
      return Error(
          fmt::format("nested deeper than the limit of {} levels (parentheses, NOT "
                      "and atleast); write it flatter",
                      IndicatorExpression::kMaxDepth));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<int> Unary() {
    if (token_.empty()) return Error("expected an attribute, but the text ends");
    if (IsKeyword("not") || token_ == "(" || IsKeyword("atleast")) {
      if (absl::Status s = Deeper(); !s.ok()) return s;
      auto node = Nested();
      --depth_;
      return node;
    }
    if (IsKeyword("true")) {
      Next();
      return Add({Op::kTrue, 0, {}});
    }
    if (!IsNameChar(token_.front())) return Error(fmt::format("unexpected '{}'", token_));
    const auto it = std::find(attributes_.begin(), attributes_.end(), token_);
    if (it == attributes_.end()) {
      return Error(fmt::format("'{}' is not an attribute of the manifest (known: {})", token_,
                               fmt::join(attributes_, ", ")));
    }
    const int bit = static_cast<int>(it - attributes_.begin());
    out_->referenced_ |= uint64_t{1} << bit;
    Next();
    return Add({Op::kAttribute, bit, {}});
  }

  // NOT unary | "(" or ")" | atleast(...)
  absl::StatusOr<int> Nested() {
    if (IsKeyword("not")) {
      Next();
      auto inner = Unary();
      if (!inner.ok()) return inner;
      return Add({Op::kNot, 0, {*inner}});
    }
    if (token_ == "(") {
      Next();
      auto inner = Or();
      if (!inner.ok()) return inner;
      if (auto s = Expect(")"); !s.ok()) return s;
      return inner;
    }
    return AtLeast();
  }

  absl::StatusOr<int> AtLeast() {
    Next();
    if (auto s = Expect("("); !s.ok()) return s;
    int n = 0;
    if (token_.empty() || !std::all_of(token_.begin(), token_.end(), ::isdigit) ||
        token_.size() > 2) {
      return Error("atleast needs a count first, as in atleast(2, a, b, c)");
    }
    n = std::stoi(std::string(token_));
    Next();
    Node node{Op::kAtLeast, n, {}};
    while (token_ == ",") {
      Next();
      auto operand = Or();
      if (!operand.ok()) return operand;
      node.children.push_back(*operand);
    }
    if (auto s = Expect(")"); !s.ok()) return s;
    if (n < 1 || n > static_cast<int>(node.children.size())) {
      return Error(
          fmt::format("atleast({}, ...) needs from 1 to {} as its count", n, node.children.size()));
    }
    return Add(std::move(node));
  }

  std::string_view text_;
  const std::vector<std::string>& attributes_;
  IndicatorExpression* out_;
  size_t pos_ = 0;
  size_t token_start_ = 0;
  std::string_view token_;
  int depth_ = 0;
};

IndicatorExpression::IndicatorExpression() : nodes_{Node{}} {}

absl::StatusOr<IndicatorExpression> IndicatorExpression::Parse(
    std::string_view text, const std::vector<std::string>& attributes) {
  IndicatorExpression e;
  if (auto s = ExpressionParser(text, attributes, &e).Run(); !s.ok()) return s;
  return e;
}

bool IndicatorExpression::Eval(int node, uint64_t bits) const {
  const Node& n = nodes_[node];
  switch (n.op) {
    case Op::kTrue:
      return true;
    case Op::kAttribute:
      return (bits >> n.value) & 1;
    case Op::kNot:
      return !Eval(n.children[0], bits);
    case Op::kAnd:
      return std::all_of(n.children.begin(), n.children.end(),
                         [&](int c) { return Eval(c, bits); });
    case Op::kOr:
      return std::any_of(n.children.begin(), n.children.end(),
                         [&](int c) { return Eval(c, bits); });
    case Op::kAtLeast:
      return std::count_if(n.children.begin(), n.children.end(),
                           [&](int c) { return Eval(c, bits); }) >= n.value;
  }
  return false;
}

std::string IndicatorExpression::Print(int node, bool in_and) const {
  const Node& n = nodes_[node];
  std::vector<std::string> parts;
  for (int c : n.children) parts.push_back(Print(c, n.op == Op::kAnd || n.op == Op::kNot));
  switch (n.op) {
    case Op::kTrue:
      return "true";
    case Op::kAttribute:
      return names_[n.value];
    case Op::kNot:
      return "NOT " + parts[0];
    case Op::kAnd:
    case Op::kOr: {
      std::string joined = fmt::format("{}", fmt::join(parts, n.op == Op::kAnd ? " AND " : " OR "));
      return in_and ? "(" + joined + ")" : joined;
    }
    case Op::kAtLeast:
      return fmt::format("atleast({}, {})", n.value, fmt::join(parts, ", "));
  }
  return "";
}

std::string IndicatorExpression::ToString() const { return Print(root_, false); }

}  // namespace stapel
