#!/usr/bin/env bash
# Determinism across builds: the reference scenario must give the same trace
# hash in every build given (e.g. release and ASan/UBSan), the same hash twice
# in one build, and a different hash with another seed.
#   .ci/determinism.sh build/release build/asan
set -euo pipefail
cd "$(dirname "$0")/.."
scenario=scenarios/reference.json
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
first=""
for build in "$@"; do
    h=$("$build/kafkasim" run "$scenario" --quiet --out "$out/a")
    again=$("$build/kafkasim" run "$scenario" --quiet --out "$out/b")
    other=$("$build/kafkasim" run "$scenario" --quiet --seed 7 --out "$out/c")
    echo "$build: $h"
    if [ "$h" != "$again" ]; then echo "determinism: $build gave two hashes for one seed: $h / $again" >&2; exit 1; fi
    if [ "$h" = "$other" ]; then echo "determinism: $build gave the same hash for seeds 42 and 7" >&2; exit 1; fi
    if [ -z "$first" ]; then first="$h"; elif [ "$h" != "$first" ]; then
        echo "determinism: builds disagree: $first vs $h" >&2; exit 1
    fi
done
echo "determinism: same trace hash in every build ($first)"
