#!/usr/bin/env bash
# The README's test command: sets up, builds the release and the sanitizer
# flavours, runs every test in both, opens the HTML reports in headless
# Chromium, and checks that the reference scenario gives the same trace hash
# in both builds.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/setup.sh
jobs="${KS_JOBS:-$(nproc)}"

echo "== format (clang-format --dry-run --Werror)"
bash .ci/format.sh

echo "== release build"
bash .ci/build.sh release
echo "== release tests"
ctest --test-dir build/release --output-on-failure -j "$jobs"

echo "== HTML reports in headless Chromium (the pages' script checks itself)"
bash .ci/html_check.sh build/release

echo "== Debian package (cpack -G DEB, installed, run, removed)"
bash .ci/package.sh build/release

echo "== sanitizer build (ASan + UBSan)"
bash .ci/build.sh asan
echo "== sanitizer tests"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build/asan --output-on-failure -j "$jobs"

echo "== determinism across builds"
bash .ci/determinism.sh build/release build/asan
