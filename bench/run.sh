#!/usr/bin/env bash
# Benchmarks: the linker kernels (Google Benchmark, medians of 5 repetitions), the agent's and
# the hub's ingest's work per record, table protection
# (time and suppressions by gemeente size and earlier releases; `--exact` also runs the exact
# model, the fewest suppressions ProtectTable's count is measured against: about 35 minutes),
# linkage quality (precision and recall against the generator's truth, with and without the
# fuzzy pass) and an end-to-end run of the quickstart's pipeline on a larger municipality,
# repeated; prints medians.
# Usage: bench/run.sh [--exact] [residents, default 500000] [runs, default 3]
set -euo pipefail
if [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ]; then
  sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EXACT=""
if [ "${1:-}" = "--exact" ]; then
  EXACT=1
  shift
fi
RESIDENTS="${1:-500000}"
RUNS="${2:-3}"
BIN="$ROOT/build/release/bin"
cmake --preset release -S "$ROOT" >/dev/null
cmake --build --preset release >/dev/null

echo "== Kernels (median of 5 repetitions)"
"$BIN/linker_bench" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
  2>/dev/null | grep -E 'median|Benchmark'

echo "== Names a curious hub re-identifies from the filters with a public frequency list (shares of residents; salted:0 is one key for every record)"
"$BIN/encoding_attack_bench" 2>/dev/null | grep BM_

echo "== The agent's own work per row, on 1 thread and on every core (median of 5)"
"$BIN/agent_bench" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
  2>/dev/null | grep -E 'median'

echo "== The hub's ingest of register batches, in process, 1 and one per core in flight (median of 3)"
"$BIN/ingest_bench" 2>/dev/null | grep -E 'median'

echo "== Table protection (buurten/earlier releases; audit_ms: the officer's audit of all releases; series_suppressed: all releases together)"
"$BIN/protection_bench" --benchmark_filter=ProtectWithEarlierReleases 2>/dev/null | grep BM_
echo "== Composed requests (24 releases: time per request, suppressed share, small counts the atom attacker narrows)"
"$BIN/protection_bench" --benchmark_filter='ComposedSeries/0|ComposedSeriesCellKey' 2>/dev/null | grep BM_
echo "== The cell key method under the release-safety attacks (hit rates on small counts; ptable_unchanged: the method's own)"
"$BIN/cell_key_bench" 2>/dev/null | grep BM_
if [ -n "$EXACT" ]; then
  echo "== Fewest suppressions: the exact model (buurten/earlier releases/seconds allowed; composed: per request)"
  "$BIN/protection_bench" --benchmark_filter='FewestSuppressions|ComposedSeries/120' 2>/dev/null | grep BM_
fi

source "$ROOT/bench/project.sh"
WORK="$(mktemp -d)"
HUB_PID=""
trap '[ -n "$HUB_PID" ] && kill "$HUB_PID" 2>/dev/null; rm -rf "$WORK"' EXIT
"$BIN/stapel-synth" --out "$WORK" --residents "$RESIDENTS" --seed 1 >/dev/null
make_project

echo "== Linkage quality of the housing export by stapel-synth --preset ($RESIDENTS residents):"
echo "   clean (no typed errors), demo (20% of rows with errors), harsh (60%, up to three, every kind)"
for preset in clean demo harsh; do
  mkdir -p "$WORK/$preset"
  (
    WORK="$WORK/$preset"
    "$BIN/stapel-synth" --out "$WORK" --residents "$RESIDENTS" --seed 1 --preset "$preset" >/dev/null
    make_project
    for mode in --no-fuzzy ""; do
      printf -- '-- %-6s %-22s ' "$preset" "${mode:-with the fuzzy pass}"
      "$BIN/stapel-linkage-eval" --register-config "$WORK/config/agent-municipality.toml" \
        --source-config "$WORK/config/agent-housing.toml" --truth "$WORK/truth/housing_pairs.csv" \
        $mode | grep -E 'precision|can find them|comparisons'
    done
  )
done

echo "== End to end, $RESIDENTS residents, $RUNS runs"
now() { date +%s%N; }
results=()
for run in $(seq 1 "$RUNS"); do
  start_hub --all
  t0=$(now)
  "$BIN/stapel-agent" --config "$WORK/config/agent-municipality.toml" --hub "$HUB" >"$WORK/agent.log" 2>&1
  t1=$(now)
  "$BIN/stapel-agent" --config "$WORK/config/agent-housing.toml" --hub "$HUB" >>"$WORK/agent.log" 2>&1
  "$BIN/stapel-agent" --config "$WORK/config/agent-credit.toml" --hub "$HUB" >>"$WORK/agent.log" 2>&1
  t2=$(now)
  "$BIN/stapel-request" --config "$WORK/config/requester.toml" --hub "$HUB" --out "$WORK/release" >/dev/null
  t3=$(now)
  # The next table on the same data: the linked state is kept, so only counting and protection.
  "$BIN/stapel-request" --config "$WORK/config/requester.toml" --hub "$HUB" --out "$WORK/release" \
    --request "$ROOT/deploy/examples/request-wmo-residents.toml" >/dev/null
  t4=$(now)
  stop_hub
  rows=$(grep -c '' "$WORK/input/municipality.csv")
  results+=("$(( (t1 - t0) / 1000000 )) $(( (t2 - t0) / 1000000 )) $(( (t3 - t2) / 1000000 )) $(( rows * 1000000000 / (t1 - t0) )) $(( (t4 - t3) / 1000000 ))")
  echo "run $run: register agent $(( (t1 - t0) / 1000000 )) ms ($(( rows * 1000000000 / (t1 - t0) )) rows/s), all agents $(( (t2 - t0) / 1000000 )) ms, release $(( (t3 - t2) / 1000000 )) ms, next table $(( (t4 - t3) / 1000000 )) ms"
done
echo "median: register agent $(printf '%s\n' "${results[@]}" | awk '{print $1}' | median) ms," \
  "$(printf '%s\n' "${results[@]}" | awk '{print $4}' | median) rows/s;" \
  "all agents $(printf '%s\n' "${results[@]}" | awk '{print $2}' | median) ms;" \
  "link + aggregate + suppress + log $(printf '%s\n' "${results[@]}" | awk '{print $3}' | median) ms;" \
  "the next table (linked state kept) $(printf '%s\n' "${results[@]}" | awk '{print $5}' | median) ms"
