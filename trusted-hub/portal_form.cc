#include "trusted-hub/portal_form.h"

#include <fmt/format.h>

#include <sstream>
#include <string_view>
#include <vector>

namespace stapel {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string FormDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const bool escaped = text[i] == '%' && i + 2 < text.size();
    const int high = escaped ? HexDigit(text[i + 1]) : -1;
    const int low = escaped ? HexDigit(text[i + 2]) : -1;
    if (text[i] == '+') {
      out += ' ';
    } else if (high >= 0 && low >= 0) {
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string FormValue(const std::multimap<std::string, std::string>& form, const std::string& key) {
  const auto it = form.find(key);
  return it == form.end() ? "" : it->second;
}

std::string MeasureName(std::string_view combine, const std::vector<std::string>& chosen, int n) {
  std::string joined;
  for (const auto& c : chosen) joined += (joined.empty() ? "" : "_") + c;
  if (combine == "and") return "all_of_" + joined;
  if (combine == "or") return "any_of_" + joined;
  return fmt::format("atleast_{}_of_{}", n, joined);
}

}  // namespace

std::multimap<std::string, std::string> ParseForm(std::string_view body) {
  std::multimap<std::string, std::string> form;
  while (!body.empty()) {
    const std::string_view field = body.substr(0, body.find('&'));
    body.remove_prefix(std::min(body.size(), field.size() + 1));
    if (field.empty()) continue;
    const size_t equals = field.find('=');
    form.emplace(FormDecode(field.substr(0, equals)),
                 equals == std::string_view::npos ? "" : FormDecode(field.substr(equals + 1)));
  }
  return form;
}

absl::StatusOr<TableRequest> ComposedRequest(const std::multimap<std::string, std::string>& form) {
  TableRequest request;
  request.purpose = FormValue(form, "purpose");
  request.population = FormValue(form, "population");
  request.level = FormValue(form, "level").empty() ? "buurt" : FormValue(form, "level");
  request.within = FormValue(form, "within");
  if (request.purpose.empty()) {
    return absl::InvalidArgumentError("say what the table is for (purpose); it goes into the log");
  }
  for (auto [it, end] = form.equal_range("period"); it != end; ++it) {
    request.periods.push_back(it->second);
  }
  std::vector<std::string> chosen;
  for (auto [it, end] = form.equal_range("indicator"); it != end; ++it)
    chosen.push_back(it->second);
  const std::string combine =
      FormValue(form, "combine").empty() ? "each" : FormValue(form, "combine");
  if (combine == "each") {
    for (const auto& c : chosen) request.measures.push_back({c, c});
  } else if (!chosen.empty()) {
    if (combine != "and" && combine != "or" && combine != "atleast") {
      return absl::InvalidArgumentError("combine must be each, and, or or atleast");
    }
    int n = 2;
    if (combine == "atleast") {
      const std::string text = FormValue(form, "n");
      if (text.empty() || text.size() > 2 ||
          text.find_first_not_of("0123456789") != std::string::npos || (n = std::stoi(text)) < 1 ||
          n > static_cast<int>(chosen.size())) {
        return absl::InvalidArgumentError(fmt::format(
            "\"at least n\" needs n from 1 to the {} indicators chosen", chosen.size()));
      }
    }
    std::string expression;
    for (const auto& c : chosen) {
      expression += expression.empty() ? c
                                       : (combine == "and"  ? " AND "
                                          : combine == "or" ? " OR "
                                                            : ", ") +
                                             c;
    }
    if (combine == "atleast") expression = fmt::format("atleast({}, {})", n, expression);
    request.measures.push_back({MeasureName(combine, chosen, n), expression});
  }
  int line_number = 0;
  std::istringstream lines(FormValue(form, "measures"));
  for (std::string text; std::getline(lines, text);) {
    ++line_number;
    std::string_view line = text;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    if (line.empty()) continue;
    const size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      return absl::InvalidArgumentError(
          fmt::format("measure line {} (\"{}\") needs the form name = expression, e.g. "
                      "young_debts = youth_care AND debts",
                      line_number, line));
    }
    std::string name(line.substr(0, eq)), expression(line.substr(eq + 1));
    while (!name.empty() && name.back() == ' ') name.pop_back();
    while (!expression.empty() && expression.front() == ' ') expression.erase(0, 1);
    request.measures.push_back({name, expression});
  }
  if (!request.measures.empty() && request.population.empty()) request.population = "residents";
  return request;
}

}  // namespace stapel
