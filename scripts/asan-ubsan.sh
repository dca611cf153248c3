#!/usr/bin/env bash
# The one sanitizer build (preset `asan-ubsan`: clang, ASan + UBSan, build/asan-ubsan) shared by
# the C++ suite under sanitizers and the libFuzzer targets (`make asan`, `make fuzz`, and the slow
# tier of `make test`: ctest asan_ubsan_build, asan_ubsan_unit, fuzz_smoke).
#   scripts/asan-ubsan.sh build [BUILD_PRESET]   configure if needed, build (default preset asan-ubsan:
#                                                 everything; `fuzz`: the fuzz targets alone)
#   scripts/asan-ubsan.sh unit                   the GoogleTest suite (ctest label `unit`) in that build
#   scripts/asan-ubsan.sh build tier             what `make test` runs under sanitizers: the fuzz
#                                                 targets and the TIER_TARGETS test executables (the
#                                                 readers, statistics, store, task farm)
#   scripts/asan-ubsan.sh unit tier              their GoogleTest cases
# The whole suite under sanitizers (every test executable, the model's runs included) is `make
# asan`; `make test` keeps to the tier so that it stays near ten minutes on 2 cores.
# Prints "skipped: no clang++" and exits 0 without clang. JOBS=2 by default.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
JOBS="${JOBS:-${FUZZ_JOBS:-2}}"
DIR=build/asan-ubsan
TIER_TARGETS=(fuzz_config fuzz_scenario fuzz_territory test_rng test_stats test_results_store test_config
  test_open_data test_distributed)
TIER_SUITES='^(Rng|Coverage|Domain|NormalQuantile|PairedDifference|Quantile|RunningStats|StudentTQuantile|Summarize|Verdict|ResultsStoreTest|ConfigTest|Geography|OpenDataReaders|RealTerritories|TerritoryJson|Distributed)\.'

if ! command -v clang++ >/dev/null 2>&1; then
  echo "asan-ubsan: skipped: no clang++"
  exit 0
fi

case "${1:-}" in
  build)
    preset="${2:-asan-ubsan}"
    echo "asan-ubsan: building preset $preset ($DIR)"
    if [[ ! -f $DIR/CMakeCache.txt ]]; then
      mkdir -p "$DIR"
      if ! cmake --preset asan-ubsan >"$DIR/configure.log" 2>&1; then
        tail -n 40 "$DIR/configure.log" >&2
        echo "asan-ubsan: FAILED: cmake --preset asan-ubsan (log: $DIR/configure.log)" >&2
        exit 1
      fi
    fi
    if [[ $preset == tier ]]; then
      build=(cmake --build "$DIR" -j "$JOBS" --target "${TIER_TARGETS[@]}")
    else
      build=(cmake --build --preset "$preset" -j "$JOBS")
    fi
    if ! "${build[@]}" >"$DIR/build.log" 2>&1; then
      tail -n 40 "$DIR/build.log" >&2
      echo "asan-ubsan: FAILED: ${build[*]} does not build (log: $DIR/build.log)" >&2
      exit 1
    fi
    echo "asan-ubsan: built"
    ;;
  unit)
    if [[ ! -f $DIR/CTestTestfile.cmake ]]; then
      echo "asan-ubsan: FAILED: no build in $DIR (run scripts/asan-ubsan.sh build first)" >&2
      exit 1
    fi
    if [[ ${2:-} == tier ]]; then
      ctest --preset asan-ubsan -j "$JOBS" -R "$TIER_SUITES"
    else
      ctest --preset asan-ubsan -j "$JOBS"
    fi
    ;;
  *)
    echo "usage: scripts/asan-ubsan.sh build [BUILD_PRESET|tier] | unit [tier]" >&2
    exit 2
    ;;
esac
