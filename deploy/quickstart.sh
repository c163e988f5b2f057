#!/usr/bin/env bash
# Stapel quickstart: one command from a fresh clone to a released, audited stacking table.
# Installs missing dependencies, builds, generates a fictional municipality, creates all keys,
# starts a hub and three party agents on 127.0.0.1, releases the table, verifies the release
# log and stops everything it started. All files go under $STAPEL_DEMO_DIR (default demo-out/).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEMO="${STAPEL_DEMO_DIR:-$ROOT/demo-out}"
mkdir -p "$DEMO"
DEMO="$(cd "$DEMO" && pwd)"
BIN="$ROOT/build/release/bin"
START_NS=$(date +%s%N)
PIDS=()

step() { printf '\n== %s\n' "$*"; }
cleanup() {
  for pid in "${PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step "Dependencies"
"$ROOT/deploy/install-deps.sh"

step "Build (cmake --preset release)"
cmake --preset release -S "$ROOT" >/dev/null
cmake --build --preset release 2>&1 | grep -E '(error|warning: unused|Built target stapel-)' || true
for tool in stapel-synth stapel-keys stapel-hub stapel-agent stapel-request stapel-audit stapel-report; do
  [ -x "$BIN/$tool" ] || { echo "build failed: $BIN/$tool is missing" >&2; exit 1; }
done

step "Fresh demo folder $DEMO"
# Only ever delete a folder this script made (it carries a marker) or an empty one.
if [ -n "$(ls -A "$DEMO")" ] && [ ! -f "$DEMO/.stapel-demo" ]; then
  echo "$DEMO is not empty and was not made by the quickstart; set STAPEL_DEMO_DIR to another folder" >&2
  exit 1
fi
rm -rf "$DEMO"/{config,input,truth,keys,hub,release,logs}
mkdir -p "$DEMO"/{config,hub,release,logs}
touch "$DEMO/.stapel-demo"

step "Demo data: the municipality of Stapeldorp and its three data holders"
"$BIN/stapel-synth" --out "$DEMO" --seed 2026 --residents 50000

step "Keys and certificates (stapel-keys)"
"$BIN/stapel-keys" init --out "$DEMO/keys" --project stapeldorp-2026 --hub hub \
  --party municipality --party housing --party credit --requester analyst --officer officer >/dev/null
ls "$DEMO/keys" | tr '\n' ' '; echo
cp "$ROOT"/deploy/examples/*.toml "$DEMO/config/"
# The privacy officer approves the manifest by signing it; the hub starts only with it signed.
"$BIN/stapel-audit" sign-manifest --manifest "$DEMO/config/manifest.toml" \
  --key "$DEMO/keys/officer-signing.key"

step "Start the hub on a free port of 127.0.0.1"
"$BIN/stapel-hub" serve --config "$DEMO/config/hub.toml" --listen 127.0.0.1:0 \
  --port-file "$DEMO/hub/port" >"$DEMO/logs/hub.log" 2>&1 &
HUB_PID=$!
PIDS+=("$HUB_PID")
for _ in $(seq 1 100); do
  [ -s "$DEMO/hub/port" ] && break
  kill -0 "$HUB_PID" 2>/dev/null || { cat "$DEMO/logs/hub.log" >&2; exit 1; }
  sleep 0.1
done
[ -s "$DEMO/hub/port" ] || { echo "the hub did not start; see $DEMO/logs/hub.log" >&2; exit 1; }
HUB="127.0.0.1:$(cat "$DEMO/hub/port")"
echo "hub listening on $HUB (log: $DEMO/logs/hub.log)"

step "Key ceremony: the municipality makes the linkage secret, the hub relays it sealed"
"$BIN/stapel-ceremony" create --config "$DEMO/config/agent-municipality.toml" --hub "$HUB" 2>&1 |
  sed 's/^.*stapel-ceremony [a-z]*: //'
for party in housing credit; do
  "$BIN/stapel-ceremony" fetch --config "$DEMO/config/agent-$party.toml" --hub "$HUB" 2>&1 |
    sed 's/^.*stapel-ceremony [a-z]*: //'
done

step "Three party agents pseudonymize and send their exports"
AGENT_PIDS=()
for party in municipality housing credit; do
  "$BIN/stapel-agent" --config "$DEMO/config/agent-$party.toml" --hub "$HUB" \
    >"$DEMO/logs/agent-$party.log" 2>&1 &
  AGENT_PIDS+=("$!")
  PIDS+=("$!")
done
failed=0
for i in 0 1 2; do
  wait "${AGENT_PIDS[$i]}" || failed=1
done
for party in municipality housing credit; do
  printf '%-13s %s\n' "$party" "$(grep -E 'done:|error' "$DEMO/logs/agent-$party.log" | tail -1 | sed 's/^.*stapel-agent [a-z]*: //')"
done
[ "$failed" -eq 0 ] || { echo "an agent failed; see $DEMO/logs/" >&2; exit 1; }

step "The analyst requests the stacking table"
"$BIN/stapel-request" --config "$DEMO/config/requester.toml" --hub "$HUB" \
  --out "$DEMO/release" --purpose "quickstart demo"

step "Two overlapping tables: Wmo for all residents, then for adults (the guard steps in)"
"$BIN/stapel-request" --config "$DEMO/config/requester.toml" --hub "$HUB" \
  --out "$DEMO/release" --request "$DEMO/config/request-wmo-residents.toml" | tail -4
"$BIN/stapel-request" --config "$DEMO/config/requester.toml" --hub "$HUB" \
  --out "$DEMO/release" --request "$DEMO/config/request-wmo-adults.toml"

step "The stacking map (stapel-report): one HTML file, opens offline"
"$BIN/stapel-report" --boundaries "$DEMO/input/buurten.geojson" \
  --release "$(ls "$DEMO"/release/stacking-*.json | head -1)" \
  --title "Stacking map of Stapeldorp" --out "$DEMO/stacking-map.html"

step "Stop the hub"
kill -TERM "$HUB_PID"
wait "$HUB_PID" || true
PIDS=()

step "The privacy officer verifies the release log offline"
"$BIN/stapel-audit" show --log "$DEMO/hub/release.log" --hub-key "$DEMO/keys/hub-signing.pub"
"$BIN/stapel-audit" verify --log "$DEMO/hub/release.log" --hub-key "$DEMO/keys/hub-signing.pub" \
  --save-head "$DEMO/audit-head.json"

ELAPSED_MS=$(( ($(date +%s%N) - START_NS) / 1000000 ))
cat <<TXT

Done in $((ELAPSED_MS / 1000)).$(printf '%03d' $((ELAPSED_MS % 1000))) s. Open the stacking map: $DEMO/stacking-map.html
Everything is in $DEMO:
  input/     the parties' CSV exports (+ *.rejects.csv: rejected rows with line and reason)
  keys/      project CA, certificates, signing and box keys, each party's copy of the linkage
             secret (<party>-linkage.secret, from the ceremony); hub-signing.pub for auditors
  config/    manifest.toml, hub.toml, agent-*.toml, requester.toml
  hub/       the hub's RocksDB (db/) and release.log
  release/   the released tables (<population>-<release-log entry>.csv and .json); x = suppressed
  logs/      hub and agent logs
  audit-head.json  the privacy officer's saved tree head (stapel-audit prove-consistency --old-head)
  stacking-map.html  the stacking map: open it in a browser
  truth/     the generator's ground truth (for tests only; a real hub never has it)
TXT
