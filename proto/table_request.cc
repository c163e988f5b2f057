#include "proto/table_request.h"

namespace stapel {

v1::TableRequest TableRequestToProto(const TableRequest& request) {
  v1::TableRequest out;
  out.set_purpose(request.purpose);
  out.set_population(request.population);
  out.set_level(request.level);
  for (const auto& m : request.measures) {
    auto* measure = out.add_measures();
    measure->set_name(m.name);
    measure->set_expression(m.expression);
  }
  for (const auto& period : request.periods) out.add_periods(period);
  out.set_within(request.within);
  return out;
}

TableRequest TableRequestFromProto(const v1::TableRequest& request) {
  TableRequest out{.purpose = request.purpose(),
                   .population = request.population(),
                   .level = request.level().empty() ? "buurt" : request.level(),
                   .within = request.within(),
                   .measures = {},
                   .periods = {request.periods().begin(), request.periods().end()}};
  for (const auto& m : request.measures()) out.measures.push_back({m.name(), m.expression()});
  return out;
}

}  // namespace stapel
