#include "party-agent/record_builder.h"

#include <fmt/format.h>

#include "absl/strings/ascii.h"
#include "linker/area_code.h"
#include "linker/birth_date.h"
#include "linker/bsn.h"
#include "linker/text_normalize.h"

namespace stapel {
namespace {

// The identifying fields each match key kind is made of.
std::vector<std::string_view> FieldsOf(std::string_view kind) {
  if (kind == kMatchKeyBsn) return {kFieldBsn};
  return {kFieldFirstNames, kFieldSurname, kFieldBirthDate, kFieldPostcode};
}

absl::StatusOr<uint32_t> ParseFlag(std::string_view text) {
  const std::string v = absl::AsciiStrToLower(std::string(Trim(text)));
  if (v == "1" || v == "ja" || v == "j" || v == "true" || v == "yes" || v == "y") return 1;
  if (v == "0" || v == "nee" || v == "n" || v == "false" || v == "no") return 0;
  return absl::InvalidArgumentError(
      fmt::format("'{}' is not a yes/no value (use 1/0, ja/nee or true/false)", text));
}

absl::Status InColumn(const std::string& header, const absl::Status& s) {
  return absl::InvalidArgumentError(fmt::format("column {}: {}", header, std::string(s.message())));
}

}  // namespace

absl::StatusOr<std::unique_ptr<RecordBuilder>> RecordBuilder::Create(const AgentConfig& config,
                                                                     const Manifest& manifest,
                                                                     const MatchKeyer* keyer,
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
  b->is_register_ = party->role == PartyRole::kRegister;
  b->header_size_ = header.size;
  auto column = [&](std::string_view what, const std::string& name) -> absl::StatusOr<Column> {
    for (size_t i = 0; i < header.size; ++i) {
      if (Trim(header.fields[i]) == name) return Column{name, i};
    }
    return absl::InvalidArgumentError(fmt::format(
        "{}: the header of {} has no column '{}' (configured for {} in {}); the header is: {}",
        config.input.string(), config.input.filename().string(), name, what, cfg,
        fmt::join(header.fields.begin(), header.fields.begin() + header.size, ", ")));
  };

  std::vector<std::string_view> needed;
  for (const auto& kind : party->match_keys) {
    for (std::string_view f : FieldsOf(kind)) needed.push_back(f);
    b->kinds_.push_back(kind);
  }
  if (b->is_register_) needed.push_back(kFieldBuurt);
  for (std::string_view field : needed) {
    auto it = config.columns.find(std::string(field));
    if (it == config.columns.end()) {
      return absl::InvalidArgumentError(
          fmt::format("{}: [columns] {} is missing; party '{}' needs it for its match keys ({}){}",
                      cfg, field, party->id, fmt::join(party->match_keys, ", "),
                      field == kFieldBuurt ? " and as the population register" : ""));
    }
    auto c = column(fmt::format("[columns] {}", field), it->second);
    if (!c.ok()) return c.status();
    b->fields_[std::string(field)] = *c;
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

absl::StatusOr<std::optional<std::string>> RecordBuilder::KeyValue(std::string_view kind,
                                                                   const CsvRow& row) const {
  const std::vector<std::string_view> fields = FieldsOf(kind);
  for (std::string_view f : fields) {
    if (Trim(row.fields[fields_.find(f)->second.index]).empty()) return std::nullopt;
  }
  if (kind == kMatchKeyBsn) {
    const Column& c = fields_.find(kFieldBsn)->second;
    auto bsn = NormalizeBsn(row.fields[c.index]);
    if (!bsn.ok()) return InColumn(c.header, bsn.status());
    return *bsn;
  }
  const Column& first = fields_.find(kFieldFirstNames)->second;
  const Column& surname = fields_.find(kFieldSurname)->second;
  const Column& birth = fields_.find(kFieldBirthDate)->second;
  const Column& postcode = fields_.find(kFieldPostcode)->second;
  auto first_folded = FoldName(row.fields[first.index]);
  if (!first_folded.ok()) return InColumn(first.header, first_folded.status());
  auto surname_folded = FoldName(row.fields[surname.index]);
  if (!surname_folded.ok()) return InColumn(surname.header, surname_folded.status());
  auto date = ParseDate(row.fields[birth.index]);
  if (!date.ok()) return InColumn(birth.header, date.status());
  auto pc = NormalizePostcode(row.fields[postcode.index]);
  if (!pc.ok()) return InColumn(postcode.header, pc.status());
  if (first_folded->empty() || surname_folded->empty()) {
    return absl::InvalidArgumentError(
        fmt::format("columns {} and {} must both hold a name", first.header, surname.header));
  }
  // The first character of the folded first names (a whole UTF-8 sequence if not ASCII).
  size_t initial_len = 1;
  while (initial_len < first_folded->size() &&
         (static_cast<unsigned char>((*first_folded)[initial_len]) & 0xC0) == 0x80) {
    ++initial_len;
  }
  return fmt::format("{}|{}|{}|{}", first_folded->substr(0, initial_len), *surname_folded,
                     date->Iso(), *pc);
}

absl::Status RecordBuilder::Build(const CsvRow& row, v1::PseudonymRecord* out) const {
  out->Clear();
  if (!row.error.empty()) return absl::InvalidArgumentError(row.error);
  if (row.size != header_size_) {
    return absl::InvalidArgumentError(
        fmt::format("row has {} fields, the header has {}", row.size, header_size_));
  }
  size_t formed = 0;
  for (const auto& kind : kinds_) {
    auto value = KeyValue(kind, row);
    if (!value.ok()) return value.status();
    if (!value->has_value()) {
      if (is_register_ && kind == kinds_.front()) {
        return absl::InvalidArgumentError(
            fmt::format("{} is empty; the population register identifies every person by it",
                        fields_.find(FieldsOf(kind).front())->second.header));
      }
      out->add_match_keys();
      continue;
    }
    const MatchKey key = keyer_->Compute(kind, **value);
    out->add_match_keys(key.data(), key.size());
    ++formed;
  }
  if (formed == 0) {
    return absl::InvalidArgumentError(fmt::format(
        "no match key can be formed: the fields of {} are empty", fmt::join(kinds_, ", ")));
  }
  if (is_register_) {
    const Column& c = fields_.find(kFieldBuurt)->second;
    auto buurt = NormalizeBuurtCode(row.fields[c.index]);
    if (!buurt.ok()) return InColumn(c.header, buurt.status());
    out->set_buurt(std::move(*buurt));
  }
  for (const Column& c : attribute_columns_) {
    auto flag = ParseFlag(row.fields[c.index]);
    if (!flag.ok()) return InColumn(c.header, flag.status());
    out->add_attribute_values(*flag);
  }
  return absl::OkStatus();
}

}  // namespace stapel
