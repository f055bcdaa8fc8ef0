#!/usr/bin/env bash
# Configures and builds one flavour of kafkasim.
#   .ci/build.sh release   -> build/release (CMAKE_BUILD_TYPE=Release, -Werror)
#   .ci/build.sh asan      -> build/asan    (AddressSanitizer + UBSan, -Werror)
set -euo pipefail
cd "$(dirname "$0")/.."
flavour="${1:-release}"
jobs="${KS_JOBS:-$(nproc)}"
case "$flavour" in
    release) flags=(-DCMAKE_BUILD_TYPE=Release) ;;
    asan) flags=(-DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" -DKS_SANITIZE=ON -DKS_BENCH=OFF) ;;
    *) echo "usage: $0 release|asan" >&2; exit 2 ;;
esac
cmake -S . -B "build/$flavour" -G Ninja -DKS_WERROR=ON "${flags[@]}" >/dev/null
ninja -C "build/$flavour" -j "$jobs"
