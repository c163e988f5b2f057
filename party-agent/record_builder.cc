#include "party-agent/record_builder.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <exception>

#include "absl/container/inlined_vector.h"
#include "absl/strings/ascii.h"
#include "parallel/for_each_index.h"
#include "party-agent/field_head.h"
#include "records/area_code.h"
#include "records/birth_date.h"
#include "records/bsn.h"
#include "records/text_normalize.h"

namespace stapel {
namespace {

// The identifying fields each match key kind is made of.
std::vector<std::string_view> FieldsOf(std::string_view kind) {
  if (kind == kMatchKeyBsn) return {kFieldBsn};
  if (kind == kMatchKeySurnameBirthPostcode)
    return {kFieldSurname, kFieldBirthDate, kFieldPostcode};
  if (kind == kMatchKeyInitialSurnameBirth)
    return {kFieldFirstNames, kFieldSurname, kFieldBirthDate};
  if (kind == kMatchKeyBirthPostcodeHouse)
    return {kFieldBirthDate, kFieldPostcode, kFieldHouseNumber};
  return {kFieldFirstNames, kFieldSurname, kFieldPostcode, kFieldHouseNumber};
}

// Domain of the register's address key, which groups persons into households.
constexpr std::string_view kHouseholdKind = "household_address";

absl::StatusOr<uint32_t> ParseFlag(std::string_view text) {
  const std::string_view v = Trim(text);
  const auto is = [&](std::string_view word) {  // `word` in lower case
    return std::equal(v.begin(), v.end(), word.begin(), word.end(), [](char a, char b) {
      return absl::ascii_tolower(static_cast<unsigned char>(a)) == b;
    });
  };
  if (is("1") || is("ja") || is("j") || is("true") || is("yes") || is("y")) return 1;
  if (is("0") || is("nee") || is("n") || is("false") || is("no")) return 0;
  return absl::InvalidArgumentError(
      fmt::format("'{}' is not a yes/no value (use 1/0, ja/nee or true/false)", text));
}

// Appends `record` to `batch` as the wire format writes an element of v1::Batch's repeated
// field `records`: its tag, its length and its bytes.
void AppendRecord(const v1::PseudonymRecord& record, std::string* batch) {
  const size_t size = record.ByteSizeLong();
  batch->append(FieldHead(v1::Batch::kRecordsFieldNumber, size).bytes());
  const size_t at = batch->size();
  batch->resize(at + size);
  record.SerializeWithCachedSizesToArray(reinterpret_cast<uint8_t*>(batch->data() + at));
}

absl::Status InColumn(const std::string& header, const absl::Status& s) {
  return absl::InvalidArgumentError(fmt::format("column {}: {}", header, std::string(s.message())));
}

}  // namespace

absl::StatusOr<std::unique_ptr<RecordBuilder>> RecordBuilder::Create(const AgentConfig& config,
                                                                     const Manifest& manifest,
                                                                     const MatchKeyer* keyer,
                                                                     const BloomEncoder* bloom,
                                                                     const CsvRow& header) {
  const std::string cfg = config.config_file.string();
  const PartyManifest* party = manifest.FindParty(config.party_id);
  if (party == nullptr) {
    return absl::InvalidArgumentError(
        fmt::format("{}: party_id '{}' is not a party in the manifest {}", cfg, config.party_id,
                    config.manifest.string()));
  }
  std::unique_ptr<RecordBuilder> b(new RecordBuilder());
  b->keyer_ = keyer;
  b->today_ = fmt::format("{:%Y-%m-%d}", fmt::gmtime(std::time(nullptr)));
  b->is_register_ = party->role == PartyRole::kRegister;
  b->header_size_ = header.size;
  auto column = [&](std::string_view what, const std::string& name) -> absl::StatusOr<Column> {
    for (size_t i = 0; i < header.size; ++i) {
      if (Trim(header.fields[i]) == name) return Column{name, i};
    }
    return absl::InvalidArgumentError(fmt::format(
        "{}: the header has no column '{}' (configured for {} in {}); the header is: {}",
        config.input.string(), name, what, cfg,
        fmt::join(header.fields.begin(), header.fields.begin() + header.size, ", ")));
  };

  std::map<std::string, Column, std::less<>> fields;  // identifying field -> column
  std::vector<std::string_view> needed;
  for (const auto& kind : party->match_keys) {
    for (std::string_view f : FieldsOf(kind)) needed.push_back(f);
    b->kinds_.push_back(kind);
  }
  if (b->is_register_) needed.push_back(kFieldBuurt);
  if (party->fuzzy) {
    if (bloom == nullptr) return absl::InternalError("the fuzzy pass needs a Bloom encoder");
    b->bloom_ = bloom;
    b->bloom_settings_ = *manifest.fuzzy;
    for (const BloomField& f : manifest.fuzzy->fields) {
      if (config.columns.contains(f.name)) needed.push_back(f.name);
    }
  }
  if (config.columns.contains(std::string(kFieldSurnamePrefix)))
    needed.push_back(kFieldSurnamePrefix);
  for (std::string_view field : needed) {
    if (fields.contains(field)) continue;
    auto it = config.columns.find(std::string(field));
    if (it == config.columns.end()) {
      return absl::InvalidArgumentError(
          fmt::format("{}: [columns] {} is missing; party '{}' needs it for its match keys ({}){}",
                      cfg, field, party->id, fmt::join(party->match_keys, ", "),
                      field == kFieldBuurt ? " and as the population register" : ""));
    }
    auto c = column(fmt::format("[columns] {}", field), it->second);
    if (!c.ok()) return c.status();
    fields[std::string(field)] = *c;
  }
  const auto find = [&](std::string_view field) -> std::optional<Column> {
    auto it = fields.find(field);
    return it == fields.end() ? std::nullopt : std::optional<Column>(it->second);
  };
  b->columns_ = {.bsn = find(kFieldBsn),
                 .first_names = find(kFieldFirstNames),
                 .surname = find(kFieldSurname),
                 .surname_prefix = find(kFieldSurnamePrefix),
                 .birth_date = find(kFieldBirthDate),
                 .postcode = find(kFieldPostcode),
                 .house_number = find(kFieldHouseNumber),
                 .street = find(kFieldStreet),
                 .place = find(kFieldPlace),
                 .sex = find(kFieldSex),
                 .initials = find(kFieldInitials),
                 .buurt = find(kFieldBuurt)};
  if (b->bloom_ != nullptr) {
    for (const BloomField& f : b->bloom_settings_.fields) {
      const std::string& n = f.name;
      // The given names for the later ones too: the encoder takes them apart.
      b->bloom_values_.push_back(n == kFieldFirstNames      ? &Fields::first
                                 : n == "later_given_names" ? &Fields::first
                                 : n == kFieldBirthDate     ? &Fields::birth
                                 : n == "birth_year"        ? &Fields::birth_year
                                 : n == kFieldPostcode      ? &Fields::postcode
                                 : n == kFieldHouseNumber   ? &Fields::house
                                 : n == kFieldStreet        ? &Fields::street
                                 : n == kFieldPlace         ? &Fields::place
                                 : n == kFieldSex           ? &Fields::sex
                                 : n == kFieldInitials      ? &Fields::initials
                                                            : nullptr);  // the surname
    }
  }
  for (const auto& [attribute, header_name] : config.attributes) {
    if (!party->AllowsAttribute(attribute)) {
      return absl::PermissionDeniedError(fmt::format(
          "{}: [attributes] {} is not allowed for party '{}' by the manifest (allowed: {}); "
          "remove it, or have the privacy officer amend the manifest",
          cfg, attribute, party->id, fmt::join(party->attributes, ", ")));
    }
    auto c = column(fmt::format("[attributes] {}", attribute), header_name);
    if (!c.ok()) return c.status();
    b->attribute_names_.push_back(attribute);
    b->attribute_columns_.push_back(*c);
  }
  return b;
}

absl::StatusOr<std::string> RecordBuilder::BirthDate(std::string_view text) const {
  auto date = ParseDate(text);
  if (!date.ok()) return date.status();
  std::string iso = date->Iso();
  if (iso > today_) {
    return absl::InvalidArgumentError(fmt::format("birth date '{}' lies in the future", text));
  }
  return iso;
}

RecordBuilder::Fields RecordBuilder::ParseFields(const CsvRow& row) const {
  Fields f;
  // The field's text, or nullopt when the party does not map it or the row leaves it empty
  // (noted).
  auto text = [&](const std::optional<Column>& c) -> std::optional<std::string_view> {
    if (!c) return std::nullopt;
    const std::string_view v = Trim(row.fields[c->index]);
    if (v.empty()) {
      f.empty.push_back(c->header);
      return std::nullopt;
    }
    return v;
  };
  // Keeps the field's normalized value, or notes why it is left out.
  auto keep = [&]<typename T>(const std::optional<Column>& c, absl::StatusOr<T> value,
                              std::optional<T>* into) {
    if (value.ok()) {
      *into = *std::move(value);
    } else {
      f.invalid.emplace_back(InColumn(c->header, value.status()).message());
    }
  };
  const FieldColumns& cols = columns_;
  if (auto v = text(cols.bsn)) keep(cols.bsn, NormalizeBsn(*v), &f.bsn);
  const std::optional<std::string_view> first_names = text(cols.first_names);
  if (first_names) {
    std::string folded;
    auto initial = FirstInitial(*first_names, &folded);
    if (initial.ok() && !folded.empty()) f.first = std::move(folded);  // not initials only
    keep(cols.first_names, std::move(initial), &f.initial);
  }
  if (auto v = text(cols.surname)) {
    keep(cols.surname,
         ParseSurname(*v, !cols.surname_prefix ? "" : Trim(row.fields[cols.surname_prefix->index])),
         &f.surname);
  }
  if (auto v = text(cols.birth_date)) {
    keep(cols.birth_date, BirthDate(*v), &f.birth);
    if (f.birth) {
      f.birth_year = f.birth->substr(0, 4);
    } else if (auto written = ReadDate(*v); written.ok() && IsBirthYear(written->year)) {
      // Four digits (IsBirthYear); a year still to come is as wrong as its date.
      std::string year = std::to_string(written->year);
      if (year <= std::string_view(today_).substr(0, 4)) f.birth_year = std::move(year);
    }
  }
  if (auto v = text(cols.postcode)) keep(cols.postcode, NormalizePostcode(*v), &f.postcode);
  if (auto v = text(cols.house_number)) {
    auto house = ParseHouseNumber(*v);
    keep(cols.house_number, house.ok() ? absl::StatusOr<std::string>(house->Key()) : house.status(),
         &f.house);
  }
  // A street or place: folded as names are, and holding a letter.
  const auto place_name = [](std::string_view v) -> absl::StatusOr<std::string> {
    auto folded = FoldName(v);
    if (folded.ok() && folded->empty()) {
      return absl::InvalidArgumentError(fmt::format("'{}' has no letters", v));
    }
    return folded;
  };
  if (auto v = text(cols.street)) keep(cols.street, place_name(*v), &f.street);
  if (auto v = text(cols.place)) keep(cols.place, place_name(*v), &f.place);
  if (auto v = text(cols.sex)) keep(cols.sex, NormalizeSex(*v), &f.sex);
  if (auto v = text(cols.initials)) {
    keep(cols.initials, Initials(*v), &f.initials);
  } else if (f.initial) {
    f.initials = *Initials(*first_names);  // valid: the given names have a letter
  }
  return f;
}

std::string RecordBuilder::LeftOut(const Fields& f) {
  std::string out = fmt::format("{}", fmt::join(f.invalid, "; "));
  if (!f.empty.empty()) {
    out += fmt::format("{}left empty: {}", out.empty() ? "" : "; ", fmt::join(f.empty, ", "));
  }
  return out;
}

template <typename Key>
void RecordBuilder::ForEachKey(std::string_view kind, const Fields& f, Key key) {
  if (kind == kMatchKeyBsn) {
    if (f.bsn) key({*f.bsn});
  } else if (kind == kMatchKeyBirthPostcodeHouse) {
    if (f.birth && f.postcode && f.house) key({*f.birth, *f.postcode, *f.house});
  } else if (f.surname) {
    for (const SurnamePart& part : *f.surname) {
      if (kind == kMatchKeySurnameBirthPostcode && f.birth && f.postcode) {
        key({part.name, *f.birth, *f.postcode});
      } else if (kind == kMatchKeyInitialSurnameBirth && f.initial && f.birth) {
        key({*f.initial, part.name, *f.birth});
      } else if (kind == kMatchKeyInitialSurnamePostcodeHouse && f.initial && f.postcode &&
                 f.house) {
        key({*f.initial, part.name, *f.postcode, *f.house});
      }
    }
  }
}

std::vector<std::string_view> RecordBuilder::SaltsHeld() const {
  std::vector<std::string_view> held;
  for (Salt salt : kAllSalts) {
    if (bloom_settings_.HasSalt(salt)) held.push_back(SaltName(salt));
  }
  return held;
}

bool RecordBuilder::AddFuzzy(const Fields& f, v1::PseudonymRecord* out) const {
  std::string surname;  // the parts without prefixes, a space between them
  if (f.surname) {
    for (const SurnamePart& part : *f.surname) {
      if (!surname.empty()) surname += ' ';
      surname += part.name;
    }
  }
  absl::InlinedVector<std::string_view, 16> values;
  for (std::optional<std::string> Fields::*value : bloom_values_) {
    const std::optional<std::string>* v = value == nullptr ? nullptr : &(f.*value);
    values.push_back(v == nullptr     ? std::string_view(surname)
                     : v->has_value() ? std::string_view(**v)
                                      : std::string_view());
  }
  absl::InlinedVector<uint64_t, 48> filter(bloom_->words());  // 3,072 bits without allocating
  bloom_->Encode(values, filter);
  out->set_bloom(reinterpret_cast<const char*>(filter.data()), filter.size() * sizeof(uint64_t));
  return IsComparable(bloom_settings_, filter);
}

void RecordBuilder::BuildAll(std::span<const CsvRow> rows,
                             std::span<absl::StatusOr<Completeness>> built, int threads,
                             std::string* batch) const {
  // Rows go to the threads in runs of this many, each run's records into a string of its own:
  // the threads rarely meet on the counter that hands them out, and write apart.
  constexpr size_t kRowsPerRun = 64;
  // Fewer rows than this per thread are not worth a thread.
  constexpr size_t kMinRowsPerThread = 256;
  const int useful = static_cast<int>(std::max<size_t>(1, rows.size() / kMinRowsPerThread));
  // Made before any row, so that noting a row that ran out of memory allocates nothing (copying
  // a status only counts a reference) and cannot throw in its turn.
  static const absl::Status kOutOfMemory = absl::ResourceExhaustedError(
      "the agent ran out of memory building this row; run it again with fewer --threads or a "
      "smaller [input] batch_size");
  std::vector<std::string> runs((rows.size() + kRowsPerRun - 1) / kRowsPerRun);
  ForEachIndex(runs.size(), std::min(std::max(threads, 1), useful), [&](size_t run) {
    thread_local v1::PseudonymRecord record;  // keeps its allocations from row to row
    std::string& out = runs[run];
    for (size_t i = run * kRowsPerRun; i < std::min(rows.size(), (run + 1) * kRowsPerRun); ++i) {
      const size_t before = out.size();
      try {
        built[i] = Build(rows[i], &record);
        if (built[i].ok()) {
          AppendRecord(record, &out);
          // A party's records are of about one size: room for the run's others at once (when
          // even that fails, this row is noted as out of memory below, like any other).
          if (before == 0) out.reserve(out.size() * kRowsPerRun * 5 / 4);
        }
      } catch (const std::exception&) {  // this row is not built; nothing here throws
        out.resize(before);
        built[i] = kOutOfMemory;
      }
    }
    return absl::OkStatus();
  });
  size_t bytes = batch->size();
  for (const std::string& run : runs) bytes += run.size();
  batch->reserve(bytes);
  for (const std::string& run : runs) batch->append(run);
}

absl::StatusOr<RecordBuilder::Completeness> RecordBuilder::Build(const CsvRow& row,
                                                                 v1::PseudonymRecord* out) const {
  out->Clear();
  if (!row.error.empty()) return absl::InvalidArgumentError(row.error);
  if (row.size != header_size_) {
    return absl::InvalidArgumentError(
        fmt::format("row has {} fields, the header has {}", row.size, header_size_));
  }
  const Fields fields = ParseFields(row);
  // The row's match keys and household key are computed together (MatchKeyer::ComputeMany)
  // once every check of the row has passed: here only their inputs are gathered.
  absl::InlinedVector<MatchKeyInput, 12> keys;
  absl::InlinedVector<uint32_t, 12> key_kinds;
  for (uint32_t k = 0; k < kinds_.size(); ++k) {
    const size_t before = keys.size();
    ForEachKey(kinds_[k], fields, [&](std::initializer_list<std::string_view> values) {
      keys.push_back({.kind = kinds_[k], .fields = values});
      key_kinds.push_back(k);
    });
    if (keys.size() == before && k == 0 && is_register_) {
      return absl::InvalidArgumentError(fmt::format(
          "the fields of {} ({}) are empty or invalid ({}); the population register identifies "
          "every person by it: correct the row in the export",
          kinds_[0], fmt::join(FieldsOf(kinds_[0]), ", "), LeftOut(fields)));
    }
  }
  const bool comparable = bloom_ != nullptr && AddFuzzy(fields, out);
  // A record without match keys can still be found by the fuzzy pass, through a salt of its
  // filter (its birth date, address, or names) and a field encoded under it.
  if (keys.empty() && !comparable) {
    return absl::InvalidArgumentError(fmt::format(
        "nothing left to link on: no match key ({}){} can be formed without the fields left "
        "out ({}); fill them in or correct them in the export",
        fmt::join(kinds_, ", "),
        bloom_ != nullptr
            ? fmt::format(" and the fuzzy pass has no {} with another field to compare",
                          fmt::join(SaltsHeld(), " or "))
            : "",
        LeftOut(fields)));
  }
  if (is_register_) {
    const Column& c = *columns_.buurt;
    auto buurt = NormalizeBuurtCode(row.fields[c.index]);
    if (!buurt.ok()) return InColumn(c.header, buurt.status());
    out->set_buurt(std::move(*buurt));
  }
  for (const Column& c : attribute_columns_) {
    auto flag = ParseFlag(row.fields[c.index]);
    if (!flag.ok()) return InColumn(c.header, flag.status());
    out->add_attribute_values(*flag);
  }
  const bool household = is_register_ && fields.postcode && fields.house;
  if (household) {
    keys.push_back({.kind = kHouseholdKind, .fields = {*fields.postcode, *fields.house}});
  }
  absl::InlinedVector<MatchKey, 12> computed(keys.size());
  keyer_->ComputeMany(keys, computed);
  for (size_t i = 0; i < key_kinds.size(); ++i) {
    v1::MatchKeyEntry* entry = out->add_keys();
    entry->set_kind(key_kinds[i]);
    entry->set_key(computed[i].data(), computed[i].size());
  }
  if (household) out->set_household(computed.back().data(), computed.back().size());
  return fields.empty.empty() && fields.invalid.empty() ? Completeness::kComplete
                                                        : Completeness::kIncomplete;
}

}  // namespace stapel
