#!/usr/bin/env bash
# The whole pipeline at a given size, stage by stage: wall time, CPU time (user + system) and
# peak memory of each program, on a fresh hub. Stages: the synthetic population
# (stapel-synth), each party's agent, the hub's link of the new data state (off the request
# path, from its log), the first table (counting and protection), the next table, the same at
# gemeente level, a new table of the largest gemeente's buurten (within), and the counting
# alone (from the hub's log). Then the register agent with 1 and 2 batches in flight
# through bench/delay_proxy.py (a wide-area link, 10 ms each way), 3 runs each, alternating,
# medians. Then the peer: DuckDB (npm
# @duckdb/node-api, installed in build/bench-node on first use) loads the same pseudonymized keys
# (stapel-agent --preview, cut to the columns a count needs), joins them on each source's first
# match key and counts per buurt; medians of 3, and the ratio measured in this run.
# With --nation the residents live in a fictional nation (stapel-synth --nation: 342 gemeenten at
# 17.9 million, fewer in proportion), else in the demo municipality.
# With --no-depth the batches-in-flight runs are left out (six more register runs: at national
# size that is most of the time).
# Usage: bench/national.sh [residents, default 1000000] [--nation] [--no-depth]
set -euo pipefail
if [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ]; then
  sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RESIDENTS="${1:-1000000}"
[[ $RESIDENTS =~ ^[0-9]+$ ]] || { echo "the first argument is the number of residents (see --help)" >&2 && exit 2; }
NATION=() DEPTH=1
for option in "${@:2}"; do
  case "$option" in
    --nation) NATION=(--nation) ;;
    --no-depth) DEPTH=0 ;;
    *) echo "unknown option $option (see --help)" >&2 && exit 2 ;;
  esac
done
BIN="$ROOT/build/release/bin"
NODE_DIR="$ROOT/build/bench-node"
cmake --preset release -S "$ROOT" >/dev/null
cmake --build --preset release >/dev/null
if [ ! -d "$NODE_DIR/node_modules/@duckdb/node-api" ]; then
  mkdir -p "$NODE_DIR" && (cd "$NODE_DIR" && npm install --silent @duckdb/node-api >/dev/null)
fi

source "$ROOT/bench/project.sh"
WORK="$(mktemp -d)"
HUB_PID="" PROXY_PID=""
trap 'kill $HUB_PID $PROXY_PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
now() { date +%s.%N; }
# Runs a program under /usr/bin/time: prints "<stage>: wall s, CPU s, peak MB".
timed() {
  local stage="$1"
  shift
  /usr/bin/time -f "%e %U %S %M" -o "$WORK/time" "$@" >"$WORK/$stage.log" 2>&1 ||
    { cat "$WORK/$stage.log" >&2; exit 1; }
  read -r wall user sys kb <"$WORK/time"
  printf '%-28s wall %7.2f s  CPU %7.2f s  peak %6d MB\n' "$stage" "$wall" \
    "$(echo "$user + $sys" | bc)" "$((kb / 1024))"
}
# The hub's CPU seconds so far (utime + stime from /proc).
hub_cpu() {
  awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$HUB_PID/stat"
}
linked_lines() { grep -c "linked data state" "$WORK/hub.log" || true; }
# Waits (up to 10 minutes) until the hub's log has more than $1 "linked data state" lines.
wait_linked() {
  for _ in $(seq 6000); do
    [ "$(linked_lines)" -gt "$1" ] && return 0
    kill -0 "$HUB_PID" 2>/dev/null || { tail -20 "$WORK/hub.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "the hub linked nothing in 10 minutes:" >&2 && tail -20 "$WORK/hub.log" >&2 && exit 1
}

echo "== $RESIDENTS residents, one machine ($(nproc) cores)"
timed "synth" "$BIN/stapel-synth" --out "$WORK" --residents "$RESIDENTS" --seed 1 "${NATION[@]}"
make_project
start_hub --all
# One agent at a time; after each, the hub links the new state in the background: wait for it,
# so the next agent's time is its own.
hub_before=$(hub_cpu)
for party in municipality housing credit; do
  lines=$(linked_lines)
  timed "agent $party" "$BIN/stapel-agent" --config "$WORK/config/agent-$party.toml" --hub "$HUB"
  wait_linked "$lines"
done
hub_ingest=$(echo "$(hub_cpu) - $hub_before" | bc)
link_s=$(grep "linked data state" "$WORK/hub.log" | tail -1 | sed -E 's/.* in ([0-9.]+) s$/\1/')
printf '%-28s CPU %7.2f s (verifying, storing, and a link after each)\n' "hub, the three agents" \
  "$hub_ingest"
printf '%-28s wall %7.2f s (from its log)\n' "hub link of the last state" "$link_s"
# The third: the second at level gemeente (its cells were all released in the second: shown as
# then). The fourth: a new table of the largest gemeente's buurten (within), after the others.
sed 's/^level = .*/level = "gemeente"/; s/^purpose = .*/purpose = "Wmo support per gemeente"/' \
  "$ROOT/deploy/examples/request-wmo-residents.toml" >"$WORK/request-gemeente.toml"
for table in first next gemeente-level one-gemeente; do
  case "$table" in
    first) request=() ;;
    next) request=(--request "$ROOT/deploy/examples/request-wmo-residents.toml") ;;
    gemeente-level) request=(--request "$WORK/request-gemeente.toml") ;;
    one-gemeente)
      largest=$(python3 - "$WORK/release" <<'PY'
import glob, json, sys
release = json.load(open(sorted(glob.glob(sys.argv[1] + "/stacking-*.json"))[-1]))
rows = [r for r in release["rows"] if r["level"] == "gemeente"]
print(max(rows, key=lambda r: r["values"][0] or 0)["code"])
PY
      )
      cat >"$WORK/request-one-gemeente.toml" <<EOF
