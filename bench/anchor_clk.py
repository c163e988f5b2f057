#!/usr/bin/env python3
"""The held-out anchor's method, for calibrating stapel-synth's presets.

Issue #19's held-out benchmark measured, beside Stapel, the anonlink/clkhash tutorial's method:
one keyed Bloom filter (a CLK) per record over every identifying field, every pair compared by
Dice, linked greedily one to one above a threshold (0.8 there, recall 0.992). This runs that
method on the exports stapel-synth writes, so that a preset's difficulty can be told apart from
Stapel's linkage: where the anchor's method itself falls far below 0.99, the preset is harsher
than that benchmark. It reads the population register and the housing export, normalizes as
clkhash's schemas would (names folded to letters and digits, dates to YYYYMMDD where they can be
read, postcodes without spaces), and prints precision and recall per threshold against
truth/housing_pairs.csv. Every pair is compared: use 10,000 residents or so (about 10 s here;
the time grows with the register times the source). Needs Python 3.10 or later (Debian 12 has
3.11).

Example:
  build/release/bin/stapel-synth --out /tmp/h11 --residents 10000 --seed 11 --preset harsh
  bench/anchor_clk.py /tmp/h11
"""
import argparse
import csv
import hashlib
import re
import sys
import unicodedata


def fold(text):
    return ''.join(c for c in unicodedata.normalize('NFKD', text.lower()) if c.isalnum())


def iso_digits(text):
    """A date in any of the exports' forms as YYYYMMDD; its digits as they are otherwise."""
    parts = re.findall(r'\d+', text)
    if len(parts) == 1 and len(parts[0]) == 8:
        return parts[0]
    if len(parts) == 3 and len(parts[0]) == 4:
        return parts[0] + parts[1].zfill(2) + parts[2].zfill(2)
    if len(parts) == 3 and len(parts[2]) == 4:
        return parts[2] + parts[1].zfill(2) + parts[0].zfill(2)
    return ''.join(parts)


# The identifying fields: (name, how the value is normalized). A field's bigrams are hashed
# with its name, so that two fields' equal bigrams set different bits.
FIELDS = [('given', fold), ('family', fold), ('birth', iso_digits), ('postcode', fold),
          ('house', fold), ('street', fold), ('sex', lambda t: fold(t)[:1])]
REGISTER_COLUMNS = dict(given='voornamen', family='achternaam', birth='geboortedatum',
                        postcode='postcode', house='huisnummer', street='straat', sex='geslacht')
SOURCE_COLUMNS = dict(REGISTER_COLUMNS, given='voornaam')


def clk(values, bits, hashes, key):
    """The CLK of one record: each field's padded bigrams, `hashes` bits each (double hashing
    over a keyed BLAKE2b)."""
    word = 0
    for (name, _), value in zip(FIELDS, values):
        if not value:
            continue  # a missing value sets no bits, as clkhash leaves it out
        padded = '_' + value + '_'
        for i in range(len(padded) - 1):
            digest = hashlib.blake2b(f'{name}|{padded[i:i + 2]}'.encode(), digest_size=16,
                                     key=key).digest()
            h1 = int.from_bytes(digest[:8], 'little')
            h2 = int.from_bytes(digest[8:], 'little') | 1
            for j in range(hashes):
                word |= 1 << ((h1 + j * h2) % bits)
    return word


def read(path, delimiter, columns, args):
    """{line: (CLK, its ones)} of an export, lines numbered as the truth numbers them."""
    with open(path, encoding='utf-8', newline='') as f:
        rows = list(csv.reader(f, delimiter=delimiter))
    header = rows[0]
    at = {field: header.index(columns[field]) for field, _ in FIELDS if columns[field] in header}
    out = {}
    for line, row in enumerate(rows[1:], start=2):
        values = [normalize(row[at[field]]) if field in at and at[field] < len(row) else ''
                  for field, normalize in FIELDS]
        word = clk(values, args.bits, args.hashes, b'anchor')
        out[line] = (word, word.bit_count())
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split('\n\n', 1)[1])
    parser.add_argument('work', help="stapel-synth's output folder (input/, truth/)")
    parser.add_argument('--bits', type=int, default=1024, help='CLK length (default 1024)')
    parser.add_argument('--hashes', type=int, default=15,
                        help='bits per bigram (default 15: about half the bits set)')
    parser.add_argument('--thresholds', default='0.75,0.8,0.85,0.9',
                        help='Dice thresholds, comma-separated (default 0.75,0.8,0.85,0.9)')
    args = parser.parse_args()
    thresholds = sorted(float(t) for t in args.thresholds.split(','))
    try:
        register = read(f'{args.work}/input/municipality.csv', ';', REGISTER_COLUMNS, args)
        source = read(f'{args.work}/input/housing.csv', ',', SOURCE_COLUMNS, args)
        with open(f'{args.work}/truth/housing_pairs.csv', encoding='utf-8') as f:
            truth = {int(r[0]): int(r[1]) for r in csv.reader(f) if r and r[0].isdigit()}
    except (OSError, ValueError, IndexError) as e:
        sys.exit(f'anchor_clk: {e}; give the folder stapel-synth --out wrote')
    persons = list(register.items())
    candidates = []
    for n, (line, (word, ones)) in enumerate(source.items()):
        if n % 500 == 0:
            print(f'  comparing: {n} of {len(source)} source records', file=sys.stderr)
        for person, (other, other_ones) in persons:
            dice = 2 * (word & other).bit_count() / max(1, ones + other_ones)
            if dice >= thresholds[0]:
                candidates.append((dice, line, person))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    print(f'{len(register)} register records, {len(source)} source records, '
          f'{len(truth)} true pairs; bits {args.bits}, hashes {args.hashes}')
    for threshold in thresholds:
        used_lines, used_persons, right, links = set(), set(), 0, 0
        for dice, line, person in candidates:
            if dice < threshold:
                break
            if line in used_lines or person in used_persons:
                continue
            used_lines.add(line)
            used_persons.add(person)
            links += 1
            right += truth.get(line) == person
        print(f'Dice >= {threshold}: links {links}, precision {right / max(1, links):.4f}, '
              f'recall {right / max(1, len(truth)):.4f}')


if __name__ == '__main__':
    main()
