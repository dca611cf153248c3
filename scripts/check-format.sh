#!/usr/bin/env bash
# Fails when a tracked C++ source differs from the layout .clang-format asks for; `make format`
# fixes it. Run by `make test` (ctest `format`). clang-format comes from scripts/debian-packages.txt.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if ! command -v clang-format >/dev/null 2>&1; then
  echo "check-format: clang-format is not installed (scripts/install-deps.sh installs it)" >&2
  exit 1
fi
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files -co --exclude-standard -- '*.cpp' '*.hpp')
else
  mapfile -t files < <(find app engine models python/src tests benchmarks -name '*.cpp' -o -name '*.hpp')
fi
existing=()
for f in "${files[@]}"; do [ -f "$f" ] && existing+=("$f"); done
if ! clang-format --dry-run --Werror "${existing[@]}" 2>/tmp/check-format.$$; then
  grep -E '^[^ ].*: (error|warning):' /tmp/check-format.$$ | cut -d: -f1 | sort -u | sed 's/^/check-format: not formatted: /' >&2
  rm -f /tmp/check-format.$$
  echo "check-format: run \`make format\` (clang-format $(clang-format --version | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -1))" >&2
  exit 1
fi
rm -f /tmp/check-format.$$
echo "check-format: ${#existing[@]} files formatted"
