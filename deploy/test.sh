#!/usr/bin/env bash
# Installs missing dependencies, builds, and runs every test with ctest.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
deploy/install-deps.sh
cmake --preset release
cmake --build --preset release
ctest --preset release -j2 "$@"
