#ifndef STAPEL_LINKER_ENCODING_ATTACK_H_
#define STAPEL_LINKER_ENCODING_ATTACK_H_

// What a curious hub could learn from the fuzzy pass's encodings (bloom_filter.h) with a public
// frequency list of names: frequency alignment (Kuzu et al. 2011; Kroll & Steinmetzer 2015), for
// tests and benchmarks (not linked into the hub). The records whose segment of a name field is
// bit for bit the same form a group; the largest groups are labelled, one to one, with the
// most frequent names of the list. A record counts as re-identified when its label is its true
// name. Against salted filters the hub can also align within each salt value (it sees the
// tags): a name repeated among those born on one day still stands out where days hold many.
//
// Pattern mining (learning each bigram's bit positions from the labelled groups, Christen et
// al. 2018) is not here: with 192-bit segments every position is set by a dozen bigrams of a
// list of a thousand names, and a miner seeded by the alignment read no name the alignment had
// not.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "linker/bloom_filter.h"

namespace stapel {

struct ListedName {
  std::string name;  // normalized (lowercase), as the agent encodes it
  double frequency;  // its share of the population
};

// `count` made-up names of Dutch shape whose frequencies fall off as rank^-exponent (as name
// frequencies do; 0.6 over 20,000 surnames gives the most common 0.8%, 0.7 over 2,000 given
// names 3.4%), most frequent first. The same seed gives the same list.
std::vector<ListedName> PowerLawNames(size_t count, double exponent, uint64_t seed);

// Residents whose names follow the lists, as the fields of AttackedSettings: given names (a
// first and a later one), surname, birth date (over 65 years), postcode, house number, birth
// year and the given names again (the later one's field), in households of one to four at one
// address who share the surname. The same seed gives the same residents.
struct ListedResidents {
  std::vector<std::string> first_names, later_names, surnames;
  std::vector<std::vector<std::string>> values;  // per resident: the seven fields
};
ListedResidents DrawResidents(size_t n, std::span<const ListedName> given,
                              std::span<const ListedName> family, uint64_t seed);

// One segment (`words` words) per record, `records` of them, flat.
struct Segments {
  std::vector<uint64_t> bits;
  size_t words = 0;
  size_t records() const { return words == 0 ? 0 : bits.size() / words; }
  std::span<const uint64_t> of(size_t record) const {
    return std::span<const uint64_t>(bits).subspan(record * words, words);
  }
};

// The settings the attacks run against: the example manifest's, without street and sex (the
// attack is on the names).
BloomSettings AttackedSettings();

// What the hub holds of one field under one salt: every record's segment and tag.
struct HubView {
  Segments segments;
  std::vector<uint64_t> tags;
};
// Encodes `values` (per record, as `settings.fields`) and keeps field `field`'s segments under
// `salt` (settings.SegmentIndex(field, salt) >= 0).
HubView EncodeField(const BloomEncoder& encoder, const BloomSettings& settings,
                    std::span<const std::vector<std::string>> values, int field, Salt salt);

// Every record's tag of the names salt (its first given name and surname) as a one-word
// segment: what AlignFrequencies can label when the tag's groups are aligned with a list of
// name pairs. `settings` hold the names salt and the birth date.
Segments NamesTags(const BloomEncoder& encoder, const BloomSettings& settings,
                   std::span<const std::vector<std::string>> values);

// The `count` most frequent pairs of a given name and a surname, names drawn independently (a
// pair's frequency the product of its names'), most frequent first, each written as NamePair
// writes it: the list an attacker aligns the names' tags with.
std::vector<ListedName> NamePairs(std::span<const ListedName> given,
                                  std::span<const ListedName> family, size_t count);
// Each resident's given name and surname as NamePairs writes them: in order, a space between,
// as the names salt holds them.
std::vector<std::string> NamePairsOf(const ListedResidents& residents);

// Per record, the name frequency alignment gives it (nullopt: not labelled): the `top`
// largest groups of equal, non-empty segments get the `top` most frequent names of `list`.
std::vector<std::optional<std::string>> AlignFrequencies(const Segments& segments,
                                                         std::span<const ListedName> list,
                                                         size_t top);

// Per record, the name frequency alignment within its salt value gives it: among the records
// with one tag (`tags`, 0: none), the groups of equal segments of two or more records, largest
// first, get the most frequent names of `list` (a group of one tells nothing).
std::vector<std::optional<std::string>> AlignWithinSalts(const Segments& segments,
                                                         std::span<const uint64_t> tags,
                                                         std::span<const ListedName> list);

// The share of records whose label is their true name.
double ReidentifiedShare(std::span<const std::optional<std::string>> labels,
                         std::span<const std::string> truth);
// What guessing gets: the share of records with a label whose true name is `commonest` (the
// list's most frequent), as labelling them all with it would re-identify without looking at the
// filters. An attack on the filters re-identifies what it gets beyond this.
double GuessedShare(std::span<const std::optional<std::string>> labels,
                    std::span<const std::string> truth, const std::string& commonest);

}  // namespace stapel

#endif  // STAPEL_LINKER_ENCODING_ATTACK_H_