purpose = "Youth care with debts, Wmo or rent arrears, per buurt of $largest"
population = "residents"
level = "buurt"
within = "$largest"
[[measures]]
name = "youth_care_and_debts"
expression = "youth_care AND debts"
[[measures]]
name = "wmo_or_rent_arrears"
expression = "wmo OR rent_arrears"
EOF
      request=(--request "$WORK/request-one-gemeente.toml")
      ;;
  esac
  before=$(hub_cpu) t0=$(now)
  "$BIN/stapel-request" --config "$WORK/config/requester.toml" --hub "$HUB" \
    --out "$WORK/release" --purpose benchmark "${request[@]}" >/dev/null
  t1=$(now)
  printf '%-28s wall %7.2f s  hub CPU %5.2f s%s\n' "$table table" \
    "$(echo "$t1 - $t0" | bc)" "$(echo "$(hub_cpu) - $before" | bc)" \
    "$([ "$table" = one-gemeente ] && echo " ($largest)")"
  [ "$table" = first ] && first_s=$(echo "$t1 - $t0" | bc)
done
grep -oE "counted .* in [0-9.]+ ms" "$WORK/hub.log" | tail -4 |
  sed -E 's/^counted (.*) in ([0-9.]+) ms$/\2 \1/' |
  while read -r ms what; do printf '%-28s %7.1f ms (%s; from its log)\n' "counting of a table" "$ms" "$what"; done
# The high-water mark covers the whole run (ingest, three links, two tables); now: what it
# holds once linked (the allocator keeps freed pages).
printf '%-28s peak %6d MB over the run, now %d MB; data on disk %s\n' "hub" \
  "$(($(awk '/VmHWM/ {print $2}' "/proc/$HUB_PID/status") / 1024))" \
  "$(($(awk '/VmRSS/ {print $2}' "/proc/$HUB_PID/status") / 1024))" \
  "$(du -sh "$WORK/hub" | cut -f1)"
stop_hub

