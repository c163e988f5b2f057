#include "disclosure/area_contents.h"

#include <fmt/format.h>

#include <iterator>

#include "encoding/sha256.h"

namespace stapel {

AreaContents AreaContentsOf(const BuurtCounts& counts) {
  AreaContents out;
  std::string text;
  for (const auto& [buurt, c] : counts.buurten) {
    text.clear();
    for (const auto* classes : {&c.persons, &c.households}) {
      for (const auto& [bits, n] : *classes) {
        fmt::format_to(std::back_inserter(text), "{}:{},", bits, n);
      }
      text += ';';
    }
    for (const auto* keys : {&c.person_keys, &c.household_keys}) {
      for (const auto& [bits, sum] : *keys) {
        fmt::format_to(std::back_inserter(text), "{}:{},", bits, sum);
      }
      text += ';';
    }
    out.emplace(buurt, Sha256Hex(text));
  }
  return out;
}

nlohmann::json AreaContentsToJson(const AreaContents& contents) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [buurt, digest] : contents) out[buurt] = digest;
  return out;
}

absl::StatusOr<AreaContents> AreaContentsFromJson(const nlohmann::json& json) {
  if (!json.is_object()) return absl::InvalidArgumentError("area contents: not an object");
  AreaContents out;
  for (const auto& [buurt, digest] : json.items()) {
    if (!digest.is_string()) {
      return absl::InvalidArgumentError(fmt::format("area contents: {} has no digest", buurt));
    }
    out.emplace(buurt, digest.get<std::string>());
  }
  return out;
}

void AddChangedBuurten(const AreaContents& now, const AreaContents& earlier,
                       std::set<std::string>* changed) {
  for (const auto& [buurt, digest] : now) {
    const auto it = earlier.find(buurt);
    if (it == earlier.end() || it->second != digest) changed->insert(buurt);
  }
  for (const auto& [buurt, digest] : earlier) {
    if (!now.contains(buurt)) changed->insert(buurt);
  }
}

}  // namespace stapel
