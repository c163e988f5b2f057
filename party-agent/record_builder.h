#ifndef STAPEL_PARTY_AGENT_RECORD_BUILDER_H_
#define STAPEL_PARTY_AGENT_RECORD_BUILDER_H_

// Turns one CSV row of a party's export into the pseudonymized record that leaves the
// building: it validates and normalizes the identifying fields (leaving an invalid one out, as
// if empty), computes every match key the manifest allows this party and the row's fields can
// form (one per surname part where the kind has a surname), the Bloom filter of the fuzzy pass
// where the manifest asks for it, and for the register a pseudonymized address key
// (households); it copies the buurt code (register only) and the allowed indicator flags.
// Nothing else of the row is kept.
// Thread-safe: Build and BuildAll are const and may run on many threads at once.

#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "linker/bloom_filter.h"
#include "linker/match_key.h"
#include "party-agent/agent_config.h"
#include "project/manifest.h"
#include "proto/stapel.pb.h"
#include "records/csv_reader.h"
#include "records/dutch_name.h"

namespace stapel {

class RecordBuilder {
 public:
  // Resolves the configured header names against the export's header row. INVALID_ARGUMENT
  // when a column a match key needs is not mapped or not in the header; PERMISSION_DENIED
  // when the config maps an attribute the manifest does not allow this party to send.
  // `bloom` encodes the filters of the fuzzy pass; required when the manifest gives the
  // party fuzzy = true, ignored otherwise. `keyer` and `bloom` are borrowed, not owned: the
  // builder keeps them, so they must outlive it. `config`, `manifest` and `header` are read
  // during the call only.
  static absl::StatusOr<std::unique_ptr<RecordBuilder>> Create(const AgentConfig& config,
                                                               const Manifest& manifest,
                                                               const MatchKeyer* keyer,
                                                               const BloomEncoder* bloom,
                                                               const CsvRow& header);
  // What a record Build made carries of the identifying fields the party maps (bsn, first
  // names, surname, birth date, postcode, house number).
  enum class Completeness {
    kComplete,    // every one of them
    kIncomplete,  // one or more left out, empty or invalid
  };

  // Fills `out` and says whether it is complete, or returns INVALID_ARGUMENT with the reason
  // the row is rejected (it names the columns; an offending value appears only in this local
  // message, for the party's own reject file).
  // The rule for the identifying fields, the same for each: an empty field, and a filled one
  // whose value fails its check, is left out of every match key, the Bloom filter of the fuzzy
  // pass and the household key, and the row is sent with the keys its other
  // fields form. The checks: a BSN must have 9 digits and pass the eleven-test; a birth date
  // must be a calendar date, not in the future; a postcode must be 4 digits and 2 letters; a
  // house number must start with a number from 1 to 99999; a name must be UTF-8 and hold a
  // letter. A row is rejected only when it has nothing left to link on: no match key can be
  // formed and (for a party of the fuzzy pass) its filter has no salt (birth date, address, or
  // first given name and surname) with another field to compare, or (register) its first,
  // person-identifying key cannot be (so a register row whose BSN fails the eleven-test is still
  // rejected: the register names each person by it). The buurt code and the indicator flags are the
  // row's data, not ways to find its person: one that is invalid rejects the row, as does a
  // malformed row or one with too few fields.
  absl::StatusOr<Completeness> Build(const CsvRow& row, v1::PseudonymRecord* out) const;
  // Build for each of `rows`, its outcome in `built[i]` (the spans are of one size), on up to
  // `threads` threads (< 1 counts as 1): the HMAC keys, the Bloom filters and the serialization
  // are the agent's main cost. The records built are appended to `batch` in row order as
  // v1::Batch writes its repeated field `records` (each its tag, length and bytes), so that a
  // batch is its other fields serialized followed by these.
  void BuildAll(std::span<const CsvRow> rows, std::span<absl::StatusOr<Completeness>> built,
                int threads, std::string* batch) const;

  const std::vector<std::string>& match_key_kinds() const { return kinds_; }
  const std::vector<std::string>& attribute_names() const { return attribute_names_; }

 private:
  struct Column {
    std::string header;
    size_t index;
  };
  // The identifying fields of one row, normalized; absent when the row leaves them empty or
  // their value is invalid, and then named in `empty` or `invalid`.
  struct Fields {
    // `first`: the given names folded, one space between them, without a surname prefix written
    // before them; absent for initials alone, which are no given name though the row counts as
    // complete (FirstInitial).
    std::optional<std::string> bsn, first, initial, birth, postcode, house;
    std::optional<std::string> street, place, sex, initials;  // for the fuzzy pass only
    // The birth date's year, also of a date written wrong whose year is one and not to come
    // (ReadDate).
    std::optional<std::string> birth_year;
    std::optional<std::vector<SurnamePart>> surname;
    std::vector<std::string_view> empty;  // the headers of the columns left empty
    std::vector<std::string> invalid;     // "column <header>: <why>", one per invalid value
  };
  RecordBuilder() = default;
  Fields ParseFields(const CsvRow& row) const;
  // The birth date in ISO form, or INVALID_ARGUMENT when it is no date or lies in the future.
  absl::StatusOr<std::string> BirthDate(std::string_view text) const;
  // What `f` leaves out and why, for a reject's message: "column <header>: <why>; ...; left
  // empty: <header>, ...".
  static std::string LeftOut(const Fields& f);
  // Calls key(values) for each match key of `kind` that `f` forms, with the normalized values it
  // is computed over (none when a field is absent, one per part of a surname with several).
  // The values point into `f`: they live as long as it does.
  template <typename Key>
  static void ForEachKey(std::string_view kind, const Fields& f, Key key);
  // The Bloom filter of the fuzzy pass; whether the hub can compare it (IsComparable).
  bool AddFuzzy(const Fields& f, v1::PseudonymRecord* out) const;
  // The names of the salts the fuzzy pass's settings hold (SaltName), for errors.
  std::vector<std::string_view> SaltsHeld() const;

  const MatchKeyer* keyer_ = nullptr;
  const BloomEncoder* bloom_ = nullptr;  // null unless the party sends filters
  BloomSettings bloom_settings_;  // the manifest's, when the party sends filters
  bool is_register_ = false;
  std::vector<std::string> kinds_;
  std::vector<std::string> attribute_names_;
  std::vector<Column> attribute_columns_;
  // The columns of the fields ParseFields reads (none: the party does not map the field),
  // found once rather than per row.
  struct FieldColumns {
    std::optional<Column> bsn, first_names, surname, surname_prefix, birth_date, postcode,
        house_number, street, place, sex, initials, buurt;
  };
  FieldColumns columns_;
  // Per field of the Bloom filter (bloom_settings_.fields), the value of Fields it encodes;
  // null for the surname, which is encoded as its parts without prefixes, one space apart.
  std::vector<std::optional<std::string> Fields::*> bloom_values_;
  size_t header_size_ = 0;
  std::string today_;  // ISO date: later birth dates are rejected
};

}  // namespace stapel

#endif  // STAPEL_PARTY_AGENT_RECORD_BUILDER_H_