[ "$DEPTH" = 1 ] && echo "== The register agent by batches in flight, through a link of 10 ms each way"
for run in $([ "$DEPTH" = 1 ] && echo 1 2 3); do
  for depth in $([ $((run % 2)) = 1 ] && echo "1 2" || echo "2 1"); do
    start_hub --all  # a new secret for every party: the peer below joins keys of one secret
    rm -f "$WORK/proxy.port"
    "$ROOT/bench/delay_proxy.py" "$WORK/proxy.port" "$HUB" 10 &
    PROXY_PID=$!
    while [ ! -s "$WORK/proxy.port" ]; do
      kill -0 "$PROXY_PID" 2>/dev/null || { echo "the delay proxy did not start" >&2; exit 1; }
      sleep 0.05
    done
    t0=$(now)
    "$BIN/stapel-agent" --config "$WORK/config/agent-municipality.toml" \
      --hub "127.0.0.1:$(cat "$WORK/proxy.port")" --batches-in-flight "$depth" \
      >"$WORK/agent-depth.log" 2>&1 || { cat "$WORK/agent-depth.log" >&2; exit 1; }
    echo "$depth $(echo "$(now) - $t0" | bc)" >>"$WORK/depth.txt"
    kill "$PROXY_PID"; PROXY_PID=""
    stop_hub
  done
done
if [ "$DEPTH" = 1 ]; then
  d1=$(awk '$1 == 1 {print $2}' "$WORK/depth.txt" | median)
  d2=$(awk '$1 == 2 {print $2}' "$WORK/depth.txt" | median)
  printf '%-28s %7.2f s (median of 3)\n' "1 batch in flight" "$d1" "2 batches in flight" "$d2"
  printf 'ratio: 2 in flight / 1 in flight = %.2f\n' "$(echo "$d2 / $d1" | bc -l)"
fi

echo "== Peer: DuckDB on the same pseudonymized keys"
for party in municipality housing credit; do
  "$BIN/stapel-agent" --config "$WORK/config/agent-$party.toml" \
    --preview "$WORK/$party.pseudonyms.csv" >/dev/null 2>&1
done
# The columns a count needs: each source's first match key (the linker's first pass: the BSN
# for the credit registry, name, birth date and postcode for the housing corporation), the
# register's keys of those kinds and its buurt, and the attributes (between buurt and
# household).
keys="$(head -1 "$WORK/housing.pseudonyms.csv" | cut -d, -f1)"
keys="$keys,$(head -1 "$WORK/credit.pseudonyms.csv" | cut -d, -f1)"
for party in municipality housing credit; do
  awk -F, -v keys="$keys" -v source="$([ $party = municipality ] && echo 0 || echo 1)" '
    NR == 1 { split(keys, wanted, ",")
              for (i = 1; i <= NF; i++) {
                if ($i == "buurt") b = i
                if ($i == "household") h = i
                for (j in wanted) if ($i == wanted[j] && !(i in seen)) { seen[i] = 1; cols[++n] = i }
              }
              if (source) { n = 1; cols[1] = 1 } else cols[++n] = b
              for (i = b + 1; i < h; i++) cols[++n] = i }
    { line = $cols[1]; for (j = 2; j <= n; j++) line = line "," $cols[j]; print line }' \
    "$WORK/$party.pseudonyms.csv" >"$WORK/$party.keys.csv"
  rm "$WORK/$party.pseudonyms.csv"
done
cp "$ROOT/bench/duckdb_peer.mjs" "$NODE_DIR/"
node "$NODE_DIR/duckdb_peer.mjs" "$WORK/municipality.keys.csv" "$WORK/housing.keys.csv" \
  "$WORK/credit.keys.csv" 3 >"$WORK/duckdb.txt"
load=$(awk '{print $1}' "$WORK/duckdb.txt" | median)
join=$(awk '{print $2}' "$WORK/duckdb.txt" | median)
total=$(awk '{print $1 + $2}' "$WORK/duckdb.txt" | median)
printf '%-28s %7.3f s (median of 3)\n' "DuckDB load from CSV" "$load" "DuckDB join and count" "$join"
printf '%-28s %7.3f s\n' "DuckDB all" "$total"
printf 'ratio: Stapel link + first table / DuckDB load + join + count = %.1f\n' \
  "$(echo "($link_s + $first_s) / $total" | bc -l)"
# The target of "The hub as an engine": a table, protection included, once the data are linked.
printf 'ratio: Stapel first table (counting and protection) / DuckDB load + join + count = %.2f\n' \
  "$(echo "$first_s / $total" | bc -l)"
