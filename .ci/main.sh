#!/usr/bin/env bash
# The README's main job: sets up, builds, and runs the default scenario,
# printing its summary and where the report folder is.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/setup.sh
bash .ci/build.sh release
./build/release/kafkasim check scenarios/default.json
./build/release/kafkasim run scenarios/default.json --timeline
