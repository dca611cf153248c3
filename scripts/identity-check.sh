#!/usr/bin/env bash
# Bit-identity set for behaviour-preserving changes (refactors, speed-ups).
#
#   scripts/identity-check.sh OUT_DIR [GOVSIM]
#
# Runs a fixed set of experiments with the given govsim executable (default .venv/bin/govsim)
# and writes every CSV they export under OUT_DIR:
#   regression/   the regression case tests/regression/seed-small (1 thread)
#   small-1t/     seed-scenarios-small on 1 thread
#   demo5-1t/     the demo (seed-scenarios.json: Charente, equal budget, territory comparisons,
#                 every output) at 5% of adults, 2 years, 3 replicates, on 1 thread
#   demo5-2t/     the same on 2 threads
# then checks that demo5-1t and demo5-2t agree byte for byte. To prove a change bit-identical,
# run it before and after and compare:  diff -r BEFORE AFTER  (no output = identical).
# Only the CSV exports are kept, without runs.csv's wall_seconds (a timing, not a result).
set -euo pipefail
out=${1:?usage: scripts/identity-check.sh OUT_DIR [GOVSIM]}
govsim=${2:-.venv/bin/govsim}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
rm -rf "$out"
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

run() {  # NAME CONFIG THREADS [extra compare args...]
  local name=$1 config=$2 threads=$3
  shift 3
  "$govsim" compare "$config" --out "$work/$name" --threads "$threads" --force --quiet "$@" >/dev/null
  mkdir -p "$out/$name"
  local f
  for f in "$work/$name"/*.csv; do
    if [ "$(basename "$f")" = runs.csv ]; then  # drop wall_seconds (a timing, not a result)
      python3 -c 'import csv,sys
r = csv.reader(open(sys.argv[1], newline="")); w = csv.writer(open(sys.argv[2], "w", newline=""), lineterminator="\n")
h = next(r); k = h.index("wall_seconds") if "wall_seconds" in h else -1
for row in [h, *r]: w.writerow([v for i, v in enumerate(row) if i != k])' "$f" "$out/$name/runs.csv"
    else
      cp "$f" "$out/$name/"
    fi
  done
}

run regression tests/regression/seed-small/config.json 1
run small-1t scenarios/experiments/seed-scenarios-small.json 1
demo=(--runs 3 --set sim.population_scale=0.05 --set sim.horizon_weeks=104)
run demo5-1t scenarios/experiments/seed-scenarios.json 1 "${demo[@]}"
run demo5-2t scenarios/experiments/seed-scenarios.json 2 "${demo[@]}"
if ! diff -r "$out/demo5-1t" "$out/demo5-2t" >/dev/null; then
  echo "identity-check: 1 and 2 threads differ on the demo at 5%" >&2
  exit 1
fi
echo "identity-check: wrote $(find "$out" -name '*.csv' | wc -l) CSV files under $out (1 vs 2 threads identical)"
