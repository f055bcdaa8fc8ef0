#!/usr/bin/env bash
# Opens the HTML reports in headless Chromium: a run report
# (scenarios/default.json), a compare (tests/cli/data/compare_tiny.json), a
# 12-variant compare of the same scenario, and scenarios/compare-acks.json
# (a consumer group: the lag plots, one over time with a cursor, and a
# first-loss run rendered and linked). For each page it
#   - dumps the DOM after the page's script ran and reads the verdict of the
#     script's self-check (<body data-ks-check="ok:PLOTS:HOVERED">: every
#     interactive plot got a cursor or a marker and showed a value under a
#     synthetic mouse, the plots over time share one cursor, a timeline row
#     moves it), which must name as many plots as the page has;
#   - takes a screenshot, which must not be empty-looking.
# Fails when Chromium is missing (bash .ci/setup.sh installs it: Debian
# package chromium). The structure of the pages (well-formed, SVGs closed,
# nothing external) is checked by tests/report in every build as well.
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
    echo "html_check: FAILED, no Chromium to open the pages in (bash .ci/setup.sh installs it; Debian: apt-get install chromium)" >&2
    exit 1
fi
rm -rf "$out"
mkdir -p "$out"
"$build/kafkasim" run scenarios/default.json --out "$out/run" >/dev/null
"$build/kafkasim" compare tests/cli/data/compare_tiny.json --jobs 2 --quiet --out "$out/compare"
"$build/kafkasim" compare tests/cli/data/compare_tiny.json --seeds 2 --jobs 2 --quiet --out "$out/compare12" \
    --vary producers.checkout.config.acks=1,all --vary producers.checkout.config.linger.ms=0,5,20 \
    --vary producers.checkout.config.batch.size=16384,65536
"$build/kafkasim" compare scenarios/compare-acks.json --seeds 2 --jobs 2 --quiet --out "$out/compare-lag"
chrome=("$browser" --headless=new --no-sandbox --disable-gpu --hide-scrollbars --no-first-run
        --disable-extensions --disable-background-networking)
for page in run compare compare12 compare-lag compare-lag/runs/variant-1-seed-1; do
    url="file://$(realpath "$out/$page/index.html")"
    plots=$(grep -c 'data-ks-kind=' "$out/$page/index.html" || true)
    dom="$out/$page.dom.html"
    timeout 180 "${chrome[@]}" --window-size=1200,900 --virtual-time-budget=10000 --dump-dom "$url" \
        >"$dom" 2>"$out/$page.chromium.log" || true
    verdict=$(grep -o 'data-ks-check="[^"]*"' "$dom" | head -n 1 | sed 's/^data-ks-check="//; s/"$//')
    if [ "$verdict" != "ok:$plots:$plots" ]; then
        echo "html_check: $page/index.html: the page's self-check says '${verdict:-nothing}'," \
             "expected ok:$plots:$plots (DOM in $dom, Chromium's messages in $out/$page.chromium.log)" >&2
        exit 1
    fi
    shot="$out/$page.png"
    timeout 180 "${chrome[@]}" --window-size=1200,3000 --screenshot="$shot" "$url" >/dev/null 2>&1 || true
    size=$(stat -c %s "$shot" 2>/dev/null || echo 0)
    if [ "$size" -lt 20000 ]; then
        echo "html_check: $page/index.html rendered to an empty-looking screenshot ($size bytes)" >&2
        exit 1
    fi
    echo "html_check: $page/index.html: self-check $verdict ($plots interactive plots), screenshot $shot ($size bytes)"
done
