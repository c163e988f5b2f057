#!/usr/bin/env bash
# Builds the Debian packages stapel-hub, stapel-agent and stapel-officer (deploy/packaging.cmake)
# into build/packages/, from the release build (installed under /usr), and lists each one's
# files and declared dependencies. Install one on a Debian 12 machine with
#   apt install ./build/packages/stapel-agent_<version>_amd64.deb
# which pulls in the libraries it needs.
# Usage: deploy/package.sh
set -euo pipefail
if [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ]; then
  sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
cmake --preset release >/dev/null
cmake --build --preset release
rm -rf build/packages
cpack -G DEB --config build/release/CPackConfig.cmake -B build/packages
rm -rf build/packages/_CPack_Packages
for deb in build/packages/stapel-*.deb; do
  echo "== $deb"
  dpkg-deb --field "$deb" Package Version Depends
  dpkg-deb --contents "$deb" | awk '{print "  " $6}'
done
