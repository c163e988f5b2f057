#!/usr/bin/env bash
# Checks the systemd units in deploy/systemd/: each passes `systemd-analyze verify` (with the
# programs it starts taken from the build, as a package would install them in /usr/bin) and has
# an exposure of at most 2.0 in `systemd-analyze security`. Run by ctest as SystemdUnitsVerify.
# Usage: tests/systemd/check_units.sh <source dir> <folder of the built programs>
set -euo pipefail
SOURCE="$1"
BIN="$2"
if ! command -v systemd-analyze >/dev/null; then
  echo "systemd-analyze is not installed (package systemd)" >&2
  exit 1
fi
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
for unit in "$SOURCE"/deploy/systemd/*@.service "$SOURCE"/deploy/systemd/*@.timer; do
  name="$(basename "$unit")"
  sed "s|/usr/bin/|$BIN/|g" "$unit" >"$WORK/$name"
done
for unit in "$WORK"/*@.service "$WORK"/*@.timer; do
  name="$(basename "$unit")"
  instance="${name/@./@demo.}"  # a template is verified as an instance of it
  ln -sf "$name" "$WORK/$instance"
  if ! out="$(cd "$WORK" && systemd-analyze verify "./$instance" 2>&1)" || [ -n "$out" ]; then
    echo "$name: systemd-analyze verify: ${out:-failed}" >&2
    exit 1
  fi
  echo "$name: verified"
done
for unit in "$WORK"/*@.service; do
  name="$(basename "$unit")"
  line="$(systemd-analyze security --offline=true "$unit" 2>&1 | grep 'Overall exposure level')"
  exposure="$(echo "$line" | sed -E 's/.*: ([0-9.]+) .*/\1/')"
  echo "$name: exposure $exposure"
  if ! awk -v e="$exposure" 'BEGIN { exit !(e <= 2.0) }'; then
    echo "$name: exposure $exposure is above 2.0: $line" >&2
    exit 1
  fi
done
echo "every unit verifies, each with an exposure of at most 2.0"
