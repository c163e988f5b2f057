#include "project/manifest.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <tuple>

#include "absl/strings/ascii.h"
#include "keys/identity.h"
#include "keys/key_file.h"
#include "keys/sealed_secret.h"
#include "keys/signing.h"
#include "linker/field_comparison.h"
#include "linker/match_key.h"
#include "project/indicator_expression.h"
#include "project/toml_file.h"

namespace stapel {
namespace {

bool Contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  absl::Status Error(std::string_view where, std::string_view what) const {
    return absl::InvalidArgumentError(fmt::format("{}: {}: {}", file_, where, what));
  }

  absl::Status Error(std::string_view where, const absl::Status& cause) const {
    return Error(where, std::string(cause.message()));
  }

  absl::StatusOr<std::string> String(const toml::node_view<const toml::node>& node,
                                     std::string_view where, bool required) const {
    if (!node) {
      if (required) return Error(where, "is missing");
      return std::string();
    }
    auto value = node.value<std::string>();
    if (!value) return Error(where, "must be a string");
    return *value;
  }

  absl::StatusOr<std::vector<std::string>> Strings(const toml::node_view<const toml::node>& node,
                                                   std::string_view where) const {
    std::vector<std::string> out;
    if (!node) return out;
    const toml::array* array = node.as_array();
    if (array == nullptr) return Error(where, "must be a list of strings");
    for (const auto& item : *array) {
      auto value = item.value<std::string>();
      if (!value) return Error(where, "must be a list of strings");
      if (Contains(out, *value)) return Error(where, fmt::format("lists '{}' twice", *value));
      out.push_back(*value);
    }
    return out;
  }

 private:
  std::string file_;
};

}  // namespace

bool PartyManifest::AllowsAttribute(std::string_view name) const {
  return Contains(attributes, name) || Contains(characteristics, name);
}

bool PartyManifest::AllowsMatchKey(std::string_view kind) const {
  return Contains(match_keys, kind);
}

