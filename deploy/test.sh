#!/usr/bin/env bash
# Installs missing dependencies, builds, and runs every test with ctest; then builds the same
# tests with clang's AddressSanitizer and UndefinedBehaviorSanitizer, runs them again, and runs
# each libFuzzer target for a bounded time (STAPEL_FUZZ_SECONDS, default 20 per target).
# Arguments go to both ctest runs (e.g. -R Portal). STAPEL_SKIP_SANITIZE=1 runs the first
# part only, for a quick local check; CI runs everything.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
deploy/install-deps.sh
cmake --preset release
cmake --build --preset release
ctest --preset release -j2 "$@"
if [ "${STAPEL_SKIP_SANITIZE:-0}" = 1 ]; then exit 0; fi

echo "== The same tests under ASan and UBSan (clang)"
cmake --preset sanitize
cmake --build --preset sanitize
ctest --preset sanitize -j2 "$@"
echo "== Fuzzing"
tests/fuzz/run.sh "${STAPEL_FUZZ_SECONDS:-20}"
