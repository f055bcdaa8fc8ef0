#!/usr/bin/env bash
# Installs what kafkasim needs from Debian's packages, only what is missing.
# Idempotent and quick when everything is present. Needs root (or sudo).
set -euo pipefail

PACKAGES=(g++ cmake ninja-build libboost-graph-dev libboost-program-options-dev libfmt-dev
          nlohmann-json3-dev doctest-dev gnuplot-nox python3 clang-format)
# KS_HTML_CHECK=1 also installs headless Chromium for .ci/html_check.sh (screenshots of index.html).
if [ "${KS_HTML_CHECK:-0}" = "1" ]; then PACKAGES+=(chromium); fi
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
