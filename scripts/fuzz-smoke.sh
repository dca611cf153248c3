#!/usr/bin/env bash
# Short libFuzzer run of the config loader (what ctest runs): configure + build the `fuzz` preset
# into build/fuzz, replay tests/fuzz/regressions/ (inputs that once crashed), then fuzz the seed
# corpus for a short while. Exits non-zero on a crash, 0 with "skipped: no clang++" without clang.
# Longer runs: tests/fuzz/README.md (or `make fuzz`).
#   FUZZ_SECONDS=20 (default) FUZZ_RUNS=1000000 FUZZ_JOBS=2 scripts/fuzz-smoke.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SECONDS_BUDGET="${FUZZ_SECONDS:-20}"
RUNS="${FUZZ_RUNS:-1000000}"
JOBS="${FUZZ_JOBS:-2}"

if ! command -v clang++ >/dev/null 2>&1; then
  echo "fuzz-smoke: skipped: no clang++"
  exit 0
fi

BIN="build/fuzz/tests/fuzz/fuzz_config"
echo "fuzz-smoke: building $BIN (preset fuzz)"
if [[ ! -f build/fuzz/CMakeCache.txt ]]; then
  cmake --preset fuzz >/dev/null
fi
cmake --build build/fuzz --target fuzz_config -j "$JOBS" >/dev/null || {
  echo "fuzz-smoke: build failed; rerun: cmake --build build/fuzz --target fuzz_config" >&2
  exit 1
}

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/govsim-fuzz-smoke-XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# 1. Regressions first: each file once.
shopt -s nullglob
regressions=(tests/fuzz/regressions/*)
if ((${#regressions[@]})); then
  echo "fuzz-smoke: replaying ${#regressions[@]} regression inputs"
  if ! "$BIN" "${regressions[@]}" >"$WORK/regressions.log" 2>&1; then
    cat "$WORK/regressions.log" >&2
    echo "fuzz-smoke: FAILED: a regression input crashes again (see above)" >&2
    exit 1
  fi
fi

# 2. Fuzz a scratch copy of the seed corpus (new inputs are not written into the tree).
mkdir -p "$WORK/corpus" "$WORK/artifacts"
cp tests/fuzz/corpus/* "$WORK/corpus/"
echo "fuzz-smoke: fuzzing for ${SECONDS_BUDGET}s (at most $RUNS runs)"
if ! "$BIN" -max_total_time="$SECONDS_BUDGET" -runs="$RUNS" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
     -print_final_stats=1 -artifact_prefix="$WORK/artifacts/" "$WORK/corpus" >"$WORK/fuzz.log" 2>&1; then
  tail -n 60 "$WORK/fuzz.log" >&2
  mkdir -p build/fuzz/crashes
  cp "$WORK"/artifacts/* build/fuzz/crashes/ 2>/dev/null || true
  echo "fuzz-smoke: FAILED: crash; inputs copied to build/fuzz/crashes/ -- fix it and add the input to tests/fuzz/regressions/" >&2
  exit 1
fi
grep -E "stat::number_of_executed_units|Done [0-9]+ runs" "$WORK/fuzz.log" | tail -n 2 || true

# 3. The open-data readers (communes CSV, places CSV/JSON, territory JSON): same steps.
TBIN="build/fuzz/tests/fuzz/fuzz_territory"
T_SECONDS="${FUZZ_TERRITORY_SECONDS:-10}"
cmake --build build/fuzz --target fuzz_territory -j "$JOBS" >/dev/null || {
  echo "fuzz-smoke: build failed; rerun: cmake --build build/fuzz --target fuzz_territory" >&2
  exit 1
}
tregressions=(tests/fuzz/regressions-territory/*)
if ((${#tregressions[@]})); then
  "$TBIN" "${tregressions[@]}" >"$WORK/tregressions.log" 2>&1 || {
    cat "$WORK/tregressions.log" >&2
    echo "fuzz-smoke: FAILED: a territory regression input crashes again" >&2
    exit 1
  }
fi
mkdir -p "$WORK/tcorpus" "$WORK/tartifacts"
cp tests/fuzz/corpus-territory/* "$WORK/tcorpus/"
echo "fuzz-smoke: fuzzing the open-data readers for ${T_SECONDS}s"
if ! "$TBIN" -max_total_time="$T_SECONDS" -runs="$RUNS" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
     -print_final_stats=1 -artifact_prefix="$WORK/tartifacts/" "$WORK/tcorpus" >"$WORK/tfuzz.log" 2>&1; then
  tail -n 60 "$WORK/tfuzz.log" >&2
  mkdir -p build/fuzz/crashes
  cp "$WORK"/tartifacts/* build/fuzz/crashes/ 2>/dev/null || true
  echo "fuzz-smoke: FAILED: crash in fuzz_territory; inputs copied to build/fuzz/crashes/ -- add them to tests/fuzz/regressions-territory/" >&2
  exit 1
fi
grep -E "stat::number_of_executed_units|Done [0-9]+ runs" "$WORK/tfuzz.log" | tail -n 2 || true
echo "fuzz-smoke: OK"
