#!/usr/bin/env bash
# Fault drills on real processes, repeated more often than the test suite does: SIGKILLs of the
# hub during releases and during a million-record submission (each ends with a log that
# stapel-audit verifies and exact counts), and a full disk on a running hub (needs root to
# mount a tmpfs). Prints what each drill did.
# Usage: bench/drills.sh [release kills, default 10] [ingest kills, default 30]
set -euo pipefail
if [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ]; then
  sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cmake --preset release -S "$ROOT" >/dev/null
cmake --build --preset release >/dev/null
TEST="$ROOT/build/release/bin/end_to_end_test"
run() {  # name filter: runs one drill, prints its figures and its result
  local started=$SECONDS
  if "$TEST" --gtest_filter="$2" >"$WORK/$1.log" 2>&1; then
    echo "$1: passed in $((SECONDS - started)) s"
  else
    echo "$1: FAILED (log: $WORK/$1.log)"
    FAILED=1
  fi
  grep -E '^drill:|SKIPPED|needs to mount' "$WORK/$1.log" | sed 's/^/  /' || true
}
WORK="$(mktemp -d)"
FAILED=0
STAPEL_RELEASE_KILLS="${1:-10}" run kills-during-releases '*KilledDuringReleases*'
STAPEL_INGEST_KILLS="${2:-30}" run kills-during-ingest '*KilledDuringAMillionRecord*'
run full-disk '*FullDisk*'
exit "$FAILED"
