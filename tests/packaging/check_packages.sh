#!/usr/bin/env bash
# Builds the Debian packages from a build folder into a temporary folder and checks them: each
# holds its programs, units and documentation; declares the libraries it links (the agent's
# package needs neither RocksDB nor GLPK); the hub's depends on the officer's at the same version;
# lintian finds no error. Run by ctest as DebianPackagesHoldTheirFilesAndPassLintian.
# Usage: tests/packaging/check_packages.sh <build folder>
set -euo pipefail
BUILD="$1"
for tool in cpack dpkg-deb dpkg-shlibdeps lintian; do
  command -v "$tool" >/dev/null || { echo "$tool is missing (deploy/install-deps.sh)" >&2; exit 1; }
done
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cpack -G DEB --config "$BUILD/CPackConfig.cmake" -B "$WORK" >"$WORK/cpack.log" 2>&1 ||
  { cat "$WORK/cpack.log" >&2; exit 1; }
fail() { echo "$1" >&2; exit 1; }
expect_files() {  # package, then paths it must hold
  local deb
  deb="$(ls "$WORK"/"$1"_*.deb)" || fail "no package $1"
  local contents
  contents="$(dpkg-deb --contents "$deb")"
  shift
  for path in "$@"; do
    grep -q " \./$path\$" <<<"$contents" || fail "$(basename "$deb") lacks /$path"
  done
}
expect_files stapel-hub usr/bin/stapel-hub usr/bin/stapel-request \
  'usr/lib/systemd/system/stapel-hub@.service' usr/lib/sysusers.d/stapel-hub.conf \
  usr/share/doc/stapel-hub/copyright usr/share/doc/stapel-hub/operations.md etc/stapel/
expect_files stapel-agent usr/bin/stapel-agent usr/bin/stapel-ceremony usr/bin/stapel-keys \
  'usr/lib/systemd/system/stapel-agent@.service' 'usr/lib/systemd/system/stapel-agent@.timer' \
  usr/lib/sysusers.d/stapel-agent.conf usr/share/doc/stapel-agent/copyright
expect_files stapel-officer usr/bin/stapel-audit usr/bin/stapel-report \
  usr/share/doc/stapel-officer/copyright
depends() { dpkg-deb --field "$(ls "$WORK"/"$1"_*.deb)" Depends; }
grep -q "libgrpc++" <<<"$(depends stapel-agent)" || fail "stapel-agent does not declare gRPC"
if grep -qE "librocksdb|libglpk" <<<"$(depends stapel-agent)"; then
  fail "stapel-agent depends on RocksDB or GLPK: $(depends stapel-agent)"
fi
version="$(dpkg-deb --field "$(ls "$WORK"/stapel-officer_*.deb)" Version)"
grep -q "stapel-officer (= $version)" <<<"$(depends stapel-hub)" ||
  fail "stapel-hub does not depend on stapel-officer $version: $(depends stapel-hub)"
lintian --fail-on error "$WORK"/*.deb || fail "lintian found errors"
echo "packages: $(cd "$WORK" && ls ./*.deb | xargs -n1 basename | tr '\n' ' ')"
