#!/usr/bin/env bash
# clang-format --dry-run --Werror over every C++ file git tracks (the tree is
# formatted as a whole: .clang-format, ColumnLimit 120). Prints the files that
# differ; fix them with: clang-format -i FILE...
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.cpp' '*.hpp')
bad=()
for f in "${files[@]}"; do
    clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done
if ((${#bad[@]})); then
    echo "format: ${#bad[@]} file(s) differ from .clang-format (clang-format -i to fix):" >&2
    printf '  %s\n' "${bad[@]}" >&2
    exit 1
fi
echo "format: ${#files[@]} files match .clang-format"
