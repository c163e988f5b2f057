# Shared by the benchmark scripts (sourced, not run): a demo project in $WORK made from the
# programs in $BIN and the example configs in $ROOT, and a fresh hub for it.

# Keys for the three parties, the analyst and the officer, the example configs, and the
# manifest signed by the officer (the population is stapel-synth's, written to $WORK before;
# the manifest covers the gemeenten of its areas.csv, one or a nation's).
make_project() {
  "$BIN/stapel-keys" init --out "$WORK/keys" --project stapeldorp-2026 --party municipality \
    --party housing --party credit --requester analyst --officer officer >/dev/null
  mkdir -p "$WORK/config" && cp "$ROOT"/deploy/examples/*.toml "$WORK/config/"
  local gemeenten
  gemeenten=$(tail -n +2 "$WORK/input/areas.csv" | awk -F, '{print "\"" $(NF-1) "\""}' | sort -u |
    paste -sd, -)
  sed -i "s/^gemeenten = .*/gemeenten = [$gemeenten]/" "$WORK/config/manifest.toml"
  "$BIN/stapel-audit" sign-manifest --manifest "$WORK/config/manifest.toml" \
    --key "$WORK/keys/officer-signing.key" >/dev/null
}

# A fresh hub on a free port (sets HUB and HUB_PID) with a new key ceremony (not timed);
# `--all` also gives the sources the secret.
start_hub() {
  rm -rf "$WORK/hub" && mkdir -p "$WORK/hub"
  "$BIN/stapel-hub" serve --config "$WORK/config/hub.toml" --listen 127.0.0.1:0 \
    --port-file "$WORK/hub/port" >"$WORK/hub.log" 2>&1 &
  HUB_PID=$!
  while [ ! -s "$WORK/hub/port" ]; do
    kill -0 "$HUB_PID" 2>/dev/null || { cat "$WORK/hub.log" >&2; exit 1; }
    sleep 0.05
  done
  HUB="127.0.0.1:$(cat "$WORK/hub/port")"
  "$BIN/stapel-ceremony" create --config "$WORK/config/agent-municipality.toml" --hub "$HUB" \
    >/dev/null 2>&1
  if [ "${1:-}" = --all ]; then
    for party in housing credit; do
      "$BIN/stapel-ceremony" fetch --config "$WORK/config/agent-$party.toml" --hub "$HUB" \
        >/dev/null 2>&1
    done
  fi
}

stop_hub() {
  kill -TERM "$HUB_PID"
  wait "$HUB_PID" || true
  HUB_PID=""
}

median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
