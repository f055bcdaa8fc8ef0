#!/usr/bin/env bash
# Installs what kafkasim needs from Debian's packages, only what is missing.
# Idempotent and quick when everything is present. Needs root (or sudo).
set -euo pipefail

# chromium: headless, for .ci/html_check.sh (the test command opens the HTML reports in it).
PACKAGES=(g++ cmake ninja-build libboost-graph-dev libboost-program-options-dev libfmt-dev
          nlohmann-json3-dev doctest-dev gnuplot-nox python3 clang-format chromium)
missing=()
for p in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done
if ((${#missing[@]})); then
    echo "setup: installing ${missing[*]}"
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "setup: all dependencies present"
