#!/usr/bin/env bash
# Regenerates the committed reference reports in reports/reference/ from the
# scenarios in scenarios/reference-reports/ (see reports/README.md).
#
#   bash reports/make.sh            # set up, build, run all three (a few minutes on 2 cores)
#
# The output depends only on the binary, the scenarios and the seeds, not on
# the number of cores: rerunning it on the same commit rewrites the same files.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/setup.sh
bash .ci/build.sh release
bin=build/release/kafkasim
src=scenarios/reference-reports
out=reports/reference
mkdir -p "$out"
"$bin" compare "$src/leader-crash-grid.json" --out "$out/leader-crash-grid"
"$bin" compare "$src/rack-power-loss-grid.json" --out "$out/rack-power-loss-grid"
"$bin" run "$src/rebalance-and-lag.json" --out "$out/rebalance-and-lag"
echo "reports/make.sh: wrote $out/{leader-crash-grid,rack-power-loss-grid,rebalance-and-lag}"