namespace {

using Node = toml::node_view<const toml::node>;

// periods: names of 1 to 32 letters, digits, '-', '_' or '.', starting with a letter or digit
// (Strings refuses a name listed twice).
absl::Status ReadPeriods(const Reader& r, const Node& top, Manifest* m) {
  if (!top["periods"]) return absl::OkStatus();
  auto periods = r.Strings(top["periods"], "periods");
  if (!periods.ok()) return periods.status();
  if (periods->empty()) {
    return r.Error("periods", "lists no period; leave it out for a project of one period");
  }
  for (const std::string& period : *periods) {
    if (!IsPeriodName(period)) {
      return r.Error("periods", fmt::format("'{}' is not a period name (1 to 32 letters, digits, "
                                            "'-', '_' or '.', e.g. \"2025\" or \"2025-Q1\")",
                                            period));
    }
  }
  m->periods = *periods;
  return absl::OkStatus();
}

// project_id, title, linkage_secret_creator, retention_until, gemeenten and periods.
absl::Status ReadProject(const Reader& r, const Node& top, Manifest* m) {
  auto project = r.String(top["project_id"], "project_id", true);
  if (!project.ok()) return project.status();
  if (auto s = ValidateIdentity(*project); !s.ok()) return r.Error("project_id", s);
  m->project_id = *project;
  auto title = r.String(top["title"], "title", false);
  if (!title.ok()) return title.status();
  m->title = *title;
  auto creator = r.String(top["linkage_secret_creator"], "linkage_secret_creator", false);
  if (!creator.ok()) return creator.status();
  m->linkage_secret_creator = *creator;
  if (const auto* date = top["retention_until"].as_date()) {
    m->retention_until =
        fmt::format("{:04d}-{:02d}-{:02d}", date->get().year, date->get().month, date->get().day);
  } else if (top["retention_until"]) {
    return r.Error("retention_until", "must be a date such as 2027-12-31 (without quotes)");
  }
  if (top["gemeenten"]) {
    auto gemeenten = r.Strings(top["gemeenten"], "gemeenten");
    if (!gemeenten.ok()) return gemeenten.status();
    for (const std::string& code : *gemeenten) {
      const bool valid =
          code.size() == 6 && code.starts_with("GM") &&
          std::all_of(code.begin() + 2, code.end(), [](char c) { return c >= '0' && c <= '9'; });
      if (!valid) {
        return r.Error("gemeenten",
                       fmt::format("'{}' is not a CBS gemeente code (GM and 4 digits, e.g. "
                                   "\"GM0363\")",
                                   code));
      }
    }
    m->gemeenten = *gemeenten;
  }
  return ReadPeriods(r, top, m);
}

absl::Status ReadMatchKeys(const Reader& r, const Node& top, Manifest* m) {
  auto keys = r.Strings(top["match_keys"], "match_keys");
  if (!keys.ok()) return keys.status();
  if (keys->empty()) return r.Error("match_keys", "must list at least one match key kind");
  for (const auto& kind : *keys) {
    if (!IsKnownMatchKeyKind(kind)) {
      return r.Error("match_keys", fmt::format("unknown kind '{}' (known: {})", kind,
                                               fmt::join(KnownMatchKeyKinds(), ", ")));
    }
  }
  m->match_keys = *keys;
  return absl::OkStatus();
}

// [disclosure] method and the cell key method's max_deviation, variance and threshold.
absl::Status ReadCellKey(const Reader& r, const Node& top, DisclosureRules* d) {
  const auto disclosure = top["disclosure"];
  if (auto method = disclosure["method"]; method) {
    const std::string name = method.value_or(std::string());
    if (name == "suppression") {
      d->method = DisclosureMethod::kSuppression;
    } else if (name == "cell_key") {
      d->method = DisclosureMethod::kCellKey;
    } else {
      return r.Error("disclosure.method", "must be \"suppression\" or \"cell_key\"");
    }
  }
  CellKeyParams& c = d->cell_key;
  for (auto [field, target] : {std::pair{"max_deviation", &c.max_deviation},
                               std::pair{"threshold", &c.threshold}}) {
    if (auto node = disclosure[field]; node) {
      auto value = node.value<int64_t>();
      if (!value || *value < 0 || *value > 20) {
        return r.Error(fmt::format("disclosure.{}", field), "must be a whole number from 0 to 20");
      }
      *target = static_cast<int>(*value);
    }
  }
  if (auto node = disclosure["variance"]; node) {
    auto value = node.value<double>();
    if (!value) return r.Error("disclosure.variance", "must be a number");
    c.variance = *value;
  }
  // Checked together, defaults included: a count of 1 must be able to reach 0 or
  // threshold + 1, and no variance above D² exists within ±D.
  if (c.max_deviation < 1) return r.Error("disclosure.max_deviation", "must be at least 1");
  if (c.threshold >= c.max_deviation) {
    return r.Error("disclosure.threshold",
                   fmt::format("must be below max_deviation ({}): a count of 1 must be able to "
                               "reach 0 or threshold + 1",
                               c.max_deviation));
  }
  if (!(c.variance > 0) || c.variance >= c.max_deviation * c.max_deviation) {
    return r.Error("disclosure.variance",
                   fmt::format("must be above 0 and below max_deviation² ({})",
                               c.max_deviation * c.max_deviation));
  }
  return absl::OkStatus();
}

// [disclosure]: every rule is optional and keeps its default when left out.
absl::Status ReadDisclosure(const Reader& r, const Node& top, DisclosureRules* d) {
  if (auto k = top["disclosure"]["k"]; k) {
    auto value = k.value<int64_t>();
    if (!value || *value < 2 || *value > 1000) {
      return r.Error("disclosure.k", "must be a whole number from 2 to 1000");
    }
    d->k = static_cast<int>(*value);
  }
  if (auto min = top["disclosure"]["min_area_population"]; min) {
    auto value = min.value<int64_t>();
    if (!value || *value < 0 || *value > 100000) {
      return r.Error("disclosure.min_area_population", "must be a whole number from 0 to 100000");
    }
    d->min_area_population = static_cast<int>(*value);
  }
  if (auto group = top["disclosure"]["group_disclosure"]; group) {
    auto value = group.value<bool>();
    if (!value) return r.Error("disclosure.group_disclosure", "must be true or false");
    d->group_disclosure = *value;
  }
  d->protection_width = d->k;
  for (auto [field, target, max] : {std::tuple{"rounding_base", &d->rounding_base, 100},
                                    std::tuple{"protection_width", &d->protection_width, 100000}}) {
    if (auto node = top["disclosure"][field]; node) {
      auto value = node.value<int64_t>();
      if (!value || *value < 1 || *value > max) {
        return r.Error(fmt::format("disclosure.{}", field),
                       fmt::format("must be a whole number from 1 to {}", max));
      }
      *target = static_cast<int>(*value);
    }
  }
  return ReadCellKey(r, top, d);
}

// [fuzzy] weights: the fields to encode in the Bloom filters.
absl::Status ReadFuzzyWeights(const Reader& r, const toml::table& fuzzy, BloomSettings* b) {
  const toml::table* weights = fuzzy["weights"].as_table();
  if (weights == nullptr || weights->empty()) {
    return r.Error("fuzzy.weights", "must name the fields to encode and their weights");
  }
  for (const auto& [name, weight] : *weights) {  // toml++ keeps keys in name order
    static constexpr std::string_view kFuzzyFields[] = {
        "birth_date", "birth_year", "first_names", "house_number", "initials", "later_given_names",
        "place",      "postcode",   "sex",         "street",       "surname"};
    static_assert(std::size(kFuzzyFields) <= kMaxFields, "a pattern holds every field");
    if (std::find(std::begin(kFuzzyFields), std::end(kFuzzyFields), name.str()) ==
        std::end(kFuzzyFields)) {
      return r.Error("fuzzy.weights", fmt::format("'{}' is not a field (use {})", name.str(),
                                                  fmt::join(kFuzzyFields, ", ")));
    }
    auto w = weight.value<double>();
    if (!w || *w <= 0 || *w > 10) {
      return r.Error("fuzzy.weights",
                     fmt::format("{} must be a weight above 0 and at most 10", name.str()));
    }
    b->fields.push_back({std::string(name.str()), *w});
  }
  return absl::OkStatus();
}

// [fuzzy]: the Bloom filter settings of the fuzzy pass; none when the section is left out.
absl::Status ReadFuzzy(const Reader& r, const Node& top, Manifest* m) {
  const toml::table* fuzzy = top["fuzzy"].as_table();
  if (fuzzy == nullptr) return absl::OkStatus();
  BloomSettings b;
  b.bits = static_cast<int>((*fuzzy)["bits"].value_or(int64_t{1024}));
  b.hashes = static_cast<int>((*fuzzy)["hashes"].value_or(int64_t{8}));
  b.precision = (*fuzzy)["precision"].value_or(0.99);
  if (fuzzy->contains("threshold")) {
    return r.Error("fuzzy.threshold",
                   "is no longer used: the fuzzy pass weighs each field with a model it "
                   "estimates from the data; remove it and set fuzzy.precision (the estimated "
                   "precision its links must keep, 0.99 when left out)");
  }
  if (b.bits < 64 || b.bits > 8192 || b.bits % 64 != 0) {
    return r.Error("fuzzy.bits", "must be a multiple of 64 from 64 to 8192");
  }
  if (b.hashes < 1 || b.hashes > 100) return r.Error("fuzzy.hashes", "must be from 1 to 100");
  if (!(b.precision >= 0.5 && b.precision < 1)) {  // NaN too
    return r.Error("fuzzy.precision", "must be an estimated precision from 0.5 to below 1");
  }
  if (auto s = ReadFuzzyWeights(r, *fuzzy, &b); !s.ok()) return s;
  if (!b.HasSalt(Salt::kBirthDate) && !b.HasSalt(Salt::kAddress)) {
    return r.Error("fuzzy.weights", "every field is salted with the birth date or the address "
                                    "(so that the hub cannot mine the filters): add birth_date, "
                                    "or postcode and house_number");
  }
  if (b.SegmentWords() == 0) {
    const size_t segments = b.Segments().size();
    return r.Error("fuzzy.bits", fmt::format("leaves less than 64 bits for each of the {} "
                                             "segments (a field has one per salt it is not part "
                                             "of) after the {} tags; use at least {}",
                                             segments, kSalts, 64 * (kSalts + segments)));
  }
  if (b.FieldIndex("birth_year") >= 0 && b.FieldIndex("birth_date") < 0) {
    return r.Error("fuzzy.weights",
                   "birth_year is the birth date's year, read from it: add "
                   "birth_date too");
  }
  // The name fields share a key, so that a name is found in another name field by its bits
  // (written in the other column, or among the later given names); so must their hash counts.
  const BloomField* name = nullptr;
  for (const BloomField& f : b.fields) {
    if (!IsNameField(f.name)) continue;
    if (name != nullptr && f.weight != name->weight) {
      return r.Error("fuzzy.weights",
                     fmt::format("{} and {} must have the same weight (the name fields are "
                                 "compared with each other: names written in each other's "
                                 "column, a first given name among the later ones)",
                                 name->name, f.name));
    }
    name = &f;
  }
  if (b.FieldIndex("later_given_names") >= 0 && b.FieldIndex("first_names") < 0) {
    return r.Error("fuzzy.weights",
                   "later_given_names are compared with first_names: add first_names too");
  }
  m->fuzzy = b;
  return absl::OkStatus();
}

absl::Status ReadPartyRole(const Reader& r, const Node& p, const std::string& where,
                           PartyManifest* party) {
  auto role = r.String(p["role"], where + ".role", true);
  if (!role.ok()) return role.status();
  if (*role == "register") {
    party->role = PartyRole::kRegister;
  } else if (*role == "source") {
    party->role = PartyRole::kSource;
  } else {
    return r.Error(where + ".role",
                   fmt::format("'{}' is not a role (use register or source)", *role));
  }
  return absl::OkStatus();
}

// signing_key and box_key: files beside the manifest, read and checked here.
absl::Status ReadPartyKeys(const Reader& r, const Node& p, const std::string& where,
                           const std::filesystem::path& path, const Manifest& m,
                           PartyManifest* party) {
  auto key_file = r.String(p["signing_key"], where + ".signing_key", true);
  if (!key_file.ok()) return key_file.status();
  const std::filesystem::path key_path = path.parent_path() / *key_file;
  auto key_text = ReadTextFile(key_path);
  if (!key_text.ok()) return r.Error(where + ".signing_key", key_text.status());
  if (auto v = Ed25519Verifier::FromBase64(*key_text); !v.ok()) {
    return r.Error(where + ".signing_key",
                   fmt::format("{}: {}", key_path.string(), std::string(v.status().message())));
  }
  party->signing_public_key = *key_text;

  auto box_file = r.String(p["box_key"], where + ".box_key", false);
  if (!box_file.ok()) return box_file.status();
  if (!box_file->empty()) {
    const std::filesystem::path box_path = path.parent_path() / *box_file;
    auto box_text = ReadTextFile(box_path);
    if (!box_text.ok()) return r.Error(where + ".box_key", box_text.status());
    if (auto v = DecodeBoxPublicKey(*box_text); !v.ok()) {
      return r.Error(where + ".box_key",
                     fmt::format("{}: {}", box_path.string(), std::string(v.status().message())));
    }
    party->box_public_key = std::string(absl::StripAsciiWhitespace(*box_text));
  } else if (!m.linkage_secret_creator.empty()) {
    return r.Error(where + ".box_key",
                   "is needed: the key ceremony seals the linkage secret to every party's box "
                   "key (stapel-keys writes <party>-box.pub)");
  }
  return absl::OkStatus();
}

absl::Status ReadPartyMatchKeys(const Reader& r, const Node& p, const std::string& where,
                                const Manifest& m, PartyManifest* party) {
  auto party_keys = r.Strings(p["match_keys"], where + ".match_keys");
  if (!party_keys.ok()) return party_keys.status();
  for (const auto& kind : m.match_keys) {  // keep the project's precision order
    if (Contains(*party_keys, kind)) party->match_keys.push_back(kind);
  }
  for (const auto& kind : *party_keys) {
    if (!Contains(m.match_keys, kind)) {
      return r.Error(where + ".match_keys",
                     fmt::format("'{}' is not in the project's match_keys", kind));
    }
  }
  if (party->match_keys.empty())
    return r.Error(where + ".match_keys", "must list at least one kind");
  return absl::OkStatus();
}

// attributes and characteristics: each name is sent by one party only (`attribute_names`
// holds those of the parties read so far).
absl::Status ReadPartyAttributes(const Reader& r, const Node& p, const std::string& where,
                                 std::set<std::string, std::less<>>* attribute_names,
                                 PartyManifest* party) {
  for (auto [field, list] : {std::pair{"attributes", &party->attributes},
                             std::pair{"characteristics", &party->characteristics}}) {
    const std::string at_field = fmt::format("{}.{}", where, field);
    auto names = r.Strings(p[field], at_field);
    if (!names.ok()) return names.status();
    for (const auto& a : *names) {
      if (auto s = ValidateIdentity(a); !s.ok()) return r.Error(at_field, s);
      if (!attribute_names->insert(a).second) {
        return r.Error(at_field, fmt::format("'{}' is already sent as an attribute or "
                                             "characteristic",
                                             a));
      }
    }
    *list = *names;
  }
  return absl::OkStatus();
}

// One [[party]] entry, the `index`th (0-based), checked against the parties read before it.
absl::StatusOr<PartyManifest> ReadParty(const Reader& r, const Node& p, size_t index,
                                        const std::filesystem::path& path, const Manifest& m,
                                        std::set<std::string, std::less<>>* attribute_names) {
  const std::string at = fmt::format("party #{}", index + 1);
  PartyManifest party;
  auto id = r.String(p["id"], at + ".id", true);
  if (!id.ok()) return id.status();
  if (auto s = ValidateIdentity(*id); !s.ok()) return r.Error(at + ".id", s);
  if (m.FindParty(*id) != nullptr)
    return r.Error(at, fmt::format("party '{}' is listed twice", *id));
  party.id = *id;
  const std::string where = fmt::format("party '{}'", party.id);

  if (auto s = ReadPartyRole(r, p, where, &party); !s.ok()) return s;
  if (auto s = ReadPartyKeys(r, p, where, path, m, &party); !s.ok()) return s;
  if (auto s = ReadPartyMatchKeys(r, p, where, m, &party); !s.ok()) return s;
  if (auto s = ReadPartyAttributes(r, p, where, attribute_names, &party); !s.ok()) return s;
  party.fuzzy = p["fuzzy"].value_or(false);
  if (party.fuzzy && !m.fuzzy) {
    return r.Error(where + ".fuzzy", "needs a [fuzzy] section with the filter settings");
  }
  return party;
}

// What must hold of the parties together: the secret's creator is one of them, there is one
// register, and it sends the most precise key (and the fuzzy filters, if a source does).
absl::Status CheckParties(const Reader& r, const Manifest& m) {
  if (!m.linkage_secret_creator.empty() && m.FindParty(m.linkage_secret_creator) == nullptr) {
    return r.Error("linkage_secret_creator",
                   fmt::format("'{}' is not a party of the manifest", m.linkage_secret_creator));
  }
  const auto registers = std::count_if(m.parties.begin(), m.parties.end(), [](const auto& p) {
    return p.role == PartyRole::kRegister;
  });
  if (registers != 1) {
    return r.Error("party", fmt::format("exactly one party must have role = \"register\" (the "
                                        "population register), found {}",
                                        registers));
  }
  if (!m.RegisterParty().AllowsMatchKey(m.match_keys.front())) {
    return r.Error(fmt::format("party '{}'", m.RegisterParty().id),
                   fmt::format("the register must send the most precise key '{}', which "
                               "identifies its persons",
                               m.match_keys.front()));
  }

  const bool any_fuzzy_source = std::any_of(m.parties.begin(), m.parties.end(), [](const auto& p) {
    return p.fuzzy && p.role == PartyRole::kSource;
  });
  if (any_fuzzy_source && !m.RegisterParty().fuzzy) {
    return r.Error(fmt::format("party '{}'", m.RegisterParty().id),
                   "fuzzy = true is needed: sources use the fuzzy pass, which compares with the "
                   "register's filters");
  }
  return absl::OkStatus();
}

// [[party]]: the register and the sources.
absl::Status ReadParties(const Reader& r, const Node& top, const std::filesystem::path& path,
                         Manifest* m) {
  const toml::array* parties = top["party"].as_array();
  if (parties == nullptr || parties->empty()) {
    return r.Error("party", "no [[party]] entries; a project needs a register and sources");
  }
  std::set<std::string, std::less<>> attribute_names;
  for (size_t i = 0; i < parties->size(); ++i) {
    auto party = ReadParty(r, Node{(*parties)[i]}, i, path, *m, &attribute_names);
    if (!party.ok()) return party.status();
    m->parties.push_back(*std::move(party));
  }
  return CheckParties(r, *m);
}

// [[requester]] and [[privacy_officer]]: people, each with an identity of its own.
absl::Status ReadPeople(const Reader& r, const Node& top, const char* section, const Manifest& m,
                        std::vector<std::string>* ids) {
  const toml::array* people = top[section].as_array();
  for (size_t i = 0; people != nullptr && i < people->size(); ++i) {
    const Node q{(*people)[i]};
    auto id = r.String(q["id"], fmt::format("{} #{}.id", section, i + 1), true);
    if (!id.ok()) return id.status();
    if (auto s = ValidateIdentity(*id); !s.ok()) return r.Error(section, s);
    if (m.FindParty(*id) != nullptr || m.IsRequester(*id)) {
      return r.Error(section, fmt::format("'{}' is also a party or requester; use separate "
                                          "identities",
                                          *id));
    }
    ids->push_back(*id);
  }
  return absl::OkStatus();
}

// [populations]: the manifest's own, after the built-in ones.
absl::Status ReadPopulations(const Reader& r, const Node& top, Manifest* m) {
  const toml::table* populations = top["populations"].as_table();
  if (populations == nullptr) return absl::OkStatus();
  const std::vector<std::string> attributes = m->Attributes();
  for (const auto& [name, node] : *populations) {
    const std::string where = fmt::format("populations.{}", name.str());
    if (auto s = ValidateIdentity(name.str()); !s.ok()) return r.Error(where, s);
    if (m->FindPopulation(name.str()) != nullptr) {
      return r.Error(where, "is built in (everyone); choose another name");
    }
    const Node p{node};
    auto unit = r.String(p["unit"], where + ".unit", true);
    if (!unit.ok()) return unit.status();
    if (*unit != "persons" && *unit != "households") {
      return r.Error(where + ".unit",
                     fmt::format("'{}' is not a unit (use persons or households)", *unit));
    }
    auto filter = r.String(p["filter"], where + ".filter", true);
    if (!filter.ok()) return filter.status();
    auto parsed = IndicatorExpression::Parse(*filter, attributes);
    if (!parsed.ok()) return r.Error(where + ".filter", parsed.status());
    m->populations.push_back({std::string(name.str()),
                              *unit == "persons" ? CountUnit::kPersons : CountUnit::kHouseholds,
                              parsed->ToString()});
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Manifest> Manifest::Load(const std::filesystem::path& path) {
  const std::string file = path.string();
  auto parsed = ParseTomlFile(path);
  if (!parsed.ok()) return parsed.status();
  const toml::table& root = *parsed;
  Reader r(file);
  Manifest m;
  const Node top{static_cast<const toml::node&>(root)};

  if (auto s = ReadProject(r, top, &m); !s.ok()) return s;
  if (auto s = ReadMatchKeys(r, top, &m); !s.ok()) return s;
  if (auto s = ReadDisclosure(r, top, &m.disclosure); !s.ok()) return s;
  if (auto s = ReadFuzzy(r, top, &m); !s.ok()) return s;
  if (auto s = ReadParties(r, top, path, &m); !s.ok()) return s;
  if (auto s = ReadPeople(r, top, "requester", m, &m.requesters); !s.ok()) return s;
  if (auto s = ReadPeople(r, top, "privacy_officer", m, &m.privacy_officers); !s.ok()) return s;
  if (auto s = ReadPopulations(r, top, &m); !s.ok()) return s;
  return m;
}

bool IsPeriodName(std::string_view name) {
  auto allowed = [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           c == '-' || c == '_' || c == '.';
  };
  return !name.empty() && name.size() <= 32 && allowed(name[0]) && name[0] != '-' &&
         name[0] != '_' && name[0] != '.' && std::all_of(name.begin(), name.end(), allowed);
}

bool Manifest::HasPeriod(std::string_view period) const {
  return periods.empty() ? period.empty()
                         : std::find(periods.begin(), periods.end(), period) != periods.end();
}

std::string Manifest::LatestPeriod() const { return periods.empty() ? "" : periods.back(); }

const PartyManifest* Manifest::FindParty(std::string_view id) const {
  for (const auto& p : parties) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

const PartyManifest& Manifest::RegisterParty() const {
  return *std::find_if(parties.begin(), parties.end(),
                       [](const auto& p) { return p.role == PartyRole::kRegister; });
}

size_t Manifest::MatchKeyIndex(std::string_view kind) const {
  return static_cast<size_t>(std::find(match_keys.begin(), match_keys.end(), kind) -
                             match_keys.begin());
}

bool Manifest::IsRequester(std::string_view id) const { return Contains(requesters, id); }

bool Manifest::IsPrivacyOfficer(std::string_view id) const {
  return Contains(privacy_officers, id);
}

const Population* Manifest::FindPopulation(std::string_view name) const {
  for (const auto& p : populations) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

std::vector<std::string> Manifest::Attributes() const {
  std::vector<std::string> out = Indicators();
  for (const auto& p : parties) {
    out.insert(out.end(), p.characteristics.begin(), p.characteristics.end());
  }
  return out;
}

std::vector<std::string> Manifest::Indicators() const {
  std::vector<std::string> out;
  for (const auto& p : parties) out.insert(out.end(), p.attributes.begin(), p.attributes.end());
  return out;
}

}  // namespace stapel
