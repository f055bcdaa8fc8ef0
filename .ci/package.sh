#!/usr/bin/env bash
# The Debian package: builds it from a build folder (default build/release),
# installs it with its dependencies, runs an installed lab with the installed
# binary from an empty folder, and removes the package again.
#   .ci/package.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build="$(realpath "${1:-build/release}")"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
rm -f "$build"/kafkasim_*.deb
(cd "$build" && cpack -G DEB >/dev/null 2>&1) || { echo "package: cpack failed (cd $build && cpack -G DEB)" >&2; exit 1; }
deb=$(ls "$build"/kafkasim_*.deb)
echo "package: built $(basename "$deb")"
contents=$(dpkg-deb --contents "$deb")
grep -q './usr/bin/kafkasim$' <<<"$contents" || { echo "package: no /usr/bin/kafkasim in it" >&2; exit 1; }
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$deb" >/dev/null
trap 'DEBIAN_FRONTEND=noninteractive $SUDO apt-get remove -y -qq kafkasim >/dev/null' EXIT
lab=/usr/share/kafkasim/scenarios/labs/acksall-leader-crash.json
test -f "$lab" || { echo "package: $lab is not installed" >&2; exit 1; }
test -f /usr/share/doc/kafkasim/README.md || { echo "package: the README is not installed" >&2; exit 1; }
work=$(mktemp -d)
(cd "$work" && /usr/bin/kafkasim run "$lab" --quiet --out "$work/run")
test -f "$work/run/summary.json" || { echo "package: the installed kafkasim wrote no summary.json" >&2; exit 1; }
rm -rf "$work"
echo "package: installed, ran $(basename "$lab") with /usr/bin/kafkasim, removed"
