"""The command line of the calibration: ``govsim targets check|table`` and ``govsim calibrate``
(``python -m govsim.calibration``, which the ``govsim`` executable runs)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .._core import ConfigError
from .evaluation import check, format_rows, rows_markdown
from .fitting import OBJECTIVE_TEXT, _parse_free, calibrate, write_parameters
from .population_model import population_table
from .targets import load_target_files


def _sets(items: Sequence[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for s in items:
        name, eq, value = s.partition("=")
        if not eq or not name:
            raise ConfigError(f"--set: at {s}: expected name=value (e.g. --set needs.rate_per_year=5), got '{s}'")
        out[name] = value
    return out


DEFAULT_TARGETS = "data/targets/insee-2019.json"


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in ("targets", "calibrate"):
        print("usage: govsim targets check CONFIG [--targets FILE] | govsim calibrate CONFIG --targets FILE --free ...",
              file=sys.stderr)
        return 2
    cmd = argv.pop(0)
    if cmd == "targets":
        p = argparse.ArgumentParser(prog="govsim targets", description=(
            "check: runs the baseline of CONFIG on each target's territory and prints observed vs simulated, "
            "tolerance and verdict per target; exit 0 only if all pass (1 if some fail, 2 on bad input)."),
            epilog="Example:\n  govsim targets check scenarios/experiments/calibration.json --targets data/targets/insee-2019.json",
            formatter_class=argparse.RawDescriptionHelpFormatter)
        p.add_argument("action", choices=["check", "table"],
                       help="check: targets vs model; table: the fitted initial-population model of CONFIG's territory")
        p.add_argument("config")
        p.add_argument("--targets", action="append", help=f"targets file (repeatable; default {DEFAULT_TARGETS})")
        p.add_argument("--runs", type=int, help="replicates (default: the config's)")
        p.add_argument("--threads", type=int, default=0)
        p.add_argument("--set", action="append", default=[], help="override a parameter: name=value")
        p.add_argument("--role", choices=["all", "fit", "holdout"], default="all")
        p.add_argument("--markdown", action="store_true", help="print a Markdown table instead")
    else:
        p = argparse.ArgumentParser(prog="govsim calibrate", description=(
            "Fits the free parameters to the targets of role \"fit\" with Optuna (TPE sampler, seeded) in an "
            "SQLite study (rerun to resume), then writes the best set as a parameters file with provenance "
            "and prints every target (held-out ones too) at that set."),
            epilog=("Example:\n  govsim calibrate scenarios/experiments/calibration.json --targets data/targets/activity-2023.json \\\n"
                    "    --free mediation.sessions_per_fte_week=10:40 --trials 60 --jobs 2 --out data/calibration/fitted.json"),
            formatter_class=argparse.RawDescriptionHelpFormatter)
        p.add_argument("config")
        p.add_argument("--targets", required=True, action="append")
        p.add_argument("--free", action="append", default=[], help="free parameter NAME=MIN:MAX (repeatable)")
        p.add_argument("--trials", type=int, default=50, help="total trials in the study (resume adds the missing ones)")
        p.add_argument("--jobs", type=int, default=1, help="trials run in parallel")
        p.add_argument("--runs", type=int, help="replicates per evaluation (default: the config's)")
        p.add_argument("--seed", type=int, default=1, help="sampler seed")
        p.add_argument("--storage", default="results/calibration/study.sqlite3", help="SQLite file of the study")
        p.add_argument("--study", default="govsim-calibration", help="study name in the storage")
        p.add_argument("--out", default="results/calibration/fitted-parameters.json", help="parameters file to write")
        p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    try:
        a = p.parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0) if e.code in (0, None) else 2
    try:
        if cmd == "targets" and a.action == "table":
            print(population_table(a.config, None, _sets(a.set)))
            return 0
        files = a.targets or [DEFAULT_TARGETS]
        ts = load_target_files(files)
        if a.runs is not None and a.runs < 1:
            raise ConfigError(f"--runs: at {a.runs}: expected a positive integer, got {a.runs}")
        if cmd == "targets":
            rows = check(a.config, ts, _sets(a.set), a.runs, a.threads, a.role)
            print(rows_markdown(rows) if a.markdown else format_rows(rows))
            failed = [r for r in rows if not r.passed]
            print(f"\n{len(rows) - len(failed)}/{len(rows)} targets met", file=sys.stderr)
            return 0 if not failed else 1
        free = _parse_free(a.free)
        if a.trials < 1 or a.jobs < 1:
            raise ConfigError(f"--trials/--jobs: at {a.trials}/{a.jobs}: expected positive integers, got {a.trials}/{a.jobs}")
        # Progress bar (trials done, time left) on a terminal only, never under --quiet.
        study = calibrate(a.config, ts, free, a.trials, a.storage, a.study, a.seed, a.jobs, a.runs,
                          not a.quiet and sys.stderr.isatty())
        best = {k: v for k, v in study.best_trial.params.items()}
        rows = check(a.config, ts, best, a.runs, 0, "all")
        write_parameters(a.out, study, ts, free, a.config, a.seed, rows)
        print("best parameters: " + ", ".join(f"{k}={v:.6g}" for k, v in best.items()))
        print(f"objective ({OBJECTIVE_TEXT}): {study.best_value:.4g} after {len(study.trials)} trials")
        print(format_rows(rows))
        print(f"\nwrote {a.out}")
        return 0
    except ConfigError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
