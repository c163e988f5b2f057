#!/usr/bin/env bash
# Runs every libFuzzer target of the sanitize build for a bounded time, one per core at a time,
# starting from the seeds in tests/fuzz/corpus/<target>/ (copied, so the repository stays
# clean). Any crash, sanitizer report, leak or timeout fails the run; the input that caused it
# is kept in build/sanitize/fuzz-artifacts/.
# Usage: tests/fuzz/run.sh [seconds per target, default 20]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SECONDS_EACH="${1:-20}"
BIN="$ROOT/build/sanitize/bin"
WORK="$ROOT/build/sanitize/fuzz-corpus"
ARTIFACTS="$ROOT/build/sanitize/fuzz-artifacts"
mkdir -p "$ARTIFACTS"
export ROOT SECONDS_EACH BIN WORK ARTIFACTS
# One target: its output goes to its log; on failure the log's end is printed.
fuzz_one() {
  local target="$1"
  mkdir -p "$WORK/$target"
  cp -n "$ROOT/tests/fuzz/corpus/$target/"* "$WORK/$target/" 2>/dev/null || true
  # A dictionary where there is one (tests/fuzz/<target>.dict), and inputs up to 256 KiB: long
  # and deeply nested inputs are what the limits are for.
  local dict=()
  if [ -f "$ROOT/tests/fuzz/$target.dict" ]; then dict=(-dict="$ROOT/tests/fuzz/$target.dict"); fi
  if ! "$BIN/fuzz_$target" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
      -max_len=262144 "${dict[@]}" -print_final_stats=1 -artifact_prefix="$ARTIFACTS/${target}-" \
      "$WORK/$target" >"$ARTIFACTS/$target.log" 2>&1; then
    tail -60 "$ARTIFACTS/$target.log"
    echo "fuzz_$target FAILED; the input is in $ARTIFACTS/" >&2
    return 1
  fi
  echo "fuzz_$target: ${SECONDS_EACH} s" \
    "$(grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb" "$ARTIFACTS/$target.log" |
      tr '\n' ' ')"
}
export -f fuzz_one
# As many targets at once as there are cores; each still gets its full time.
printf '%s\n' csv_reader record_fields manifest configs table_request batch key_envelope |
  xargs -P "$(nproc)" -I{} bash -c 'fuzz_one "$1"' _ {} ||
  { echo "fuzz: a target failed (above)" >&2; exit 1; }
echo "fuzz: all targets ran clean"
