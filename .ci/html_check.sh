#!/usr/bin/env bash
# Renders the HTML reports in headless Chromium and screenshots them: a run
# report (scenarios/default.json) and a compare (tests/cli/data/compare_tiny.json).
# Skips cleanly, exit 0, when Chromium is not installed
# (KS_HTML_CHECK=1 bash .ci/setup.sh installs it). The structure of the pages
# (well-formed, SVGs closed, nothing external) is checked by tests/report
# in every build regardless.
#   .ci/html_check.sh [BUILD_DIR] [OUT_DIR]      defaults: build/release, build/html_check
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build/release}"
out="${2:-build/html_check}"
browser=""
for b in chromium chromium-browser google-chrome; do
    if command -v "$b" >/dev/null 2>&1; then browser="$b"; break; fi
done
if [ -z "$browser" ]; then
    echo "html_check: SKIPPED, no Chromium (install it with: KS_HTML_CHECK=1 bash .ci/setup.sh)"
    exit 0
fi
rm -rf "$out"
mkdir -p "$out"
"$build/kafkasim" run scenarios/default.json --out "$out/run" >/dev/null
"$build/kafkasim" compare tests/cli/data/compare_tiny.json --jobs 2 --quiet --out "$out/compare"
for page in run compare; do
    shot="$out/$page.png"
    "$browser" --headless=new --no-sandbox --disable-gpu --hide-scrollbars --window-size=1200,3000 \
        --screenshot="$shot" "file://$(realpath "$out/$page/index.html")" >/dev/null 2>&1
    size=$(stat -c %s "$shot" 2>/dev/null || echo 0)
    if [ "$size" -lt 20000 ]; then
        echo "html_check: $page/index.html rendered to an empty-looking screenshot ($size bytes)" >&2
        exit 1
    fi
    echo "html_check: $page/index.html rendered, screenshot $shot ($size bytes)"
done
