#!/usr/bin/env bash
# The one sanitizer build (preset `asan-ubsan`: clang, ASan + UBSan, build/asan-ubsan) shared by
# the C++ suite under sanitizers and the libFuzzer targets (`make asan`, `make fuzz`, and the slow
# tier of `make test`: ctest asan_ubsan_build, asan_ubsan_unit, fuzz_smoke).
#   scripts/asan-ubsan.sh build [BUILD_PRESET]   configure if needed, build (default preset asan-ubsan:
#                                                 everything; `fuzz`: the fuzz targets alone)
#   scripts/asan-ubsan.sh unit                   the GoogleTest suite (ctest label `unit`) in that build
# Prints "skipped: no clang++" and exits 0 without clang. JOBS=2 by default.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
JOBS="${JOBS:-${FUZZ_JOBS:-2}}"
DIR=build/asan-ubsan

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
    if ! cmake --build --preset "$preset" -j "$JOBS" >"$DIR/build.log" 2>&1; then
      tail -n 40 "$DIR/build.log" >&2
      echo "asan-ubsan: FAILED: cmake --build --preset $preset does not build (log: $DIR/build.log)" >&2
      exit 1
    fi
    echo "asan-ubsan: built"
    ;;
  unit)
    if [[ ! -f $DIR/CTestTestfile.cmake ]]; then
      echo "asan-ubsan: FAILED: no build in $DIR (run scripts/asan-ubsan.sh build first)" >&2
      exit 1
    fi
    ctest --preset asan-ubsan -j "$JOBS"
    ;;
  *)
    echo "usage: scripts/asan-ubsan.sh build [BUILD_PRESET] | unit" >&2
    exit 2
    ;;
esac
