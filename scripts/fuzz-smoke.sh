#!/usr/bin/env bash
# libFuzzer runs of the file readers (ctest fuzz_smoke in the slow tier, and `make fuzz` for longer):
# build the fuzz targets in the one sanitizer build (`scripts/asan-ubsan.sh build fuzz`: preset
# asan-ubsan, build/asan-ubsan, shared with the C++ suite under ASan + UBSan; a link failure of
# any fuzz target fails this test), replay tests/fuzz/regressions/ (inputs that once crashed),
# then fuzz each target's seed corpus.
# Exits non-zero on a build failure or a crash, 0 with "skipped: no clang++" without clang.
#   FUZZ_SECONDS=20 (per target, default) FUZZ_RUNS=1000000 FUZZ_JOBS=2 FUZZ_TARGETS="fuzz_config fuzz_scenario fuzz_territory"
# Prints one line per target: "fuzz-smoke: <target>: <executions> executions in <s> s, 0 crashes".
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SECONDS_BUDGET="${FUZZ_SECONDS:-20}"
RUNS="${FUZZ_RUNS:-1000000}"
JOBS="${FUZZ_JOBS:-2}"
TARGETS="${FUZZ_TARGETS:-fuzz_config fuzz_scenario fuzz_territory}"

if ! command -v clang++ >/dev/null 2>&1; then
  echo "fuzz-smoke: skipped: no clang++"
  exit 0
fi

JOBS="$JOBS" scripts/asan-ubsan.sh build fuzz

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/govsim-fuzz-smoke-XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
shopt -s nullglob

for target in $TARGETS; do
  BIN="build/asan-ubsan/tests/fuzz/$target"
  case "$target" in
    fuzz_config) corpus=(tests/fuzz/corpus/*); regressions=(tests/fuzz/regressions/*) ;;
    *) corpus=(tests/fuzz/corpus-${target#fuzz_}/*); regressions=(tests/fuzz/regressions-${target#fuzz_}/*) ;;
  esac
  # 1. Regressions first: each file once.
  if ((${#regressions[@]})); then
    echo "fuzz-smoke: $target: replaying ${#regressions[@]} regression inputs"
    if ! "$BIN" "${regressions[@]}" >"$WORK/$target-regressions.log" 2>&1; then
      cat "$WORK/$target-regressions.log" >&2
      echo "fuzz-smoke: FAILED: $target: a regression input crashes again (see above)" >&2
      exit 1
    fi
  fi
  # 2. Fuzz a scratch copy of the seed corpus (new inputs are not written into the tree).
  mkdir -p "$WORK/$target-corpus" "$WORK/$target-artifacts"
  ((${#corpus[@]})) && cp "${corpus[@]}" "$WORK/$target-corpus/"
  echo "fuzz-smoke: $target: fuzzing for ${SECONDS_BUDGET}s (at most $RUNS runs)"
  if ! "$BIN" -max_total_time="$SECONDS_BUDGET" -runs="$RUNS" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
       -print_final_stats=1 -artifact_prefix="$WORK/$target-artifacts/" "$WORK/$target-corpus" >"$WORK/$target.log" 2>&1; then
    tail -n 60 "$WORK/$target.log" >&2
    mkdir -p build/asan-ubsan/crashes
    cp "$WORK/$target-artifacts"/* build/asan-ubsan/crashes/ 2>/dev/null || true
    echo "fuzz-smoke: FAILED: $target: crash; inputs copied to build/asan-ubsan/crashes/ -- fix it and add the input to the target's regressions directory" >&2
    exit 1
  fi
  execs=$(grep -oE "stat::number_of_executed_units: *[0-9]+" "$WORK/$target.log" | grep -oE "[0-9]+$" || echo "?")
  secs=$(grep -oE "Done [0-9]+ runs in [0-9]+ second" "$WORK/$target.log" | grep -oE "in [0-9]+" | grep -oE "[0-9]+" || echo "$SECONDS_BUDGET")
  echo "fuzz-smoke: $target: $execs executions in $secs s, 0 crashes (ASan+UBSan)"
done
echo "fuzz-smoke: OK"
